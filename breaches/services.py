"""HR's work on breach records (HR-1 to HR-3): record, change, close, reopen, log every read, and
purge at the end of the retention period.

Event rows say which record and what kind of change, never whose record or what it says: the
event log is read by administrators and auditors (HR-2). The details stay in the record and its
history rows, which only HR reads and which the purge removes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from breaches import events
from breaches.models import BreachOutcome, BreachRead, BreachRecord, BreachState, ReadKind
from breaches.rules import handles_breaches
from breaches.transitions import BREACH, CLOSE, EDIT, INVESTIGATE, REOPEN
from governance.errors import DomainError
from governance.formatting import add_months
from governance.history import save_with_event
from governance.models import User
from governance.services.events import event_record
from governance.services.profile import profile_get
from governance.validators import required_text

# What HR may change on a record that is not closed.
DETAILS = (
    "what_happened",
    "policy_version",
    "clauses",
    "incident",
    "abuse_case",
    "hr_case_reference",
)


def _record_event(
    record: BreachRecord, *, actor: User | None, action: str, summary: str, now: datetime.datetime
) -> None:
    save_with_event(record, action=action, now=now)
    event_record(actor=actor, action=action, subject=record, summary=summary, now=now)


def breach_record(
    *,
    actor: User,
    person: User,
    what_happened: str,
    policy_version: Any = None,
    clauses: str = "",
    incident: Any = None,
    abuse_case: Any = None,
    hr_case_reference: str = "",
    now: datetime.datetime | None = None,
) -> BreachRecord:
    """HR records a breach it learnt of itself; it is being looked into from the start."""
    now = now or timezone.now()
    if not handles_breaches(actor):
        raise DomainError("Only HR records breaches.")
    record = BreachRecord(
        person=person,
        what_happened=required_text(what_happened, what="what happened", field="what_happened"),
        policy_version=policy_version,
        clauses=clauses.strip()[:200],
        incident=incident,
        abuse_case=abuse_case,
        hr_case_reference=hr_case_reference.strip()[:50],
        reported_by=actor,
        state=BreachState.INVESTIGATING,
        created_at=now,
    )
    with transaction.atomic():
        save_with_event(record, action=events.BREACH_RECORDED, now=now)
        event_record(
            actor=actor,
            action=events.BREACH_RECORDED,
            subject=record,
            summary=f"HR recorded {record.reference}",
            now=now,
        )
    return record


def _lock(record: BreachRecord) -> BreachRecord:
    return BreachRecord.objects.select_for_update().get(pk=record.pk)


def breach_update(
    *, actor: User, record: BreachRecord, now: datetime.datetime | None = None, **details: Any
) -> BreachRecord:
    """Change the details of an open record; the event names the fields changed, not their
    values."""
    now = now or timezone.now()
    unknown = set(details) - set(DETAILS)
    if unknown:
        raise TypeError(f"Not a detail of a breach record: {sorted(unknown)}")
    BREACH.check(actor, EDIT, record)
    if "what_happened" in details:
        details["what_happened"] = required_text(
            details["what_happened"], what="what happened", field="what_happened"
        )
    for name in ("clauses", "hr_case_reference"):
        if name in details:
            details[name] = details[name].strip()
    with transaction.atomic():
        record = _lock(record)
        BREACH.check(actor, EDIT, record)
        changed = [name for name, value in details.items() if getattr(record, name) != value]
        if not changed:
            return record
        for name in changed:
            setattr(record, name, details[name])
        _record_event(
            record,
            actor=actor,
            action=events.BREACH_CHANGED,
            summary=f"HR changed {record.reference}",
            now=now,
        )
    return record


def breach_investigate(
    *, actor: User, record: BreachRecord, now: datetime.datetime | None = None
) -> BreachRecord:
    now = now or timezone.now()
    BREACH.check(actor, INVESTIGATE, record)
    with transaction.atomic():
        record = _lock(record)
        BREACH.check(actor, INVESTIGATE, record)
        record.state = BREACH[INVESTIGATE].to
        _record_event(
            record,
            actor=actor,
            action=events.BREACH_INVESTIGATING,
            summary=f"HR started looking into {record.reference}",
            now=now,
        )
    return record


def breach_close(
    *,
    actor: User,
    record: BreachRecord,
    outcome: str,
    outcome_note: str = "",
    now: datetime.datetime | None = None,
) -> BreachRecord:
    now = now or timezone.now()
    BREACH.check(actor, CLOSE, record)
    if outcome not in BreachOutcome.values:
        raise DomainError("Select the outcome", field="outcome")
    outcome_note = required_text(
        outcome_note, what="about the outcome", field="outcome_note", required=False
    )
    with transaction.atomic():
        record = _lock(record)
        BREACH.check(actor, CLOSE, record)
        record.state = BREACH[CLOSE].to
        record.outcome = outcome
        record.outcome_note = outcome_note
        record.closed_at = now
        record.closed_by = actor
        _record_event(
            record,
            actor=actor,
            action=events.BREACH_CLOSED,
            summary=f"HR closed {record.reference}",
            now=now,
        )
    return record


def breach_reopen(
    *, actor: User, record: BreachRecord, now: datetime.datetime | None = None
) -> BreachRecord:
    now = now or timezone.now()
    BREACH.check(actor, REOPEN, record)
    with transaction.atomic():
        record = _lock(record)
        BREACH.check(actor, REOPEN, record)
        record.state = BREACH[REOPEN].to
        record.closed_at = None
        record.closed_by = None
        _record_event(
            record,
            actor=actor,
            action=events.BREACH_REOPENED,
            summary=f"HR reopened {record.reference}",
            now=now,
        )
    return record


def breach_read(
    *,
    reader: User,
    record: BreachRecord | None = None,
    person: User | None = None,
    now: datetime.datetime | None = None,
) -> BreachRead:
    """Log that HR read a record, or a person's history (HR-2): who, when, which."""
    if (record is None) == (person is None):
        raise TypeError("Log the read of a record or of a person's history, one of them.")
    return BreachRead.objects.create(
        reader=reader,
        read_at=now or timezone.now(),
        kind=ReadKind.RECORD if record is not None else ReadKind.HISTORY,
        record=record,
        person=person,
    )


