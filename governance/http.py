import re
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from governance.models import User

# Nothing typed into a search box holds a control character, and PostgreSQL refuses a NUL in
# any text it is sent: a link or a script that carries one is searched for without them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class AuthenticatedRequest(HttpRequest):
    """A request that LoginRequiredMiddleware has let through: its user is signed in."""

    user: User


def search_text(query: Mapping[str, Any], name: str, default: str = "", longest: int = 200) -> str:
    """What was typed into the search box ``name`` of a list's address (``request.GET``): at
    most ``longest`` characters, trimmed, control characters left out."""
    text = CONTROL_CHARACTERS.sub("", str(query.get(name, default)))
    return text.strip()[:longest]
