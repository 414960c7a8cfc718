"""Benchmark: every main page as the role that uses it, next to Django's stock admin changelist.

    uv run python bench/pages.py                                  # 1,000, 10,000 and 20,000
    uv run python bench/pages.py --sizes 1000                     # a quick run
    uv run python bench/pages.py --sizes 10000 --pages register,dashboard
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal uv run python bench/pages.py

For each size a throwaway database (never the portal's own) is filled by bench/generate.py.
Each page is fetched in-process with Django's test client, once to warm up and then --runs
times; it prints the queries of a run, the median time, the ratio to the median of the admin
changelist of the same accounts (a plain ModelAdmin, bench/yardstick_urls.py) measured in the
same run, the size of the response, from one size to the next how much slower the page got, and
the time of the first (warm-up) fetch: pages that keep what they built in the cache (snapshots)
answer the timed runs from it, so the first fetch is the cost after a change.
Compare ratios, not milliseconds: these machines are shared.

Targets (issue 12): at most 12 queries on every page; no slower than the admin changelist for a
paginated page and the dashboard; at most 1.5 times it for the register on a past date and the
compliance statement as at a date; doubling the data costs a paginated page at most 1.2 times.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import generate

MAX_QUERIES = 12
PAGINATED, DASHBOARD, PAST, OTHER, YARDSTICK = (
    "paginated",
    "dashboard",
    "past",
    "page",
    "yardstick",
)
RATIO_TARGET = {PAGINATED: 1.0, DASHBOARD: 1.0, PAST: 1.5}
GROWTH_TARGET = 1.2
SLOW_SECONDS = 5.0


@dataclass(frozen=True)
class Page:
    key: str
    group: str
    role: str  # a role of generate.ROLES, or "anonymous"
    path: Callable[[dict[str, Any]], str]
    kind: str = OTHER


def _fixed(path: str) -> Callable[[dict[str, Any]], str]:
    return lambda context: path


PAGES = [
    Page(
        "admin-changelist",
        "admin",
        "administrator",
        _fixed("/bench-admin/accounts/account/"),
        YARDSTICK,
    ),
    # The register.
    Page("register", "register", "communications", _fixed("/register/"), PAGINATED),
    Page(
        "register-last", "register", "communications", _fixed("/register/?page=999999"), PAGINATED
    ),
    Page(
        "register-filtered",
        "register",
        "communications",
        lambda c: (
            f"/register/?status=active&review_overdue=on&service_area={c['area']}&sort=review"
        ),
        PAGINATED,
    ),
    Page("register-search", "register", "communications", _fixed("/register/?q=Parks"), PAGINATED),
    Page("register-as-moderator", "register", "requester", _fixed("/register/"), PAGINATED),
    Page("register-auditor", "register", "auditor", _fixed("/register/"), PAGINATED),
    Page(
        "register-past",
        "register",
        "communications",
        lambda c: f"/register/?as_of={c['past']}",
        PAST,
    ),
    Page(
        "register-past-last",
        "register",
        "communications",
        lambda c: f"/register/?as_of={c['past']}&page=999999",
        PAST,
    ),
    Page("account", "detail", "communications", lambda c: f"/register/{c['account']}/"),
    # The dashboard.
    Page("dashboard", "dashboard", "communications", _fixed("/register/dashboard/"), DASHBOARD),
    Page(
        "dashboard-head", "dashboard", "head_of_service", _fixed("/register/dashboard/"), DASHBOARD
    ),
    # Home pages.
    *(Page(f"home-{role}", "home", role, _fixed("/")) for role in generate.ROLES),
    # Requests.
    Page("requests-requester", "requests", "requester", _fixed("/requests/"), PAGINATED),
    Page("requests-line-manager", "requests", "line_manager", _fixed("/requests/"), PAGINATED),
    Page("requests-head", "requests", "head_of_service", _fixed("/requests/"), PAGINATED),
    Page("requests-communications", "requests", "communications", _fixed("/requests/"), PAGINATED),
    Page(
        "requests-communications-last",
        "requests",
        "communications",
        _fixed("/requests/?page=999999"),
        PAGINATED,
    ),
    Page("request", "detail", "communications", lambda c: f"/requests/{c['request']}/"),
    # Other lists.
    Page("declarations-mine", "lists", "requester", _fixed("/declarations/")),
    Page(
        "declarations-compliance",
        "lists",
        "communications",
        _fixed("/declarations/compliance/"),
        PAGINATED,
    ),
    Page("credential-tasks", "lists", "communications", _fixed("/credential-tasks/"), PAGINATED),
    Page("device-reports", "lists", "communications", _fixed("/devices/reports/"), PAGINATED),
    Page("incidents", "lists", "communications", _fixed("/incidents/"), PAGINATED),
    Page("incidents-line-manager", "lists", "line_manager", _fixed("/incidents/"), PAGINATED),
    Page("abuse-cases", "lists", "communications", _fixed("/abuse-cases/"), PAGINATED),
    Page("abuse-cases-legal", "lists", "legal", _fixed("/abuse-cases/"), PAGINATED),
    Page("breaches", "lists", "hr", _fixed("/hr/breaches/"), PAGINATED),
    Page("breach-people", "lists", "hr", _fixed("/hr/people/"), PAGINATED),
    Page("breach-reads", "lists", "hr", _fixed("/hr/reads/"), PAGINATED),
    Page("notifications", "lists", "communications", _fixed("/notifications/"), PAGINATED),
    Page("notifications-requester", "lists", "requester", _fixed("/notifications/"), PAGINATED),
    Page("policy-versions", "lists", "policy_owner", _fixed("/policy/versions/")),
    Page("organisation", "audit", "administrator", _fixed("/organisation/")),
    Page(
        "service-area", "audit", "administrator", lambda c: f"/organisation/areas/{c['area_code']}/"
    ),
    Page("policy-profile", "audit", "administrator", _fixed("/policy-profile/")),
    Page("event-checkpoint", "audit", "auditor", _fixed("/audit/checkpoint/")),
    # The compliance statement.
    Page("compliance", "compliance", "communications", _fixed("/compliance/")),
    Page(
        "compliance-as-at",
        "compliance",
        "communications",
        lambda c: f"/compliance/?as_at={c['past']}",
        PAST,
    ),
    Page("compliance-auditor", "compliance", "auditor", _fixed("/compliance/")),
    Page("clause-map", "compliance", "communications", _fixed("/compliance/clauses/")),
    # The public register.
    Page("official-accounts", "public", "anonymous", _fixed("/official-accounts/"), PAGINATED),
    Page(
        "official-accounts-last",
        "public",
        "anonymous",
        _fixed("/official-accounts/?page=999999"),
        PAGINATED,
    ),
    Page(
        "official-check",
        "public",
        "anonymous",
        lambda c: f"/official-accounts/check/?address={c['lookup']}",
    ),
    Page("official-open-data", "public", "anonymous", _fixed("/official-accounts/open-data/")),
]


@dataclass
class Result:
    status: int
    queries: int
    ms: float
    kb: float
    cold_ms: float = 0.0
    notes: list[str] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)


def setup() -> None:
    generate.setup_django()
    from django.conf import settings

    # A page that answers 404 or 403 is reported in the table, not logged once per run.
    logging.getLogger("django.request").setLevel(logging.ERROR)

    settings.ROOT_URLCONF = "yardstick_urls"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ACCOUNT_RATE_LIMITS = False


def clients() -> dict[str, Any]:
    from django.test import Client

    from governance.middleware import SESSION_KEY

    made: dict[str, Any] = {"anonymous": Client()}
    for role, user in generate.role_users().items():
        client = Client()
        client.force_login(user)
        session = client.session
        # What the two-step middleware sets once the person has passed it (tests/conftest.py).
        session[SESSION_KEY] = True
        session.save()
        made[role] = client
    return made


def context() -> dict[str, Any]:
    from django.utils import timezone

    from accounts.models import Account, AccountRequest, AccountStatus, RequestStatus
    from governance.models import ServiceArea

    today = timezone.localdate()
    area = ServiceArea.objects.order_by("pk").first()
    account = (
        Account.objects.filter(status=AccountStatus.ACTIVE, published=True).order_by("pk").first()
    )
    request = AccountRequest.objects.filter(status=RequestStatus.SUBMITTED).order_by("pk").first()
    assert area is not None and account is not None and request is not None
    return {
        "past": today.replace(year=today.year - 3, day=min(today.day, 28)).isoformat(),
        "area": area.pk,
        "area_code": area.code,
        "account": account.pk,
        "request": request.pk,
        "lookup": account.url,
    }


def measure(client: Any, path: str, runs: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch() -> tuple[int, bytes, list[str], float]:
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(path)
            body = b"".join(response) if response.streaming else response.content
            spent = time.perf_counter() - began
        return response.status_code, body, [q["sql"] for q in queries.captured_queries], spent

    sql: list[str]
    notes = []
    try:
        status, body, sql, cold = fetch()
        if cold > SLOW_SECONDS:
            # One timed run of a page this slow: enough to see it, and the run ends today.
            runs = 1
            notes.append(f"slow: first fetch {cold:.0f} s, 1 timed run")
        times: list[float] = []
        for _ in range(runs):
            status, body, sql, spent = fetch()
            times.append(spent)
    except Exception as error:  # a page that fails is a finding, not the end of the run
        return Result(500, 0, 0.0, 0.0, notes=[f"error: {type(error).__name__}: {error}"[:200]])
    median = statistics.median(times) * 1000
    return Result(status, len(sql), median, len(body) / 1024, cold * 1000, notes, sql)


def run_size(
    size: int, pages: list[Page], runs: int, template: str, seed: int
) -> dict[str, Result]:
    from django.core.cache import cache

    began = time.perf_counter()
    generate.fresh_database(f"portal_bench_pages_{size}", template=template)
    counts = generate.generate(size, seed=seed, stdout=lambda *args: None)
    cache.clear()
    print(
        f"\n{size:,} accounts: generated in {time.perf_counter() - began:.0f} s "
        f"({counts['staff']:,} staff, {counts['history rows']:,} history rows)"
    )
    signed_in = clients()
    values = context()
    results: dict[str, Result] = {}
    for page in pages:
        began = time.perf_counter()
        results[page.key] = measure(signed_in[page.role], page.path(values), runs)
        print(f"  {page.key} {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    return results


def flags(
    page: Page, result: Result, yardstick: float, growth: float | None, doubled: bool
) -> list[str]:
    found = list(result.notes)
    if result.status != 200:
        found.append(f"status {result.status}")
    if result.queries > MAX_QUERIES:
        found.append(f"queries {result.queries} > {MAX_QUERIES}")
    ratio = result.ms / yardstick if yardstick else 0.0
    target = RATIO_TARGET.get(page.kind)
    if target is not None and ratio > target:
        found.append(f"ratio {ratio:.2f} > {target}")
    if page.kind == PAGINATED and doubled and growth is not None and growth > GROWTH_TARGET:
        found.append(f"growth {growth:.2f} > {GROWTH_TARGET}")
    return found


def report(
    size: int, previous: int | None, pages: list[Page], results: dict[int, dict[str, Result]]
) -> list[str]:
    """Print the table for one size (growth against the size before); return what is over."""
    over: list[str] = []
    yardstick = results[size]["admin-changelist"].ms
    print(
        f"\n{size:,} accounts (admin changelist median {yardstick:.1f} ms)\n"
        f"{'page':30} {'role':16} {'kind':9} {'code':>4} {'queries':>7} {'ms':>8} "
        f"{'x admin':>7} {'KB':>7} {'growth':>7} {'first ms':>9}  over target"
    )
    for page in pages:
        result = results[size][page.key]
        growth = None
        if previous is not None and results[previous][page.key].ms:
            growth = result.ms / results[previous][page.key].ms
        doubled = previous is not None and size == 2 * previous
        found = flags(page, result, yardstick, growth, doubled)
        ratio = result.ms / yardstick if yardstick else 0.0
        print(
            f"{page.key:30} {page.role:16} {page.kind:9} {result.status:>4} "
            f"{result.queries:>7} {result.ms:>8.1f} {ratio:>7.2f} {result.kb:>7.1f} "
            f"{'' if growth is None else f'{growth:.2f}':>7} {result.cold_ms:>9.0f}  "
            f"{'; '.join(found)}"
        )
        if found and page.kind != YARDSTICK:
            over.append(f"{size:>6,}  {page.key} ({page.role}): {'; '.join(found)}")
    return over


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Every main page next to the admin changelist.")
    parser.add_argument("--sizes", default="1000,10000,20000", help="accounts, comma separated")
    parser.add_argument(
        "--pages", default="", help="page keys or groups, comma separated (default: all)"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each page")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--show-queries",
        action="store_true",
        help=f"print the SQL of each page with more than {MAX_QUERIES} queries",
    )
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size]
    wanted = {token.strip() for token in args.pages.split(",") if token.strip()}
    pages = [
        page
        for page in PAGES
        if not wanted or page.kind == YARDSTICK or page.key in wanted or page.group in wanted
    ]
    setup()
    from django.db import connection

    template = "portal_bench_pages_template"
    began = time.perf_counter()
    generate.fresh_database(template)
    if connection.vendor == "postgresql":
        # A database used as a template must have no other connection while it is copied.
        connection.close()
    print(
        f"Database: {connection.vendor}; migrated in {time.perf_counter() - began:.0f} s; "
        f"median of {args.runs} runs after a warm-up; {len(pages)} pages"
    )
    results: dict[int, dict[str, Result]] = {}
    over: list[str] = []
    previous: int | None = None
    for size in sizes:
        results[size] = run_size(size, pages, args.runs, template, args.seed)
        over += report(size, previous, pages, results)
        previous = size
    print(f"\nOver target ({len(over)}):" if over else "\nEvery page is within its targets.")
    for line in over:
        print("  " + line)
    if args.show_queries:
        for size in sizes:
            for key, result in results[size].items():
                if result.queries > MAX_QUERIES:
                    print(f"\n{size:,} accounts, {key}: {result.queries} queries")
                    for sql in result.sql:
                        print("   ", sql[:160])


if __name__ == "__main__":
    main()
