"""Notification wording lives in templates, not in services.

``templates/<app>/email/<name>.txt``: the first line is the subject, then a blank line, then
the body. Templates are rendered without HTML escaping (this is plain text: "O'Brien" stays
"O'Brien"); ``notify_from`` renders one and hands it to ``notify``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from governance.models import Event, Notification, User
from governance.services import notifications
from governance.services.notifications import (
    held,
    notification_rows,
    notify,
    reachable,
    render_text,
)


def render_email(template_name: str, context: dict[str, Any]) -> tuple[str, str]:
    subject, _, body = render_text(template_name, context).partition("\n")
    return subject.strip(), body.strip()


def notify_from(
    template_name: str,
    context: dict[str, Any],
    *,
    recipients: Iterable[User | None],
    key: str,
    url: str = "",
    event: Event | None = None,
    now: datetime.datetime | None = None,
) -> None:
    subject, body = render_email(template_name, context)
    notify(
        recipients=recipients,
        key=key,
        subject=subject,
        body=body,
        url=url,
        event=event,
        now=now,
    )


class Outbox:
    """The notifications of a sweep over many items, written together.

    Made with every key the sweep may use, it asks once which people already hold which key;
    ``add`` then renders an e-mail only for people who do not, and the rows go in one insert
    per ``batch`` with one request to send. The unique key still keeps a second worker
    running the same sweep at once from telling anyone twice.
    """

    def __init__(
        self, keys: Iterable[str], *, now: datetime.datetime | None = None, batch: int = 1000
    ) -> None:
        self.held = held(keys)
        self.now = now or timezone.now()
        self.batch = batch
        self.rows: list[Notification] = []
        self.written = 0

    def new(self, recipients: Iterable[User | None], key: str) -> list[User]:
        """The recipients who can be told and do not yet hold this key."""
        return [person for person in reachable(recipients) if (person.pk, key) not in self.held]

    def add(
        self,
        template_name: str,
        context: dict[str, Any],
        *,
        recipients: Iterable[User | None],
        key: str,
        url: str = "",
        event: Event | None = None,
    ) -> int:
        """Queue the e-mail for those recipients not yet told; return how many it is for."""
        people = self.new(recipients, key)
        if not people:
            return 0
        subject, body = render_email(template_name, context)
        self.held.update((person.pk, key) for person in people)
        self.rows += notification_rows(
            people, key=key, subject=subject, body=body, url=url, event=event, now=self.now
        )
        if len(self.rows) >= self.batch:
            self.flush()
        return len(people)

    def flush(self) -> None:
        if not self.rows:
            return
        Notification.objects.bulk_create(self.rows, ignore_conflicts=True)
        self.written += len(self.rows)
        self.rows = []
        transaction.on_commit(notifications.enqueue_delivery)

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.flush()
