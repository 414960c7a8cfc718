"""Reads of moderation records for pages, the register and the reminders: one place, so a
list and the figures that count it agree."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.utils import timezone

from accounts.models import Account, AccountStatus
from accounts.rules import accounts_visible_to
from governance.formatting import add_months
from governance.http import search_text
from governance.models import User
from governance.periods import Period, period_from_query
from governance.services.profile import profile_get
from moderation.authors import author_key
from moderation.models import (
    AbuseCase,
    CaseState,
    CaseStep,
    CredentialTask,
    DeviceReport,
    Incident,
    IncidentKind,
    IncidentState,
    ModeratorAssignment,
    PasswordChange,
    ReportState,
    StepKind,
    TaskCause,
    TaskState,
)
from moderation.rules import device_reports_visible_to, incidents_visible_to, tasks_visible_to

TASK_RELATED = ("account", "person", "done_by", "device_report", "password_change")


def open_tasks_as_of(moment: datetime.datetime | None) -> QuerySet[CredentialTask]:
    """Tasks still to do now, or at the end of a past day (raised before it, not yet closed)."""
    if moment is None:
        return CredentialTask.objects.filter(state=TaskState.OPEN)
    return CredentialTask.objects.filter(raised_at__lt=moment).filter(
        Q(done_at__isnull=True) | Q(done_at__gte=moment)
    )


def password_changes_as_of(moment: datetime.datetime | None) -> QuerySet[PasswordChange]:
    if moment is None:
        return PasswordChange.objects.all()
    return PasswordChange.objects.filter(recorded_at__lt=moment)


def tasks_for(
    user: User,
    state: str | None = TaskState.OPEN,
    period: Period | None = None,
    cause: str = "",
) -> QuerySet[CredentialTask]:
    """The credential tasks this person sees (in ``state``, or all; raised for ``cause``),
    soonest due first (done ones newest first); with a period, those raised in it, newest
    first."""
    tasks = CredentialTask.objects.filter(tasks_visible_to(user))
    if state is not None:
        tasks = tasks.filter(state=state)
    if cause:
        tasks = tasks.filter(cause=cause)
    if period is not None:
        order = ["-raised_at", "-id"]
        tasks = tasks.filter(period.moments("raised_at"))
    elif state == TaskState.OPEN:
        order = ["due_on", "raised_at", "id"]
    else:
        order = ["-done_at", "-id"]
    return tasks.select_related(*TASK_RELATED).order_by(*order)


def tasks_of_account(account: Any) -> QuerySet[CredentialTask]:
    return (
        CredentialTask.objects.filter(account=account)
        .select_related("person", "done_by")
        .order_by("-state", "due_on", "-raised_at")
    )


def password_changes_of(account: Any) -> QuerySet[PasswordChange]:
    return PasswordChange.objects.filter(account=account).select_related("recorded_by")


def assignments_of(account: Any) -> QuerySet[ModeratorAssignment]:
    return (
        ModeratorAssignment.objects.filter(account=account)
        .select_related("person", "person__line_manager", "granted_by")
        .order_by("state", "person__full_name")
    )


def device_reports_for(
    user: User, state: str | None = ReportState.OPEN, period: Period | None = None
) -> QuerySet[DeviceReport]:
    """The lost device reports this person sees (in ``state``, or all; reported in
    ``period``), newest first."""
    reports = DeviceReport.objects.filter(device_reports_visible_to(user))
    if state is not None:
        reports = reports.filter(state=state)
    if period is not None:
        reports = reports.filter(period.moments("reported_at"))
    return reports.select_related("reporter").order_by("-reported_at", "-id")


def recovery_plan_due_on(account: Any, months: int | None = None) -> datetime.date:
    """When the account's recovery plan should next be tested (REG-1a); an untested plan was
    due the day the account was added to the register."""
    tested = account.recovery_plan_tested_on
    if tested is None:
        return timezone.localdate(account.created_at)
    return add_months(tested, profile_get().recovery_plan_test_months if months is None else months)


# Accounts whose recovery plans Communications keeps tested: the live ones.
RECOVERY_PLAN_KEPT = [AccountStatus.ACTIVE, AccountStatus.SUSPENDED]


def recovery_plan_overdue(account: Any, due: datetime.date) -> bool:
    """Whether the live account's recovery plan test, due on ``due``, is overdue (REG-1a)."""
    return account.status in RECOVERY_PLAN_KEPT and due <= timezone.localdate()


