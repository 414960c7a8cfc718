"""HR's breach records as the services run them (HR-1 to HR-3; MSM 8.1, MDM 12.1): who may raise
a concern about whom; HR is told and the raiser hears it was received, with no name and no
detail in any e-mail, notification or event; only HR records, changes, closes and reopens a
record, administrators included in "everyone else"; every read is logged; closed records are
purged at the end of the profile's retention period with every trace of their details, leaving
an event that names none of them and a chain that still verifies.

A sentinel is planted in what happened, and the person has a name found nowhere else, so a
leak of either shows.

The clock is stopped at 9am on Monday 2 February 2026 (Greenwich time, so dates do not shift).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core import mail

from breaches.concerns import concern_raise
from breaches.models import BreachOutcome, BreachRead, BreachRecord, BreachState, ReadKind
from breaches.services import (
    breach_close,
    breach_investigate,
    breach_read,
    breach_record,
    breach_reopen,
    breach_update,
    breaches_purge,
)
from breaches.tasks import purge_breach_records
from breaches.transitions import BREACH, CLOSE, EDIT, INVESTIGATE, REOPEN
from governance import roles
from governance.errors import DomainError
from governance.models import Event, Notification, ServiceArea, User
from governance.services.events import events_verify_chain
from governance.services.profile import profile_get, profile_update
from governance.todo import todos_for
from tests.conftest import make_person

START = datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC)
SENTINEL = "SENTINEL-PLUM-7731"
NAME = "Zebedee Quartermaine"
EMAIL = "zebedee.q@council.example"
WHAT = f"Posted a resident's address from the parks account ({SENTINEL})."


@pytest.fixture(autouse=True)
def _stopped_clock() -> Iterator[None]:
    with time_machine.travel(START, tick=False):
        yield


def refusal(call: Callable[..., Any], **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


@pytest.fixture
def person(leisure: ServiceArea, line_manager: User) -> User:
    """Someone in the line manager's team, whose name appears nowhere but their own record."""
    return make_person(EMAIL, NAME, area=leisure, manager=line_manager)


def leaks(text: str) -> list[str]:
    """Which of the person's name, e-mail address or the planted detail this text gives away."""
    lowered = text.casefold()
    return [
        secret
        for secret in (NAME, "Zebedee", "Quartermaine", EMAIL, SENTINEL, "resident's address")
        if secret.casefold() in lowered
    ]


def event_text(event: Event) -> str:
    return " ".join([event.summary, event.reason, json.dumps(event.data)])


def assert_no_event_tells() -> None:
    for event in Event.objects.all():
        assert leaks(event_text(event)) == [], event.action


# ---------------------------------------------------------------------------------------------
# Raising a concern


def test_line_manager_raises_a_concern_and_hr_gets_it(
    line_manager: User, person: User, hr: User
) -> None:
    record = concern_raise(raiser=line_manager, person=person, what_happened=f"  {WHAT}  ")
    record.refresh_from_db()
    assert record.reference == f"BR-{record.pk:05d}"
    assert (record.person, record.reported_by) == (person, line_manager)
    assert record.what_happened == WHAT
    assert record.raised_as_concern
    assert record.state == BreachState.RECEIVED
    assert record.created_at == START
    [event] = Event.objects.filter(action="breach.concern_raised")
    assert event.summary == f"A concern was raised with HR ({record.reference})"
    assert todos_for(hr)[0].title == f"Look into the concern about {NAME}"


SELF = "You cannot raise a concern about yourself"
NOT_YOURS = "You can raise a concern only about someone in your team"


