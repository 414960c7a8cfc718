"""Benchmark: the register page, the register on a past date, exports and the staff import.

    uv run python bench/register.py                    # a throwaway SQLite database
    DATABASE_URL=postgres://... uv run python bench/register.py

Prints, for a small and a large register, the time per page (median of several runs), the
number of queries and the peak Python memory of a CSV export. Compare the ratios within one
run: these machines are shared, so absolute times vary from run to run.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="portal-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ["VAR_DIR"] = str(WORK)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from accounts.models import Account, AccountStatus, Platform  # noqa: E402
from governance.models import ServiceArea, User  # noqa: E402
from moderation.models import AssignmentState, ModeratorAssignment  # noqa: E402

SMALL, LARGE = 100, 2000
RUNS = 7


def setup_database() -> None:
    if connection.vendor == "postgresql":
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_register(total: int, areas: list[ServiceArea], people: list[User]) -> None:
    start = Account.objects.count()
    platforms = [choice for choice, _ in Platform.choices if choice != Platform.OTHER]
    accounts = [
        Account(
            platform=platforms[n % len(platforms)],
            name=f"Account {n:05d}",
            handle=f"@account{n:05d}",
            service_area=areas[n % len(areas)],
            responsible_officer=people[n % len(people)],
            status=AccountStatus.ACTIVE,
            credentials_location="Keeper > Social media",
            recovery_email="social@demo.council.example",
            next_review_due=datetime.date(2027, 1, 1) - datetime.timedelta(days=n % 400),
        )
        for n in range(start, total)
    ]
    created = bulk_create_with_history(accounts, Account, batch_size=500)
    assignments = [
        ModeratorAssignment(
            account=account, person=people[(i + k) % len(people)], state=AssignmentState.ACTIVE
        )
        for i, account in enumerate(created)
        for k in range(2)
    ]
    bulk_create_with_history(assignments, ModeratorAssignment, batch_size=1000)


def timed(client: Client, path: str) -> tuple[float, int, int]:
    client.get(path)
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(path)
            body = b"".join(response) if response.streaming else response.content
            times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000, len(queries.captured_queries), len(body)


def export_peak(client: Client) -> float:
    tracemalloc.start()
    response = client.get("/register/export.csv")
    for _chunk in response:
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


def staff_import(rows: int) -> tuple[float, float]:
    from governance.services.staff_import import import_staff

    lines = [
        "employee_number,email,full_name,job_title,service_area_code,service_area_name,"
        "line_manager_employee_number"
    ]
    for n in range(rows):
        manager = f"B{n // 10:06d}" if n >= 10 else ""
        lines.append(
            f"B{n:06d},bench{n}@demo.council.example,Person {n},Officer,"
            f"bench{n % 8},Bench area {n % 8},{manager}"
        )
    data = "\n".join(lines).encode()
    began = time.perf_counter()
    import_staff(data=data, filename="bench.csv", actor=None)
    first = time.perf_counter() - began
    began = time.perf_counter()
    import_staff(data=data, filename="bench.csv", actor=None)
    return first, time.perf_counter() - began


def main() -> None:
    setup_database()
    print(f"Database: {connection.vendor}; medians of {RUNS} runs\n")
    areas = [ServiceArea.objects.create(code=f"area{n}", name=f"Area {n}") for n in range(6)]
    comms = User.objects.create_user("bench-comms@demo.council.example", "x", full_name="Comms")
    comms.groups.add(Group.objects.get_or_create(name="Communications")[0])
    people = [
        User.objects.create_user(f"mod{n}@demo.council.example", "x", full_name=f"Mod {n}")
        for n in range(50)
    ]
    client = Client()
    client.force_login(comms)
    session = client.session
    session["portal_mfa_ready"] = True
    session.save()
    as_of = timezone.localdate().isoformat()
    pages = {
        "register page": "/register/",
        "register, filtered": "/register/?few_moderators=on&sort=review",
        "register on a past date": f"/register/?as_of={as_of}",
        "CSV export": "/register/export.csv",
        "Excel export": "/register/export.xlsx",
    }
    results: dict[int, dict[str, tuple[float, int, int]]] = {}
    peaks = {}
    for size in (SMALL, LARGE):
        make_register(size, areas, people)
        results[size] = {name: timed(client, path) for name, path in pages.items()}
        peaks[size] = export_peak(client)
    print(f"{'page':28} {SMALL:>6} accounts {LARGE:>6} accounts   ratio   queries")
    for name in pages:
        (small_ms, small_q, _), (large_ms, large_q, _) = results[SMALL][name], results[LARGE][name]
        print(
            f"{name:28} {small_ms:10.1f} ms {large_ms:10.1f} ms {large_ms / small_ms:7.1f}x"
            f"   {small_q} -> {large_q}"
        )
    print(
        f"\nCSV export peak Python memory: {peaks[SMALL]:.1f} MB for {SMALL} accounts, "
        f"{peaks[LARGE]:.1f} MB for {LARGE} ({peaks[LARGE] / peaks[SMALL]:.1f}x for "
        f"{LARGE // SMALL}x the rows)"
    )
    first, again = staff_import(5000)
    print(
        f"\nStaff import, 5000 rows: {first:.1f} s first time, {again:.1f} s re-imported "
        "(nothing changes)"
    )


if __name__ == "__main__":
    main()
