"""Reads of moderation records for pages, the register and the reminders: one place, so a
list and the figures that count it agree."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import AccountStatus
from governance.formatting import add_months
from governance.models import User
from governance.services.profile import profile_get
from moderation.models import (
    CredentialTask,
    DeviceReport,
    ModeratorAssignment,
    PasswordChange,
    ReportState,
    TaskState,
)
from moderation.rules import device_reports_visible_to, tasks_visible_to

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
