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
    """Worked out once a request: the navigation, the home page and ``offers`` all ask, and
    some predicates cost a query (kept on the user object, as governance.roles keeps roles)."""
    kept = user.__dict__.get("_nav_sections")
    if kept is None or kept[0] != len(_sections):
        kept = (len(_sections), [section for section in _sections if section.visible(user)])
        user.__dict__["_nav_sections"] = kept
    return list(kept[1])


def offers(user: Any, url_name: str) -> bool:
    """Whether this person's navigation has the section at ``url_name``: lets one app link to
    another's page (raising a concern with HR from an incident) without importing it."""
    return any(section.url_name == url_name for section in sections_for(user))
