"""The generator's common parts: the council's names and roles, explicit keys, simple-history
rows, batched writing (COPY on PostgreSQL, executemany on SQLite), and the base every part of
the council is generated from (the parts: people.py, register.py, requests.py, cases.py)."""

from __future__ import annotations

import csv
import datetime
import hashlib
import hmac
import io
import json
import operator
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

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


class Base:
    """What every part of the generator shares: the random source, today, the keys, the
    history rows and events gathered until they are written at the end, and what one part
    made that later parts point at (set by the part named beside each)."""

    # people.py
    areas: list[int]
    head_of: dict[int, int]
    manager_of: dict[int, int | None]
    names: dict[int, str]
    roles: dict[str, int]
    staff: list[int]
    staff_in: dict[int, list[int]]
    leaving: dict[int, datetime.date]
    leavers_in: dict[int, list[int]]
    versions: list[tuple[datetime.date, int, str, list[str]]]
    # register.py
    comms: int
    accounts: list[Any]
    assignments: list[Any]

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

    # written at the end ---------------------------------------------------------------------
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
