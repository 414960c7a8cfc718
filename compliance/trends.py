"""Trend charts for the dashboard and the compliance statement (issue 13).

Every figure is counted from the rows the list behind it shows, read by that list's own reader
with the query the chart's link carries (as the statement's figures are, compliance/figures.py):
a month's bar or point and the list it opens never disagree. What happened in a month (requests
sent, tasks raised, incidents reported) is the list for the period counted month by month in one
query; how things stood at the end of a month (accounts by status, declarations held) is read
from the history in one query for all the months (governance/trends.py).

Who may see which chart is decided in compliance/rules.py; each chart counts only what its
reader may open in the list (a Head of Service's requests are the ones their request list shows).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.urls import reverse

from accounts.filters import review_overdue_on, status_is
from accounts.models import Account, AccountStatus, ApprovalStep, RequestStatus, StepStatus
from accounts.rules import accounts_visible_to
from accounts.selectors import requests_listed
from declarations.selectors import Status, coverage_at, reminder_window_days
from governance.charts import (
    GROUPED,
    LINES,
    Category,
    Chart,
    Point,
    Series,
    count_sentence,
    number,
    points,
    trend_sentence,
)
from governance.formatting import long_date
from governance.models import StepKind, User
from governance.periods import Period
from governance.trends import Bucket, buckets_of, counts_at_ends, counts_by_bucket, percentile
from governance.trends import share as share_of
from moderation.models import AbuseCategory, IncidentKind, TaskCause, TaskState
from moderation.selectors import (
    abuse_cases_listed,
    device_reports_listed,
    incidents_listed,
    leaver_waits,
    report_waits,
    tasks_listed,
)


@dataclass(frozen=True)
class View:
    """Whose charts, over which period, and whether their points link to the lists."""

    user: User
    period: Period
    links: bool = True

    @cached_property
    def buckets(self) -> list[Bucket]:
        return buckets_of(self.period)

    @property
    def by_quarter(self) -> bool:
        return self.buckets[0].quarter


def _url(view: View, url_name: str, query: str) -> str:
    return f"{reverse(url_name)}?{query}" if view.links else ""


def _joined(query: str, more: str) -> str:
    return f"{query}&{more}" if query else more


def _in_months(
    view: View,
    url_name: str,
    reader: Callable[[QueryDict], QuerySet[Any]],
    query: str,
    field: str,
    group: str | None = None,
) -> dict[Any, list[int]]:
    """The list's rows for the whole period, counted month by month (per ``group``)."""
    whole = _joined(query, view.period.query)
    return counts_by_bucket(reader(QueryDict(whole)), field, view.buckets, group)


def _series(
    view: View,
    name: str,
    values: Sequence[float | None],
    url_name: str,
    query: str,
    *,
    at_end: bool = False,
) -> Series:
    """A month-by-month series whose points link to the list for that month (or, ``at_end``,
    to the list as it stood on the month's last day)."""
    return Series(
        name,
        [
            Point(value, _url(view, url_name, _joined(
                query, f"as_of={bucket.end.isoformat()}" if at_end else bucket.period.query)))
            for bucket, value in zip(view.buckets, values, strict=True)
        ],
    )  # fmt: skip


def _as_of_series(
    view: View, name: str, values: Sequence[float | None], url_name: str, query: str
) -> Series:
    """A series of states at each month's end whose points link to the list on that day."""
    return _series(view, name, values, url_name, query, at_end=True)


# Accounts ------------------------------------------------------------------------------------

ACCOUNT_STATUSES = [
    AccountStatus.ACTIVE,
    AccountStatus.BEING_SET_UP,
    AccountStatus.SUSPENDED,
    AccountStatus.UNAPPROVED,
    AccountStatus.CLOSED,
]


def _account_states(view: View) -> dict[str, list[int]]:
    """Accounts in each status, and active ones overdue for review, at each month's end, as the
    register on that day filters them: one query over the accounts' history."""
    history = Account.history.filter(accounts_visible_to(view.user, "id"))
    conditions: dict[str, Callable[[Bucket], Q]] = {
        status.value: partial(_status_condition, status.value) for status in ACCOUNT_STATUSES
    }
    conditions["overdue"] = lambda bucket: review_overdue_on(bucket.end)
    return counts_at_ends(history, view.buckets, conditions)


def _status_condition(status: str, bucket: Bucket) -> Q:
    return status_is(status)


