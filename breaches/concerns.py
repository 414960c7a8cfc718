"""Raising a concern with HR (HR-2): the one public service of this app.

A line manager or Communications says who and what; HR gets a breach record to look into and a
task; the person who raised it is told it was received, and can never read the record. The
notifications say nothing of who or what: e-mail and the event log are read by others.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from breaches import events
from breaches.models import BreachRecord, BreachState
from breaches.rules import can_raise_concern_about
from governance import roles
from governance.emails import notify_from
from governance.errors import DomainError
from governance.history import save_with_event
from governance.models import User
from governance.services.events import event_record
from governance.validators import required_text
from moderation.models import AbuseCase, Incident


def hr_team() -> QuerySet[User]:
    return User.objects.filter(groups__name=roles.HR, is_active=True).filter(
        leaver_recorded_at__isnull=True
    )


def concern_raise(
    *,
    raiser: User,
    person: User,
    what_happened: str,
    incident: Incident | None = None,
    abuse_case: AbuseCase | None = None,
    now: datetime.datetime | None = None,
) -> BreachRecord:
    """Record the concern for HR. Returns the record, for its reference only: the raiser's
    pages show the reference and the date, nothing else."""
    now = now or timezone.now()
    if person.pk == raiser.pk:
        raise DomainError("You cannot raise a concern about yourself", field="person")
    if not can_raise_concern_about(raiser, person):
        raise DomainError("You can raise a concern only about someone in your team", field="person")
    what_happened = required_text(what_happened, what="what happened", field="what_happened")
    with transaction.atomic():
        record = BreachRecord(
            person=person,
            what_happened=what_happened,
            incident=incident,
            abuse_case=abuse_case,
            reported_by=raiser,
            raised_as_concern=True,
            state=BreachState.RECEIVED,
            created_at=now,
        )
        save_with_event(record, action=events.CONCERN_RAISED, now=now)
        # Saved first: the summary names the record by its number, and by nothing else.
        event = event_record(
            actor=raiser,
            action=events.CONCERN_RAISED,
            subject=record,
            summary=f"A concern was raised with HR ({record.reference})",
            now=now,
        )
        notify_from(
            "breaches/email/concern_for_hr.txt",
            {"record": record},
            recipients=hr_team(),
            key=f"breach:{record.pk}:concern",
            url=reverse("breach", args=[record.pk]),
            event=event,
            now=now,
        )
        notify_from(
            "breaches/email/concern_received.txt",
            {"record": record},
            recipients=[raiser],
            key=f"breach:{record.pk}:received",
            event=event,
            now=now,
        )
    return record
