"""The compliance statement's figures against the lists they link to (AUD-1, issue 11).

A small council is built over fifteen months through the services its people use: accounts in
every state, moderators with current, due and lapsed declarations, lost devices and the password
changes they raised, incidents (a data breach and an impersonation among them), public abuse
cases and requests, some before the statement's period and most in it. Every part of every
figure is then opened as Communications and as an auditor would open it, every page of the list
read, and the records listed compared with the figure and with what happened.

The clock is stopped at 11am on Monday 15 June 2026 (British Summer Time), so the default period
runs from 16 June 2025 to 15 June 2026.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.models import Account, AccountStatus, RequestStatus
from accounts.services.register import account_change_status, account_record_unapproved
from compliance.figures import FIGURES, Part
from compliance.statement import Statement, default_period, profile_as_at, statement_build
from declarations.services.reminders import declarations_lapse
from governance.controls import BY_KEY, CONTROLS
from governance.models import Preset, ServiceArea, User
from governance.periods import Period, end_of_day, start_of_day
from governance.services.events import events_checkpoint
from governance.services.profile import profile_apply_preset
from moderation.models import (
    AbuseCase,
    BreachRisk,
    CredentialTask,
    DeviceReport,
    Incident,
    IncidentKind,
    ModeratorAssignment,
)
from moderation.services.abuse import case_open
from moderation.services.assignments import assignment_end
from moderation.services.credentials import password_change_record
from moderation.services.devices import device_report_submit
from moderation.services.impersonation import impersonation_report
from moderation.services.incidents import incident_report
from tests.conftest import make_person
from tests.declaration_helpers import publish, sign
from tests.register_helpers import make_account
from tests.requests_helpers import request_in

UTC = datetime.UTC
NOW = datetime.datetime(2026, 6, 15, 10, tzinfo=UTC)
TODAY = datetime.date(2026, 6, 15)
PERIOD = Period(datetime.date(2025, 6, 16), TODAY)

BEFORE = datetime.datetime(2025, 3, 10, 10, tzinfo=UTC)  # before the period
DEE_SIGNS = datetime.datetime(2025, 5, 1, 10, tzinfo=UTC)  # before it too
P1 = datetime.datetime(2025, 7, 1, 10, tzinfo=UTC)
P2 = datetime.datetime(2025, 10, 1, 10, tzinfo=UTC)
P3 = datetime.datetime(2026, 2, 2, 10, tzinfo=UTC)
P4 = datetime.datetime(2026, 5, 1, 10, tzinfo=UTC)
LATER_REVIEW = datetime.date(2026, 9, 1)


@pytest.fixture(autouse=True)
def _stopped_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _short_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two records a page, so that every list behind a figure is read over several pages."""
    from accounts.views import register, requests
    from declarations.views import compliance
    from moderation.views import abuse, credentials, devices, incidents

    for module in (register, requests, compliance, abuse, credentials, devices, incidents):
        monkeypatch.setattr(module, "PAGE_SIZE", 2)


# ---------------------------------------------------------------------------------------------
# The council


def _breach(at: datetime.datetime) -> dict[str, Any]:
    return {
        "personal_data": "Names and addresses of three allotment holders",
        "people_affected": 3,
        "found_at": at - datetime.timedelta(hours=2),
        "risk": BreachRisk.LIKELY,
    }


def _incident(reporter: User, kind: str, at: datetime.datetime, **values: Any) -> Incident:
    incident, new = incident_report(
        reporter=reporter,
        kind=kind,
        happened_on=at.date(),
        what_happened="A draft about the park closing went out on the wrong account.",
        account_described="Leisure on X",
        now=at,
        **values,
    )
    assert new
    return incident


def _case(comms: User, account: Account, handle: str, at: datetime.datetime) -> AbuseCase:
    case, new = case_open(
        actor=comms,
        account=account,
        author_handle=handle,
        post_url=f"https://x.com/{handle.lstrip('@')}/status/1",
        categories=["abusive"],
        now=at,
    )
    assert new
    return case


