"""Saving a model whose change is also told by an event row.

The history row gets the change reason ``event:<action>`` (so timelines show the change once,
from the event) and the event's date. Both attributes are removed after saving, so a later
save of the same object, made some other way, is not mistaken for this one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models

EVENT_MARK = "event:"


@contextmanager
def marked_for_event(
    instance: models.Model, *, action: str | None, now: datetime.datetime | None = None
) -> Iterator[None]:
    """While saving inside this block, the history row is marked as told by ``action``'s event
    (nothing is marked when ``action`` is None)."""
    if action is not None:
        instance._change_reason = f"{EVENT_MARK}{action}"  # type: ignore[attr-defined]
    if now is not None:
        instance._history_date = now  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for attribute in ("_change_reason", "_history_date"):
            instance.__dict__.pop(attribute, None)


def save_with_event(
    instance: models.Model,
    *,
    action: str,
    update_fields: list[str] | None = None,
    now: datetime.datetime | None = None,
) -> None:
    with marked_for_event(instance, action=action, now=now):
        instance.save(update_fields=update_fields)
