"""Staff incident reports as the services run them (INC-1; MDM 6.3, 10.1-10.2, MSM 5.12,
5.15-5.16): every kind is recorded; a data breach needs the data protection officer's answers
and starts the 72-hour clock; a compromised account raises one password change; the reporter's
line manager and Communications are told once; Communications links, adds evidence and closes
with an outcome, and nobody else may.

The clock is stopped at 9am on Monday 2 February 2026 (Greenwich time, so dates do not shift).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Account
from governance import roles
from governance.errors import DomainError
from governance.models import Event, Notification, ServiceArea, User
from moderation import events
from moderation.models import (
    BreachRisk,
    CredentialTask,
    Evidence,
    Incident,
    IncidentAction,
    IncidentKind,
    IncidentState,
    TaskCause,
    TaskKind,
    TaskState,
)
from moderation.rules import can_see_incident_account, can_view_incident
from moderation.services.incidents import (
    incident_add_evidence,
    incident_close,
    incident_link_account,
    incident_report,
)
from moderation.transitions import ADD_EVIDENCE, CLOSE, INCIDENT, LINK_ACCOUNT
from tests.conftest import make_person
from tests.register_helpers import account_in, make_account

START = datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 2, 2)


@pytest.fixture(autouse=True)
def _stopped_clock() -> Iterator[None]:
    with time_machine.travel(START, tick=False):
        yield


def refusal(call: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


def told(key: str) -> list[str]:
    """Who holds the notification with this key, by e-mail address."""
    return sorted(Notification.objects.filter(key=key).values_list("recipient__email", flat=True))


@pytest.fixture
def parks(communications: User, leisure: ServiceArea, requester: User, colleague: User) -> Account:
    """An account Riya and Tom moderate."""
    return make_account(
        communications, leisure, moderators=(requester, colleague), name="Parks News"
    )


def report(reporter: User, kind: str = IncidentKind.MISTAKEN_POST, **values: Any) -> Incident:
    fields: dict[str, Any] = {
        "happened_on": TODAY,
        "what_happened": "A draft about the park closing went out on the wrong account.",
        "account_described": "Leisure on X",
        **values,
    }
    incident, new = incident_report(reporter=reporter, kind=kind, **fields)
    assert new
    return incident


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


BREACH: dict[str, Any] = {
    "personal_data": "Names and addresses of three allotment holders",
    "people_affected": 3,
    "found_at": START - datetime.timedelta(hours=2),
    "risk": BreachRisk.LIKELY,
}


# ---------------------------------------------------------------------------------------------
# Reporting


@pytest.mark.parametrize("kind", [kind for kind in IncidentKind.values if kind != "data_breach"])
def test_each_kind_is_recorded_as_reported(kind: str, requester: User, line_manager: User) -> None:
    incident = report(
        requester,
        kind,
        post_url=" https://x.com/leisure/status/1 ",
        actions=[IncidentAction.REMOVED, IncidentAction.TOLD_LINE_MANAGER, IncidentAction.REMOVED],
    )
    incident.refresh_from_db()
    assert incident.kind == kind
    assert incident.reference == f"INC-{incident.pk:05d}"
    assert incident.state == IncidentState.OPEN
    assert incident.reporter == requester
    assert incident.reporter_line_manager == line_manager
    assert incident.account is None
    assert incident.account_described == "Leisure on X"
    assert incident.post_url == "https://x.com/leisure/status/1"
    assert incident.actions == ["removed", "line_manager"]
    assert incident.action_labels() == ["Removed the content", "Told my line manager"]
    assert incident.reported_at == START
    assert incident.report_to_ico_by is None
    event = Event.objects.get(action=events.INCIDENT_REPORTED)
    assert event.actor == requester
    assert event.summary == (f"Riya Patel reported an incident: {IncidentKind(kind).label.lower()}")


def test_breach_answers_are_dropped_from_a_report_that_is_not_a_breach(requester: User) -> None:
    incident = report(requester, IncidentKind.MISTAKEN_POST, **BREACH)
    incident.refresh_from_db()
    assert (incident.personal_data, incident.people_affected) == ("", None)
    assert (incident.found_at, incident.risk) == (None, "")


def test_data_breach_is_recorded_with_its_answers(requester: User) -> None:
    incident = report(requester, IncidentKind.DATA_BREACH, **BREACH)
    incident.refresh_from_db()
    assert incident.is_data_breach
    assert incident.personal_data == "Names and addresses of three allotment holders"
    assert incident.people_affected == 3
    assert incident.found_at == START - datetime.timedelta(hours=2)
    assert incident.risk == BreachRisk.LIKELY


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        pytest.param(
            {"personal_data": "  "},
            "Enter what personal or confidential information",
            "personal_data",
            id="no-personal-data",
        ),
        pytest.param(
            {"people_affected": None},
            "Enter how many people the information is about (your best estimate)",
            "people_affected",
            id="no-count",
        ),
        pytest.param(
            {"found_at": None}, "Enter when the breach was found", "found_at", id="no-found-at"
        ),
        pytest.param(
            {"found_at": START + datetime.timedelta(minutes=1)},
            "The time it was found must be in the past",
            "found_at",
            id="found-in-the-future",
        ),
        pytest.param(
            {"risk": ""},
            "Select whether it could harm the people whose information it is",
            "risk",
            id="no-risk",
        ),
        pytest.param(
            {"risk": "catastrophic"},
            "Select whether it could harm the people whose information it is",
            "risk",
            id="unknown-risk",
        ),
    ],
)
def test_data_breach_needs_every_answer(
    change: dict[str, Any], message: str, field: str, requester: User
) -> None:
    error = refusal(
        incident_report,
        reporter=requester,
        kind=IncidentKind.DATA_BREACH,
        happened_on=TODAY,
        what_happened="I sent the allotment list to the wrong group.",
        account_described="Leisure on X",
        **{**BREACH, **change},
    )
    assert (error.message, error.field) == (message, field)
    assert not Incident.objects.exists()
    assert not Notification.objects.filter(key__startswith="incident:").exists()


@pytest.mark.parametrize(
    ("values", "message", "field"),
    [
        pytest.param({"kind": "rumour"}, "Select what happened", "kind", id="unknown-kind"),
        pytest.param(
            {"happened_on": TODAY + datetime.timedelta(days=1)},
            "The date it happened must be today or in the past",
            "happened_on",
            id="happened-tomorrow",
        ),
        pytest.param(
            {"what_happened": " \n "}, "Enter what happened", "what_happened", id="nothing-said"
        ),
        pytest.param(
            {"account_described": "  "},
            "Select the account, or enter its name or web address",
            "account_described",
            id="no-account",
        ),
        pytest.param(
            {"actions": ["removed", "deleted_my_account"]},
            "Select only what is in the list",
            "actions",
            id="unknown-action",
        ),
    ],
)
def test_report_with_a_wrong_answer_is_refused_and_nothing_kept(
    values: dict[str, Any], message: str, field: str, requester: User
) -> None:
    fields: dict[str, Any] = {
        "kind": IncidentKind.MISTAKEN_POST,
        "happened_on": TODAY,
        "what_happened": "A draft went out.",
        "account_described": "Leisure on X",
        **values,
    }
    error = refusal(incident_report, reporter=requester, **fields)
    assert (error.message, error.field) == (message, field)
    assert not Incident.objects.exists()
    assert not Event.objects.filter(action=events.INCIDENT_REPORTED).exists()


def test_happened_today_is_accepted_late_in_the_evening(requester: User) -> None:
    """10pm on 2 February in London is still 2 February."""
    evening = datetime.datetime(2026, 2, 2, 22, tzinfo=datetime.UTC)
    incident, _ = incident_report(
        reporter=requester,
        kind=IncidentKind.MISTAKEN_POST,
        happened_on=TODAY,
        what_happened="A draft went out.",
        account_described="Leisure on X",
        now=evening,
    )
    assert incident.happened_on == TODAY


@pytest.mark.parametrize(
    ("risk", "deadline"),
    [
        (BreachRisk.LIKELY, datetime.datetime(2026, 2, 5, 7, tzinfo=datetime.UTC)),
        (BreachRisk.UNSURE, datetime.datetime(2026, 2, 5, 7, tzinfo=datetime.UTC)),
        (BreachRisk.UNLIKELY, None),
    ],
)
def test_ico_deadline_is_72_hours_after_it_was_found_unless_harm_is_unlikely(
    risk: str, deadline: datetime.datetime | None, requester: User, communications: User
) -> None:
    incident = report(requester, IncidentKind.DATA_BREACH, **{**BREACH, "risk": risk})
    incident.refresh_from_db()
    assert incident.report_to_ico_by == deadline
    [body] = Notification.objects.filter(
        recipient=communications, key=f"incident:{incident.pk}:reported"
    ).values_list("body", flat=True)
    ico = "Information Commissioner's Office must be told about within 72 hours"
    if deadline is None:
        assert ico not in body
    else:
        assert ico in body
        assert "by 5 February 2026, 7:00 a.m." in body


def test_ico_deadline_is_counted_from_when_it_was_found_not_reported(requester: User) -> None:
    found = START - datetime.timedelta(days=2, hours=1)
    incident = report(requester, IncidentKind.DATA_BREACH, **{**BREACH, "found_at": found})
    assert incident.report_to_ico_by == datetime.datetime(2026, 2, 3, 8, tzinfo=datetime.UTC)


def test_line_manager_and_each_of_communications_are_told_once(
    requester: User, line_manager: User, communications: User, colleague: User
) -> None:
    second = make_person("comms2@council.example", "Cara Jones", groups=(roles.COMMUNICATIONS,))
    incident = report(requester)
    key = f"incident:{incident.pk}:reported"
    assert told(key) == sorted([line_manager.email, communications.email, second.email])
    told_with = set(Notification.objects.filter(key=key).values_list("subject", "url"))
    assert told_with == {
        (
            f"Incident reported: something was posted by mistake ({incident.reference})",
            f"/incidents/{incident.pk}/",
        )
    }


def test_the_same_form_sent_twice_makes_one_report_and_tells_once(
    requester: User, line_manager: User, communications: User
) -> None:
    values: dict[str, Any] = {
        "reporter": requester,
        "kind": IncidentKind.MISTAKEN_POST,
        "happened_on": TODAY,
        "what_happened": "A draft went out.",
        "account_described": "Leisure on X",
        "started_with": "form-token-1",
    }
    first, first_new = incident_report(**values)
    again, again_new = incident_report(**values)
    assert (first_new, again_new) == (True, False)
    assert again.pk == first.pk
    assert Incident.objects.count() == 1
    assert Event.objects.filter(action=events.INCIDENT_REPORTED).count() == 1
    assert told(f"incident:{first.pk}:reported") == sorted(
        [line_manager.email, communications.email]
    )
    # A new form is a new report, even with the same words.
    other, new = incident_report(**{**values, "started_with": "form-token-2"})
    assert new and other.pk != first.pk


def test_reporter_with_no_line_manager_tells_communications(
    communications: User, outsider: User
) -> None:
    assert outsider.line_manager is None
    incident = report(outsider)
    assert incident.reporter_line_manager is None
    assert told(f"incident:{incident.pk}:reported") == [communications.email]


def test_reporter_is_not_told_of_their_own_report(requester: User) -> None:
    incident = report(requester)
    assert requester.email not in told(f"incident:{incident.pk}:reported")


def test_account_from_the_reporters_list_is_linked(requester: User, parks: Account) -> None:
    incident = report(requester, account=parks, account_described="")
    assert incident.account == parks
    assert can_see_incident_account(requester, incident)


def test_account_not_in_the_reporters_list_is_refused(outsider: User, parks: Account) -> None:
    error = refusal(
        incident_report,
        reporter=outsider,
        kind=IncidentKind.INAPPROPRIATE_CONTENT,
        happened_on=TODAY,
        what_happened="A rude reply on the parks account.",
        account=parks,
    )
    assert (error.message, error.field) == ("Select an account from the list", "account")
    assert not Incident.objects.exists()


def test_closed_account_cannot_be_picked_even_by_communications(
    communications: User, leisure: ServiceArea
) -> None:
    closed = account_in("closed", communications, leisure, ())
    error = refusal(
        incident_report,
        reporter=communications,
        kind=IncidentKind.COMPROMISED_ACCOUNT,
        happened_on=TODAY,
        what_happened="Someone posted from it.",
        account=closed,
    )
    assert error.message == "Select an account from the list"


def test_account_the_reporter_has_no_link_to_is_reported_in_words(
    outsider: User, communications: User, parks: Account
) -> None:
    """Staff report what they see (INC-1); once Communications links the register account, the
    reporter still sees only what they entered."""
    incident = report(
        outsider, IncidentKind.INAPPROPRIATE_CONTENT, account_described="the parks page on X"
    )
    assert incident.account is None
    incident_link_account(actor=communications, incident=incident, account=parks)
    incident.refresh_from_db()
    assert incident.account == parks
    assert incident.account_described == "the parks page on X"
    assert can_view_incident(outsider, incident)
    assert not can_see_incident_account(outsider, incident)
    assert can_see_incident_account(communications, incident)


def test_screenshot_sent_with_the_report_is_kept_as_the_reporters(requester: User) -> None:
    incident = report(requester, evidence=SimpleUploadedFile("reply.png", png_bytes(), "image/png"))
    [evidence] = Evidence.objects.filter(incident=incident)
    assert evidence.uploaded_by == requester
    assert evidence.case is None
    assert (evidence.width, evidence.height) == (30, 20)


# ---------------------------------------------------------------------------------------------
# A compromised account raises its password change (MOD-5)


def rotations(account: Account) -> list[CredentialTask]:
    return list(CredentialTask.objects.filter(account=account, kind=TaskKind.ROTATE))


def test_compromised_account_raises_one_password_change_linked_to_the_report(
    requester: User, colleague: User, communications: User, parks: Account
) -> None:
    first = report(requester, IncidentKind.COMPROMISED_ACCOUNT, account=parks)
    [task] = rotations(parks)
    assert task.state == TaskState.OPEN
    assert task.cause == TaskCause.COMPROMISE
    assert task.incident == first
    assert task.title == "Change the password of Parks News"
    assert task.why.startswith(f"{first.reference}: Riya Patel reported that someone else")
    assert task.due_on == TODAY + datetime.timedelta(days=1)  # Manchester: within a day
    assert told(f"credential-task:{task.pk}:raised") == [communications.email]
    # A second report of the same account, by someone else, waits on the same task.
    second = report(colleague, IncidentKind.COMPROMISED_ACCOUNT, account=parks)
    assert second.pk != first.pk
    assert [t.pk for t in rotations(parks)] == [task.pk]
    assert CredentialTask.objects.filter(state=TaskState.OPEN, kind=TaskKind.ROTATE).count() == 1


def test_other_kinds_raise_no_password_change(requester: User, parks: Account) -> None:
    for kind in IncidentKind.values:
        if kind not in ("compromised_account", "data_breach"):
            report(requester, kind, account=parks)
    assert rotations(parks) == []


def test_compromised_account_described_in_words_raises_nothing_until_linked(
    outsider: User, communications: User, parks: Account
) -> None:
    incident = report(
        outsider, IncidentKind.COMPROMISED_ACCOUNT, account_described="the parks page"
    )
    assert not CredentialTask.objects.exists()
    incident_link_account(actor=communications, incident=incident, account=parks)
    [task] = rotations(parks)
    assert task.incident == incident
    assert task.cause == TaskCause.COMPROMISE
    event = Event.objects.get(action=events.INCIDENT_ACCOUNT_LINKED)
    assert event.summary == f"Chris Evans linked {incident.reference} to Parks News"
    # Linking the same account again changes nothing and raises nothing.
    incident_link_account(actor=communications, incident=incident, account=parks)
    assert Event.objects.filter(action=events.INCIDENT_ACCOUNT_LINKED).count() == 1
    assert len(rotations(parks)) == 1


def test_linking_a_mistaken_post_raises_no_password_change(
    outsider: User, communications: User, parks: Account
) -> None:
    incident = report(outsider, IncidentKind.MISTAKEN_POST)
    incident_link_account(actor=communications, incident=incident, account=parks)
    assert rotations(parks) == []


# ---------------------------------------------------------------------------------------------
# Closing, and who may do what


def test_communications_closes_with_an_outcome_and_the_reporter_is_told(
    requester: User, line_manager: User, communications: User
) -> None:
    incident = report(requester)
    later = START + datetime.timedelta(hours=3)
    closed = incident_close(
        actor=communications,
        incident=incident,
        outcome="  Post deleted and the team reminded to check the account.  ",
        now=later,
    )
    closed.refresh_from_db()
    assert closed.state == IncidentState.CLOSED
    assert closed.outcome == "Post deleted and the team reminded to check the account."
    assert (closed.closed_at, closed.closed_by) == (later, communications)
    key = f"incident:{incident.pk}:closed"
    assert told(key) == sorted([requester.email, line_manager.email])
    [notification] = Notification.objects.filter(key=key, recipient=requester)
    assert notification.subject == f"Incident closed: {incident.reference}"
    assert "Outcome: Post deleted and the team reminded to check the account." in notification.body
    event = Event.objects.get(action=events.INCIDENT_CLOSED)
    assert event.reason == "Post deleted and the team reminded to check the account."
    assert event.summary == f"Chris Evans closed {incident.reference}"


def test_closing_needs_an_outcome(requester: User, communications: User) -> None:
    incident = report(requester)
    error = refusal(incident_close, actor=communications, incident=incident, outcome="   ")
    assert (error.message, error.field) == ("Enter the outcome", "outcome")
    incident.refresh_from_db()
    assert incident.state == IncidentState.OPEN
    assert not Notification.objects.filter(key__endswith=":closed").exists()


def test_closing_twice_is_refused_in_the_tables_words(
    requester: User, communications: User
) -> None:
    incident = report(requester)
    incident_close(actor=communications, incident=incident, outcome="Dealt with")
    # A second tab still holding the open report.
    stale = Incident.objects.get(pk=incident.pk)
    stale.state = IncidentState.OPEN
    for held in (incident, stale):
        error = refusal(incident_close, actor=communications, incident=held, outcome="Again")
        assert error.message == "This incident is closed."
    incident.refresh_from_db()
    assert incident.outcome == "Dealt with"
    assert Event.objects.filter(action=events.INCIDENT_CLOSED).count() == 1


def test_closed_incident_takes_no_link_and_no_evidence(
    requester: User, communications: User, parks: Account
) -> None:
    incident = report(requester)
    incident_close(actor=communications, incident=incident, outcome="Dealt with")
    assert (
        refusal(
            incident_link_account, actor=communications, incident=incident, account=parks
        ).message
        == "This incident is closed."
    )
    # The report as a page loaded before it was closed, and as it is now.
    for held in (incident, Incident.objects.get(pk=incident.pk)):
        screenshot = SimpleUploadedFile("x.png", png_bytes(), "image/png")
        error = refusal(
            incident_add_evidence, actor=communications, incident=held, upload=screenshot
        )
        assert error.message == "This incident is closed."
    assert not Evidence.objects.exists()


ONLY_COMMUNICATIONS = {
    CLOSE: "Only Communications can close an incident.",
    LINK_ACCOUNT: "Only Communications can link an incident to an account.",
    ADD_EVIDENCE: "Only Communications can add evidence to an incident.",
}


@pytest.mark.parametrize(
    "role", ["requester", "line_manager", "hr", "legal", "auditor", "outsider", "administrator"]
)
def test_only_communications_closes_links_or_adds_evidence(
    role: str,
    requester: User,
    parks: Account,
    request: pytest.FixtureRequest,
) -> None:
    """The reporter included; HR reads incidents but does not run them; an administrator is
    no exception."""
    person = request.getfixturevalue(role)
    incident = report(requester)
    png = SimpleUploadedFile("x.png", b"never read", "image/png")
    calls = {
        CLOSE: lambda: incident_close(actor=person, incident=incident, outcome="Done"),
        LINK_ACCOUNT: lambda: incident_link_account(actor=person, incident=incident, account=parks),
        ADD_EVIDENCE: lambda: incident_add_evidence(actor=person, incident=incident, upload=png),
    }
    for move, call in calls.items():
        with pytest.raises(DomainError) as caught:
            call()
        assert caught.value.message == ONLY_COMMUNICATIONS[move]
        assert not INCIDENT.allowed(person, move, incident)
    incident.refresh_from_db()
    assert (incident.state, incident.account) == (IncidentState.OPEN, None)
    assert not Evidence.objects.exists()


def test_communications_may_make_every_move_on_an_open_incident(
    requester: User, communications: User
) -> None:
    incident = report(requester)
    assert INCIDENT.allowed_moves(communications, incident) == [LINK_ACCOUNT, ADD_EVIDENCE, CLOSE]
    assert INCIDENT.allowed_moves(AnonymousUser(), incident) == []


def test_who_reads_an_incident(
    requester: User,
    line_manager: User,
    colleague: User,
    communications: User,
    hr: User,
    legal: User,
    auditor: User,
    outsider: User,
    administrator: User,
) -> None:
    incident = report(requester)
    readers = {
        person.email
        for person in (
            requester,
            line_manager,
            colleague,
            communications,
            hr,
            legal,
            auditor,
            outsider,
            administrator,
        )
        if can_view_incident(person, incident)
    }
    # Auditors read them too, to follow the compliance statement's figures (issue 11).
    assert readers == {
        requester.email,
        line_manager.email,
        communications.email,
        hr.email,
        auditor.email,
    }
    assert not can_view_incident(AnonymousUser(), incident)