@pytest.mark.parametrize(
    ("raiser", "about", "allowed"),
    [
        pytest.param("communications", "person", True, id="communications-about-anyone"),
        pytest.param("communications", "outsider", True, id="communications-about-other-area"),
        pytest.param("communications", "line_manager", True, id="communications-about-manager"),
        pytest.param("communications", "hr", True, id="communications-about-hr"),
        pytest.param("communications", "communications", SELF, id="communications-about-self"),
        pytest.param("line_manager", "person", True, id="manager-about-own-team"),
        pytest.param("line_manager", "colleague", True, id="manager-about-other-report"),
        pytest.param("line_manager", "outsider", False, id="manager-about-another-team"),
        pytest.param("line_manager", "head_of_service", False, id="manager-about-own-manager"),
        pytest.param("line_manager", "line_manager", SELF, id="manager-about-self"),
        pytest.param("head_of_service", "person", False, id="head-about-reports-report"),
        pytest.param("head_of_service", "line_manager", True, id="head-about-own-report"),
        pytest.param("hr", "person", False, id="hr-records-rather-than-raises"),
        pytest.param("requester", "colleague", False, id="colleague-about-colleague"),
        pytest.param("legal", "person", False, id="legal"),
        pytest.param("auditor", "person", False, id="auditor"),
        pytest.param("outsider", "person", False, id="outsider"),
        pytest.param("hr", "hr", SELF, id="hr-about-self"),
        pytest.param("administrator", "person", False, id="administrator"),
    ],
)
def test_who_may_raise_a_concern_about_whom(
    raiser: str, about: str, allowed: bool | str, person: User, request: pytest.FixtureRequest
) -> None:
    """``allowed``: True, or what the refused raiser is told (False: not their team)."""
    who, whom = request.getfixturevalue(raiser), request.getfixturevalue(about)
    if allowed is True:
        concern_raise(raiser=who, person=whom, what_happened=WHAT)
        assert BreachRecord.objects.get().person == whom
        return
    error = refusal(concern_raise, raiser=who, person=whom, what_happened=WHAT)
    assert (error.message, error.field) == (allowed or NOT_YOURS, "person")
    assert not BreachRecord.objects.exists()
    assert not Notification.objects.exists()


def test_concern_needs_what_happened(line_manager: User, person: User) -> None:
    error = refusal(concern_raise, raiser=line_manager, person=person, what_happened=" ")
    assert (error.message, error.field) == ("Enter what happened", "what_happened")
    assert not BreachRecord.objects.exists()


def test_hr_is_told_and_the_raiser_hears_it_was_received_with_no_name_or_detail(
    line_manager: User,
    person: User,
    hr: User,
    communications: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    second_hr = make_person("hr2@council.example", "Hari Singh", groups=(roles.HR,))
    with django_capture_on_commit_callbacks(execute=True):
        record = concern_raise(raiser=line_manager, person=person, what_happened=WHAT)
    for_hr = Notification.objects.filter(key=f"breach:{record.pk}:concern")
    assert sorted(for_hr.values_list("recipient__email", flat=True)) == sorted(
        [hr.email, second_hr.email]
    )
    assert {n.subject for n in for_hr} == {
        f"A concern has been raised with HR ({record.reference})"
    }
    [received] = Notification.objects.filter(key=f"breach:{record.pk}:received")
    assert received.recipient == line_manager
    assert received.subject == f"HR has received your concern ({record.reference})"
    assert "HR received your concern on 2 February 2026" in received.body
    # Nobody else hears of it: not the person, not Communications.
    assert set(Notification.objects.values_list("recipient__email", flat=True)) == {
        hr.email,
        second_hr.email,
        line_manager.email,
    }
    for notification in Notification.objects.all():
        assert leaks(notification.subject + notification.body) == []
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [hr.email, second_hr.email, line_manager.email]
    )
    for message in mail.outbox:
        assert leaks(str(message.subject) + str(message.body)) == []
    assert_no_event_tells()
    assert [todo for todo in todos_for(line_manager) if leaks(todo.title + todo.detail)] == []


# ---------------------------------------------------------------------------------------------
# HR's moves, and nobody else's


def test_hr_records_a_breach_being_looked_into_from_the_start(hr: User, person: User) -> None:
    record = breach_record(
        actor=hr,
        person=person,
        what_happened=WHAT,
        clauses=" MSM 5.12 ",
        hr_case_reference=" HR-2026-014 ",
    )
    record.refresh_from_db()
    assert record.state == BreachState.INVESTIGATING
    assert (record.reported_by, record.raised_as_concern) == (hr, False)
    assert (record.clauses, record.hr_case_reference) == ("MSM 5.12", "HR-2026-014")
    assert Event.objects.get(action="breach.recorded").summary == f"HR recorded {record.reference}"
    assert_no_event_tells()


