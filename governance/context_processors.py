from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from governance import navigation


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def portal(request: HttpRequest) -> dict[str, Any]:
    items = []
    if request.user.is_authenticated:
        path = request.path
        sections = [
            (section.label, section.url) for section in navigation.sections_for(request.user)
        ]
        # The section whose address is the longest start of this page's address is current.
        matches = [
            url for _, url in sections if path == url or (url != "/" and path.startswith(url))
        ]
        current = max(matches, key=len, default=None)
        items = [NavItem(label, url, url == current) for label, url in sections]
    return {
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "ACCESSIBILITY_CONTACT_EMAIL": settings.ACCESSIBILITY_CONTACT_EMAIL,
        "ENTRA_ENABLED": settings.ENTRA_ENABLED,
        "nav_items": items,
    }
