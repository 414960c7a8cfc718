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
import csv
import datetime
import hashlib
import hmac
import io
import json
import operator
import os
import random
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DOMAIN = "bench.council.example"
ROLES = (
    "communications",
    "hr",
    "auditor",
    "policy_owner",
    "legal",
    "head_of_service",
    "line_manager",
    "requester",
    "outsider",
    "administrator",
)
ROLE_GROUPS = {
    "communications": "Communications",
    "hr": "HR",
    "auditor": "Auditor",
    "policy_owner": "Policy owner",
    "legal": "Legal",
}
YEARS = 8  # how far back the register's history goes

FIRST = [
    "Aisha",
    "Ben",
    "Carys",
    "Dev",
    "Ella",
    "Femi",
    "Gwen",
    "Harri",
    "Isla",
    "Jack",
    "Kiran",
    "Lowri",
    "Mo",
    "Nia",
    "Owen",
    "Priya",
    "Rhys",
    "Sian",
    "Tom",
    "Uma",
    "Vik",
    "Wyn",
    "Yusuf",
    "Zara",
    "Amir",
    "Beth",
    "Cai",
    "Dina",
    "Evan",
    "Fran",
]
LAST = [
    "Ahmed",
    "Brown",
    "Collins",
    "Davies",
    "Evans",
    "Fisher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nash",
    "Owens",
    "Patel",
    "Quinn",
    "Roberts",
    "Smith",
    "Thomas",
    "Uddin",
    "Vaughan",
    "Williams",
    "Young",
    "Zhang",
    "Bell",
    "Cole",
    "Reid",
]
AREAS = (
    "Adult Social Care",
    "Children's Services",
    "Housing",
    "Leisure and Culture",
    "Libraries",
    "Parks",
    "Planning",
    "Waste and Recycling",
    "Highways",
    "Public Health",
    "Economic Development",
    "Elections",
    "Trading Standards",
    "Environmental Health",
    "Tourism",
    "Museums",
    "Schools",
    "Revenues and Benefits",
    "Registrars",
    "Customer Services",
)


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