def test_hr_runs_a_concern_from_received_to_closed_and_back(
    hr: User, line_manager: User, person: User
) -> None:
    record = concern_raise(raiser=line_manager, person=person, what_happened=WHAT)
    assert BREACH.allowed_moves(hr, record) == [INVESTIGATE, EDIT, CLOSE]
    record = breach_investigate(actor=hr, record=record)
    assert record.state == BreachState.INVESTIGATING
    assert refusal(breach_investigate, actor=hr, record=record).message == (
        "HR is already looking into this."
    )
    error = refusal(breach_close, actor=hr, record=record, outcome="sacked")
    assert (error.message, error.field) == ("Select the outcome", "outcome")
    record = breach_close(
        actor=hr,
        record=record,
        outcome=BreachOutcome.FINAL_WARNING,
        outcome_note=f"Final warning given ({SENTINEL}).",
    )
    record.refresh_from_db()
    assert record.state == BreachState.CLOSED
    assert (record.closed_at, record.closed_by) == (START, hr)
    assert record.outcome_note == f"Final warning given ({SENTINEL})."
    closed_words = "This record is closed. Reopen it to change it."
    assert (
        refusal(breach_update, actor=hr, record=record, clauses="MSM 8.1").message == closed_words
    )
    assert refusal(breach_investigate, actor=hr, record=record).message == closed_words
    assert refusal(breach_close, actor=hr, record=record, outcome="no_action").message == (
        closed_words
    )
    record = breach_reopen(actor=hr, record=record)
    record.refresh_from_db()
    assert (record.state, record.closed_at, record.closed_by) == (
        BreachState.INVESTIGATING,
        None,
        None,
    )
    assert refusal(breach_reopen, actor=hr, record=record).message == "This record is open."
    actions = list(Event.objects.filter(subject_id=record.pk).values_list("action", flat=True))
    assert actions == [
        "breach.concern_raised",
        "breach.investigating",
        "breach.closed",
        "breach.reopened",
    ]
    # Closing with a final warning: the outcome is HR's to know, not the event log's.
    for event in Event.objects.all():
        assert "warning" not in event_text(event).casefold()
    assert_no_event_tells()


NOT_HR = ["communications", "line_manager", "requester", "legal", "auditor", "outsider"]


@pytest.mark.parametrize("role", [*NOT_HR, "administrator"])
def test_only_hr_records_or_moves_a_breach(
    role: str, hr: User, person: User, request: pytest.FixtureRequest
) -> None:
    someone = request.getfixturevalue(role)
    assert refusal(breach_record, actor=someone, person=person, what_happened=WHAT).message == (
        "Only HR records breaches."
    )
    open_record = breach_record(actor=hr, person=person, what_happened=WHAT)
    received = concern_raise(
        raiser=request.getfixturevalue("line_manager"), person=person, what_happened=WHAT
    )
    closed = breach_close(
        actor=hr,
        record=breach_record(actor=hr, person=person, what_happened=WHAT),
        outcome=BreachOutcome.NO_ACTION,
    )
    before = Event.objects.count()
    attempts: list[tuple[Callable[..., Any], dict[str, Any], str, str]] = [
        (breach_investigate, {"record": received}, INVESTIGATE, "Only HR looks into breaches."),
        (
            breach_update,
            {"record": open_record, "clauses": "MSM 8.1"},
            EDIT,
            "Only HR changes breach records.",
        ),
        (
            breach_close,
            {"record": open_record, "outcome": "dismissal"},
            CLOSE,
            "Only HR closes breach records.",
        ),
        (breach_reopen, {"record": closed}, REOPEN, "Only HR reopens breach records."),
    ]
    for call, values, move, message in attempts:
        assert refusal(call, actor=someone, **values).message == message
        assert not BREACH.allowed(someone, move, values["record"])
    assert Event.objects.count() == before
    states = dict(BreachRecord.objects.values_list("pk", "state"))
    assert states == {
        open_record.pk: BreachState.INVESTIGATING,
        received.pk: BreachState.RECEIVED,
        closed.pk: BreachState.CLOSED,
    }
    assert BreachRecord.objects.get(pk=open_record.pk).clauses == ""


def test_superuser_in_no_group_has_no_move(administrator: User, hr: User, person: User) -> None:
    assert administrator.is_superuser
    record = breach_record(actor=hr, person=person, what_happened=WHAT)
    assert BREACH.allowed_moves(administrator, record) == []
    assert BREACH.allowed_moves(hr, record) == [EDIT, CLOSE]


