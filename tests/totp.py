"""Authenticator-app codes for tests, computed as a phone would."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value


def totp_code(secret: str, *, offset: int = 0) -> str:
    return code_for_step(secret, int(time.time()) // 30 + offset)


def code_for_step(secret: str, step: int) -> str:
    """The code for one 30-second step since 1970."""
    return format_hotp_value(hotp_value(secret, step))
