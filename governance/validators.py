"""Checks on what people type that every form of the portal shares."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from governance.errors import DomainError

# Characters that are invisible or that break a line. Each one in a name, handle or budget code
# would end up in an e-mail header, a CSV cell or a page: a line break lets a name add a "Bcc:"
# header, a bidirectional override shows "@evil" as "@live", a zero-width space makes two
# handles that look the same.
BIDI_CONTROLS = {chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
# Cc (control, which includes \t \r \n), Cf (format), and the Unicode line and paragraph
# separators.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}

ONE_LINE_MESSAGE = "Enter this on one line, with no line breaks, tabs or hidden characters"


def hidden_character(text: str) -> str | None:
    """The first line break, tab, control or invisible character in the text, if any."""
    for character in text:
        if (
            character in BIDI_CONTROLS
            or character in ZERO_WIDTH
            or unicodedata.category(character) in HIDDEN_CATEGORIES
        ):
            return character
    return None


def visible_text(text: str) -> str:
    """The text without the white space and hidden characters around and inside it: what a
    reader would see. An answer made only of zero-width or control characters is no answer."""
    return "".join(
        character
        for character in text
        if not character.isspace() and hidden_character(character) is None
    )


def one_line_text(value: str) -> None:
    """A validator for one-line answers. Forms word the message with the question's label."""
    if isinstance(value, str) and hidden_character(value) is not None:
        raise ValidationError(ONE_LINE_MESSAGE, code="one_line")


# "password: Summer2026!", "pwd=..." typed into any answer (SEC: no social media password is
# ever stored, not even by mistake in a note).
PASSWORD_LIKE = re.compile(r"(password|passwd|pwd|pw)\s*[:=]", re.IGNORECASE)


def not_a_password(value: str) -> None:
    """A validator for every answer typed into the portal. Forms word the message with the
    question's label."""
    if isinstance(value, str) and PASSWORD_LIKE.search(value):
        raise ValidationError(
            "Do not type a password here. The portal never stores passwords", code="password"
        )


WEB_SCHEMES = ("http", "https")


def web_address(value: str) -> None:
    """Only http and https: an ftp:, javascript: or data: address is not a page to open."""
    try:
        scheme = urlsplit(str(value)).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in WEB_SCHEMES:
        raise ValidationError(
            "Enter a web address that starts with https:// or http://, like "
            "https://x.com/LeisureEvents",
            code="scheme",
        )
    URLValidator(schemes=list(WEB_SCHEMES))(value)


# The longest free text a service keeps (what happened, an outcome, advice).
LONGEST_TEXT = 5000


def required_text(value: str, *, what: str, field: str, required: bool = True) -> str:
    """A free-text answer, trimmed: ``what`` names it in the message ("what happened")."""
    value = value.strip()
    if required and not value:
        raise DomainError(f"Enter {what}", field=field)
    if len(value) > LONGEST_TEXT:
        raise DomainError(
            f"{what[0].upper()}{what[1:]} must be {LONGEST_TEXT} characters or fewer", field=field
        )
    return value
