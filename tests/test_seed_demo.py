from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, AccountRequest, AccountStatus, RequestStatus
from governance import roles
from governance.models import Event, Notification, ServiceArea, StaffImport, User
from governance.todo import todos_for
from moderation.models import (
    AbuseCase,
    CaseState,
    CredentialTask,
    DeviceReport,
    Incident,
    IncidentKind,
    IncidentState,
    ReportState,
    TaskState,
)
from official.selectors import Verdict, closed_on, lookup, public_accounts


@pytest.mark.django_db(transaction=True)  # as on a real database: no test transaction around it
def test_seed_demo_creates_the_demo_council_once(settings: Any) -> None:
    settings.DEBUG = True  # the laptop, where the default demo secrets are allowed
    out = io.StringIO()
    second = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=second)

    # 40 staff, and the colleague who left two months ago (compliance/demo/)
    assert User.objects.count() == 41
    assert User.objects.filter(leaver_recorded_at__isnull=True).count() == 40
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
    assert "Demo register: already there." in second.getvalue()
    assert "Demo requests and history: already there." in second.getvalue()
    assert "Demo history of the past year: already there." in second.getvalue()


@pytest.mark.django_db
def test_the_demo_council_publishes_its_accounts_for_residents(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())

    public = {account.name: account for account in public_accounts()}
    assert sorted(public) == [
        "Demo Borough Council",
        "Demo Careers",
        "Demo Libraries",
        "Demo Parks",
        "Leisure Centre Offers",
        "Museum Stories",
        "Recycle Right",
    ]
    assert public["Museum Stories"].status == AccountStatus.CLOSED
    housing = Account.objects.get(name="Housing News")
    assert housing.published
    assert housing.status == AccountStatus.SUSPENDED
    assert not Account.objects.filter(published=True, status=AccountStatus.UNAPPROVED).exists()
    # What a resident is told about addresses copied from each platform.
    assert lookup("https://twitter.com/democouncil?s=20").verdict is Verdict.OFFICIAL
    assert lookup("instagram.com/RecycleRight").verdict is Verdict.OFFICIAL
    assert lookup("https://www.flickr.com/photos/demoparks/albums").verdict is Verdict.OFFICIAL
    assert lookup("linkedin.com/company/demo-borough-careers").verdict is Verdict.OFFICIAL
    assert lookup("museum-stories.demo.council.example").verdict is Verdict.CLOSED
    assert lookup("@DemoHousing").verdict is Verdict.UNKNOWN


@pytest.mark.django_db
def test_the_demo_register_says_when_the_museum_blog_closed(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())

    museum = public_accounts().get(name="Museum Stories")

    closed = closed_on(museum)
    assert closed is not None
    assert (timezone.localdate() - closed).days == 185


@pytest.mark.django_db
def test_the_demo_council_has_a_residents_impersonation_report_for_communications(
    settings: Any,
) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    second = io.StringIO()
    call_command("seed_demo", stdout=second)

    report = Incident.objects.get(kind=IncidentKind.IMPERSONATION)
    assert report.reporter is None
    assert report.state == IncidentState.OPEN
    assert report.account == Account.objects.get(handle="@DemoCouncil")
    assert report.contact_email.endswith("@example.org")
    assert lookup(report.post_url).verdict is Verdict.LOOKALIKE
    communications = User.objects.get(email="comms@demo.council.example")
    assert [
        todo.title
        for todo in todos_for(communications)
        if todo.url == reverse("incident", args=[report.pk])
    ] == [f"{report.reference}: An account pretending to be the council's"]
    assert "Demo impersonation report: already there." in second.getvalue()


@pytest.mark.django_db
def test_the_demo_dashboard_shows_a_year_of_requests_tasks_and_incidents(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.get(email="comms@demo.council.example"))

    response = client.get(reverse("register_dashboard"))

    charts = {chart.key: chart for chart in response.context["charts"]}
    for key in ("requests", "tasks", "incidents"):
        chart = charts[key]
        months = [
            bucket.label
            for index, bucket in enumerate(chart.buckets)
            if any(series.points[index].value for series in chart.series)
        ]
        assert len(months) >= 4, f"{chart.title}: only in {months}"
    # The past is finished: what is still open is the demo's own today (the last fortnight).
    fortnight_ago = timezone.now() - datetime.timedelta(days=14)
    assert not AccountRequest.objects.filter(
        submitted_at__lt=fortnight_ago, status__in=[RequestStatus.SUBMITTED, RequestStatus.RETURNED]
    ).exists()
    assert not AccountRequest.objects.filter(
        submitted_at__lt=fortnight_ago, status=RequestStatus.APPROVED
    ).exists()
    assert not CredentialTask.objects.filter(
        raised_at__lt=fortnight_ago, state=TaskState.OPEN
    ).exists()
    assert not DeviceReport.objects.filter(
        reported_at__lt=fortnight_ago, state=ReportState.OPEN
    ).exists()
    assert not Incident.objects.filter(
        reported_at__lt=fortnight_ago, state=IncidentState.OPEN
    ).exists()
    assert not AbuseCase.objects.filter(opened_at__lt=fortnight_ago, state=CaseState.OPEN).exists()


def audit_trail_counts() -> dict[str, int]:
    """Rows a second seed_demo must not add: events, notifications, imports and every history."""
    counts = {
        "events": Event.objects.count(),
        "notifications": Notification.objects.count(),
        "staff imports": StaffImport.objects.count(),
        "email addresses": EmailAddress.objects.count(),
        "authenticators": Authenticator.objects.count(),
        "group memberships": User.groups.through.objects.count(),
        "groups": Group.objects.count(),
    }
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            counts[model._meta.label] = model._default_manager.count()
    return counts


@pytest.mark.django_db(transaction=True)
def test_a_second_seed_demo_adds_nothing_to_the_audit_trail(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    before = audit_trail_counts()
    user_history = User.history.count()
    passwords = dict(User.objects.values_list("pk", "password"))

    call_command("seed_demo", stdout=io.StringIO())

    assert audit_trail_counts() == before
    assert User.history.count() == user_history
    assert dict(User.objects.values_list("pk", "password")) == passwords


@pytest.mark.django_db
def test_seed_demo_puts_back_what_was_changed_in_the_demo_council(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    riya = User.objects.get(email="requester@demo.council.example")
    riya.job_title = "Changed by hand"
    riya.set_password("another-password")
    riya.save()
    comms = User.objects.get(email="comms@demo.council.example")
    comms.groups.clear()
    imports = StaffImport.objects.count()

    call_command("seed_demo", stdout=io.StringIO())

    riya.refresh_from_db()
    assert riya.job_title == "Events Officer"
    assert riya.check_password(settings.DEMO_PASSWORD)
    assert roles.is_communications(User.objects.get(pk=comms.pk))
    assert StaffImport.objects.count() == imports + 1


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
