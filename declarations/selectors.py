"""Questions the pages, the register, moderation and the reminders ask about declarations. A
declaration is current from its signing until the day it lapses (``lapses_on``, exclusive)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from declarations.holders import holders
from declarations.models import Declaration, PolicyVersion, VersionState
from governance.formatting import long_date
from governance.models import PolicyProfile, User
from governance.services.profile import profile_get
from governance.trends import Bucket, with_next_change


class Status(models.TextChoices):
    CURRENT = "current", "Current"
    DUE = "due", "Due to sign again"
    LAPSED = "lapsed", "Lapsed"
    NOT_SIGNED = "not_signed", "Not signed"


STATUS_COLOURS = {
    Status.CURRENT: "green",
    Status.DUE: "yellow",
    Status.LAPSED: "red",
    Status.NOT_SIGNED: "grey",
}


def published_version() -> PolicyVersion | None:
    """The version moderators sign now."""
    return PolicyVersion.objects.filter(state=VersionState.PUBLISHED).first()


def _today(moment: datetime.datetime | None) -> datetime.date:
    return timezone.localdate(moment) if moment else timezone.localdate()


def current_declaration(person: Any, moment: datetime.datetime | None = None) -> Declaration | None:
    if not getattr(person, "pk", None):
        return None
    return (
        Declaration.objects.select_related("version")
        .filter(current_at(moment), person=person)
        .order_by("-lapses_on", "-signed_at")
        .first()
    )


def holds_current_declaration(person: Any, moment: datetime.datetime | None = None) -> bool:
    return current_declaration(person, moment) is not None


def current_at(moment: datetime.datetime | None = None) -> Q:
    """Declarations current at ``moment`` (now by default): signed by then, not lapsed yet. A
    re-acknowledgement only ever brings ``lapses_on`` forward to a day after the version that
    required it was published, so the stored day answers for any past moment too."""
    condition = Q(lapses_on__gt=_today(moment))
    if moment is not None:
        condition &= Q(signed_at__lte=moment)
    return condition


def current_declaration_exists(person_ref: Any, moment: datetime.datetime | None) -> Exists:
    """A subquery: whether the person ``person_ref`` points at held a current declaration."""
    return Exists(Declaration.objects.filter(current_at(moment), person=person_ref))


def reminder_window_days(profile: PolicyProfile | None = None) -> int:
    """How long before a lapse a declaration counts as due: the profile's first reminder."""
    return max((profile or profile_get()).declaration_reminder_days or [0])


def live_declarations(person_ref: Any, moment: datetime.datetime | None = None) -> QuerySet[Any]:
    """The person's live declaration (the latest signed, not superseded), now or at ``moment``."""
    rows = Declaration.objects.filter(person=person_ref)
    if moment is None:
        return rows.filter(superseded_at__isnull=True)
    return (
        rows.filter(signed_at__lte=moment)
        .filter(Q(superseded_at__isnull=True) | Q(superseded_at__gt=moment))
        .order_by("-signed_at", "-pk")
    )


def status_on(lapses_on: str, today: datetime.date, window_days: int) -> Case:
    """A person's declaration status on ``today`` from the day their live one lapses (the field
    ``lapses_on``, None when they hold none)."""
    due_from = today + datetime.timedelta(days=window_days)
    return Case(
        When(**{f"{lapses_on}__isnull": True}, then=Value(Status.NOT_SIGNED.value)),
        When(**{f"{lapses_on}__lte": today}, then=Value(Status.LAPSED.value)),
        When(**{f"{lapses_on}__lte": due_from}, then=Value(Status.DUE.value)),
        default=Value(Status.CURRENT.value),
        output_field=models.CharField(),
    )


def with_status(
    people: QuerySet[User],
    today: datetime.date | None = None,
    *,
    window_days: int | None = None,
    moment: datetime.datetime | None = None,
) -> QuerySet[User]:
    """People annotated with their live declaration (version, signed, lapses) and its status,
    and whether their moderating is suspended for want of one; now, or as they stood at
    ``moment`` (``today`` being its day). ``window_days`` (the profile's reminder window, read
    when not given) spares a page that holds the profile a second read.

    The live declaration is joined, not looked up a person: now it is the one not superseded
    (one a person, a constraint), at ``moment`` the one whose key a subquery finds; and who is
    suspended is one set, not a lookup a person. A lookup in each annotation was evaluated
    again by PostgreSQL in every count of the list's summary."""
    today = today or timezone.localdate(moment)
    if window_days is None:
        window_days = reminder_window_days()
    if moment is None:
        condition = Q(declarations__superseded_at__isnull=True)
    else:
        live = live_declarations(OuterRef("pk"), moment)
        people = people.annotate(live_declaration_id=Subquery(live.values("pk")[:1]))
        condition = Q(declarations__pk=F("live_declaration_id"))
    return people.annotate(
        live=FilteredRelation("declarations", condition=condition),
        declaration_id=F("live__pk"),
        declaration_version=F("live__version__version"),
        declaration_on_paper=F("live__on_paper"),
        declaration_signed_at=F("live__signed_at"),
        declaration_lapses_on=F("live__lapses_on"),
        declaration_status=status_on("declaration_lapses_on", today, window_days),
        is_suspended=ExpressionWrapper(
            Q(pk__in=holders().suspended(moment)), output_field=models.BooleanField()
        ),
    )


def people_who_must_sign(moment: datetime.datetime | None = None) -> QuerySet[User]:
    return User.objects.filter(pk__in=holders().must_sign(moment))