def recovery_plans_overdue(today: datetime.date, months: int) -> Q:
    """Live accounts whose recovery plan was last tested longer ago than the profile allows."""
    return Q(status__in=RECOVERY_PLAN_KEPT) & (
        Q(recovery_plan_tested_on__isnull=True)
        | Q(recovery_plan_tested_on__lte=add_months(today, -months))
    )


def reportable_accounts(user: User) -> QuerySet[Account]:
    """The accounts a person picks from when reporting an incident: those they may open that
    are not closed. Any other account they describe in words (INC-1)."""
    return (
        Account.objects.exclude(status=AccountStatus.CLOSED)
        .filter(accounts_visible_to(user))
        .order_by("name", "pk")
    )


def incidents_for(
    user: User, state: str | None = None, period: Period | None = None, kind: str = ""
) -> QuerySet[Incident]:
    """The incidents this person sees (in ``state``, or all; reported in ``period``; of
    ``kind``), newest first."""
    incidents = Incident.objects.filter(incidents_visible_to(user)).select_related(
        "reporter", "account"
    )
    if state is not None:
        incidents = incidents.filter(state=state)
    if period is not None:
        incidents = incidents.filter(period.moments("reported_at"))
    if kind:
        incidents = incidents.filter(kind=kind)
    return incidents.order_by("-reported_at", "-pk")


def open_incidents() -> QuerySet[Incident]:
    return Incident.objects.filter(state=IncidentState.OPEN).select_related("reporter")


def abuse_cases(
    state: str | None = None, author: str = "", period: Period | None = None
) -> QuerySet[AbuseCase]:
    """Every case (opened in ``period``), newest first; ``author`` finds an author's cases
    however the handle is typed."""
    cases = AbuseCase.objects.select_related("account")
    if state is not None:
        cases = cases.filter(state=state)
    if period is not None:
        cases = cases.filter(period.moments("opened_at"))
    if author.strip():
        cases = cases.filter(author_key__contains=author_key(author))
    return cases.order_by("-opened_at", "-pk")


def cases_about_the_same_author(case: AbuseCase) -> QuerySet[AbuseCase]:
    """Other cases about this author on this platform (two or more incidents can amount to
    harassment)."""
    return (
        AbuseCase.objects.filter(platform_key=case.platform_key, author_key=case.author_key)
        .exclude(pk=case.pk)
        .select_related("account")
        .order_by("-opened_at", "-pk")
    )


def blocks_ended(today: datetime.date) -> QuerySet[CaseStep]:
    """Blocks whose end has come and that nobody has lifted or renewed."""
    return (
        CaseStep.objects.filter(
            kind=StepKind.BLOCKED, settled_at__isnull=True, block_ends_on__lte=today
        )
        .filter(case__state=CaseState.OPEN)
        .select_related("case")
        .order_by("block_ends_on", "pk")
    )


def cases_awaiting_advice() -> QuerySet[AbuseCase]:
    """Open cases where Legal was consulted after its last advice (or never advised)."""
    return (
        AbuseCase.objects.filter(state=CaseState.OPEN)
        .select_related("account")
        .annotate(
            consulted=Max("steps__recorded_at", filter=Q(steps__kind=StepKind.LEGAL_CONSULTED)),
            advised=Max("steps__recorded_at", filter=Q(steps__kind=StepKind.LEGAL_ADVICE)),
        )
        .filter(consulted__isnull=False)
        .filter(Q(advised__isnull=True) | Q(advised__lt=F("consulted")))
        .order_by("consulted", "pk")
    )


