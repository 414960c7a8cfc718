"""What links public abuse cases about the same author (INC-2): the platform, and the author's
handle however it was typed."""

from __future__ import annotations

import unicodedata
from urllib.parse import parse_qs, urlsplit

from accounts.models import Account


def platform_key(account: Account) -> str:
    """Cases are linked across the council's accounts on the same platform."""
    if account.platform_other:
        return f"{account.platform}:{account.platform_other.strip().casefold()}"[:80]
    return account.platform


def author_key(handle: str) -> str:
    """The same author however their handle was typed: other letter case, a leading @, the
    address of their profile, full-width letters."""
    text = unicodedata.normalize("NFKC", handle).strip()
    if "/" in text:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        segments = [segment for segment in parts.path.split("/") if segment]
        text = segments[-1] if segments else parts.netloc
        # A Facebook profile without a user name: every one is "profile.php", told apart by ?id=.
        number = parse_qs(parts.query).get("id")
        if text.casefold() == "profile.php" and number:
            text = number[0]
    return text.lstrip("@").casefold()[:200]
