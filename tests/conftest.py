"""Shared fixtures: a fixed cast of people, and the settings every test runs with.

The cast works in a small council: the requester reports to the line manager, who reports to
the Head of Service of Leisure and Culture. Communications, HR, the policy owner, Legal and the
auditor hold their groups; the outsider works in Housing and holds no role.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.test import Client

from governance import roles
from governance.celery import app as celery_app
from governance.models import ServiceArea, User
from moderation.models import Evidence

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "correct-horse-battery-staple"

# In CI every real part must be there: a missing PostgreSQL or Chromium is a failure, not a skip.
REQUIRE_SERVICES = os.environ.get("PORTAL_TEST_REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if REQUIRE_SERVICES and connection.vendor != "postgresql":
        raise pytest.UsageError("PORTAL_TEST_REQUIRE_SERVICES=1 needs DATABASE_URL=postgres://")


@pytest.fixture(autouse=True)
def _test_settings(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ACCOUNT_RATE_LIMITS = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.SITE_URL = "https://portal.example"
    settings.COUNCIL_EMAIL_DOMAINS = ["council.example"]
    settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    # The evidence field took its storage when the models loaded, before these settings: give
    # it this test's, or every upload would land in the laptop's var/media/evidence.
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", storages["evidence"])
    location = str(django_settings.CACHES["default"].get("LOCATION", ""))
    if location.startswith("redis"):
        # Each pytest-xdist worker gets its own Redis database, so one worker clearing its
        # cache cannot wipe another's rate-limit counters mid-test.
        worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
        base = location.rsplit("/", 1)[0]
        settings.CACHES = {
            "default": {**django_settings.CACHES["default"], "LOCATION": f"{base}/{8 + worker}"}
        }
    cache.clear()  # used TOTP codes and rate-limit counters are kept in the cache
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


def make_person(
    email: str,
    full_name: str,
    *,
    area: ServiceArea | None = None,
    manager: User | None = None,
    groups: tuple[str, ...] = (),
    superuser: bool = False,
    job_title: str = "Officer",
) -> User:
    person = User.objects.create_user(
        email,
        PASSWORD,
        full_name=full_name,
        service_area=area,
        line_manager=manager,
        job_title=job_title,
        is_superuser=superuser,
        is_staff=superuser,
    )
    for name in groups:
        person.groups.add(Group.objects.get_or_create(name=name)[0])
    if roles.requires_mfa(person):
        TOTP.activate(person, TOTP_SECRET)
    return person


@pytest.fixture
def leisure(db: Any) -> ServiceArea:
    return ServiceArea.objects.create(code="leisure", name="Leisure and Culture")


@pytest.fixture
def housing(db: Any) -> ServiceArea:
    return ServiceArea.objects.create(code="housing", name="Housing")


@pytest.fixture
def head_of_service(leisure: ServiceArea) -> User:
    head = make_person("head@council.example", "Helen Brooks", area=leisure)
    leisure.head = head
    leisure.save()
    return head


@pytest.fixture
def line_manager(leisure: ServiceArea, head_of_service: User) -> User:
    return make_person(
        "manager@council.example", "Sam Okafor", area=leisure, manager=head_of_service
    )


@pytest.fixture
def requester(leisure: ServiceArea, line_manager: User) -> User:
    return make_person(
        "requester@council.example", "Riya Patel", area=leisure, manager=line_manager
    )


@pytest.fixture
def colleague(leisure: ServiceArea, line_manager: User) -> User:
    return make_person(
        "colleague@council.example", "Tom Fletcher", area=leisure, manager=line_manager
    )


@pytest.fixture
def communications(db: Any) -> User:
    return make_person("comms@council.example", "Chris Evans", groups=(roles.COMMUNICATIONS,))


@pytest.fixture
def hr(db: Any) -> User:
    return make_person("hr@council.example", "Harriet Lane", groups=(roles.HR,))


@pytest.fixture
def policy_owner(db: Any) -> User:
    return make_person("policy@council.example", "Paul Nkemelu", groups=(roles.POLICY_OWNER,))


@pytest.fixture
def legal(db: Any) -> User:
    return make_person("legal@council.example", "Leah Grant", groups=(roles.LEGAL,))


@pytest.fixture
def auditor(db: Any) -> User:
    return make_person("auditor@council.example", "Aled Rees", groups=(roles.AUDITOR,))


@pytest.fixture
def outsider(housing: ServiceArea) -> User:
    return make_person("outsider@council.example", "Owen Price", area=housing)


@pytest.fixture
def administrator(db: Any) -> User:
    return make_person("admin@council.example", "Alex Morgan", superuser=True)


CAST = (
    "requester",
    "line_manager",
    "head_of_service",
    "communications",
    "hr",
    "policy_owner",
    "legal",
    "auditor",
    "outsider",
    "administrator",
    "anonymous",
)


@pytest.fixture
def cast(
    requester: User,
    line_manager: User,
    head_of_service: User,
    communications: User,
    hr: User,
    policy_owner: User,
    legal: User,
    auditor: User,
    outsider: User,
    administrator: User,
) -> dict[str, User | None]:
    return {
        "requester": requester,
        "line_manager": line_manager,
        "head_of_service": head_of_service,
        "communications": communications,
        "hr": hr,
        "policy_owner": policy_owner,
        "legal": legal,
        "auditor": auditor,
        "outsider": outsider,
        "administrator": administrator,
        "anonymous": None,
    }


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    """A test client signed in as this person (MFA already passed), or anonymous for None."""

    def make(person: User | None) -> Client:
        client = Client()
        if person is not None:
            client.force_login(person)
        return client

    return make
