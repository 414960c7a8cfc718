"""HR's entries on 'Your tasks', and the navigation for HR and for those who raise concerns."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from breaches.rules import can_raise_concern, handles_breaches
from breaches.selectors import concerns_waiting
from governance import navigation
from governance.formatting import long_date
from governance.models import User
from governance.todo import Todo, register

SHOWN = 10


@register
def concern_todos(user: User) -> Iterator[Todo]:
    if not handles_breaches(user):
        return
    waiting = list(concerns_waiting()[: SHOWN + 1])
    for record in waiting[:SHOWN]:
        yield Todo(
            section="Concerns raised with HR",
            title=f"Look into the concern about {record.person.full_name}",
            url=reverse("breach", args=[record.pk]),
            detail=f"{record.reference}, received {long_date(record.created_at)}.",
        )
    if len(waiting) > SHOWN:
        yield Todo(
            section="Concerns raised with HR",
            title="See every concern waiting",
            url=reverse("breaches") + "?state=received",
            detail="Only the ten received first are listed here.",
        )


navigation.register(
    order=60,
    label="Breaches",
    url_name="breaches",
    description="Breaches of the social media policy and each person's history. Only HR sees "
    "these.",
    visible=handles_breaches,
)
navigation.register(
    order=62,
    label="Raise a concern",
    url_name="concern_new",
    description="Tell HR about a possible breach of the social media policy by someone in "
    "your team.",
    visible=can_raise_concern,
)
