# ruff: noqa: RUF001, RUF002 - the lookalike letters are the point of this module
"""What a resident pastes into "Is this an official account?", read the way they mean it.

``address_of`` turns a handle or a web address, in any of the forms people copy them in, into
the platform and the account's identifier on it: "@Leisure", "leisure",
"https://x.com/Leisure?s=20", "mobile.twitter.com/leisure/" and "x.com/leisure/status/1" are
all the X account "leisure"; "m.facebook.com/Leisure/?ref=bookmarks" and "fb.com/leisure" are
the Facebook page "leisure"; "facebook.com/profile.php?id=100" is the Facebook page with the
number 100. Letter case, a leading @, a trailing slash, "www." and "m." hosts, tracking
parameters, full-width letters and invisible characters make no difference.

``skeleton`` is what an identifier looks like to the eye: letters from other alphabets that
look like Latin ones (Cyrillic "а", Greek "ο"), accents, and "0" for "o" all collapse, so a
handle made to look like an official one can be told apart from it and called a lookalike.

No database here: official/selectors.py matches the result against the published accounts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

LONGEST_INPUT = 500
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"), None)

# Hosts by platform (after "www.", "m." and other mobile prefixes are taken off).
HOSTS = {
    "x.com": "x",
    "twitter.com": "x",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "linkedin.com": "linkedin",
    "youtube.com": "youtube",
    "youtu.be": "youtube",  # always a video: no account in it
    "tiktok.com": "tiktok",
    "flickr.com": "flickr",
    "vimeo.com": "vimeo",
}
# Links that only redirect: the address they lead to cannot be read from them.
SHORT_LINK_HOSTS = {
    "t.co",
    "fb.me",
    "vm.tiktok.com",
    "vt.tiktok.com",
    "lnkd.in",
    "bit.ly",
    "flic.kr",
}
# Paths that only redirect, on a platform's own host (tiktok.com/t/..., facebook.com/share/...).
SHORT_LINK_PATHS = {"tiktok": {"t"}, "facebook": {"share"}}
PREFIXES = ("www.", "m.", "mobile.", "web.", "business.", "touch.", "mbasic.", "uk.", "en-gb.")
# First path segments that are pages of the platform, not accounts.
NOT_ACCOUNTS = {
    "x": {"i", "home", "intent", "search", "hashtag", "share", "explore", "settings"},
    "facebook": {"watch", "events", "marketplace", "sharer", "sharer.php", "login", "help"},
    "instagram": {"p", "reel", "reels", "explore", "stories", "accounts"},
    "tiktok": {"discover", "tag", "music", "explore", "foryou", "live", "search"},
    "vimeo": {"channels", "groups", "showcase", "album", "ondemand", "categories", "search"},
}


@dataclass(frozen=True)
class Address:
    """An account's identifier (``key``, compared without letter case), on ``platform``, or on
    any platform when the resident gave only a handle (``platform`` is "")."""

    platform: str
    key: str


class ShortLink(ValueError):
    """A shortened link (t.co, fb.me): it does not say which account it leads to."""


def clean(text: str) -> str:
    """Full-width and other compatibility letters as plain ones, invisible characters gone."""
    return unicodedata.normalize("NFKC", text).translate(INVISIBLE).strip()


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".")
    changed = True
    while changed:
        changed = False
        for prefix in PREFIXES:
            if host.startswith(prefix) and host.count(".") > 1:
                host, changed = host[len(prefix) :], True
    return host


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _account_on(platform: str, parts: list[str], query: str) -> str:
    """The account's identifier from the path of an address on a known platform."""
    if platform == "facebook":
        number = parse_qs(query).get("id", [""])[0]
        # A profile by number, or a post on one (permalink.php, story.php: id= is the page's).
        if parts and parts[0] in ("profile.php", "permalink.php", "story.php") and number.isdigit():
            return f"id:{number}"
        if len(parts) >= 3 and parts[0] in ("pages", "people") and parts[2].isdigit():
            return f"id:{parts[2]}"
        if len(parts) >= 2 and parts[0] in ("groups", "pg"):
            return parts[1] if parts[0] == "pg" else f"groups/{parts[1]}"
    if platform == "linkedin":
        # Anything else (the feed, a post, jobs) is a page of LinkedIn, not an account.
        named = len(parts) >= 2 and parts[0] in ("company", "showcase", "school", "in")
        return parts[1] if named else ""
    if platform == "youtube" and parts:
        if parts[0].startswith("@"):
            return parts[0][1:]
        if len(parts) >= 2 and parts[0] in ("c", "user"):
            return parts[1]
        if len(parts) >= 2 and parts[0] == "channel":
            return f"channel:{parts[1]}"
        return ""
    if platform == "flickr" and len(parts) >= 2 and parts[0] in ("photos", "people"):
        return parts[1]
    if not parts or parts[0].lower() in NOT_ACCOUNTS.get(platform, set()):
        return ""
    if platform == "vimeo" and parts[0].isdigit():
        return ""  # a video
    return parts[0].lstrip("@")


