"""The backup and restore drill of docs/backup.md, on real PostgreSQL (issue 12).

A council's worth of records (requests, the register and its moderators with their history,
declarations with receipts, incidents, abuse cases, a breach record) is committed, a checkpoint
of the event log is kept, the database is dumped with ``pg_dump -Fc`` and restored with
``pg_restore`` into a new database. The portal, started against the restored database, must
then find every table as it was, the register and its moderators the same, the event log whole
against the checkpoint, and every declaration receipt's code still valid.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from declarations.models import Declaration
from governance.services.events import events_checkpoint
from tests import test_permission_matrix as matrix

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees committed rows only

url_arguments = matrix.url_arguments

# What the restored portal reports about itself: the register with its moderators, and each
# receipt's code checked as /declarations/verify/ checks it.
REPORT = """
import json
from accounts.models import Account
from declarations.models import Declaration
from declarations.receipts import verify
register = [
    [a.pk, a.name, a.status, sorted(
        [m.person.email, m.state, str(m.ends_on)] for m in a.assignments.select_related("person")
    )]
    for a in Account.objects.order_by("pk")
]
receipts = []
for d in Declaration.objects.exclude(verification_code="").order_by("pk"):
    found = verify(d.verification_code)
    receipts.append([d.pk, found.found, found.record_intact, found.text_unchanged])
print(json.dumps({"register": register, "receipts": receipts}))
"""


@pytest.fixture
def postgres() -> dict[str, Any]:
    if connection.vendor != "postgresql":
        pytest.skip("the drill dumps and restores a PostgreSQL database")
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    return dict(connection.settings_dict)


def pg_environment(db: dict[str, Any]) -> dict[str, str]:
    return {
        **os.environ,
        "PGHOST": str(db["HOST"] or "127.0.0.1"),
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": str(db["USER"]),
        "PGPASSWORD": str(db["PASSWORD"]),
    }


def run(*command: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def restored_name(postgres: dict[str, Any]) -> Iterator[str]:
    name = f"{postgres['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(
        ["dropdb", "--if-exists", name], env=pg_environment(postgres), check=False, timeout=60
    )


def database_url(db: dict[str, Any], name: str) -> str:
    env = pg_environment(db)
    return f"postgres://{env['PGUSER']}:{env['PGPASSWORD']}@{env['PGHOST']}:{env['PGPORT']}/{name}"


def contents_of(name: str, tables: list[str], env: dict[str, str]) -> dict[str, list[Any]]:
    """Every row of every table, read the same way from the original and the restored copy."""
    database = psycopg2.connect(
        dbname=name,
        host=env["PGHOST"],
        port=env["PGPORT"],
        user=env["PGUSER"],
        password=env["PGPASSWORD"],
    )
    try:
        with database.cursor() as cursor:
            contents = {}
            for table in tables:
                cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608 - our tables
                contents[table] = cursor.fetchall()
            return contents
    finally:
        database.close()


def portal_tables() -> list[str]:
    return sorted(
        {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
        - {"django_session"}
    )


def test_a_dump_restored_into_a_new_database_is_the_same_portal(
    postgres: dict[str, Any],
    restored_name: str,
    url_arguments: dict[str, str],
    tmp_path: Path,
) -> None:
    assert Declaration.objects.exists()
    checkpoint = tmp_path / "checkpoint.json"
    checkpoint.write_text(events_checkpoint().document())
    tables = portal_tables()
    env = pg_environment(postgres)
    before = contents_of(postgres["NAME"], tables, env)
    history = [table for table in tables if "historical" in table]
    assert all(before[table] for table in ("accounts_account", "governance_event", *history[:3]))
    dump = tmp_path / "portal.dump"

    run("pg_dump", "-Fc", "--no-owner", "-f", str(dump), postgres["NAME"], env=env)
    run("createdb", restored_name, env=env)
    run("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", restored_name,
        str(dump), env=env)  # fmt: skip

    after = contents_of(restored_name, tables, env)
    different = [table for table in tables if before[table] != after[table]]
    assert different == []

    portal = {
        **os.environ,
        "DATABASE_URL": database_url(postgres, restored_name),
        "EVENT_LOG_KEY": settings.EVENT_LOG_KEY,
        "DJANGO_SETTINGS_MODULE": "governance.settings",
    }
    verified = run(
        sys.executable, "manage.py", "verify_events", f"--checkpoint={checkpoint}", env=portal
    )
    assert f"The event log is intact: {len(before['governance_event'])} events." in verified
    assert "It holds every event the checkpoint of" in verified

    shell = run(sys.executable, "manage.py", "shell", "--no-imports", "-c", REPORT, env=portal)
    report = json.loads(shell.strip().splitlines()[-1])
    here: dict[str, Any] = {}
    exec(REPORT.replace("print(", "here['out'] = ("), {"here": here})  # noqa: S102 - our own code
    original = json.loads(here["out"])
    assert report == original
    assert report["register"] and all(moderators for *_, moderators in report["register"])
    assert report["receipts"] and all(all(checks) for _, *checks in report["receipts"])


def test_a_restore_with_another_event_log_key_is_refused_by_the_checks(
    postgres: dict[str, Any], restored_name: str, url_arguments: dict[str, str], tmp_path: Path
) -> None:
    """Why docs/backup.md says to keep the key: without the same key nothing verifies."""
    checkpoint = tmp_path / "checkpoint.json"
    checkpoint.write_text(events_checkpoint().document())
    env = pg_environment(postgres)
    dump = tmp_path / "portal.dump"
    run("pg_dump", "-Fc", "--no-owner", "-f", str(dump), postgres["NAME"], env=env)
    run("createdb", restored_name, env=env)
    run("pg_restore", "--no-owner", "--no-privileges", "-d", restored_name, str(dump), env=env)

    wrong_key = {
        **os.environ,
        "DATABASE_URL": database_url(postgres, restored_name),
        "EVENT_LOG_KEY": "a-different-key-" + uuid.uuid4().hex,
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "verify_events", f"--checkpoint={checkpoint}"],
        env=wrong_key,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode != 0
    assert "No event carries a seal made with this EVENT_LOG_KEY" in done.stderr
