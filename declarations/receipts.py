"""The receipt's two fingerprints (DEC-2).

``content_hash`` is the SHA-256 of a published version's text and statements, stored when it
is published and copied into each declaration signed against it. ``verification_code`` is an
HMAC-SHA256, keyed with the server's ``EVENT_LOG_KEY`` (the key that must never change, which
is in the environment and never in the database; salted for receipts), over the person, that
hash and the moment of signing: only the portal can make one, and any change to the stored
declaration or the stored policy text shows when the code is checked (``verify``).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac

_SALT = "declarations.receipt"
_CODE_LENGTH = 20


def content_hash(text: str, statements: list[str]) -> str:
    canonical = json.dumps(
        {"statements": list(statements), "text": text},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def verification_code(person_id: int, hash_hex: str, signed_at: datetime.datetime) -> str:
    moment = signed_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    digest = salted_hmac(
        _SALT,
        f"{person_id}|{hash_hex}|{moment}",
        secret=settings.EVENT_LOG_KEY,
        algorithm="sha256",
    ).digest()
    letters = base64.b32encode(digest).decode("ascii")[:_CODE_LENGTH]
    return "-".join(letters[start : start + 4] for start in range(0, _CODE_LENGTH, 4))


def normalise_code(typed: str) -> str:
    """What a person typed or pasted, as the portal writes codes: 'abcd efgh…' → 'ABCD-EFGH-…'."""
    letters = re.sub(r"[^A-Z2-7]", "", typed.upper())
    if len(letters) != _CODE_LENGTH:
        return ""
    return "-".join(letters[start : start + 4] for start in range(0, _CODE_LENGTH, 4))


@dataclass(frozen=True)
class Verification:
    declaration: Any | None
    record_intact: bool = False
    text_unchanged: bool = False

    @property
    def found(self) -> bool:
        return self.declaration is not None


def verify(code: str) -> Verification:
    """Whether the code belongs to a stored declaration, whether that declaration is as it was
    signed (its code recomputed from the stored person, hash and time), and whether the policy
    text and statements stored today still have the hash that was signed."""
    from declarations.models import Declaration

    normalised = normalise_code(code)
    if not normalised:
        return Verification(None)
    declaration = (
        Declaration.objects.select_related("person", "version")
        .filter(verification_code=normalised, on_paper=False)
        .first()
    )
    if declaration is None or declaration.version is None:
        return Verification(None)
    expected = verification_code(
        declaration.person_id, declaration.content_hash, declaration.signed_at
    )
    version = declaration.version
    return Verification(
        declaration,
        record_intact=hmac.compare_digest(expected, normalised)
        and declaration.content_hash == version.content_hash,
        text_unchanged=content_hash(version.text, version.statements) == declaration.content_hash,
    )
