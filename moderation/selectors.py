"""Reads of moderation records for pages, the register and the reminders: one place, so a
list and the figures that count it agree."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from accounts.models import Account, AccountStatus
from accounts.rules import accounts_visible_to
from governance.formatting import add_months
from governance.models import User
from governance.services.profile import profile_get
from moderation.authors import author_key
from moderation.models import (
    AbuseCase,
    CaseState,
    CaseStep,
    CredentialTask,
    DeviceReport,
    Incident,
    IncidentState,
    ModeratorAssignment,
    PasswordChange,
    ReportState,
    StepKind,
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


def tasks_for(user: User, state: str = TaskState.OPEN) -> QuerySet[CredentialTask]:
    """The credential tasks this person sees, soonest due first (done ones newest first)."""
    tasks = CredentialTask.objects.filter(tasks_visible_to(user), state=state)
    order = ["due_on", "raised_at", "id"] if state == TaskState.OPEN else ["-done_at", "-id"]
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


def device_reports_for(user: User, state: str = ReportState.OPEN) -> QuerySet[DeviceReport]:
    return (
        DeviceReport.objects.filter(device_reports_visible_to(user), state=state)
        .select_related("reporter")
        .order_by("-reported_at", "-id")
    )


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


def incidents_for(user: User, state: str | None = None) -> QuerySet[Incident]:
    incidents = Incident.objects.filter(incidents_visible_to(user)).select_related(
        "reporter", "account"
    )
    if state is not None:
        incidents = incidents.filter(state=state)
    return incidents.order_by("-reported_at", "-pk")


def open_incidents() -> QuerySet[Incident]:
    return Incident.objects.filter(state=IncidentState.OPEN).select_related("reporter")


def abuse_cases(state: str | None = None, author: str = "") -> QuerySet[AbuseCase]:
    """Every case, newest first; ``author`` finds an author's cases however the handle is
    typed."""
    cases = AbuseCase.objects.select_related("account")
    if state is not None:
        cases = cases.filter(state=state)
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