def _lose(person: User, accounts: list[Account], at: datetime.datetime) -> DeviceReport:
    report, new = device_report_submit(
        reporter=person,
        device_kind="phone",
        device_description="work phone",
        loss="stolen",
        lost_on=at.date(),
        account_ids=[account.pk for account in accounts],
        held_second_factor=False,
        held_recovery_phone=False,
        now=at,
    )
    assert new
    return report


def _changed(comms: User, account: Account, at: datetime.datetime) -> None:
    password_change_record(
        actor=comms, account=account, changed_on=at.date(), reason="lost_device", now=at
    )


@pytest.fixture
def council(
    communications: User,
    policy_owner: User,
    requester: User,
    colleague: User,
    head_of_service: User,
    leisure: ServiceArea,
    housing: ServiceArea,
) -> dict[str, Any]:
    """Riya and Tom moderate Parks; Riya and Dee moderate Libraries, and Dee's declaration
    lapsed, so she is suspended; Museum has nobody, no branding, no secure sessions and no
    custody record; Archive is suspended, Old News closed, Found unapproved and Summer being set
    up from a request, its two moderators active once they signed. Nia moderated Parks until
    February."""
    riya, tom = requester, colleague
    dee = make_person("dee@council.example", "Dee Harper", area=leisure)
    nia = make_person("nia@council.example", "Nia Jones", area=leisure)
    made: dict[str, Any] = {"riya": riya, "tom": tom, "dee": dee, "nia": nia}
    with time_machine.travel(BEFORE, tick=False) as clock:
        made["v1"] = publish(policy_owner, version="1.0")
        approved: dict[str, Any] = {"branding_approved_at": BEFORE, "next_review_due": LATER_REVIEW}
        made["parks"] = make_account(
            communications, leisure, name="Parks", moderators=(riya, tom, nia), published=True,
            **approved,
        )  # fmt: skip
        made["libraries"] = make_account(
            communications,
            leisure,
            name="Libraries",
            moderators=(riya, dee),
            branding_approved_at=BEFORE,
            next_review_due=datetime.date(2026, 6, 1),
        )
        made["museum"] = make_account(
            communications,
            housing,
            name="Museum",
            credentials_location="",
            secure_sessions_enabled=False,
            next_review_due=LATER_REVIEW,
        )
        made["archive"] = make_account(
            communications, housing, name="Archive", status=AccountStatus.SUSPENDED, **approved
        )
        made["old_news"] = make_account(communications, housing, name="Old News", **approved)
        account_change_status(
            actor=communications, account=made["old_news"], action="close", reason="Merged"
        )
        made["found"] = account_record_unapproved(
            actor=communications,
            values={
                "platform": "x",
                "platform_other": "",
                "name": "Found",
                "handle": "@found",
                "url": "",
                "service_area": housing,
                "responsible_officer": None,
            },
            discovered_how="Monitoring",
        )
        made["old_incident"] = _incident(riya, IncidentKind.MISTAKEN_POST, BEFORE)
        made["old_case"] = _case(communications, made["parks"], "@EarlyTroll", BEFORE)
        made["old_report"] = _lose(tom, [made["parks"]], BEFORE)
        made["old_request"] = request_in(
            RequestStatus.SUBMITTED, riya, [tom], proposed_name="Old idea", proposed_handle="@old"
        )
        clock.move_to(BEFORE + datetime.timedelta(days=1))
        _changed(communications, made["parks"], BEFORE + datetime.timedelta(days=1))

        clock.move_to(DEE_SIGNS)
        sign(dee, made["v1"])

        clock.move_to(P1)
        made["breach"] = _incident(riya, IncidentKind.DATA_BREACH, P1, **_breach(P1))
        made["approved_request"] = request_in(RequestStatus.APPROVED, riya, [tom])
        made["summer"] = Account.objects.get(request=made["approved_request"])
        sign(tom, made["v1"])

        clock.move_to(P2)
        made["riya_phone"] = _lose(riya, [made["parks"], made["libraries"]], P2)
        made["case"] = _case(communications, made["parks"], "@Troll", P2)
        made["impersonation"], _ = impersonation_report(
            address="https://x.com/ParksFake", details="It copies the Parks logo.", now=P2
        )
        clock.move_to(P2 + datetime.timedelta(days=1))
        for account in (made["parks"], made["libraries"]):
            _changed(communications, account, P2 + datetime.timedelta(days=1))

        clock.move_to(P3)
        made["v2"] = publish(policy_owner, version="2.0")
        made["sent_request"] = request_in(
            RequestStatus.SUBMITTED,
            riya,
            [tom],
            proposed_name="Library events",
            proposed_handle="@LibraryEvents",
        )
        made["mistake"] = _incident(tom, IncidentKind.MISTAKEN_POST, P3)
        assignment_end(
            assignment=ModeratorAssignment.objects.get(account=made["parks"], person=nia),
            actor=communications,
            reason="Moved to another team",
            now=P3,
        )

        clock.move_to(P4)
        sign(riya, made["v2"])
        made["tom_phone"] = _lose(tom, [made["parks"]], P4)
        made["second_case"] = _case(communications, made["parks"], "@Other", P4)
    assert declarations_lapse() >= 1  # Dee's, signed before the period, lapsed on 1 May
    return made


