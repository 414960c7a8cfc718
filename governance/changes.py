"""One call to record a change: save the record with its history and write the event row.

Every service that changes a record calls ``record_change`` inside its transaction. The history
row is marked with the event's action (so a timeline tells the change once, from the event, see
governance.history) and dated with it; the event says who did it and why. Action codes are
constants in each app's ``events.py``, in the past tense, and never renamed once written: event
rows are chained, so a written code stays as it is.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models

from governance.history import save_with_event
from governance.models import Event, User
from governance.services.events import event_record


def record_change(
    instance: models.Model,
    *,
    actor: User | None,
    action: str,
    summary: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    update_fields: list[str] | None = None,
    subject: models.Model | None = None,
    now: datetime.datetime | None = None,
) -> Event:
    """Save ``instance`` (only ``update_fields`` when given) and log the change as ``action``.

    ``subject`` is what the event is about when that is not the saved record itself (a review
    is told on its account's timeline).
    """
    save_with_event(instance, action=action, update_fields=update_fields, now=now)
    return event_record(
        actor=actor,
        action=action,
        subject=subject or instance,
        summary=summary,
        reason=reason.strip(),
        data=data,
        now=now,
    )
