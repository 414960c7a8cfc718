"""Demo records from each app, run by seed_demo after the demo council exists.

Each app registers functions that create its demo records idempotently and return lines to
print. They run in ``order``, so that one app can build on another's records: the register's
accounts (10), then their moderators (20), then the reviews and requests that need both (30).
"""

from __future__ import annotations

from collections.abc import Callable

Seeder = Callable[[], list[str]]
_seeders: list[tuple[int, Seeder]] = []


def register(*, order: int = 50) -> Callable[[Seeder], Seeder]:
    def add(seeder: Seeder) -> Seeder:
        _seeders.append((order, seeder))
        return seeder

    return add


def run_app_seeders() -> list[str]:
    ordered = sorted(_seeders, key=lambda entry: entry[0])
    return [line for _, seeder in ordered for line in seeder()]