class _Ids:
    """Explicit primary keys, starting after whatever the migrations wrote."""

    def __init__(self) -> None:
        self.next: dict[Any, int] = {}

    def take(self, model: Any) -> int:
        from django.db.models import Max

        if model not in self.next:
            self.next[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        value = self.next[model]
        self.next[model] += 1
        return value


_HISTORY_MODELS: dict[Any, tuple[Any, list[str], list[str]]] = {}


def _history(
    model: Any,
    obj: Any,
    when: datetime.datetime,
    kind: str = "+",
    user_id: int | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """A simple-history row of ``obj`` as it stood at ``when``: its fields now, but ``changes``."""
    if model not in _HISTORY_MODELS:
        from django.db import models

        history_model = model.history.model
        names = [field.attname for field in history_model.tracked_fields]
        files = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        _HISTORY_MODELS[model] = (history_model, names, files)
    _, names, files = _HISTORY_MODELS[model]
    row = {name: getattr(obj, name) for name in names}
    for name in files:
        row[name] = row[name].name or ""
    row.update(changes)
    row.update(
        history_date=when,
        history_type=kind,
        history_user_id=user_id,
        history_change_reason=None,
    )
    return row


def write_rows(model: Any, rows: Sequence[Any], batch_size: int = 20_000) -> None:
    """Insert model instances or dicts of attribute values, in batches.

    What ``bulk_create`` does for these rows, without building a model instance for each
    history row or preparing each value through its field (most of bulk_create's time): COPY
    on PostgreSQL, executemany on SQLite. A primary key left empty on the first row is left to
    the database.
    """
    from django.db import connection, models

    if not rows:
        return
    is_dict = isinstance(rows[0], dict)
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        or (rows[0].get(field.attname) if is_dict else getattr(rows[0], field.attname)) is not None
    ]
    names = [field.attname for field in fields]
    values_of = operator.itemgetter(*names) if is_dict else operator.attrgetter(*names)
    json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    files_at = [i for i, f in enumerate(fields) if isinstance(f, models.FileField)]
    postgres = connection.vendor == "postgresql"
    dates_at = [
        i for i, f in enumerate(fields) if isinstance(f, models.DateField | models.DateTimeField)
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    # Empty text in a NOT NULL column is empty text, not NULL (COPY's CSV format).
    not_null = ", ".join(quote(field.column) for field in fields if not field.null)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            lines: list[Any] = [values_of(row) for row in rows[start : start + batch_size]]
            if json_at or files_at or not postgres:
                lines = [list(line) for line in lines]
                for line in lines:
                    for i in json_at:
                        line[i] = json.dumps(line[i])
                    for i in files_at:
                        line[i] = line[i].name or ""
                    if not postgres:
                        for i in dates_at:
                            value = line[i]
                            if isinstance(value, datetime.datetime):
                                line[i] = connection.ops.adapt_datetimefield_value(value)
                            elif value is not None:
                                line[i] = value.isoformat()
            if postgres:
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerows(lines)
                buffer.seek(0)
                cursor.cursor.copy_expert(
                    f"COPY {table} ({columns}) FROM STDIN "
                    f"WITH (FORMAT csv, FORCE_NOT_NULL ({not_null}))",
                    buffer,
                )
            else:
                marks = ", ".join(["%s"] * len(names))
                # Names from the models' metadata, values as parameters.
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, lines)


def generate(accounts: int, *, seed: int = 0, stdout: Callable[..., Any] = print) -> dict[str, int]:
    """Fill the current (migrated, otherwise empty) database with a council of ``accounts``."""
    from django.db import connection, transaction

    with transaction.atomic():
        counts = _Generator(accounts, seed, stdout).run()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts


class _Generator:
    def __init__(self, accounts: int, seed: int, stdout: Callable[..., Any]) -> None:
        from django.utils import timezone

        self.n = accounts
        self.rng = random.Random(seed)
        self.say = stdout
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.ids = _Ids()
        self.counts: dict[str, int] = {}
        self.history: dict[Any, list[Any]] = defaultdict(list)
        self.events: list[dict[str, Any]] = []

    # helpers ------------------------------------------------------------------------------
    def at(self, day: datetime.date, hour: int | None = None) -> datetime.datetime:
        hour = self.rng.randint(8, 17) if hour is None else hour
        return datetime.datetime.combine(
            day, datetime.time(hour, self.rng.randint(0, 59)), datetime.UTC
        )

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def save(self, label: str, model: Any, rows: Sequence[Any]) -> None:
        write_rows(model, rows)
        self.counts[label] = self.counts.get(label, 0) + len(rows)

    def hist(
        self,
        model: Any,
        obj: Any,
        when: datetime.datetime,
        kind: str = "+",
        user: int | None = None,
        **changes: Any,
    ) -> None:
        self.history[model].append(_history(model, obj, when, kind, user, **changes))

    def event(
        self, when: datetime.datetime, actor: int | None, action: str, subject: Any, summary: str
    ) -> None:
        self.events.append(
            {"when": when, "actor": actor, "action": action, "subject": subject, "summary": summary}
        )

    # the run ------------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        began = time.perf_counter()
        steps = [
            self.people,
            self.policy,
            self.register,
            self.moderators,
            self.declarations,
            self.requests,
            self.reviews_and_passwords,
            self.credential_tasks,
            self.incidents,
            self.abuse_cases,
            self.devices,
            self.breaches,
            self.notifications,
            self.write_history,
            self.write_events,
            self.reset_sequences,
        ]
        for step in steps:
            step()
            self.say(f"  {step.__name__:22} {time.perf_counter() - began:6.1f} s")
        return self.counts

    # people -------------------------------------------------------------------------------
    def people(self) -> None:
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.models import Group

        from governance.models import ServiceArea, User

        rng = self.rng
        staff_total = max(10 * self.n, 200)
        area_count = max(6, self.n // 250)
        password = make_password(None)
        self.areas = [self.ids.take(ServiceArea) for _ in range(area_count)]
        user_ids = [self.ids.take(User) for _ in range(staff_total)]
        heads = user_ids[:area_count]
        manager_count = max(area_count, staff_total // 12)
        managers = user_ids[area_count : area_count + manager_count]
        staff = user_ids[area_count + manager_count :]
        self.area_of: dict[int, int] = {}
        self.manager_of: dict[int, int | None] = {}
        managers_in: dict[int, list[int]] = defaultdict(list)
        for index, pk in enumerate(heads):
            self.area_of[pk] = self.areas[index]
            self.manager_of[pk] = None
        for index, pk in enumerate(managers):
            area = self.areas[index % area_count]
            self.area_of[pk] = area
            self.manager_of[pk] = heads[index % area_count]
            managers_in[area].append(pk)
        for index, pk in enumerate(staff):
            area = self.areas[index % area_count]
            self.area_of[pk] = area
            self.manager_of[pk] = rng.choice(managers_in[area])
        self.head_of = dict(zip(self.areas, heads, strict=True))

        # The cast: the head, a line manager and a requester of the first area, and the rest
        # in other areas so that they are nobody's manager.
        area0 = self.areas[0]
        line_manager = managers_in[area0][0]
        reports = [pk for pk in staff if self.manager_of[pk] == line_manager]
        outside = [pk for pk in staff if self.area_of[pk] != area0]
        self.roles = {
            "head_of_service": heads[0],
            "line_manager": line_manager,
            "requester": reports[0],
            "communications": outside[0],
            "hr": outside[1],
            "auditor": outside[2],
            "policy_owner": outside[3],
            "legal": outside[4],
            "outsider": outside[5],
            "administrator": outside[6],
        }
        self.cast = set(self.roles.values()) - {reports[0]}
        self.comms = self.roles["communications"]
        email_of = {pk: f"{role}@{DOMAIN}" for role, pk in self.roles.items()}

        leaving: dict[int, datetime.date] = {}
        for pk in staff:
            if pk in self.cast or pk == reports[0]:
                continue
            draw = rng.random()
            if draw < 0.03:
                leaving[pk] = self.days_ago(10, 3 * 365)
            elif draw < 0.035:
                leaving[pk] = self.today + datetime.timedelta(days=rng.randint(1, 60))
        self.leavers = [pk for pk, day in leaving.items() if day < self.today]
        self.leaving = leaving
        self.names: dict[int, str] = {}
        head_set, manager_set = set(heads), set(managers)
        users = []
        for pk in user_ids:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            self.names[pk] = name
            joined = self.at(self.days_ago(30, 12 * 365))
            left = leaving.get(pk)
            title = (
                "Head of Service"
                if pk in head_set
                else ("Team manager" if pk in manager_set else "Officer")
            )
            user = User(
                id=pk,
                email=email_of.get(pk, f"person{pk}@{DOMAIN}"),
                password=password,
                full_name=name,
                employee_number=f"E{pk:07d}",
                job_title=title,
                service_area_id=self.area_of[pk],
                line_manager_id=self.manager_of[pk],
                leaving_date=left,
                leaver_recorded_at=self.at(left) if left and left < self.today else None,
                is_staff=pk == self.roles["administrator"],
                is_superuser=pk == self.roles["administrator"],
                date_joined=joined,
            )
            users.append(user)
            self.hist(User, user, joined, leaving_date=None, leaver_recorded_at=None)
            if left and left < self.today:
                self.hist(User, user, self.at(left), "~")
        areas = [
            ServiceArea(
                id=pk,
                code=f"area-{index:03d}",
                name=f"{AREAS[index % len(AREAS)]}"
                + (f" {index // len(AREAS) + 1}" if index >= len(AREAS) else ""),
                head_id=self.head_of[pk],
            )
            for index, pk in enumerate(self.areas)
        ]
        for row in areas:
            self.hist(
                ServiceArea, row, self.at(self.today - datetime.timedelta(days=YEARS * 365 + 30))
            )
        self.save("service areas", ServiceArea, areas)
        self.save("staff", User, users)
        groups = {group.name: group.pk for group in Group.objects.all()}
        through = User.groups.through
        self.save(
            "role memberships",
            through,
            [
                through(user_id=self.roles[role], group_id=groups[name])
                for role, name in ROLE_GROUPS.items()
            ],
        )
        self.staff = [pk for pk in staff if pk not in self.cast and pk not in leaving]
        self.staff_in: dict[int, list[int]] = defaultdict(list)
        for pk in self.staff:
            self.staff_in[self.area_of[pk]].append(pk)
        self.leavers_in: dict[int, list[int]] = defaultdict(list)
        for pk in self.leavers:
            self.leavers_in[self.area_of[pk]].append(pk)

    # policy versions ----------------------------------------------------------------------
    def policy(self) -> None:
        from declarations.models import PolicyVersion, Question, VersionState

        owner = self.roles["policy_owner"]
        self.versions: list[tuple[datetime.date, int, str, list[str]]] = []
        rows = []
        count = YEARS - 1
        for index in range(count):
            effective = self.today - datetime.timedelta(days=(count - index) * 365 - 200)
            statements = [
                f"I have read version {index + 1}.0 of the social media policy.",
                "I will not share the account's sign-in details.",
                "I will report anything that goes wrong straight away.",
            ]
            text = f"# Social media policy\n\nVersion {index + 1}.0.\n\n" + "Clause text. " * 200
            content_hash = hashlib.sha256((text + json.dumps(statements)).encode()).hexdigest()
            published = self.at(effective - datetime.timedelta(days=7))
            latest = index == count - 1
            version = PolicyVersion(
                id=self.ids.take(PolicyVersion),
                title="Social media policy",
                version=f"{index + 1}.0",
                effective_on=effective,
                review_due_on=effective + datetime.timedelta(days=365),
                text=text,
                statements=statements,
                state=VersionState.PUBLISHED if latest else VersionState.RETIRED,
                content_hash=content_hash,
                published_at=published,
                published_by_id=owner,
                retired_at=None if latest else self.at(effective + datetime.timedelta(days=358)),
                created_by_id=owner,
                created_at=published - datetime.timedelta(days=20),
            )
            rows.append(version)
            self.versions.append((effective, version.id, content_hash, statements))
            self.hist(
                PolicyVersion,
                version,
                version.created_at,
                user=owner,
                state="draft",
                published_at=None,
                retired_at=None,
            )
            self.hist(
                PolicyVersion, version, published, "~", owner, state="published", retired_at=None
            )
            if not latest and version.retired_at:
                self.hist(PolicyVersion, version, version.retired_at, "~")
        self.save("policy versions", PolicyVersion, rows)
        self.save(
            "questions",
            Question,
            [
                Question(
                    version_id=rows[-1].id,
                    order=n,
                    text=f"Question {n + 1} about the policy?",
                    correct_answer="The right answer",
                    wrong_answers=["A wrong answer", "Another wrong answer"],
                    clause=f"Section {n + 1}",
                )
                for n in range(3)
            ],
        )

    # the register -------------------------------------------------------------------------
    def register(self) -> None:
        from accounts.models import AccessModel, Account, AccountStatus, Platform, TwoFactorMethod

        rng = self.rng
        platforms = [value for value in Platform.values if value != Platform.OTHER]
        labels = dict(Platform.choices)
        statuses = [
            (AccountStatus.ACTIVE, 0.78),
            (AccountStatus.BEING_SET_UP, 0.05),
            (AccountStatus.SUSPENDED, 0.04),
            (AccountStatus.CLOSED, 0.10),
            (AccountStatus.UNAPPROVED, 0.03),
        ]
        self.accounts: list[Any] = []
        for n in range(self.n):
            draw, status = rng.random(), AccountStatus.ACTIVE
            for value, share in statuses:
                if draw < share:
                    status = value
                    break
                draw -= share
            area = self.areas[n % len(self.areas)]
            created = self.at(self.days_ago(40, YEARS * 365))
            if status == AccountStatus.BEING_SET_UP:
                created = self.at(self.days_ago(2, 60))
            platform = platforms[n % len(platforms)]
            open_ = status not in (AccountStatus.CLOSED,)
            account = Account(
                id=self.ids.take(Account),
                platform=platform,
                name=f"{AREAS[n % len(AREAS)]} {labels[platform]} {n:05d}",
                handle=f"@bench{n:06d}",
                url=f"https://{platform}.example/bench{n:06d}",
                service_area_id=area,
                responsible_officer_id=rng.choice(self.staff_in[area]),
                status=status,
                access_model=AccessModel.SHARED_LOGIN if n % 3 else AccessModel.INDIVIDUAL_ROLES,
                credentials_location="Keeper > Social media > " + f"bench{n:06d}",
                recovery_email=f"social{n % 50}@{DOMAIN}",
                recovery_phone="" if n % 4 else "01632 960000",
                recovery_phone_council_owned=not n % 4,
                two_factor_method=TwoFactorMethod.AUTHENTICATOR_APP
                if n % 5
                else TwoFactorMethod.SMS,
                secure_sessions_enabled=bool(n % 7),
                recovery_plan_tested_on=self.days_ago(0, 500) if n % 6 else None,
                review_cadence_months=3,
                next_review_due=(
                    self.today + datetime.timedelta(days=rng.randint(-60, 90)) if open_ else None
                ),
                published=status == AccountStatus.ACTIVE and rng.random() < 0.7,
                discovered_how="Found by a search of the platform."
                if status == AccountStatus.UNAPPROVED
                else "",
                created_at=created,
                branding_approved_by_id=self.comms if status != AccountStatus.UNAPPROVED else None,
                branding_approved_at=created if status != AccountStatus.UNAPPROVED else None,
            )
            account.updated_at = self.now
            self.accounts.append(account)
        self.closed_on: dict[int, datetime.date] = {}

    def account_history(self) -> None:
        """Each account's history: made, then activated, sometimes suspended, closed."""
        from accounts.models import Account, AccountStatus

        rng = self.rng
        for account in self.accounts:
            created = account.created_at
            first = (
                AccountStatus.UNAPPROVED
                if account.status == AccountStatus.UNAPPROVED
                else AccountStatus.BEING_SET_UP
            )
            self.hist(Account, account, created, user=self.comms, status=first, published=False)
            self.event(
                created,
                self.comms,
                "account.created",
                account,
                f"{account.name} was added to the register",
            )
            if account.status in (AccountStatus.BEING_SET_UP, AccountStatus.UNAPPROVED):
                continue
            span = max((self.now - created).days, 4)
            activated = created + datetime.timedelta(days=rng.randint(1, min(30, span - 2)))
            self.hist(Account, account, activated, "~", self.comms, status=AccountStatus.ACTIVE)
            self.event(
                activated, self.comms, "account.activated", account, f"{account.name} is active"
            )
            left = (self.now - activated).days
            if left > 60 and rng.random() < 0.15:
                # Suspended for a while and back again.
                stop = activated + datetime.timedelta(days=rng.randint(1, left // 2))
                self.hist(
                    Account,
                    account,
                    stop,
                    "~",
                    self.comms,
                    status=AccountStatus.SUSPENDED,
                    published=False,
                )
                back = stop + datetime.timedelta(days=rng.randint(1, 20))
                self.hist(Account, account, back, "~", self.comms, status=AccountStatus.ACTIVE)
                activated = back
                left = (self.now - activated).days
            if account.status in (AccountStatus.SUSPENDED, AccountStatus.CLOSED):
                when = activated + datetime.timedelta(days=rng.randint(1, max(left - 1, 1)))
                when = min(when, self.now - datetime.timedelta(hours=1))
                self.hist(Account, account, when, "~", self.comms)
                self.event(
                    when,
                    self.comms,
                    f"account.{account.status}",
                    account,
                    f"{account.name} is {account.status}",
                )
                if account.status == AccountStatus.CLOSED:
                    self.closed_on[account.id] = when.date()

    # moderators ---------------------------------------------------------------------------
    def moderators(self) -> None:
        from accounts.models import AccountStatus
        from moderation.models import AssignmentState, ModeratorAssignment

        rng = self.rng
        self.account_history()
        pools = {
            area: people[: max(3, int(len(people) * 0.15))]
            for area, people in self.staff_in.items()
        }
        requester = self.roles["requester"]
        self.assignments: list[Any] = []
        self.person_assignments: dict[int, list[Any]] = defaultdict(list)
        for index, account in enumerate(self.accounts):
            area = account.service_area_id
            count = 3 if index % 2 == 0 else 2
            people = rng.sample(pools[area], count)
            if area == self.areas[0] and index < 40 * len(self.areas) and requester not in people:
                people[0] = requester
            start_from = account.created_at.date()
            closed = self.closed_on.get(account.id)
            for person in people:
                starts = start_from + datetime.timedelta(days=rng.randint(0, 30))
                starts = min(starts, self.today)
                state = AssignmentState.ACTIVE
                ends = None
                draw = rng.random()
                if closed or (account.status == AccountStatus.UNAPPROVED and draw < 0.1):
                    state, ends = AssignmentState.ENDED, closed or self.today
                elif draw < 0.07:
                    state = AssignmentState.ENDED
                elif draw < 0.12 or account.status == AccountStatus.BEING_SET_UP:
                    state = AssignmentState.AWAITING_DECLARATION
                elif draw < 0.14:
                    state = AssignmentState.SUSPENDED
                if person == requester and state != AssignmentState.ACTIVE:
                    state, ends = AssignmentState.ACTIVE, None
                if state == AssignmentState.ENDED and ends is None:
                    days = max((self.today - starts).days, 1)
                    ends = starts + datetime.timedelta(days=rng.randint(1, days))
                    if rng.random() < 0.3 and self.leavers_in[area]:
                        person = rng.choice(self.leavers_in[area])
                        if person in people:
                            continue
                        ends = max(min(self.leaving[person], self.today), starts)
                if ends is not None:
                    ends = max(ends, starts)
                assignment = ModeratorAssignment(
                    id=self.ids.take(ModeratorAssignment),
                    account_id=account.id,
                    person_id=person,
                    state=state,
                    starts_on=starts,
                    ends_on=ends,
                    granted_by_id=self.comms,
                    reason="Ended" if ends else "",
                    created_at=self.at(starts),
                )
                self.assignments.append(assignment)
                self.person_assignments[person].append(assignment)
                first_state = AssignmentState.ACTIVE if state == AssignmentState.ENDED else state
                self.hist(
                    ModeratorAssignment,
                    assignment,
                    assignment.created_at,
                    user=self.comms,
                    state=first_state,
                    ends_on=None,
                )
                if ends is not None:
                    self.hist(ModeratorAssignment, assignment, self.at(ends), "~", self.comms)
        self.assignment_by_id = {a.id: a for a in self.assignments}
        # Saved after the accounts, which are saved after the requests that approved them.

    # declarations -------------------------------------------------------------------------
    def declarations(self) -> None:
        from declarations.models import Declaration

        rng = self.rng
        people = sorted(self.person_assignments)
        # 5% of moderators are new and have not signed yet.
        signers = [pk for pk in people if rng.random() >= 0.05 or pk == self.roles["requester"]]
        target = 10 * self.n
        each, extra = divmod(target, max(len(signers), 1))
        rows = []
        self.lapsed: set[int] = set()
        for index, person in enumerate(signers):
            count = each + (1 if index < extra else 0)
            latest = self.days_ago(0, 400)
            if person == self.roles["requester"]:
                latest = self.days_ago(0, 100)
            days = [latest]
            for _ in range(count - 1):
                days.append(days[-1] - datetime.timedelta(days=rng.randint(330, 365)))
            days.reverse()
            for position, day in enumerate(days):
                signed = self.at(day)
                later = days[position + 1] if position + 1 < len(days) else None
                version = None
                for effective, pk, content_hash, statements in self.versions:
                    if effective <= day:
                        version = (pk, content_hash, statements)
                lapses = day + datetime.timedelta(days=365)
                lapsed_at = None
                if later is None and lapses <= self.today and rng.random() < 0.85:
                    lapsed_at = self.at(lapses, 2)
                    self.lapsed.add(person)
                declaration = Declaration(
                    id=self.ids.take(Declaration),
                    person_id=person,
                    version_id=version[0] if version else None,
                    on_paper=version is None,
                    content_hash=version[1] if version else "",
                    signed_at=signed,
                    typed_name=self.names[person] if version else "",
                    statements=list(version[2]) if version else [],
                    questions_answered=version is not None,
                    verification_code=hashlib.sha256(f"{person}:{signed}".encode()).hexdigest()[:20]
                    if version
                    else "",
                    lapses_on=lapses,
                    superseded_at=self.at(later) if later else None,
                    lapsed_at=lapsed_at,
                )
                rows.append(declaration)
                self.hist(
                    Declaration,
                    declaration,
                    signed,
                    user=person,
                    superseded_at=None,
                    lapsed_at=None,
                )
        # Moderators whose declaration lapsed are suspended until they sign again.
        from moderation.models import AssignmentState, ModeratorAssignment

        for declaration in rows:
            if declaration.lapsed_at is None or declaration.person_id not in self.lapsed:
                continue
            for assignment in self.person_assignments[declaration.person_id]:
                if assignment.state == AssignmentState.ACTIVE and rng.random() < 0.7:
                    assignment.state = AssignmentState.SUSPENDED
                    when = max(declaration.lapsed_at, assignment.created_at)
                    self.hist(ModeratorAssignment, assignment, when, "~")
        self.save("declarations", Declaration, rows)

    # requests -----------------------------------------------------------------------------
    def requests(self) -> None:
        from accounts.models import (
            Account,
            AccountRequest,
            AccountStatus,
            ApprovalStep,
            RequestStatus,
            StepStatus,
        )
        from governance.models import StepKind
        from moderation.models import ModeratorAssignment

        rng = self.rng
        requests: list[Any] = []
        steps: list[Any] = []
        requester = self.roles["requester"]
        portal_start = self.today - datetime.timedelta(days=4 * 365)

        def make(
            status: str, area: int, person: int, created: datetime.datetime, account: Any = None
        ) -> None:
            request = AccountRequest(
                id=self.ids.take(AccountRequest),
                requester_id=person,
                status=status,
                platform=account.platform
                if account
                else rng.choice(["x", "facebook", "instagram", "youtube"]),
                proposed_name=account.name if account else f"New account {len(requests):05d}",
                proposed_handle=account.handle if account else f"@newbench{len(requests):05d}",
                service_area_id=area,
                purpose_audience="News and events for residents.",
                aims="To reach people where they already are.",
                other_channels="The council's website.",
                update_frequency="Daily, checked twice a day.",
                record_keeping="The management platform keeps every post.",
                created_at=created,
            )
            requests.append(request)
            self.hist(
                AccountRequest,
                request,
                created,
                user=person,
                status=RequestStatus.DRAFT,
                round=0,
                submitted_at=None,
                decided_at=None,
            )
            if status == RequestStatus.DRAFT:
                return
            submitted = created + datetime.timedelta(hours=rng.randint(1, 48))
            submitted = min(submitted, self.now - datetime.timedelta(hours=2))
            request.round = 1
            request.submitted_at = submitted
            self.hist(
                AccountRequest,
                request,
                submitted,
                "~",
                person,
                status=RequestStatus.SUBMITTED,
                decided_at=None,
            )
            self.event(
                submitted,
                person,
                "request.submitted",
                request,
                f"{request.proposed_name} was sent for approval",
            )
            head, comms = self.head_of[area], self.comms
            plan: list[tuple[str, int, str]]
            if status == RequestStatus.SUBMITTED:
                plan = rng.choice(
                    [
                        [
                            (StepKind.HEAD_OF_SERVICE, head, StepStatus.PENDING),
                            (StepKind.COMMUNICATIONS, comms, StepStatus.WAITING),
                        ],
                        [
                            (StepKind.HEAD_OF_SERVICE, head, StepStatus.APPROVED),
                            (StepKind.COMMUNICATIONS, comms, StepStatus.PENDING),
                        ],
                    ]
                )
            elif status == RequestStatus.APPROVED:
                plan = [
                    (StepKind.HEAD_OF_SERVICE, head, StepStatus.APPROVED),
                    (StepKind.COMMUNICATIONS, comms, StepStatus.APPROVED),
                ]
            elif status == RequestStatus.REJECTED:
                plan = [
                    (StepKind.HEAD_OF_SERVICE, head, StepStatus.APPROVED),
                    (StepKind.COMMUNICATIONS, comms, StepStatus.REJECTED),
                ]
            elif status == RequestStatus.RETURNED:
                plan = [
                    (StepKind.HEAD_OF_SERVICE, head, StepStatus.RETURNED),
                    (StepKind.COMMUNICATIONS, comms, StepStatus.CANCELLED),
                ]
            else:  # withdrawn
                plan = [
                    (StepKind.HEAD_OF_SERVICE, head, StepStatus.CANCELLED),
                    (StepKind.COMMUNICATIONS, comms, StepStatus.CANCELLED),
                ]
            moment = submitted
            for position, (kind, approver, step_status) in enumerate(plan, start=1):
                step = ApprovalStep(
                    id=self.ids.take(ApprovalStep),
                    request_id=request.id,
                    round=1,
                    position=position,
                    kind=kind,
                    status=step_status,
                )
                steps.append(step)
                if step_status == StepStatus.WAITING:
                    self.hist(ApprovalStep, step, moment, user=person)
                    continue
                step.activated_at = moment
                self.hist(ApprovalStep, step, moment, user=person, status=StepStatus.PENDING)
                if step_status in (StepStatus.PENDING, StepStatus.CANCELLED):
                    continue
                moment = min(
                    moment + datetime.timedelta(hours=rng.randint(2, 24 * 6)),
                    self.now - datetime.timedelta(hours=1),
                )
                step.decided_at = moment
                step.decided_by_id = approver
                step.branding_confirmed = kind == StepKind.COMMUNICATIONS
                step.comment = (
                    ""
                    if step_status == StepStatus.APPROVED
                    else "Please say more about the audience."
                )
                self.hist(ApprovalStep, step, moment, "~", approver)
                self.event(
                    moment,
                    approver,
                    f"request.step_{step_status}",
                    request,
                    f"{kind} {step_status}",
                )
            if status in (
                RequestStatus.APPROVED,
                RequestStatus.REJECTED,
                RequestStatus.RETURNED,
                RequestStatus.WITHDRAWN,
            ):
                if status == RequestStatus.WITHDRAWN:
                    moment = min(
                        moment + datetime.timedelta(hours=rng.randint(1, 72)),
                        self.now - datetime.timedelta(minutes=30),
                    )
                request.decided_at = moment
                self.hist(AccountRequest, request, moment, "~", person)
                self.event(
                    moment,
                    person,
                    f"request.{status}",
                    request,
                    f"{request.proposed_name}: {status}",
                )

        # Approved requests behind the accounts the portal set up (the last four years).
        for account in self.accounts:
            if (
                account.status == AccountStatus.UNAPPROVED
                or account.created_at.date() < portal_start
            ):
                continue
            if rng.random() < 0.6:
                area = account.service_area_id
                person = rng.choice(self.staff_in[area][: max(3, len(self.staff_in[area]) // 6)])
                if area == self.areas[0] and rng.random() < 0.2:
                    person = requester
                created = account.created_at - datetime.timedelta(days=rng.randint(8, 20))
                make(RequestStatus.APPROVED, area, person, created, account)
                requests[-1].decided_at = min(
                    requests[-1].decided_at or account.created_at, account.created_at
                )
                account.request_id = requests[-1].id
        # Requests still open, or that came to nothing.
        others = [
            (RequestStatus.SUBMITTED, 0.35),
            (RequestStatus.DRAFT, 0.15),
            (RequestStatus.RETURNED, 0.15),
            (RequestStatus.REJECTED, 0.2),
            (RequestStatus.WITHDRAWN, 0.15),
        ]
        for n in range(max(20, self.n // 8)):
            draw, status = rng.random(), RequestStatus.SUBMITTED
            for value, share in others:
                if draw < share:
                    status = value
                    break
                draw -= share
            area = self.areas[n % len(self.areas)]
            person = rng.choice(self.staff_in[area][: max(3, len(self.staff_in[area]) // 6)])
            if area == self.areas[0] and n % 3 == 0:
                person = requester
            recent = status in (
                RequestStatus.SUBMITTED,
                RequestStatus.DRAFT,
                RequestStatus.RETURNED,
            )
            created = self.at(self.days_ago(1, 60) if recent else self.days_ago(10, 4 * 365))
            make(status, area, person, created)
        # The register's history rows carry the request that approved each account.
        request_of = {account.id: account.request_id for account in self.accounts}
        for row in self.history[Account]:
            row["request_id"] = request_of[row["id"]]
        self.save("account requests", AccountRequest, requests)
        self.save("approval steps", ApprovalStep, steps)
        self.save("accounts", Account, self.accounts)
        self.save("moderator assignments", ModeratorAssignment, self.assignments)

    # reviews and password changes ----------------------------------------------------------
    def reviews_and_passwords(self) -> None:
        from accounts.models import AccountReview, AccountStatus, ReviewOutcome
        from moderation.models import PasswordChange, PasswordChangeReason

        rng = self.rng
        moderators: dict[int, list[int]] = defaultdict(list)
        for assignment in self.assignments:
            moderators[assignment.account_id].append(assignment.person_id)
        reviews, changes = [], []
        reasons = [PasswordChangeReason.ROUTINE] * 6 + [
            PasswordChangeReason.MODERATOR_LEFT,
            PasswordChangeReason.LOST_DEVICE,
            PasswordChangeReason.OTHER,
        ]
        self.password_changes: dict[int, list[Any]] = defaultdict(list)
        for account in self.accounts:
            age = (self.today - account.created_at.date()).days
            if account.status not in (AccountStatus.BEING_SET_UP, AccountStatus.UNAPPROVED):
                for _ in range(rng.randint(0, 4)):
                    day = self.today - datetime.timedelta(days=rng.randint(1, max(age, 2)))
                    reviews.append(
                        AccountReview(
                            account_id=account.id,
                            reviewer_id=rng.choice(moderators[account.id]),
                            reviewed_on=day,
                            found_inappropriate=rng.random() < 0.1,
                            notes="Checked the last three months of posts.",
                            outcome=ReviewOutcome.CLOSE
                            if rng.random() < 0.03
                            else ReviewOutcome.KEEP,
                            created_at=self.at(day),
                        )
                    )
            for _ in range(rng.randint(1, 3)):
                day = self.today - datetime.timedelta(days=rng.randint(1, max(age, 2)))
                change = PasswordChange(
                    id=self.ids.take(PasswordChange),
                    account_id=account.id,
                    changed_on=day,
                    reason=rng.choice(reasons),
                    recorded_by_id=rng.choice(moderators[account.id]),
                    recorded_at=self.at(day),
                )
                changes.append(change)
                self.password_changes[account.id].append(change)
        self.save("account reviews", AccountReview, reviews)
        self.save("password changes", PasswordChange, changes)

    # credential tasks ---------------------------------------------------------------------
    def credential_tasks(self) -> None:
        from accounts.models import AccessModel
        from moderation.models import (
            AssignmentState,
            CredentialTask,
            TaskCause,
            TaskKind,
            TaskState,
        )

        rng = self.rng
        account_by_id = {account.id: account for account in self.accounts}
        tasks = []
        for assignment in self.assignments:
            if assignment.state not in (AssignmentState.ENDED, AssignmentState.SUSPENDED):
                continue
            account = account_by_id[assignment.account_id]
            leaver = assignment.person_id in self.leaving
            cause = (
                TaskCause.LEAVER
                if leaver
                else (
                    TaskCause.SUSPENDED
                    if assignment.state == AssignmentState.SUSPENDED
                    else TaskCause.ASSIGNMENT_ENDED
                )
            )
            kind = (
                TaskKind.ROTATE
                if account.access_model == AccessModel.SHARED_LOGIN
                else TaskKind.REMOVE_ACCESS
            )
            day = assignment.ends_on or self.days_ago(0, 60)
            raised = self.at(day)
            recent = (self.today - day).days < 45
            state = (
                TaskState.OPEN
                if recent and rng.random() < 0.7
                else (TaskState.CANCELLED if rng.random() < 0.05 else TaskState.DONE)
            )
            task = CredentialTask(
                id=self.ids.take(CredentialTask),
                account_id=account.id,
                kind=kind,
                cause=cause,
                person_id=assignment.person_id,
                assignment_id=assignment.id,
                title=f"{dict(TaskKind.choices)[kind]} on {account.name}",
                why=f"{self.names[assignment.person_id]} no longer moderates it.",
                state=state,
                raised_at=raised,
                due_on=day + datetime.timedelta(days=rng.choice([1, 5, 14])),
                key=f"assignment:{assignment.id}",
            )
            self.hist(
                CredentialTask, task, raised, state=TaskState.OPEN, done_at=None, done_by_id=None
            )
            if state != TaskState.OPEN:
                done = min(
                    raised + datetime.timedelta(days=rng.randint(0, 10)),
                    self.now - datetime.timedelta(minutes=5),
                )
                task.done_at, task.done_by_id = done, self.comms
                task.done_note = "Done at the platform."
                if (
                    kind == TaskKind.ROTATE
                    and state == TaskState.DONE
                    and self.password_changes[account.id]
                ):
                    task.password_change_id = self.password_changes[account.id][0].id
                self.hist(CredentialTask, task, done, "~", self.comms)
            tasks.append(task)
        self.tasks = tasks
        self.save("credential tasks", CredentialTask, tasks)

    # incidents ----------------------------------------------------------------------------
    def incidents(self) -> None:
        from moderation.models import BreachRisk, Incident, IncidentKind, IncidentState

        rng = self.rng
        kinds = IncidentKind.values
        rows = []
        for n in range(self.n // 2):
            assignment = self.assignments[rng.randrange(len(self.assignments))]
            reporter = assignment.person_id
            recent = rng.random() < 0.08
            day = self.days_ago(0, 45) if recent else self.days_ago(10, 6 * 365)
            reported = self.at(day)
            kind = kinds[n % len(kinds)]
            incident = Incident(
                id=self.ids.take(Incident),
                kind=kind,
                reporter_id=reporter,
                reporter_line_manager_id=self.manager_of.get(reporter),
                account_id=assignment.account_id,
                happened_on=day,
                what_happened="A post went out that should not have.",
                actions=["removed", "line_manager"],
                personal_data="Names and addresses" if kind == IncidentKind.DATA_BREACH else "",
                people_affected=3 if kind == IncidentKind.DATA_BREACH else None,
                found_at=reported if kind == IncidentKind.DATA_BREACH else None,
                risk=BreachRisk.UNSURE if kind == IncidentKind.DATA_BREACH else "",
                state=IncidentState.OPEN if recent else IncidentState.CLOSED,
                reported_at=reported,
            )
            self.hist(Incident, incident, reported, user=reporter, state=IncidentState.OPEN)
            if not recent:
                closed = reported + datetime.timedelta(days=rng.randint(1, 20))
                incident.closed_at, incident.closed_by_id = closed, self.comms
                incident.outcome = "Dealt with; the moderator was reminded of the policy."
                self.hist(Incident, incident, closed, "~", self.comms)
            rows.append(incident)
        self.incident_rows = rows
        self.save("incidents", Incident, rows)

    # public abuse cases -------------------------------------------------------------------
    def abuse_cases(self) -> None:
        from moderation.models import AbuseCase, AbuseCategory, CaseState, CaseStep, StepKind

        rng = self.rng
        cases, steps = [], []
        categories = AbuseCategory.values
        legal = self.roles["legal"]
        for n in range(max(10, self.n * 3 // 20)):
            account = self.accounts[rng.randrange(len(self.accounts))]
            author = f"@troll{rng.randint(0, self.n // 10 + 5)}"
            recent = rng.random() < 0.12
            day = self.days_ago(0, 40) if recent else self.days_ago(10, 5 * 365)
            opened = self.at(day)
            case = AbuseCase(
                id=self.ids.take(AbuseCase),
                account_id=account.id,
                platform_key=account.platform,
                author_handle=author,
                author_key=author.lstrip("@").casefold(),
                post_url=f"https://{account.platform}.example/post/{n}",
                categories=[categories[n % len(categories)]],
                description="An abusive reply to a council post.",
                state=CaseState.OPEN if recent else CaseState.CLOSED,
                opened_by_id=self.comms,
                opened_at=opened,
            )
            self.hist(AbuseCase, case, opened, user=self.comms, state=CaseState.OPEN)
            ladder = [StepKind.SCREENSHOT, StepKind.WARNING, StepKind.REMOVED]
            if n % 5 == 0:
                ladder.append(StepKind.LEGAL_CONSULTED)
            for offset, kind in enumerate(ladder[: rng.randint(1, len(ladder))]):
                happened = day + datetime.timedelta(days=offset)
                steps.append(
                    CaseStep(
                        case_id=case.id,
                        kind=kind,
                        happened_on=min(happened, self.today),
                        note="Recorded.",
                        recorded_by_id=legal if kind == StepKind.LEGAL_CONSULTED else self.comms,
                        recorded_at=self.at(min(happened, self.today)),
                    )
                )
            if not recent:
                case.closed_at = opened + datetime.timedelta(days=rng.randint(1, 30))
                case.closed_by_id = self.comms
                case.outcome = "The author was warned and the post removed."
                self.hist(AbuseCase, case, case.closed_at, "~", self.comms)
            cases.append(case)
        self.cases = cases
        self.save("abuse cases", AbuseCase, cases)
        self.save("abuse case steps", CaseStep, steps)

    # lost devices -------------------------------------------------------------------------
    def devices(self) -> None:
        from moderation.models import DeviceKind, DeviceLoss, DeviceReport, ReportState

        rng = self.rng
        reports, links = [], []
        through = DeviceReport.accounts.through
        for _ in range(max(5, self.n // 50)):
            assignment = self.assignments[rng.randrange(len(self.assignments))]
            recent = rng.random() < 0.1
            day = self.days_ago(0, 20) if recent else self.days_ago(20, 4 * 365)
            report = DeviceReport(
                id=self.ids.take(DeviceReport),
                reporter_id=assignment.person_id,
                device_kind=rng.choice(DeviceKind.values),
                loss=rng.choice(DeviceLoss.values),
                lost_on=day,
                state=ReportState.OPEN if recent else ReportState.CLOSED,
                reported_at=self.at(day),
            )
            self.hist(
                DeviceReport,
                report,
                report.reported_at,
                user=assignment.person_id,
                state=ReportState.OPEN,
            )
            if not recent:
                report.closed_at = report.reported_at + datetime.timedelta(days=rng.randint(1, 7))
                report.closed_by_id = self.comms
                self.hist(DeviceReport, report, report.closed_at, "~", self.comms)
            reports.append(report)
            links.append(through(devicereport_id=report.id, account_id=assignment.account_id))
        self.save("device reports", DeviceReport, reports)
        self.save("device report accounts", through, links)

    # breach records -----------------------------------------------------------------------
    def breaches(self) -> None:
        from breaches.models import BreachOutcome, BreachRecord, BreachState

        rng = self.rng
        hr = self.roles["hr"]
        rows = []
        for n in range(max(10, self.n // 20)):
            incident = self.incident_rows[rng.randrange(len(self.incident_rows))]
            person = incident.reporter_id or self.staff[n]
            draw = rng.random()
            state = (
                BreachState.CLOSED
                if draw < 0.75
                else (BreachState.INVESTIGATING if draw < 0.9 else BreachState.RECEIVED)
            )
            created = incident.reported_at + datetime.timedelta(days=1)
            record = BreachRecord(
                id=self.ids.take(BreachRecord),
                person_id=person,
                what_happened="Posted something the policy does not allow.",
                policy_version_id=self.versions[-1][1],
                clauses="4.2",
                incident_id=incident.id,
                reported_by_id=self.roles["line_manager"] if n % 4 == 0 else hr,
                raised_as_concern=n % 4 == 0,
                hr_case_reference=f"HR-{n:05d}",
                state=state,
                created_at=created,
            )
            self.hist(BreachRecord, record, created, user=hr, state=BreachState.RECEIVED)
            if state == BreachState.CLOSED:
                record.outcome = rng.choice(BreachOutcome.values)
                record.closed_at = min(
                    created + datetime.timedelta(days=rng.randint(5, 60)), self.now
                )
                record.closed_by_id = hr
                self.hist(BreachRecord, record, record.closed_at, "~", hr)
            rows.append(record)
        self.save("breach records", BreachRecord, rows)

    # notifications ------------------------------------------------------------------------
    def notifications(self) -> None:
        from governance.models import Notification

        rows = []
        for role, pk in self.roles.items():
            for n in range(60):
                created = self.at(self.days_ago(0, 400))
                rows.append(
                    Notification(
                        recipient_id=pk,
                        key=f"bench:{role}:{n}",
                        subject=f"Something for you to do ({n})",
                        body="A reminder from the portal.",
                        url="/",
                        created_at=created,
                        sent_at=created,
                    )
                )
        # Moderators with a declaration due are reminded.
        for n, person in enumerate(self.staff[: self.n]):
            created = self.at(self.days_ago(0, 30))
            rows.append(
                Notification(
                    recipient_id=person,
                    key=f"bench:declaration:{n}",
                    subject="Your declaration is due",
                    body="Please sign the social media policy again.",
                    url="/declarations/",
                    created_at=created,
                    sent_at=created,
                )
            )
        self.save("notifications", Notification, rows)

    # history and events -------------------------------------------------------------------
    def write_history(self) -> None:
        total = 0
        for model, rows in self.history.items():
            write_rows(_HISTORY_MODELS[model][0], rows)
            total += len(rows)
        self.counts["history rows"] = total
        self.history.clear()

    def write_events(self) -> None:
        from django.contrib.contenttypes.models import ContentType

        from governance.models import Event, EventChainHead
        from governance.models.events import GENESIS_HASH, GENESIS_MAC, derived_key

        head, _ = EventChainHead.objects.get_or_create(pk=1)
        if head.seq:
            raise RuntimeError("generate() needs an empty event log")
        key = derived_key("event-seal")
        types: dict[Any, int] = {}
        prev_hash, prev_mac = GENESIS_HASH, GENESIS_MAC
        rows = []
        self.events.sort(key=lambda event: event["when"])
        for seq, item in enumerate(self.events, start=1):
            model = type(item["subject"])
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model).pk
            event = Event(
                seq=seq,
                occurred_at=item["when"],
                actor_id=item["actor"],
                action=item["action"],
                subject_type_id=types[model],
                subject_id=item["subject"].pk,
                summary=item["summary"][:300],
                prev_hash=prev_hash,
            )
            event.hash = event.compute_hash()
            event.mac = hmac.new(
                key, f"{prev_mac}:{event.hash}".encode(), hashlib.sha256
            ).hexdigest()
            prev_hash, prev_mac = event.hash, event.mac
            rows.append(event)
        self.save("events", Event, rows)
        EventChainHead.objects.filter(pk=1).update(
            seq=len(rows), last_hash=prev_hash, last_mac=prev_mac
        )

    def reset_sequences(self) -> None:
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import connection

        statements = connection.ops.sequence_reset_sql(no_style(), list(apps.get_models()))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


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
