"""Demo account requests, one in every state (filled in below)."""

from __future__ import annotations


def seed_requests() -> list[str]:
    return []
