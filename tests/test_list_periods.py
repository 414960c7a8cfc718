"""A period in a list's address (``?from=2026-04-01&to=2026-06-30``, both days included): the
compliance statement's figures link to the lists behind them this way (issue 11, AUD-1).

Each list is given four records: one on the first moment of the period's first day and one on
the last minute of its last day (both in), and one a minute before and one a minute after
(both out), all in the council's time zone. Europe/London is an hour ahead of UTC in summer,
so a list that read the days in UTC would take the minute after the period as inside it.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from accounts.models import AccountRequest
from accounts.services.requests import request_submit
from governance.models import User
from moderation.models import (
    AbuseCategory,
    DeviceKind,
    DeviceLoss,
    Incident,
    IncidentKind,
)
from moderation.services.abuse import case_close, case_open
from moderation.services.credentials import rotation_request, task_cancel
from moderation.services.devices import device_report_submit
from moderation.services.impersonation import impersonation_report
from moderation.services.incidents import incident_close, incident_report
from moderation.views.incidents import KIND_LISTS
from tests.register_helpers import make_account
from tests.requests_helpers import complete_draft, decide_current

LONDON = ZoneInfo("Europe/London")
PERIOD = "from=2026-04-01&to=2026-06-30"
LABEL = "1 April 2026 to 30 June 2026"
FIRST = datetime.datetime(2026, 4, 1, 0, 0, tzinfo=LONDON)
LAST = datetime.datetime(2026, 6, 30, 23, 59, tzinfo=LONDON)
BEFORE = datetime.datetime(2026, 3, 31, 23, 59, tzinfo=LONDON)
AFTER = datetime.datetime(2026, 7, 1, 0, 1, tzinfo=LONDON)  # still 30 June in UTC
MOMENTS = {"first": FIRST, "last": LAST, "before": BEFORE, "after": AFTER}
BAD_PERIODS = [
    "from=2026-04-01",
    "to=2026-06-30",
    "from=2026-06-30&to=2026-04-01",
    "from=yesterday&to=today",
    "from=2026-02-30&to=2026-06-30",
    "from=2026-04-01&to=" + "9" * 300,
    "from=&to=",
]


def page_of(response: Any) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def listed(page: str, references: dict[str, str]) -> set[str]:
    """Which of the records (by name) the page links to."""
    return {name for name, reference in references.items() if reference in page}


def addresses(page: str) -> list[dict[str, str]]:
    """The query of every link on the page that stays on the list (``href="?…"``)."""
    return [dict(parse_qsl(href[1:])) for href in re.findall(r'href="(\?[^"]*)"', page)]


def check_period(
    client: Client, path: str, references: dict[str, str], things: str, *, also: str = ""
) -> None:
    """The period lists the first and last day's records and no other; without a period, or
    with one the address gets wrong, every record is listed and no period is mentioned."""
    asked = f"{path}?{also}&" if also else f"{path}?"

    within = page_of(client.get(f"{asked}{PERIOD}"))
    every = page_of(client.get(asked))

    assert listed(within, references) == {"first", "last"}
    assert f"Showing {things} from {LABEL}." in within
    assert listed(every, references) == set(references)
    assert f"Showing {things} from" not in every
    for bad in BAD_PERIODS:
        shown = page_of(client.get(f"{asked}{bad}"))
        assert listed(shown, references) == set(references), bad
        assert f"Showing {things} from" not in shown, bad


@pytest.fixture
def comms(communications: User, client_for: Callable[[User | None], Client]) -> Client:
    return client_for(communications)


# ---------------------------------------------------------------------------------------------
# Each list


@pytest.mark.django_db
def test_credential_tasks_raised_in_the_period(
    communications: User, requester: User, comms: Client
) -> None:
    assert requester.service_area is not None
    references = {}
    for name, moment in MOMENTS.items():
        account = make_account(communications, requester.service_area, name=f"Account {name}")
        task = rotation_request(
            actor=communications, account=account, reason="Odd posts", now=moment
        )
        references[name] = f"/credential-tasks/{task.pk}/"

    check_period(comms, "/credential-tasks/", references, "tasks raised")


@pytest.mark.django_db
def test_credential_tasks_of_every_state_in_the_period(
    communications: User, requester: User, comms: Client
) -> None:
    assert requester.service_area is not None
    references = {}
    for name, moment in MOMENTS.items():
        account = make_account(communications, requester.service_area, name=f"Account {name}")
        task = rotation_request(
            actor=communications, account=account, reason="Odd posts", now=moment
        )
        task_cancel(actor=communications, task=task, reason="A false alarm")
        references[name] = f"/credential-tasks/{task.pk}/"

    assert listed(page_of(comms.get(f"/credential-tasks/?{PERIOD}")), references) == set()
    check_period(comms, "/credential-tasks/", references, "tasks raised", also="state=all")
    check_period(comms, "/credential-tasks/", references, "tasks raised", also="state=cancelled")


def report_device(reporter: User, moment: datetime.datetime) -> str:
    report, _ = device_report_submit(
        reporter=reporter,
        device_kind=DeviceKind.PHONE,
        device_description="",
        loss=DeviceLoss.STOLEN,
        lost_on=moment.date(),
        account_ids=[],
        held_second_factor=False,
        held_recovery_phone=False,
        now=moment,
    )
    return report.reference


@pytest.mark.django_db
def test_lost_devices_reported_in_the_period(requester: User, comms: Client) -> None:
    references = {name: report_device(requester, moment) for name, moment in MOMENTS.items()}

    check_period(comms, "/devices/reports/", references, "devices reported lost or stolen")
    check_period(
        comms, "/devices/reports/", references, "devices reported lost or stolen", also="state=all"
    )


def report_incident(reporter: User, moment: datetime.datetime, kind: str) -> Incident:
    incident, _ = incident_report(
        reporter=reporter,
        kind=kind,
        happened_on=moment.date(),
        what_happened="Posted to the wrong account",
        account_described="Leisure Offers",
        now=moment,
    )
    return incident


@pytest.mark.django_db
def test_incidents_reported_in_the_period(
    requester: User, communications: User, comms: Client
) -> None:
    incidents = {
        name: report_incident(requester, moment, IncidentKind.MISTAKEN_POST)
        for name, moment in MOMENTS.items()
    }
    incident_close(actor=communications, incident=incidents["last"], outcome="Deleted it.")
    references = {name: incident.reference for name, incident in incidents.items()}

    check_period(comms, "/incidents/", references, "incidents reported", also="state=all")
    open_only = page_of(comms.get(f"/incidents/?{PERIOD}"))
    assert listed(open_only, references) == {"first"}
    closed = page_of(comms.get(f"/incidents/?state=closed&{PERIOD}"))
    assert listed(closed, references) == {"last"}


@pytest.mark.django_db
def test_impersonation_reports_in_the_period_are_listed_by_their_kind(
    requester: User, comms: Client
) -> None:
    references = {}
    for name, moment in MOMENTS.items():
        incident, _ = impersonation_report(
            address=f"https://www.instagram.com/fake_council_{name}", now=moment
        )
        references[name] = incident.reference
    report_incident(requester, FIRST, IncidentKind.MISTAKEN_POST)
    staff = Incident.objects.get(kind=IncidentKind.MISTAKEN_POST).reference

    page = page_of(comms.get(f"/incidents/?state=all&kind=impersonation&{PERIOD}"))

    assert listed(page, references) == {"first", "last"}
    assert staff not in page
    assert "Showing only: Accounts pretending to be the council's" in page
    assert "by a member of the public" in page
    check_period(
        comms, "/incidents/", references, "incidents reported", also="state=all&kind=impersonation"
    )


def test_every_kind_of_incident_has_a_heading_for_the_list() -> None:
    assert set(KIND_LISTS) == set(IncidentKind)


@pytest.mark.django_db
def test_abuse_cases_opened_in_the_period(
    communications: User, requester: User, comms: Client
) -> None:
    assert requester.service_area is not None
    account = make_account(communications, requester.service_area)
    cases = {}
    for name, moment in MOMENTS.items():
        cases[name], _ = case_open(
            actor=communications,
            account=account,
            author_handle=f"@author_{name}",
            post_url=f"https://x.com/author_{name}/status/1",
            categories=[AbuseCategory.ABUSIVE],
            now=moment,
        )
    case_close(actor=communications, case=cases["first"], outcome="Blocked for good.")
    references = {name: case.reference for name, case in cases.items()}

    check_period(comms, "/abuse-cases/", references, "cases opened", also="state=all")
    assert listed(page_of(comms.get(f"/abuse-cases/?{PERIOD}")), references) == {"last"}
    found = page_of(comms.get(f"/abuse-cases/?state=all&author=author_last&{PERIOD}"))
    assert listed(found, references) == {"last"}


@pytest.mark.django_db
def test_requests_sent_in_the_period(
    requester: User, colleague: User, comms: Client, client_for: Any
) -> None:
    sent: dict[str, AccountRequest] = {}
    for name, moment in MOMENTS.items():
        draft = complete_draft(requester, [colleague], proposed_handle=f"@parks_{name}")
        sent[name] = request_submit(actor=requester, request=draft, now=moment)
    decide_current(sent["last"], "reject")
    decide_current(sent["before"], "reject")
    references = {name: f"/requests/{request.pk}/" for name, request in sent.items()}

    check_period(comms, "/requests/", references, "requests sent")
    check_period(client_for(requester), "/requests/", references, "requests sent")
    rejected = page_of(comms.get(f"/requests/?status=rejected&{PERIOD}"))
    assert listed(rejected, references) == {"last"}
    assert "Showing only requests now “Rejected”" in rejected
    every_rejected = page_of(comms.get("/requests/?status=rejected"))
    assert listed(every_rejected, references) == {"last", "before"}


# ---------------------------------------------------------------------------------------------
# Links that keep the period


@pytest.mark.django_db
def test_tabs_and_pages_keep_the_period_and_the_kind(requester: User, comms: Client) -> None:
    for day in range(1, 31):
        kind = IncidentKind.IMPERSONATION if day % 2 else IncidentKind.MISTAKEN_POST
        report_incident(requester, datetime.datetime(2026, 4, day, 9, tzinfo=LONDON), kind)
    for day in range(1, 27):
        moment = datetime.datetime(2026, 5, day, 9, tzinfo=LONDON)
        report_incident(requester, moment, IncidentKind.IMPERSONATION)
    period = {"from": "2026-04-01", "to": "2026-06-30"}
    asked = {"kind": "impersonation", **period}

    first = page_of(comms.get(f"/incidents/?kind=impersonation&{PERIOD}"))
    second = page_of(comms.get(f"/incidents/?kind=impersonation&{PERIOD}&page=2"))

    kept = addresses(first)
    assert {**asked, "state": "closed"} in kept
    assert {**asked, "state": "all"} in kept
    assert {**asked, "page": "2"} in kept
    assert period in kept  # every kind, this period
    assert {"kind": "impersonation"} in kept  # this kind, any time
    assert second.split("<tbody", 1)[1].count("<tr") == 15 + 26 - 25


@pytest.mark.django_db
def test_task_tabs_keep_the_period(communications: User, requester: User, comms: Client) -> None:
    assert requester.service_area is not None
    account = make_account(communications, requester.service_area)
    rotation_request(actor=communications, account=account, reason="Odd posts", now=FIRST)
    period = {"from": "2026-04-01", "to": "2026-06-30"}

    kept = addresses(page_of(comms.get(f"/credential-tasks/?state=done&{PERIOD}")))

    assert period in kept  # To do, the first tab
    assert {**period, "state": "all"} in kept
    assert {**period, "state": "cancelled"} in kept