# The lists' addresses, read in one place: a list page and a compliance figure that links to it
# ask the same function with the same query, so the two always agree (AUD-1).
ALL = "all"
TASK_TABS = {
    "": TaskState.OPEN,
    "done": TaskState.DONE,
    "cancelled": TaskState.CANCELLED,
    ALL: None,
}
CASE_TABS = {"open": CaseState.OPEN, "closed": CaseState.CLOSED, ALL: None}


def _state(query: Mapping[str, Any], states: list[str], default: str) -> str:
    state = str(query.get("state", default))
    return state if state in states or state == ALL else default


def tasks_listed(user: User, query: Mapping[str, Any]) -> tuple[str, QuerySet[CredentialTask]]:
    """The credential task list for ``?state=…&cause=…&from=…&to=…``: the tab shown, and its
    tasks."""
    tab = str(query.get("state", ""))
    tab = tab if tab in TASK_TABS else ""
    cause = str(query.get("cause", ""))
    cause = cause if cause in TaskCause.values else ""
    return tab, tasks_for(user, TASK_TABS[tab], period_from_query(query), cause)


def report_waits(reports: QuerySet[DeviceReport]) -> list[tuple[datetime.datetime, float | None]]:
    """Each lost device report's date, and the days from it to the last of its tasks done (None
    while one is still to do; a cancelled task is not a change, and a report whose tasks were
    all cancelled has no wait): one query."""
    timings = (
        reports.order_by()
        .annotate(
            last_done=Max("tasks__done_at", filter=Q(tasks__state=TaskState.DONE)),
            open_tasks=Count("tasks", filter=Q(tasks__state=TaskState.OPEN)),
        )
        .values_list("reported_at", "last_done", "open_tasks")
    )
    return [
        (reported_at, None if open_tasks or last_done is None
         else (last_done - reported_at).total_seconds() / 86400)
        for reported_at, last_done, open_tasks in timings
        if open_tasks or last_done is not None
    ]  # fmt: skip


def leaver_waits(tasks: QuerySet[CredentialTask]) -> list[tuple[datetime.datetime, float | None]]:
    """For each person who left (their tasks among ``tasks``, raised for a leaver): when the
    first was raised, and the days to the last password change or access removal done (None
    while one is still to do; a cancelled task is not a change): one query."""
    timings = (
        tasks.filter(cause=TaskCause.LEAVER)
        .order_by()
        .values("person_id")
        .annotate(
            first_raised=Min("raised_at"),
            last_done=Max("done_at", filter=Q(state=TaskState.DONE)),
            open_tasks=Count("pk", filter=Q(state=TaskState.OPEN)),
        )
        .values_list("first_raised", "last_done", "open_tasks")
    )
    return [
        (raised, None if open_tasks or last_done is None
         else (last_done - raised).total_seconds() / 86400)
        for raised, last_done, open_tasks in timings
        if open_tasks or last_done is not None
    ]  # fmt: skip


def device_reports_listed(
    user: User, query: Mapping[str, Any]
) -> tuple[str, QuerySet[DeviceReport]]:
    state = _state(query, ReportState.values, ReportState.OPEN)
    chosen = None if state == ALL else state
    return state, device_reports_for(user, chosen, period_from_query(query))


def incidents_listed(user: User, query: Mapping[str, Any]) -> tuple[str, QuerySet[Incident]]:
    state = _state(query, IncidentState.values, IncidentState.OPEN)
    kind = str(query.get("kind", ""))
    kind = kind if kind in IncidentKind.values else ""
    chosen = None if state == ALL else state
    return state, incidents_for(user, chosen, period_from_query(query), kind)


def abuse_cases_listed(query: Mapping[str, Any]) -> tuple[str, QuerySet[AbuseCase]]:
    tab = str(query.get("state", "open"))
    tab = tab if tab in CASE_TABS else "open"
    author = search_text(query, "author")
    return tab, abuse_cases(CASE_TABS[tab], author=author, period=period_from_query(query))