def _looks_like_address(text: str) -> bool:
    if "://" in text:
        return True
    first = text.split("/", 1)[0]
    return "." in first and " " not in text and not first.startswith("@")


def address_of(text: str) -> Address | None:
    """The account a handle or web address names, or None when it names none (a post on no
    account, a bare host). Raises ShortLink for a shortened link."""
    text = clean(text)[:LONGEST_INPUT]
    if not text or any(unicodedata.category(char) == "Cc" for char in text):
        # Nothing copied from a browser or an app holds a control character inside it (and a
        # NUL would be refused by PostgreSQL when the handle is looked up).
        return None
    if not _looks_like_address(text):
        handle = text.lstrip("@").strip()
        return Address("", handle.casefold()) if handle and " " not in handle else None
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
    except ValueError:
        # "https://[": a bracket opens an IPv6 host that never closes, or holds no address.
        return None
    host = _host(parts.netloc)
    if host in SHORT_LINK_HOSTS or parts.netloc.lower() in SHORT_LINK_HOSTS:
        raise ShortLink(host)
    path = parts.path
    if parts.fragment.startswith("!/"):  # twitter.com/#!/handle, from before 2012
        path = parts.fragment[1:]
    platform = HOSTS.get(host, "")
    first = _segments(path)[:1]
    if first and first[0].lower() in SHORT_LINK_PATHS.get(platform, set()):
        raise ShortLink(host)
    if platform:
        key = _account_on(platform, _segments(path), parts.query)
        return Address(platform, key.casefold()) if key else None
    # A blog, a forum or another site: the host and the path are the account.
    where = "/".join([host, *_segments(path)])
    return Address("web", where.casefold()) if host else None


def addresses_of_account(platform: str, handle: str, url: str) -> set[Address]:
    """Every way the register names an account: its handle on its platform, and its web
    address."""
    found = set()
    handle_key = clean(handle).lstrip("@").casefold()
    if handle_key:
        found.add(Address(platform, handle_key))
    if url:
        try:
            address = address_of(url)
        except ShortLink:
            address = None
        if address is not None:
            found.add(address)
    return found


def same_account(asked: Address, known: Address) -> bool:
    if known.platform == "web" == asked.platform:
        # A post on a blog or a page of a site is on the account whose address starts it.
        return asked.key == known.key or asked.key.startswith(f"{known.key}/")
    return asked.key == known.key and asked.platform in ("", known.platform)


# Letters of other alphabets that look like Latin letters, and digits that pass for letters.
CONFUSABLE = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j",
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g", "ɑ": "a", "ο": "o",
        "α": "a", "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "ι": "i", "κ": "k", "χ": "x",
        "ϲ": "c", "ℓ": "l", "ı": "i", "ȷ": "j", "0": "o", "1": "l", "|": "l", "$": "s",
    }
)  # fmt: skip
SEPARATORS = re.compile(r"[\s._\-]+")


def skeleton(key: str) -> str:
    """What ``key`` looks like: two keys with one skeleton are easily taken for each other."""
    letters = unicodedata.normalize("NFKD", key.casefold())
    letters = "".join(ch for ch in letters if not unicodedata.combining(ch))
    letters = letters.translate(CONFUSABLE).replace("rn", "m").replace("vv", "w")
    return SEPARATORS.sub("", letters.replace("i", "l"))