# ---------------------------------------------------------------------------------------------
# Reading a list the way a person does: every page, following "Next"

RECORD_LINKS = {
    "register": r'href="/register/(\d+)/"',
    "request_list": r'href="/requests/(\d+)/"',
    "credential_tasks": r'href="/credential-tasks/(\d+)/"',
    "device_reports": r'href="/devices/reports/(\d+)/"',
    "incidents": r'href="/incidents/(\d+)/"',
    "abuse_cases": r'href="/abuse-cases/(\d+)/"',
    "declaration_compliance": (
        r'<th scope="row" class="govuk-table__header">[^<]*<br><span class="govuk-body-s">'
        r"([^<]+)</span>"
    ),
}
NEXT = re.compile(r'href="([^"]+)" rel="next"')


def records_on(client: Client, part: Part) -> list[str]:
    """The records the list behind ``part`` shows, over all its pages."""
    response = client.get(part.url)
    assert response.status_code == 200, part.url
    if part.url_name == "policy_version":
        return [str(part.args[0])]
    path = part.url.split("?", 1)[0]
    found: list[str] = []
    for _ in range(50):
        page = response.content.decode()
        found += re.findall(RECORD_LINKS[part.url_name], page)
        following = NEXT.search(page)
        if following is None:
            return found
        response = client.get(path + html.unescape(following.group(1)))
        assert response.status_code == 200
    raise AssertionError(f"{part.url} has more than 50 pages")


def _without(query: str, *names: str) -> str:
    return urlencode([(key, value) for key, value in parse_qsl(query) if key not in names])


def list_key(part: Part) -> tuple[str, str]:
    """Which list a part counts, whatever the day and period it is counted for."""
    return part.url_name, _without(part.query, "from", "to", "as_of")


def pks(*records: Any) -> set[str]:
    return {str(record.pk) for record in records}


def in_period(model: Any, field: str) -> set[str]:
    since = start_of_day(PERIOD.start)
    rows = model.objects.filter(**{f"{field}__gte": since})
    return {str(pk) for pk in rows.values_list("pk", flat=True)}


