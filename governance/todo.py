"""'Your tasks': everything a person must act on, gathered from every part of the portal.

Each app registers a provider that answers, for one person, what is waiting for them. Tasks
are worked out from the records themselves, so a task disappears the moment it is done.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from governance.models import User


@dataclass(frozen=True)
class Todo:
    section: str
    title: str
    url: str
    detail: str = ""
    due: datetime.date | None = None
    overdue: bool = False
    # Comes before everything else (a lost or stolen device: MSM 5.18 "immediately").
    urgent: bool = False


Provider = Callable[[User], Iterable[Todo]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


def todos_for(user: User) -> list[Todo]:
    todos = [todo for provider in _providers for todo in provider(user)]
    return sorted(
        todos,
        key=lambda todo: (
            not todo.urgent,
            not todo.overdue,
            todo.due or datetime.date.max,
            todo.title,
        ),
    )
