"""Notification wording lives in templates, not in services.

``templates/<app>/email/<name>.txt``: the first line is the subject, then a blank line, then
the body. Templates are rendered without HTML escaping (this is plain text: "O'Brien" stays
"O'Brien"); ``notify_from`` renders one and hands it to ``notify``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from governance.models import Event, User
from governance.services.notifications import notify, render_text


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