def expected_today(made: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    """What each list must show on 15 June 2026, written out from the story above."""
    a = made
    tasks = in_period(CredentialTask, "raised_at")
    assert not pks(*CredentialTask.objects.filter(device_report=a["old_report"])) & tasks
    return {
        ("request_list", ""): pks(a["approved_request"], a["sent_request"]),
        ("request_list", "status=approved"): pks(a["approved_request"]),
        ("register", "status=unapproved"): pks(a["found"]),
        ("register", "status=open"): pks(
            a["parks"], a["libraries"], a["museum"], a["archive"], a["found"], a["summer"]
        ),
        ("register", "credentials_missing=on"): pks(a["museum"], a["found"], a["summer"]),
        ("register", "branding_missing=on"): pks(a["museum"]),
        # Summer's proposed moderators became active when Tom and Riya signed.
        ("register", "few_moderators=on"): pks(
            a["libraries"], a["museum"], a["archive"], a["found"]
        ),
        ("declaration_compliance", ""): {a["riya"].email, a["tom"].email, a["dee"].email},
        ("declaration_compliance", "status=current"): {a["riya"].email},
        ("declaration_compliance", "status=due"): {a["tom"].email},
        ("declaration_compliance", "suspended=on"): {a["dee"].email},
        ("register", "unsigned_moderators=on"): pks(a["libraries"]),
        ("credential_tasks", "state=all"): tasks,
        ("register", "tasks_outstanding=on"): pks(a["parks"], a["libraries"]),
        ("device_reports", "state=all"): pks(a["riya_phone"], a["tom_phone"]),
        ("register", "sessions_off=on"): pks(a["museum"], a["found"], a["summer"]),
        ("register", "status=active"): pks(a["parks"], a["libraries"], a["museum"]),
        ("register", "review_overdue=on"): pks(a["libraries"]),
        ("incidents", "state=all"): pks(a["breach"], a["impersonation"], a["mistake"]),
        ("incidents", "state=all&kind=data_breach"): pks(a["breach"]),
        ("abuse_cases", "state=all"): pks(a["case"], a["second_case"]),
        ("register", "published=on"): pks(a["parks"]),
        ("incidents", "state=all&kind=impersonation"): pks(a["impersonation"]),
        ("policy_version", ""): pks(a["v2"]),
    }


def linked_parts(statement: Statement) -> Iterator[tuple[str, Part]]:
    for row in statement.rows:
        for part in row.figure.parts if row.figure is not None else []:
            yield row.control.key, part


# ---------------------------------------------------------------------------------------------
# Every figure against its list


def test_every_control_has_a_figure() -> None:
    assert set(FIGURES) == set(BY_KEY)


@pytest.mark.parametrize("role", ["communications", "auditor"])
def test_every_figure_matches_its_list_row_by_row(
    council: dict[str, Any], role: str, request: pytest.FixtureRequest, client_for: Any
) -> None:
    person = request.getfixturevalue(role)
    client = client_for(person)
    statement = statement_build(person)
    expected = expected_today(council)
    checked = set()
    assert statement.period == PERIOD

    wrong = []
    for control, part in linked_parts(statement):
        listed = records_on(client, part)
        key = list_key(part)
        if len(listed) != len(set(listed)):
            wrong.append(f"{control}: {part.url} lists a record twice")
        if part.count != len(listed):
            wrong.append(
                f"{control}: {part.count} {part.words}, but {part.url} lists {len(listed)}"
            )
        if set(listed) != expected[key]:
            wrong.append(
                f"{control}: {part.url} lists {sorted(listed)}, not {sorted(expected[key])}"
            )
        checked.add(key)

    assert not wrong, "\n".join(wrong)
    assert checked == set(expected)


def test_every_figure_is_linked_on_the_page(
    council: dict[str, Any], auditor: User, client_for: Any
) -> None:
    """The page links each part to the very list the test above read."""
    page = client_for(auditor).get("/compliance/").content.decode()
    statement = statement_build(auditor)
    # The trend charts under the figures link their own points (tests/test_trends.py).
    figures = re.sub(r'<section class="app-chart".*?</section>', "", page, flags=re.S)

    links = {html.unescape(href) for href in re.findall(r'href="([^"]+)">\d+ ', figures)}
    assert links == {part.url for _, part in linked_parts(statement)}
    for control, part in linked_parts(statement):
        shown = f'href="{html.escape(part.url)}">{part.count} {html.escape(part.words)}</a>'
        assert shown in page, control


def test_figures_say_what_happened_in_the_period(council: dict[str, Any], auditor: User) -> None:
    texts = {
        row.control.key: row.figure.text for row in statement_build(auditor).rows if row.figure
    }

    assert texts["lost_devices"] == (
        "2 lost or stolen devices reported in the period. Passwords were changed within 1 day "
        "(median) of the report; 1 still waiting."
    )
    assert texts["incidents"] == ("3 incidents reported in the period; 1 of them a data breach")
    assert texts["declarations"].endswith("2 of 3 moderators hold a current declaration.")
    assert texts["policy_review"] == (
        "1 version in force: 2.0, published on 2 February 2026. Its review is due on 2 February "
        "2027."
    )
    assert texts["approval"] == (
        "2 requests sent in the period; 1 of them approved; 1 account found outside the process "
        "and not yet approved"
    )


def test_a_different_period_counts_only_what_happened_in_it(
    council: dict[str, Any], communications: User, client_for: Any
) -> None:
    autumn = Period(datetime.date(2025, 9, 1), datetime.date(2025, 12, 31))
    statement = statement_build(communications, period=autumn)
    client = client_for(communications)
    counted = {}
    for _, part in linked_parts(statement):
        if "from=" in part.query:
            assert part.count == len(records_on(client, part)), part.url
            counted[list_key(part)] = set(records_on(client, part))

    assert counted[("device_reports", "state=all")] == pks(council["riya_phone"])
    assert counted[("incidents", "state=all")] == pks(council["impersonation"])
    assert counted[("abuse_cases", "state=all")] == pks(council["case"])
    assert counted[("request_list", "")] == set()


def test_the_policy_owner_gets_the_council_wide_figures(
    council: dict[str, Any], policy_owner: User, auditor: User
) -> None:
    """The Policy owner may not open the records, but the statement is the council's: the
    figures are counted over every record, as an auditor's are."""
    owner = [row.figure.text for row in statement_build(policy_owner).rows if row.figure]
    audit = [row.figure.text for row in statement_build(auditor).rows if row.figure]
    assert owner == audit


# ---------------------------------------------------------------------------------------------
# On a past date


@pytest.fixture
def history(
    communications: User,
    requester: User,
    colleague: User,
    leisure: ServiceArea,
    administrator: User,
) -> dict[str, Any]:
    """Parks opens in January with two moderators; Blog opens in February, due for review on
    1 March; in March Tom stops moderating Parks and Blog is suspended; in April the council
    moves to Derby's policy, with its line manager step."""
    made: dict[str, Any] = {}
    with time_machine.travel(datetime.datetime(2026, 1, 10, 10, tzinfo=UTC), tick=False) as clock:
        made["parks"] = make_account(
            communications,
            leisure,
            name="Parks",
            moderators=(requester, colleague),
            branding_approved_at=timezone.now(),
            next_review_due=LATER_REVIEW,
        )
        clock.move_to(datetime.datetime(2026, 2, 10, 10, tzinfo=UTC))
        made["blog"] = make_account(
            communications, leisure, name="Blog", next_review_due=datetime.date(2026, 3, 1)
        )
        clock.move_to(datetime.datetime(2026, 3, 20, 10, tzinfo=UTC))
        assignment_end(
            assignment=ModeratorAssignment.objects.get(account=made["parks"], person=colleague),
            actor=communications,
            reason="Left the team",
            now=datetime.datetime(2026, 3, 20, 10, tzinfo=UTC),
        )
        account_change_status(
            actor=communications, account=made["blog"], action="suspend", reason="Hacked"
        )
        clock.move_to(datetime.datetime(2026, 4, 1, 10, tzinfo=UTC))
        profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    return made


REGISTER_DAYS = ["2026-01-09", "2026-01-10", "2026-02-15", "2026-03-05", "2026-03-20", "2026-05-01"]


@pytest.mark.parametrize("day", REGISTER_DAYS)
def test_a_past_statement_counts_the_register_as_it_stood(
    history: dict[str, Any], communications: User, client_for: Any, day: str
) -> None:
    as_at = datetime.date.fromisoformat(day)
    client = client_for(communications)
    statement = statement_build(communications, as_at)

    register_parts = [
        (control, part) for control, part in linked_parts(statement) if part.url_name == "register"
    ]
    assert register_parts
    for control, part in register_parts:
        assert f"as_of={day}" in part.query, control
        assert part.count == len(records_on(client, part)), f"{control}: {part.url}"
        # The register's own page for that day, with the same filter, agrees.
        page = client.get(f"/register/?{part.query}").content.decode()
        assert f"The register as it stood on {statement.as_at.day}" in page


def test_a_past_statement_names_what_stood_that_day(
    history: dict[str, Any], communications: User, client_for: Any
) -> None:
    def listed(as_at: str, query: str) -> set[str]:
        statement = statement_build(communications, datetime.date.fromisoformat(as_at))
        client = client_for(communications)
        for _, part in linked_parts(statement):
            if part.url_name == "register" and list_key(part) == ("register", query):
                return set(records_on(client, part))
        raise AssertionError(query)

    parks, blog = history["parks"], history["blog"]
    assert listed("2026-01-09", "status=open") == set()
    assert listed("2026-01-10", "status=open") == pks(parks)
    assert listed("2026-02-15", "status=active") == pks(parks, blog)
    assert listed("2026-02-15", "review_overdue=on") == set()
    assert listed("2026-03-05", "review_overdue=on") == pks(blog)
    assert listed("2026-03-05", "few_moderators=on") == pks(blog)
    assert listed("2026-03-20", "few_moderators=on") == pks(parks, blog)
    assert listed("2026-03-20", "status=active") == pks(parks)
    assert listed("2026-03-20", "branding_missing=on") == set()  # Blog is suspended by then
    assert listed("2026-03-05", "branding_missing=on") == pks(blog)


def test_a_past_statement_reads_the_profile_of_that_day(
    history: dict[str, Any], communications: User
) -> None:
    march = statement_build(communications, datetime.date(2026, 3, 31))
    today = statement_build(communications)

    assert (march.profile.based_on, today.profile.based_on) == (Preset.MANCHESTER, Preset.DERBY)
    assert profile_as_at(datetime.date(2026, 3, 31)).require_line_manager_approval is False
    rows = {row.control.key: row for row in march.rows}
    assert rows["line_manager"].on is False and rows["line_manager"].figure is None
    assert rows["declarations"].clauses == ("MSM 7.3", "MDM 6.2")
    rows = {row.control.key: row for row in today.rows}
    assert rows["line_manager"].on and rows["line_manager"].figure is not None
    assert rows["line_manager"].clauses == ("DER 'Line manager approval'",)


def test_a_past_statement_names_the_checkpoint_of_that_day(
    history: dict[str, Any], communications: User
) -> None:
    march = statement_build(communications, datetime.date(2026, 3, 5))
    today = statement_build(communications)
    then = events_checkpoint(until=end_of_day(datetime.date(2026, 3, 5)))

    assert (march.checkpoint.seq, march.checkpoint.hash, march.checkpoint.count) == (
        then.seq,
        then.hash,
        then.count,
    )
    assert 0 < march.checkpoint.count < today.checkpoint.count
    now = events_checkpoint()
    assert (today.checkpoint.seq, today.checkpoint.hash) == (now.seq, now.hash)


# ---------------------------------------------------------------------------------------------
# Profiles and controls


def test_each_preset_quotes_its_own_clauses(administrator: User, auditor: User) -> None:
    for preset in (Preset.MANCHESTER, Preset.TELFORD, Preset.MELTON, Preset.DERBY):
        profile_apply_preset(actor=administrator, preset=preset)
        statement = statement_build(auditor)
        for row, control in zip(statement.rows, CONTROLS, strict=True):
            assert row.clauses == control.clauses_for(preset)
            assert row.on == control.is_on(statement.profile)
            assert (row.figure is None) == (not row.on)


def test_manchester_has_no_line_manager_step(auditor: User) -> None:
    rows = {row.control.key: row for row in statement_build(auditor).rows}

    assert rows["line_manager"].on is False
    assert rows["line_manager"].figure is None
    assert rows["head_of_service"].on is True


def test_default_period_is_the_twelve_months_to_the_date() -> None:
    assert default_period(TODAY) == PERIOD
    assert default_period(datetime.date(2028, 2, 29)) == Period(
        datetime.date(2027, 3, 1), datetime.date(2028, 2, 29)
    )