def test_update_event_names_no_values(hr: User, person: User, colleague: User) -> None:
    record = breach_record(actor=hr, person=person, what_happened="Posted by mistake.")
    later = START + datetime.timedelta(hours=1)
    record = breach_update(
        actor=hr,
        record=record,
        what_happened=WHAT,
        clauses=" MSM 5.12, MDM 10.1 ",
        hr_case_reference=f" {SENTINEL}-REF ",
        now=later,
    )
    record.refresh_from_db()
    assert (record.what_happened, record.clauses) == (WHAT, "MSM 5.12, MDM 10.1")
    assert record.hr_case_reference == f"{SENTINEL}-REF"
    [event] = Event.objects.filter(action="breach.changed")
    assert event.summary == f"HR changed {record.reference}"
    assert event.occurred_at == later
    assert "MSM 5.12" not in event_text(event)
    assert_no_event_tells()
    # HR's own history keeps the change.
    assert record.history.latest("history_date").what_happened == WHAT
    # Nothing changed, nothing written.
    breach_update(actor=hr, record=record, clauses="MSM 5.12, MDM 10.1")
    assert Event.objects.filter(action="breach.changed").count() == 1
    error = refusal(breach_update, actor=hr, record=record, what_happened="  ")
    assert (error.message, error.field) == ("Enter what happened", "what_happened")
    with pytest.raises(TypeError):
        breach_update(actor=hr, record=record, person=colleague)
    record.refresh_from_db()
    assert record.person == person


def test_every_read_is_logged(hr: User, person: User) -> None:
    record = breach_record(actor=hr, person=person, what_happened=WHAT)
    later = START + datetime.timedelta(minutes=5)
    breach_read(reader=hr, record=record, now=later)
    breach_read(reader=hr, person=person)
    reads = list(BreachRead.objects.order_by("read_at", "pk"))
    assert [(r.reader, r.kind, r.record, r.person, r.read_at) for r in reads] == [
        (hr, ReadKind.HISTORY, None, person, START),
        (hr, ReadKind.RECORD, record, None, later),
    ]
    with pytest.raises(TypeError):
        breach_read(reader=hr)
    with pytest.raises(TypeError):
        breach_read(reader=hr, record=record, person=person)
    assert BreachRead.objects.count() == 2
    # Who read whose history is HR's: it is not in the event log.
    assert not Event.objects.filter(action__contains="read").exists()


# ---------------------------------------------------------------------------------------------
# Retention (HR-3)

CLOSED_AT = datetime.datetime(2020, 3, 10, 12, tzinfo=datetime.UTC)


def when(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 9, tzinfo=datetime.UTC)


def closed_record(hr: User, person: User, closed_at: datetime.datetime = CLOSED_AT) -> BreachRecord:
    """A record made and read a month before it closed, and closed then."""
    with time_machine.travel(closed_at - datetime.timedelta(days=30), tick=False):
        record = breach_record(actor=hr, person=person, what_happened=WHAT)
        breach_update(actor=hr, record=record, clauses="MSM 5.12")
        breach_read(reader=hr, record=record)
        breach_read(reader=hr, person=person)
    with time_machine.travel(closed_at, tick=False):
        return breach_close(actor=hr, record=record, outcome=BreachOutcome.FORMAL_WARNING)


def purge_on(moment: datetime.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return breaches_purge()


def history_rows(pk: int) -> int:
    return BreachRecord.history.filter(id=pk).count()


def test_record_is_kept_until_six_years_after_closing(hr: User, person: User) -> None:
    record = closed_record(hr, person)
    assert profile_get().breach_retention_years == 6
    assert purge_on(when(2026, 3, 9)) == 0  # six years less a day
    assert purge_on(when(2026, 3, 10)) == 0  # six years to the day
    assert BreachRecord.objects.filter(pk=record.pk).exists()
    assert purge_on(when(2026, 3, 11)) == 1  # six years and a day
    assert not BreachRecord.objects.filter(pk=record.pk).exists()


def test_purge_removes_every_trace_of_the_details(hr: User, person: User) -> None:
    record = closed_record(hr, person)
    pk, reference = record.pk, record.reference
    assert history_rows(pk) >= 3
    assert BreachRead.objects.count() == 2
    assert purge_on(when(2026, 3, 11)) == 1
    assert history_rows(pk) == 0  # the row the deletion itself wrote too
    assert not BreachRead.objects.exists()  # the record's reads, and the person's history reads
    [event] = Event.objects.filter(action="breach.purged")
    assert event.actor is None
    assert event.summary == (
        f"{reference} was deleted at the end of its retention period (closed in 2020)"
    )
    assert event.occurred_at == when(2026, 3, 11)
    assert_no_event_tells()
    assert "formal" not in event_text(event).casefold()
    assert events_verify_chain() == []
    # The person is still on the staff list; only the record went.
    assert User.objects.filter(pk=person.pk).exists()


def test_purge_leaves_everything_else(
    hr: User, person: User, colleague: User, line_manager: User
) -> None:
    old = closed_record(hr, person)
    recent = closed_record(hr, person, closed_at=datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC))
    with time_machine.travel(datetime.datetime(2019, 1, 5, tzinfo=datetime.UTC), tick=False):
        still_open = concern_raise(raiser=line_manager, person=person, what_happened=WHAT)
    others = closed_record(
        hr, colleague, closed_at=datetime.datetime(2021, 1, 5, tzinfo=datetime.UTC)
    )
    kept = {recent.pk, still_open.pk, others.pk}
    history_before = {pk: history_rows(pk) for pk in kept}
    reads_before = set(BreachRead.objects.exclude(record=old).values_list("pk", flat=True))
    assert purge_on(when(2026, 3, 11)) == 1
    assert set(BreachRecord.objects.values_list("pk", flat=True)) == kept
    assert {pk: history_rows(pk) for pk in kept} == history_before
    assert history_rows(old.pk) == 0
    # The person still has records, so the log of who read their history stays; only the old
    # record's own reads went with it.
    assert set(BreachRead.objects.values_list("pk", flat=True)) == reads_before
    assert BreachRead.objects.filter(kind=ReadKind.HISTORY, person=person).count() == 2
    assert BreachRecord.objects.get(pk=others.pk).state == BreachState.CLOSED


