"""Generated councils in throwaway PostgreSQL databases, for the benchmarks that need one
(bench/sweep.py, bench/exports.py, bench/load.py).

A council of a given size is generated once by bench/generate.py into a template database
``bench_council_<accounts>_<seed>``; each benchmark run works on a copy
(``CREATE DATABASE ... TEMPLATE``, a few seconds) and drops it afterwards. The templates are
dropped too unless the benchmark is run with --keep, so that the next run starts at once.

DATABASE_URL names the server and the role (default postgres://portal:portal@127.0.0.1:5432/
portal); the database it names is never touched. The orchestrating process imports no Django:
each phase that needs it runs in a child process with its own DATABASE_URL, so that a memory
high-water mark belongs to the phase measured.

    uv run python bench/councils.py --accounts 1000 --database bench_council_1000_0
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("DATABASE_URL", "postgres://portal:portal@127.0.0.1:5432/portal")
RESULT = "RESULT "


def database_url(name: str) -> str:
    parts = urlsplit(SERVER_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def admin(sql: str, database: str = "postgres") -> list[tuple[Any, ...]]:
    """Run one statement on a database of the server (``postgres`` unless named), outside any
    transaction."""
    import psycopg2

    connection = psycopg2.connect(database_url(database))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def exists(name: str) -> bool:
    return bool(admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))  # noqa: S608


def drop(name: str) -> None:
    import psycopg2

    # A query a killed web worker left running can take a moment to notice it was ended.
    for attempt in range(5):
        try:
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg2.errors.ObjectInUse:
            if attempt == 4:
                raise
            time.sleep(3)


def child(argv: list[str], database: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a Python script on ``database``, echo its output, return its last ``RESULT`` line."""
    environment = {**os.environ, **(env or {}), "DATABASE_URL": database_url(database)}
    process = subprocess.Popen(  # noqa: S603 - our own scripts, fixed arguments
        [sys.executable, *argv], env=environment, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert process.stdout is not None
    result: dict[str, Any] = {}
    for line in process.stdout:  # as it comes: a long phase shows its progress
        if line.startswith(RESULT):
            result = json.loads(line.removeprefix(RESULT))
        else:
            print(line, end="", flush=True)
    process.wait()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed (exit {process.returncode})")
    return result


def report(result: dict[str, Any]) -> None:
    """The last line of a child phase: what the parent reads."""
    print(RESULT + json.dumps(result), flush=True)


def council(accounts: int, seed: int = 0, *, regenerate: bool = False) -> str:
    """The template database holding a generated council of this size, made if missing."""
    name = f"bench_council_{accounts}_{seed}"
    if regenerate or not exists(name):
        drop(name)
        print(f"Generating a council of {accounts:,} accounts into {name} ...", flush=True)
        began = time.perf_counter()
        made = child(
            [__file__, "--accounts", str(accounts), "--seed", str(seed), "--database", name],
            name,
        )
        print(
            f"Generated {accounts:,} accounts in {time.perf_counter() - began:.0f} s: "
            + ", ".join(f"{key} {value:,}" for key, value in made.items()),
            flush=True,
        )
    analyzed = admin(
        "SELECT count(*) FROM pg_stat_user_tables "
        "WHERE last_analyze IS NULL AND last_autoanalyze IS NULL",
        name,
    )
    if analyzed[0][0]:
        # A portal that has run for a while has planner statistics (autovacuum); a database
        # just bulk-loaded has none, and a copy of it never gets them during a short run.
        began = time.perf_counter()
        admin("VACUUM ANALYZE", name)
        print(f"Analyzed {name} in {time.perf_counter() - began:.0f} s", flush=True)
    return name


@contextlib.contextmanager
def throwaway(template: str, label: str) -> Iterator[str]:
    """A copy of ``template`` for one run, dropped afterwards."""
    name = f"bench_{label}_{os.getpid()}"
    drop(name)
    admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield name
    finally:
        drop(name)


@contextlib.contextmanager
def councils(sizes: list[int], seed: int, *, keep: bool) -> Iterator[None]:
    """Drop the templates of these sizes at the end unless asked to keep them."""
    try:
        yield
    finally:
        if not keep:
            for size in sizes:
                drop(f"bench_council_{size}_{seed}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate a council into a new database.")
    parser.add_argument("--accounts", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = database_url(args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    # Anything the generator sends is sent in-process, to the dummy backend, not queued.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from generate import fresh_database, generate  # bench/, this script's folder

    fresh_database(args.database)
    report(dict(generate(args.accounts, seed=args.seed, stdout=lambda *_a, **_k: None)))


if __name__ == "__main__":
    main()