def accounts_chart(view: View, states: dict[str, list[int]]) -> Chart:
    series = [
        _as_of_series(view, str(status.label), states[status.value], "register",
                      f"status={status.value}")
        for status in ACCOUNT_STATUSES
    ]  # fmt: skip
    last = view.buckets[-1]
    open_then = sum(states[status.value][-1] for status in ACCOUNT_STATUSES[:-1])
    were = "account was" if open_then == 1 else "accounts were"
    summary = (
        f"On {long_date(last.end)}, {open_then} {were} open "
        f"({states[AccountStatus.ACTIVE.value][-1]} active) and "
        f"{states[AccountStatus.CLOSED.value][-1]} closed."
    )
    return Chart(
        key="accounts",
        title="Accounts by status at the end of each month",
        summary=summary,
        buckets=view.buckets,
        series=series,
        empty="There were no accounts in the register in this period.",
    )


def reviews_chart(view: View, states: dict[str, list[int]]) -> Chart:
    active, overdue = states[AccountStatus.ACTIVE.value], states["overdue"]
    on_time = [share_of(count - late, count) for count, late in zip(active, overdue, strict=True)]
    reviewed = _as_of_series(view, "Reviewed on time", on_time, "register", "status=active")
    return Chart(
        key="reviews",
        title="Active accounts reviewed on time",
        summary=trend_sentence(
            reviewed, view.buckets, "The share of active accounts reviewed on time"
        ),
        buckets=view.buckets,
        series=[reviewed],
        kind=LINES,
        unit="%",
        extra=[
            _as_of_series(view, "Active accounts", active, "register", "status=active"),
            _as_of_series(view, "Overdue for review", overdue, "register", "review_overdue=on"),
        ],
        empty="There were no active accounts in this period.",
    )


# Requests ------------------------------------------------------------------------------------

REQUEST_OUTCOMES = [
    RequestStatus.APPROVED,
    RequestStatus.REJECTED,
    RequestStatus.RETURNED,
    RequestStatus.SUBMITTED,
    RequestStatus.WITHDRAWN,
]


def requests_chart(view: View) -> Chart:
    """Requests sent each month, by where they stand now: each part is the request list for
    that month and status."""
    counts = _in_months(
        view, "request_list", lambda query: requests_listed(view.user, query), "",
        "submitted_at", group="status",
    )  # fmt: skip
    zeros = [0] * len(view.buckets)
    series = [
        _series(view, str(status.label), counts.get(status.value, zeros), "request_list",
                f"status={status.value}")
        for status in REQUEST_OUTCOMES
    ]  # fmt: skip
    sent = [sum(values[index] for values in counts.values()) for index in range(len(zeros))]
    return Chart(
        key="requests",
        title="Requests sent each month, by where they stand now",
        summary=count_sentence(series, view.buckets, "request sent", "requests sent"),
        buckets=view.buckets,
        series=series,
        extra=[_series(view, "Sent", sent, "request_list", "")],
        empty="No requests were sent in this period.",
    )


def step_waits_chart(view: View) -> Chart:
    """How long the requests sent in the period waited at each step of the chain: the median
    and the 90th percentile of the days from a step being reached to its decision."""
    requests = requests_listed(view.user, QueryDict(view.period.query))
    steps = (
        ApprovalStep.objects.filter(request__in=requests.values("pk"), activated_at__isnull=False)
        .order_by()
        .values_list("kind", "status", "activated_at", "decided_at")
    )
    decided: dict[str, list[float]] = {kind: [] for kind in StepKind.values}
    waiting: dict[str, int] = dict.fromkeys(StepKind.values, 0)
    for kind, status, reached, decided_at in steps:
        if status == StepStatus.PENDING:
            waiting[kind] += 1
        elif decided_at is not None and reached is not None and status != StepStatus.CANCELLED:
            decided[kind].append((decided_at - reached).total_seconds() / 86400)
    kinds = [kind for kind in StepKind if decided[kind.value] or waiting[kind.value]]
    link = _url(view, "request_list", view.period.query)

    def column(name: str, value: Callable[[str], float | None]) -> Series:
        return Series(name, [Point(_days(value(kind.value)), link) for kind in kinds])

    median = column("Median", lambda kind: statistics.median(decided[kind]) if decided[kind]
                    else None)  # fmt: skip
    slowest = column("90th percentile", lambda kind: percentile(decided[kind], 0.9))
    summary = ""
    known = [(kind, point.value) for kind, point in zip(kinds, slowest.points, strict=True)
             if point.value is not None]  # fmt: skip
    if known:
        kind, days = max(known, key=lambda pair: pair[1])
        summary = (
            f"Requests waited longest at the {kind.label} step: 9 in 10 were decided within "
            f"{number(days)} {'day' if days == 1 else 'days'}."
        )
    return Chart(
        key="steps",
        title="Days waiting at each step of the approval chain",
        summary=summary,
        buckets=[Category(str(kind.label)) for kind in kinds],
        series=[median, slowest],
        kind=GROUPED,
        unit=" days",
        column="Step",
        extra=[
            # Steps, not requests: no list gives them, so they link nowhere.
            Series("Decided", [Point(len(decided[kind.value])) for kind in kinds]),
            Series("Still waiting", [Point(waiting[kind.value]) for kind in kinds]),
        ],
        empty="No step of a request sent in this period has been reached yet.",
    )


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# Declarations --------------------------------------------------------------------------------


