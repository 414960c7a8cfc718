from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from governance import events
from governance.changes import record_change
from governance.formatting import long_date
from governance.models import User

LeaverHandler = Callable[..., object]
_handlers: list[LeaverHandler] = []


def register(handler: LeaverHandler) -> LeaverHandler:
    """An app that holds something of a person's (moderator assignments, custody) registers what
    must happen when they leave; it is called with ``person``, ``actor`` and ``now`` inside the
    transaction that records the leaver (ORG-3)."""
    _handlers.append(handler)
    return handler


def staff_record_leaver(
    *, person: User, actor: User | None, now: datetime.datetime | None = None
) -> bool:
    """Record that a person has reached their leaving date (ORG-3); False if already done."""
    now = now or timezone.now()
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.leaver_recorded_at is not None or person.leaving_date is None:
            return False
        if person.leaving_date > timezone.localdate(now):
            return False
        person.leaver_recorded_at = now
        record_change(
            person,
            actor=actor,
            action=events.STAFF_LEFT,
            update_fields=["leaver_recorded_at"],
            summary=f"{person.full_name} left on {long_date(person.leaving_date)}",
            data={"leaving_date": person.leaving_date.isoformat()},
            now=now,
        )
        for handler in _handlers:
            handler(person=person, actor=actor, now=now)
    return True


def record_due_leavers(*, now: datetime.datetime | None = None) -> int:
    """Record everyone whose leaving date has come; safe to run any number of times."""
    now = now or timezone.now()
    due = User.objects.filter(
        leaver_recorded_at__isnull=True, leaving_date__lte=timezone.localdate(now)
    ).values_list("pk", flat=True)
    return sum(staff_record_leaver(person=User(pk=pk), actor=None, now=now) for pk in list(due))
