"""Figures over time, counted in a few grouped queries whatever the number of months (issue 13).

A period is cut into buckets: calendar months, or quarters when a period is longer than two
years, the first and last clipped to the period. Two kinds of series:

- **what happened in each bucket** (requests sent, tasks raised): a list's own rows for the whole
  period, counted once per bucket with the same condition the list applies for ``from``/``to``
  (``Period.moments``), all in one query with one conditional count per bucket;
- **how things stood at the end of each bucket** (accounts by status): history rows, each in
  force from its own date until the next row of the same record, counted at each bucket's end
  in one query. A row in force at a moment is exactly the row simple-history's
  ``latest_of_each`` picks among the rows made before it, which is how the register and the
  lists read a past day.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    ValueRange,
    Window,
    WindowFrameExclusion,
)
from django.db.models.functions import FirstValue

from governance.formatting import add_months, long_date
from governance.periods import Period, end_of_day

# Longer periods are cut into quarters, so a chart never has more than about 40 bars.
MONTHS_AT_MOST = 24
MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Bucket:
    start: datetime.date
    end: datetime.date  # included
    label: str  # "Mar 2026", "Jan to Mar 2026"
    whole: bool  # False when the period clips it
    quarter: bool = False

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    @property
    def moment(self) -> datetime.datetime:
        """The end of the bucket's last day: when a state figure is read."""
        return end_of_day(self.end)

    @property
    def full_label(self) -> str:
        """The label, saying which days a clipped bucket covers."""
        if self.whole:
            return self.label
        return f"{self.label} ({long_date(self.start)} to {long_date(self.end)})"


def buckets_of(period: Period) -> list[Bucket]:
    """The months of ``period`` (its quarters when it is longer than two years), oldest first."""
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
    step = 1 if months < MONTHS_AT_MOST else 3
    first = period.start.replace(day=1)
    if step == 3:
        first = first.replace(month=(first.month - 1) // 3 * 3 + 1)
    buckets = []
    while first <= period.end:
        after = add_months(first, step)
        last = after - datetime.timedelta(days=1)
        label = f"{MONTH_NAMES[first.month - 1]} {first.year}"
        if step == 3:
            label = f"{MONTH_NAMES[first.month - 1]} to {MONTH_NAMES[last.month - 1]} {first.year}"
        start, end = max(first, period.start), min(last, period.end)
        whole = (start, end) == (first, last)
        buckets.append(Bucket(start, end, label, whole=whole, quarter=step == 3))
        first = after
    return buckets


def counts_by_bucket(
    rows: QuerySet[Any],
    field: str,
    buckets: Sequence[Bucket],
    group: str | None = None,
    *,
    days: bool = False,
) -> dict[Any, list[int]]:
    """How many of ``rows`` fall in each bucket by their ``field`` (a date and time, or a date
    with ``days``), per value of ``group`` (or under the key None): one query."""
    counts = {
        f"b{index}": Count(
            "pk", filter=bucket.period.days(field) if days else bucket.period.moments(field)
        )
        for index, bucket in enumerate(buckets)
    }
    rows = rows.order_by()
    if group is None:
        totals = rows.aggregate(**counts)
        return {None: [totals[f"b{index}"] for index in range(len(buckets))]}
    return {
        row[group]: [row[f"b{index}"] for index in range(len(buckets))]
        for row in rows.values(group).annotate(**counts)
    }


def with_next_change(history: QuerySet[Any]) -> QuerySet[Any]:
    """Every history row of ``history``'s model with the date of the same record's next row
    (``next_change``, None for its latest: the first later date, so rows saved at the same
    instant all run to the next later one), and whether ``history`` holds it (``listed``).

    The next date is a window function over the whole history, so that a row left out of
    ``history`` (a filter on the row's own fields, such as a responsible officer who changed)
    still ends the row before it. An aggregate over a window annotation runs over it as a
    subquery, so it is computed once a row: a correlated subquery was pulled up by PostgreSQL
    into every month's ``FILTER`` and evaluated there again (238 s for a dashboard at 10,000
    accounts)."""
    rows = history.model._default_manager.annotate(
        next_change=Window(
            FirstValue("history_date"),
            partition_by=[F("id")],
            order_by=F("history_date").asc(),
            frame=ValueRange(start=0, end=None, exclusion=WindowFrameExclusion.GROUP),
        )
    )
    if not history.query.has_filters():
        return rows.annotate(listed=Value(True))
    listed = ExpressionWrapper(Q(pk__in=history.values("pk")), output_field=BooleanField())
    return rows.annotate(listed=listed)


def in_force(moment: datetime.datetime) -> Q:
    """History rows (``with_next_change``) in force at ``moment``, a deleted record's excepted."""
    return (
        Q(listed=True)
        & Q(history_date__lt=moment)
        & (Q(next_change__isnull=True) | Q(next_change__gte=moment))
        & ~Q(history_type="-")
    )


def counts_at_ends(
    history: QuerySet[Any],
    buckets: Sequence[Bucket],
    conditions: Mapping[str, Callable[[Bucket], Q]],
    *,
    distinct: str = "pk",
) -> dict[str, list[int]]:
    """For each named condition (asked of a bucket: a condition may depend on its last day),
    how many records met it at the end of each bucket, counted over ``history`` (rows in force
    at that moment; ``distinct`` counts a field's values once, such as a person's): one query."""
    rows = with_next_change(history).order_by()
    counts = {
        f"{name}__{index}": Count(
            distinct, distinct=distinct != "pk", filter=in_force(bucket.moment) & condition(bucket)
        )
        for name, condition in conditions.items()
        for index, bucket in enumerate(buckets)
    }
    totals = rows.aggregate(**counts) if counts else {}
    return {
        name: [totals[f"{name}__{index}"] for index in range(len(buckets))] for name in conditions
    }


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The value below which ``fraction`` of ``values`` lie (nearest rank: an actual wait, not
    one made up between two)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def share(part: int, whole: int) -> int | None:
    """``part`` as a whole percentage of ``whole`` (None when there is nothing to share)."""
    return round(100 * part / whole) if whole else None
