from __future__ import annotations

import io
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Account, AccountRequest, AccountStatus, RequestStatus
from governance import roles
from governance.models import ServiceArea, User


@pytest.mark.django_db(transaction=True)  # as on a real database: no test transaction around it
def test_seed_demo_creates_the_demo_council_once(settings: Any) -> None:
    settings.DEBUG = True  # the laptop, where the default demo secrets are allowed
    out = io.StringIO()
    second = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=second)

    assert User.objects.count() == 40
    assert ServiceArea.objects.count() == 6
    assert ServiceArea.objects.filter(head__isnull=True).count() == 0
    for login in ("requester", "manager", "head", "comms", "hr", "policy", "legal", "auditor"):
        assert f"{login}@demo.council.example" in out.getvalue()

    requester = User.objects.get(email="requester@demo.council.example")
    manager = User.objects.get(email="manager@demo.council.example")
    head = User.objects.get(email="head@demo.council.example")
    assert requester.line_manager == manager
    assert requester.service_area is not None
    assert requester.service_area.head == head
    assert roles.is_communications(User.objects.get(email="comms@demo.council.example"))
    assert roles.is_hr(User.objects.get(email="hr@demo.council.example"))
    assert roles.is_policy_owner(User.objects.get(email="policy@demo.council.example"))
    assert roles.is_legal(User.objects.get(email="legal@demo.council.example"))
    assert roles.is_auditor(User.objects.get(email="auditor@demo.council.example"))
    assert User.objects.get(email="admin@demo.council.example").is_superuser
    assert Authenticator.objects.filter(type="totp").count() == 3
    assert AccountRequest.objects.values("status").distinct().count() == len(RequestStatus)
    assert Account.objects.filter(status=AccountStatus.UNAPPROVED).count() == 1
    assert "Demo requests and register: already there." in second.getvalue()


@pytest.mark.django_db
def test_demo_logins_use_the_demo_password(settings: Any) -> None:
    settings.DEMO_PASSWORD = "another-demo-password"
    settings.DEMO_TOTP_SECRET = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ"
    call_command("seed_demo", stdout=io.StringIO())

    response = Client().post(
        "/auth/login/",
        {"login": "requester@demo.council.example", "password": "another-demo-password"},
    )

    assert response["Location"] == "/"


@pytest.mark.django_db
def test_seed_demo_refuses_laptop_secrets_in_production(settings: Any) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="set DEMO_PASSWORD and DEMO_TOTP_SECRET"):
        call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.count() == 0