def purge_due(now: datetime.datetime) -> QuerySet[BreachRecord]:
    """Closed records whose retention period (the profile's breach_retention_years after
    closing) has passed (HR-3)."""
    years = profile_get().breach_retention_years
    cutoff_day = add_months(timezone.localdate(now), -12 * years)
    cutoff = timezone.make_aware(datetime.datetime.combine(cutoff_day, datetime.time.min))
    return BreachRecord.objects.filter(state=BreachState.CLOSED, closed_at__lt=cutoff)


def breaches_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete every record past its retention period, with its history rows and the log of who
    read it. Each purge leaves an event naming the record's number and the year it closed,
    nothing about the person; no event is removed, so the chain still verifies."""
    now = now or timezone.now()
    purged = 0
    for pk in list(purge_due(now).values_list("pk", flat=True)):
        with transaction.atomic():
            record = purge_due(now).select_for_update().filter(pk=pk).first()
            if record is None:
                continue  # purged by another worker meanwhile
            person_id, reference = record.person_id, record.reference
            closed_year = timezone.localdate(record.closed_at).year if record.closed_at else ""
            event_record(
                actor=None,
                action=events.BREACH_PURGED,
                subject=record,
                summary=f"{reference} was deleted at the end of its retention period "
                f"(closed in {closed_year})",
                now=now,
            )
            record.delete()
            # Deleting writes one last history row: every row of the record goes.
            BreachRecord.history.filter(id=pk).delete()
            if not BreachRecord.objects.filter(person_id=person_id).exists():
                BreachRead.objects.filter(person_id=person_id).delete()
            purged += 1
    return purged
