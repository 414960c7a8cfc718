"""The service navigation: which sections a person sees, in order.

Each app registers its sections with the predicate that decides who sees them; the pages
themselves check the same predicates, so navigation never offers a page that would answer 404.
The home page lists the same sections with their descriptions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class Section:
    order: int
    label: str
    url_name: str
    description: str
    visible: Callable[[Any], bool]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_sections: list[Section] = []


def register(
    *,
    order: int,
    label: str,
    url_name: str,
    description: str,
    visible: Callable[[Any], bool],
) -> None:
    _sections.append(Section(order, label, url_name, description, visible))
    _sections.sort(key=lambda section: section.order)


def sections_for(user: Any) -> list[Section]:
    return [section for section in _sections if section.visible(user)]


def offers(user: Any, url_name: str) -> bool:
    """Whether this person's navigation has the section at ``url_name``: lets one app link to
    another's page (raising a concern with HR from an incident) without importing it."""
    return any(section.url_name == url_name and section.visible(user) for section in _sections)
