"""A large council's data, for benchmarks (issue 12).

    uv run python bench/generate.py --accounts 10000        # a throwaway SQLite database
    DATABASE_URL=postgres://... uv run python bench/generate.py --accounts 10000

Other scripts import it::

    fresh_database("portal_bench_10000")     # a new, migrated, throwaway database
    counts = generate(10_000, seed=0)        # fill it
    people = role_users()                     # one person per role, to sign in as

Per 10,000 accounts: 25,000 moderator assignments, 100,000 staff, 100,000 declarations, 5,000
incidents, about 4,000 account requests with their approval steps, reviews, credential tasks,
password changes, abuse cases, breach records and notifications, and about 250,000 history
rows spread over eight years, so the register on a past date and the trend charts have data.
Statuses are mixed so that every list has rows, and some reviews, declarations, tasks and
approval steps are due or overdue.

Everything is written in batches (COPY on PostgreSQL, executemany on SQLite: bulk_create spends
most of its time preparing each value) with explicit primary keys (so that rows can point at
each other before they are saved), in one transaction; the sequences are reset at the end.
Foreign keys are checked at commit (Django makes them deferrable on PostgreSQL and SQLite).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fill import Generator  # noqa: E402
from fill.base import DOMAIN, ROLES, write_rows  # noqa: E402,F401


def setup_django() -> None:
    """Configure Django from the environment (a throwaway SQLite file unless DATABASE_URL)."""
    if "DATABASE_URL" not in os.environ:
        work = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
        os.environ.setdefault("VAR_DIR", str(work))
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    import django

    django.setup()


def fresh_database(name: str, *, template: str | None = None) -> None:
    """Point the default connection at a new, migrated database and drop any old one.

    PostgreSQL: ``name`` is a database name on the server of DATABASE_URL; with ``template``
    (another such database, already migrated) it is copied instead of migrated, which is much
    faster. SQLite: ``name`` is a file name, put beside the DATABASE_URL file unless it is a
    path; ``template`` is another such file to copy. Never use the portal's own database.
    """
    from django.core.management import call_command
    from django.db import connection

    connection.close()
    if connection.vendor == "postgresql":
        if name == "portal":
            raise ValueError("fresh_database would drop the portal's own database")
        _drop_postgres_database(name)
        with connection._nodb_cursor() as cursor:
            if template:
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            else:
                cursor.execute(f'CREATE DATABASE "{name}"')
        connection.settings_dict["NAME"] = name
    else:
        current = Path(str(connection.settings_dict["NAME"]))
        path = Path(name) if os.sep in name else current.parent / name
        if path.suffix != ".sqlite3":
            path = path.with_suffix(".sqlite3")
        path.unlink(missing_ok=True)
        if template:
            source = Path(template) if os.sep in template else current.parent / template
            if source.suffix != ".sqlite3":
                source = source.with_suffix(".sqlite3")
            shutil.copyfile(source, path)
        connection.settings_dict["NAME"] = str(path)
    connection.close()
    if not template:
        call_command("migrate", verbosity=0)


def _drop_postgres_database(name: str) -> None:
    """Drop it, waiting a little for an autovacuum worker (another role's) to let go of it."""
    from django.db import DatabaseError, connection

    for attempt in range(30):
        try:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except DatabaseError:
            if attempt == 29:
                raise
            time.sleep(1)


def role_users() -> dict[str, Any]:
    """The people made for each role, by role name (see ROLES)."""
    from governance.models import User

    people = {user.email: user for user in User.objects.filter(email__endswith=f"@{DOMAIN}")}
    return {role: people[f"{role}@{DOMAIN}"] for role in ROLES if f"{role}@{DOMAIN}" in people}


def generate(accounts: int, *, seed: int = 0, stdout: Callable[..., Any] = print) -> dict[str, int]:
    """Fill the current (migrated, otherwise empty) database with a council of ``accounts``."""
    from django.db import connection, transaction

    with transaction.atomic():
        counts = Generator(accounts, seed, stdout).run()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--database",
        default="portal_bench_generate",
        help="the throwaway database (PostgreSQL) or file (SQLite) to make; never 'portal'",
    )
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    began = time.perf_counter()
    fresh_database(args.database)
    migrated = time.perf_counter() - began
    print(
        f"{connection.vendor} database {connection.settings_dict['NAME']} "
        f"migrated in {migrated:.1f} s"
    )
    began = time.perf_counter()
    counts = generate(args.accounts, seed=args.seed)
    seconds = time.perf_counter() - began
    for label, count in counts.items():
        print(f"  {label:26} {count:>9,}")
    print(f"{args.accounts:,} accounts generated in {seconds:.1f} s")
    print("Role users:", ", ".join(f"{role}={user.email}" for role, user in role_users().items()))


if __name__ == "__main__":
    main()