def declarations_chart(view: View) -> Chart:
    """The share of the people who had to hold a declaration who held a current one (current,
    or due to be signed again soon) at each month's end, as the declarations list on that day
    shows them."""
    coverage = coverage_at(view.buckets, reminder_window_days())
    holding = [
        current + due
        for current, due in zip(coverage[Status.CURRENT], coverage[Status.DUE], strict=True)
    ]
    shares = [
        share_of(count, total) for count, total in zip(holding, coverage["total"], strict=True)
    ]
    held = _as_of_series(view, "Holding a current declaration", shares,
                         "declaration_compliance", "")  # fmt: skip

    def column(name: str, key: str, query: str) -> Series:
        return _as_of_series(view, name, coverage[key], "declaration_compliance", query)

    return Chart(
        key="declarations",
        title="Moderators holding a current declaration at the end of each month",
        summary=trend_sentence(held, view.buckets, "The share of moderators holding a current "
                               "declaration"),
        buckets=view.buckets,
        series=[held],
        kind=LINES,
        unit="%",
        extra=[
            column("Must hold one", "total", ""),
            column("Current", Status.CURRENT, f"status={Status.CURRENT.value}"),
            column("Due to sign again", Status.DUE, f"status={Status.DUE.value}"),
            column("Lapsed", Status.LAPSED, f"status={Status.LAPSED.value}"),
            column("Not signed", Status.NOT_SIGNED, f"status={Status.NOT_SIGNED.value}"),
            column("Suspended", "suspended", "suspended=on"),
        ],
        empty="Nobody had to hold a declaration in this period.",
    )  # fmt: skip


# Password changes ----------------------------------------------------------------------------

TASK_OUTCOMES = [
    (TaskState.DONE, "Done", "state=done"),
    (TaskState.CANCELLED, "No longer needed", "state=cancelled"),
    (TaskState.OPEN, "Still to do", ""),
]


def tasks_chart(view: View) -> Chart:
    counts = _in_months(
        view, "credential_tasks", lambda query: tasks_listed(view.user, query)[1], "state=all",
        "raised_at", group="state",
    )  # fmt: skip
    zeros = [0] * len(view.buckets)
    series = [
        _series(view, name, counts.get(state.value, zeros), "credential_tasks", query)
        for state, name, query in TASK_OUTCOMES
    ]
    raised = [sum(values[index] for values in counts.values()) for index in range(len(zeros))]
    return Chart(
        key="tasks",
        title="Password changes and access removals raised each month, by where they stand now",
        summary=count_sentence(series, view.buckets,
                               "password change or access removal raised",
                               "password changes and access removals raised"),
        buckets=view.buckets,
        series=series,
        extra=[_series(view, "Raised", raised, "credential_tasks", "state=all")],
        empty="No password change or access removal was raised in this period.",
    )  # fmt: skip


def _medians(
    view: View, timings: list[tuple[Any, float | None]]
) -> tuple[list[float | None], list[int]]:
    """Per month: the median days (of those finished), and how many still wait."""
    medians: list[float | None] = []
    waiting: list[int] = []
    for bucket in view.buckets:
        inside = [days for moment, days in timings if moment in bucket.period]
        done = [days for days in inside if days is not None]
        medians.append(_days(statistics.median(done)) if done else None)
        waiting.append(len(inside) - len(done))
    return medians, waiting