def test_person_history_reads_go_when_their_last_record_goes(
    hr: User, person: User, colleague: User
) -> None:
    closed_record(hr, person)
    closed_record(hr, person, closed_at=datetime.datetime(2020, 6, 1, 12, tzinfo=datetime.UTC))
    closed_record(hr, colleague, closed_at=datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.UTC))
    assert purge_on(when(2026, 3, 11)) == 1
    assert BreachRead.objects.filter(kind=ReadKind.HISTORY, person=person).count() == 2
    assert purge_on(when(2026, 6, 2)) == 1
    assert not BreachRead.objects.filter(person=person).exists()
    assert not BreachRead.objects.filter(record__person=person).exists()
    assert BreachRead.objects.filter(kind=ReadKind.HISTORY, person=colleague).count() == 1
    assert events_verify_chain() == []


def test_purge_run_twice_purges_once(hr: User, person: User) -> None:
    closed_record(hr, person)
    assert purge_on(when(2026, 3, 11)) == 1
    assert purge_on(when(2026, 3, 11)) == 0
    assert purge_on(when(2026, 4, 1)) == 0
    assert Event.objects.filter(action="breach.purged").count() == 1
    assert events_verify_chain() == []


def test_retention_follows_a_changed_profile(
    hr: User, person: User, colleague: User, administrator: User
) -> None:
    two_years = closed_record(
        hr, person, closed_at=datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC)
    )
    six_years = closed_record(hr, colleague)
    profile_update(actor=administrator, values={"breach_retention_years": 10}, reason="HR policy")
    assert purge_on(when(2026, 3, 11)) == 0
    profile_update(actor=administrator, values={"breach_retention_years": 2}, reason="HR policy")
    assert purge_on(when(2026, 1, 10)) == 1  # two years to the day: only the older one goes
    assert set(BreachRecord.objects.values_list("pk", flat=True)) == {two_years.pk}
    assert six_years.pk not in set(BreachRecord.history.values_list("id", flat=True))
    assert purge_on(when(2026, 1, 11)) == 1
    assert not BreachRecord.objects.exists()
    assert events_verify_chain() == []


def test_reopened_record_counts_from_its_last_closing(hr: User, person: User) -> None:
    record = closed_record(hr, person)
    with time_machine.travel(when(2021, 5, 1), tick=False):
        record = breach_reopen(actor=hr, record=record)
    assert purge_on(when(2026, 3, 11)) == 0  # open: kept whatever its age
    with time_machine.travel(when(2022, 7, 1), tick=False):
        breach_close(actor=hr, record=record, outcome=BreachOutcome.NO_ACTION)
    assert purge_on(when(2028, 7, 1)) == 0
    assert purge_on(when(2028, 7, 2)) == 1


def test_scheduled_task_runs_the_purge(hr: User, person: User) -> None:
    closed_record(hr, person)
    with time_machine.travel(when(2026, 3, 11), tick=False):
        assert purge_breach_records() == 1
        assert purge_breach_records() == 0
    assert not BreachRecord.objects.exists()
    assert Event.objects.filter(action="breach.purged").count() == 1
    assert events_verify_chain() == []