def coverage_at(buckets: Sequence[Bucket], window_days: int) -> dict[str, list[int]]:
    """For the end of each bucket: how many people had to hold a declaration, how many were in
    each status and how many were suspended, as the declarations list counts them on that day
    (``with_status`` at that moment), each person once: one query.

    Set-based, so that each month costs a pass rather than a lookup a history row: the
    assignments' history rows (each with its next change, ``with_next_change``, and whether it
    meets ``must_sign_on`` and ``suspended_on`` each month's last day, from the ORM) give one
    row a month and person who had to sign; the declarations give each person's live one at
    each month's end (``live_declarations``: signed by then, not superseded by then, the latest
    signed), ranked by a window function; the two are joined and counted by ``status_on``'s
    rule. Plain SQL around the ORM's own query, because the ORM cannot join a query to a list of
    moments; it runs on PostgreSQL and on SQLite (3.25 or later, for the window functions)."""
    names = ["total", "suspended", *Status.values]
    totals = {name: [0] * len(buckets) for name in names}
    history = holders().history()
    if history is None or not buckets:
        return totals
    with connection.cursor() as cursor:
        cursor.execute(*_coverage_sql(history, buckets, window_days))
        for index, *counts in cursor.fetchall():
            for name, count in zip(names, counts, strict=True):
                totals[name][index] = count or 0
    return totals


def _coverage_sql(
    history: QuerySet[Any], buckets: Sequence[Bucket], window_days: int
) -> tuple[str, list[Any]]:
    ops = connection.ops
    flags: dict[str, Any] = {}
    for index, bucket in enumerate(buckets):
        must = holders().must_sign_on(bucket.end)
        flags[f"must_{index}"] = Case(When(must, then=Value(1)), default=Value(0))
        flags[f"suspended_{index}"] = Case(
            When(must & holders().suspended_on(bucket.end), then=Value(1)), default=Value(0)
        )
    rows = (
        with_next_change(history)
        .order_by()
        .annotate(**flags)
        .values("person_id", "history_date", "history_type", "next_change", "listed", *flags)
    )
    held_sql, held_params = rows.query.sql_with_params()
    moments_params: list[Any] = []
    for index, bucket in enumerate(buckets):
        due_from = bucket.end + datetime.timedelta(days=window_days)
        moments_params += [
            index,
            ops.adapt_datetimefield_value(bucket.moment),
            ops.adapt_datefield_value(bucket.end),
            ops.adapt_datefield_value(due_from),
        ]

    def of_month(prefix: str) -> str:
        whens = " ".join(f"WHEN {index} THEN h.{prefix}_{index}" for index in range(len(buckets)))
        return f"CASE m.idx {whens} END"

    # Only the model's table name, the ORM's own SQL and placeholders are put in the text; every
    # value is a parameter.
    table = Declaration._meta.db_table
    sql = f"""
        WITH moments (idx, moment, day, due_from) AS (
            VALUES {", ".join(["(%s, %s, %s, %s)"] * len(buckets))}
        ),
        held AS ({held_sql}),
        obliged AS (
            SELECT m.idx, h.person_id, MAX({of_month("suspended")}) AS suspended
            FROM held h JOIN moments m
              ON h.listed AND h.history_type <> '-' AND h.history_date < m.moment
             AND (h.next_change IS NULL OR h.next_change >= m.moment)
             AND {of_month("must")} = 1
            WHERE h.person_id IS NOT NULL
            GROUP BY m.idx, h.person_id
        ),
        ranked AS (
            SELECT o.idx, o.person_id, d.lapses_on, ROW_NUMBER() OVER (
                PARTITION BY o.idx, o.person_id ORDER BY d.signed_at DESC, d.id DESC
            ) AS place
            FROM {table} d
            JOIN moments m ON d.signed_at <= m.moment
             AND (d.superseded_at IS NULL OR d.superseded_at > m.moment)
            JOIN obliged o ON o.idx = m.idx AND o.person_id = d.person_id
        )
        SELECT o.idx, COUNT(*), SUM(o.suspended),
            SUM(CASE WHEN r.lapses_on > m.due_from THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.lapses_on > m.day AND r.lapses_on <= m.due_from THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.lapses_on <= m.day THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.lapses_on IS NULL THEN 1 ELSE 0 END)
        FROM obliged o
        JOIN moments m ON m.idx = o.idx
        LEFT JOIN ranked r ON r.idx = o.idx AND r.person_id = o.person_id AND r.place = 1
        GROUP BY o.idx
    """  # noqa: S608
    return sql, [*moments_params, *held_params]


@dataclass(frozen=True)
class PersonStatus:
    status: Status
    lapses_on: datetime.date | None

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def sentence(self) -> str:
        if self.status == Status.NOT_SIGNED or self.lapses_on is None:
            return "Not signed"
        if self.status == Status.LAPSED:
            return f"Lapsed on {long_date(self.lapses_on)}"
        if self.status == Status.DUE:
            return f"Due to sign again by {long_date(self.lapses_on)}"
        return f"Current until {long_date(self.lapses_on)}"


def status_of(person: Any) -> PersonStatus:
    """A person annotated by ``with_status``, as a status to show."""
    return PersonStatus(Status(person.declaration_status), person.declaration_lapses_on)


def declarations_of(person: User) -> QuerySet[Declaration]:
    return Declaration.objects.filter(person=person).select_related("version")
