from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from governance.models import Event, EventChainHead, User


def event_record(
    *,
    actor: User | None,
    action: str,
    subject: models.Model,
    summary: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    now: datetime.datetime | None = None,
) -> Event:
    """Append one row to the event log, chained to the row before it."""
    with transaction.atomic():
        head, _ = EventChainHead.objects.select_for_update().get_or_create(pk=1)
        event = Event(
            seq=head.seq + 1,
            occurred_at=now or timezone.now(),
            actor=actor,
            action=action,
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            summary=summary[:300],
            reason=reason,
            data=data or {},
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["seq", "last_hash"])
    return event


def events_verify_chain(*, batch_size: int = 2000) -> list[str]:
    """Return a description of each break in the chain; an empty list means it is intact."""
    problems: list[str] = []
    expected_prev = None
    expected_seq = None
    for event in Event.objects.order_by("seq").iterator(chunk_size=batch_size):
        if expected_seq is not None and event.seq != expected_seq:
            problems.append(f"Event #{expected_seq} to #{event.seq - 1} are missing.")
        if expected_prev is not None and event.prev_hash != expected_prev:
            problems.append(f"Event #{event.seq} does not follow the event before it.")
        if event.compute_hash() != event.hash:
            problems.append(f"Event #{event.seq} was changed after it was written.")
        expected_prev = event.hash
        expected_seq = event.seq + 1
    head = EventChainHead.objects.filter(pk=1).first()
    if head and expected_seq is not None and head.seq != expected_seq - 1:
        problems.append(f"The newest events after #{expected_seq - 1} were removed.")
    return problems
