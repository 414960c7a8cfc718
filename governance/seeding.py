"""Demo records from each app, run by seed_demo after the demo council exists.

Each app registers a function that creates its demo records idempotently and returns lines to
print.
"""

from __future__ import annotations

from collections.abc import Callable

Seeder = Callable[[], list[str]]
_seeders: list[Seeder] = []


def register(seeder: Seeder) -> Seeder:
    _seeders.append(seeder)
    return seeder


def run_app_seeders() -> list[str]:
    return [line for seeder in _seeders for line in seeder()]
