"""The compliance statement (AUD-1): the council's own policy as a checklist with evidence.

For the profile in force on the statement's date, each control of the catalogue
(governance/controls.py) with the clauses of the council's policy it serves, whether the profile
has it on, the control in one sentence, and its live figure (compliance/figures.py). The
statement names the event-log checkpoint it was built from, so an auditor can show later that
the log has not changed since.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from accounts.models import Account
from compliance.figures import FIGURES, Basis, Figure
from compliance.rules import can_follow_figures, council_wide
from compliance.trends import View, charts_for
from governance.charts import Chart
from governance.controls import CONTROLS, Control
from governance.models import Event, PolicyProfile, Preset, User
from governance.periods import Period, end_of_day
from governance.services.events import Checkpoint, events_checkpoint
from governance.services.profile import profile_get


@dataclass(frozen=True)
class Row:
    control: Control
    clauses: tuple[str, ...]
    on: bool
    sentence: str
    figure: Figure | None
    charts: list[Chart] = field(default_factory=list)


# The trend charts that evidence a control (issue 13), drawn under its figure. The requests
# several controls share are charted once, under approval before an account opens.
CONTROL_CHARTS = {
    "approval": ["requests", "steps"],
    "register": ["accounts"],
    "reviews": ["reviews"],
    "declarations": ["declarations"],
    "password_changes": ["tasks"],
    "lost_devices": ["rotation"],
    "incidents": ["incidents"],
    "public_abuse": ["abuse"],
}


@dataclass(frozen=True)
class Statement:
    council: str
    as_at: datetime.date
    period: Period
    profile: PolicyProfile
    rows: list[Row]
    checkpoint: Checkpoint
    built_at: datetime.datetime

    @property
    def policy(self) -> str:
        return str(Preset(self.profile.based_on).label)

    @property
    def custom(self) -> bool:
        return self.profile.preset == Preset.CUSTOM


def profile_as_at(day: datetime.date) -> PolicyProfile:
    """The policy profile as it stood at the end of ``day`` (today's when it is today, the
    earliest kept when the day is before the profile's history)."""
    if day >= timezone.localdate():
        return profile_get()
    history = PolicyProfile.history.filter(id=1)
    record = history.filter(history_date__lt=end_of_day(day)).order_by("-history_date").first()
    record = record or history.order_by("history_date").first()
    return record.instance if record is not None else profile_get()


def records_begin() -> datetime.date:
    """The first day a statement can be built for: the day of the event log's first event, or
    of the register's first history row if that is earlier (a register loaded before the log
    began). Today, when the portal holds neither yet."""
    firsts = [
        Event.objects.aggregate(first=Min("occurred_at"))["first"],
        Account.history.aggregate(first=Min("history_date"))["first"],
    ]
    return min(
        (timezone.localdate(first) for first in firsts if first), default=timezone.localdate()
    )


def trends_period(period: Period, begins: datetime.date) -> Period:
    """A period's charts start no earlier than the portal's records (the month they begin in
    is drawn from their first day)."""
    return Period(max(period.start, min(begins, period.end)), period.end)


def default_period(as_at: datetime.date) -> Period:
    """The twelve months up to and including the statement's date."""
    try:
        start = as_at.replace(year=as_at.year - 1) + datetime.timedelta(days=1)
    except ValueError:  # 29 February
        start = as_at.replace(year=as_at.year - 1, day=28) + datetime.timedelta(days=1)
    return Period(start, as_at)


def statement_build(
    user: User, as_at: datetime.date | None = None, period: Period | None = None
) -> Statement:
    now = timezone.now()
    as_at = as_at or timezone.localdate(now)
    period = period or default_period(as_at)
    profile = profile_as_at(as_at)
    basis = Basis(council_wide(user), as_at, period, profile)
    charted = [key for control in CONTROLS if control.is_on(profile)
               for key in CONTROL_CHARTS.get(control.key, [])]  # fmt: skip
    view = View(basis.user, trends_period(period, records_begin()), links=can_follow_figures(user))
    charts = charts_for(view, charted)
    rows = []
    # Several controls share one figure (every rule checked when a request is sent): count once.
    counted: dict[Callable[[Basis], Figure], Figure] = {}
    for control in CONTROLS:
        on = control.is_on(profile)
        count = FIGURES[control.key]
        if on and count not in counted:
            counted[count] = count(basis)
        rows.append(
            Row(
                control=control,
                clauses=control.clauses_for(profile.based_on),
                on=on,
                sentence=control.describe(profile),
                figure=counted[count] if on else None,
                charts=[charts[key] for key in CONTROL_CHARTS.get(control.key, []) if on],
            )
        )
    until = None if as_at >= timezone.localdate(now) else end_of_day(as_at)
    return Statement(
        council=settings.COUNCIL_NAME,
        as_at=as_at,
        period=period,
        profile=profile,
        rows=rows,
        checkpoint=events_checkpoint(now=now, until=until),
        built_at=now,
    )