def rotation_chart(view: View) -> Chart:
    """Days from a lost device being reported, or a moderator leaving the council, to the last
    password change or access removal it needed, by the month it happened (median)."""
    reports = device_reports_listed(view.user, QueryDict(f"state=all&{view.period.query}"))[1]
    leavers = tasks_listed(view.user, QueryDict(f"state=all&cause={TaskCause.LEAVER.value}&"
                                                f"{view.period.query}"))[1]  # fmt: skip
    device_days, device_waiting = _medians(view, report_waits(reports))
    leaver_days, leaver_waiting = _medians(view, leaver_waits(leavers))
    device = _series(view, "After a lost or stolen device", device_days, "device_reports",
                     "state=all")  # fmt: skip
    leaver = _series(view, "After someone left the council", leaver_days, "credential_tasks",
                     f"state=all&cause={TaskCause.LEAVER.value}")  # fmt: skip
    finished = [days for days in (*device_days, *leaver_days) if days is not None]
    summary = ""
    if finished:
        summary = (
            f"Month by month, the last change was recorded a median of {number(min(finished))} "
            f"to {number(max(finished))} days after the loss or the leaving."
        )
    empty = "No device was reported lost and nobody left with access in this period."
    if sum(device_waiting) + sum(leaver_waiting):
        empty = (
            f"Lost or stolen devices reported in this period: {sum(device_waiting)}; people who "
            f"left: {sum(leaver_waiting)}. Each is still waiting for its last password change "
            "or access removal; none has finished yet."
        )
    return Chart(
        key="rotation",
        title="Days to the last password change after a lost device or a leaver (median)",
        summary=summary,
        buckets=view.buckets,
        series=[device, leaver],
        kind=LINES,
        unit=" days",
        extra=[
            _series(view, "Devices reported", counts_by_bucket(reports, "reported_at",
                    view.buckets)[None], "device_reports", "state=all"),
            Series("Devices still waiting", points(device_waiting)),
            _series(view, "Leaver tasks raised", counts_by_bucket(leavers, "raised_at",
                    view.buckets)[None], "credential_tasks",
                    f"state=all&cause={TaskCause.LEAVER.value}"),
            Series("Leavers still waiting", points(leaver_waiting)),
        ],
        empty=empty,
    )  # fmt: skip


# Incidents and abuse -------------------------------------------------------------------------


def incidents_chart(view: View) -> Chart:
    counts = _in_months(
        view, "incidents", lambda query: incidents_listed(view.user, query)[1], "state=all",
        "reported_at", group="kind",
    )  # fmt: skip
    series = [
        _series(view, str(kind.label), counts[kind.value], "incidents",
                f"state=all&kind={kind.value}")
        for kind in IncidentKind
        if kind.value in counts
    ]  # fmt: skip
    return Chart(
        key="incidents",
        title="Incidents reported each month, by what happened",
        summary=count_sentence(series, view.buckets, "incident reported", "incidents reported"),
        buckets=view.buckets,
        series=series,
        empty="No incident was reported in this period.",
    )


def abuse_chart(view: View) -> Chart:
    """Public abuse cases opened each month; the table adds how many fell under each category
    (a case can fall under several, so the categories are not stacked)."""
    whole = QueryDict(f"state=all&{view.period.query}")
    cases = abuse_cases_listed(whole)[1]
    opened = _series(view, "Cases opened",
                     counts_by_bucket(cases, "opened_at", view.buckets)[None], "abuse_cases",
                     "state=all")  # fmt: skip
    by_category: dict[str, list[int]] = {}
    for moment, categories in cases.order_by().values_list("opened_at", "categories"):
        index = next(i for i, bucket in enumerate(view.buckets) if moment in bucket.period)
        for category in categories:
            by_category.setdefault(category, [0] * len(view.buckets))[index] += 1
    labels = dict(AbuseCategory.choices)
    extra = [
        Series(str(labels[category]), [Point(value) for value in by_category[category]])
        for category in AbuseCategory.values
        if category in by_category
    ]
    return Chart(
        key="abuse",
        title="Public abuse cases opened each month",
        summary=count_sentence(
            [opened], view.buckets, "public abuse case opened", "public abuse cases opened"
        ),
        buckets=view.buckets,
        series=[opened],
        extra=extra,
        empty="No public abuse case was opened in this period.",
    )


# The charts, in the order the dashboard shows them -------------------------------------------


def charts_for(view: View, keys: Sequence[str]) -> dict[str, Chart]:
    """The charts named in ``keys`` (those this person may see), each computed once."""
    made: dict[str, Chart] = {}
    states: dict[str, list[int]] | None = None
    for key in keys:
        if key in ("accounts", "reviews"):
            states = states if states is not None else _account_states(view)
            made[key] = (accounts_chart if key == "accounts" else reviews_chart)(view, states)
        else:
            made[key] = SINGLE[key](view)
    return made


SINGLE: dict[str, Callable[[View], Chart]] = {
    "requests": requests_chart,
    "steps": step_waits_chart,
    "declarations": declarations_chart,
    "tasks": tasks_chart,
    "rotation": rotation_chart,
    "incidents": incidents_chart,
    "abuse": abuse_chart,
}
