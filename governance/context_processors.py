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
        for section in navigation.sections_for(request.user):
            url = section.url
            active = path == url if url == "/" else path.startswith(url)
            items.append(NavItem(section.label, url, active))
    return {
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "ENTRA_ENABLED": settings.ENTRA_ENABLED,
        "nav_items": items,
    }
