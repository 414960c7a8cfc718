"""A breach record is HR's alone (HR-2): a sentinel planted in every free-text field of breach
records never reaches anyone else, on any page, export, e-mail, notification or event summary.

Every URL of the project (and, for the administrator, every page of the Django admin) is opened
as every member of the cast but HR, on the same objects the permission matrix uses, and the
answer is searched for the sentinel, spreadsheets unzipped.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from breaches.concerns import concern_raise
from breaches.models import BreachOutcome, BreachRecord
from breaches.services import breach_close, breach_read, breach_record, breach_update
from governance.models import Event, Notification, User
from tests.conftest import CAST
from tests.test_permission_matrix import (
    is_admin_route,
    project_routes,
    url_arguments,  # noqa: F401 - the permission matrix's objects, breach record included
    url_for,
)
from tests.urlwalk import routes

SENTINEL = "ZQX-SENTINEL-4711"
NOT_HR = [role for role in CAST if role != "hr"]


@pytest.fixture
def planted(
    url_arguments: dict[str, str],  # noqa: F811
    hr: User,
    communications: User,
    requester: User,
    colleague: User,
) -> BreachRecord:
    """The matrix's concern, filled in by HR with the sentinel in every field; a second record
    closed with the sentinel in its outcome; a third raised by Communications with it."""
    record = BreachRecord.objects.get(pk=url_arguments["breach"])
    breach_update(
        actor=hr,
        record=record,
        what_happened=f"Shared the password {SENTINEL}-what",
        clauses=f"MSM 8.1 {SENTINEL}-clauses",
        hr_case_reference=f"{SENTINEL}-ref",
    )
    breach_read(reader=hr, record=record)
    breach_read(reader=hr, person=requester)
    closed = breach_record(
        actor=hr, person=colleague, what_happened=f"{SENTINEL}-second", clauses="MSM 5.12"
    )
    breach_close(
        actor=hr, record=closed, outcome=BreachOutcome.FORMAL_WARNING, outcome_note=SENTINEL
    )
    concern_raise(raiser=communications, person=colleague, what_happened=f"{SENTINEL}-concern")
    return record


def text_of(response: Any) -> str:
    """What the person receives, as text: a streamed file joined, a spreadsheet unzipped."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist())
    return content.decode("utf-8", errors="replace")


@pytest.mark.django_db
def test_hr_sees_the_sentinel_so_the_search_below_can_find_it(
    planted: BreachRecord, hr: User, client_for: Callable[[User | None], Client]
) -> None:
    page = text_of(client_for(hr).get(reverse("breach", args=[planted.pk])))

    assert f"{SENTINEL}-what" in page
    assert f"{SENTINEL}-clauses" in page
    assert f"{SENTINEL}-ref" in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", NOT_HR)
def test_no_page_or_export_shows_a_breach_record_to_anyone_but_hr(
    role: str,
    planted: BreachRecord,
    cast: dict[str, User | None],
    client_for: Callable[[User | None], Client],
    url_arguments: dict[str, str],  # noqa: F811
) -> None:
    client = client_for(cast[role])
    opened, leaks = 0, []
    for route in routes():
        if is_admin_route(route) and role != "administrator":
            continue
        url = url_for(route, url_arguments)
        response = client.get(url)
        opened += response.status_code == 200
        if SENTINEL in text_of(response):
            leaks.append(url)

    assert leaks == []
    assert opened >= 5  # the walk really opened pages as this person


@pytest.mark.django_db
def test_the_person_and_the_record_are_not_named_in_the_event_log_or_any_message(
    planted: BreachRecord, requester: User
) -> None:
    breach_events = Event.objects.filter(action__startswith="breach.")
    assert breach_events.count() >= 5
    for event in Event.objects.all():
        written = f"{event.summary} {event.reason} {json.dumps(event.data)}"
        assert SENTINEL not in written, event.action
    for event in breach_events:
        assert requester.full_name not in event.summary

    notifications = Notification.objects.filter(key__startswith="breach:")
    assert notifications.count() >= 3
    for notification in Notification.objects.all():
        assert SENTINEL not in f"{notification.subject} {notification.body}"
    for notification in notifications:
        assert requester.full_name not in f"{notification.subject} {notification.body}"
    for message in mail.outbox:
        assert SENTINEL not in f"{message.subject} {message.body}"


@pytest.mark.django_db
def test_every_project_url_was_walked(url_arguments: dict[str, str]) -> None:  # noqa: F811
    names = {route.name for route in project_routes()}

    assert {"breach", "breach_person", "breach_reads", "register_export_xlsx"} <= names
    # issue 11: the compliance statement, its CSV and clause map, and the public register
    assert {
        "compliance",
        "compliance_csv",
        "compliance_clauses",
        "official_accounts",
        "official_check",
        "official_report",
        "official_report_sent",
        "official_open_data",
        "official_open_data_csv",
        "official_open_data_json",
    } <= names
