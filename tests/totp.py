"""Authenticator-app codes for tests, computed as a phone would."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value


def totp_code(secret: str, *, offset: int = 0) -> str:
    counter = int(time.time()) // 30 + offset
    return format_hotp_value(hotp_value(secret, counter))
