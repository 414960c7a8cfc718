"""Password changes and the credential tasks that ask for them (MOD-3, MOD-5, REG-1a).

A task is raised once for each thing that needs doing (its ``key``: one open task per key);
recording a password change closes every open rotation task of the account raised on or
before the day of the change; every other task is marked done by the person who did it at the
platform. Reminders are keyed by what they are about, so a sweep run twice, or twice at once,
sends each e-mail once (REM-2).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessModel, Account
from accounts.rules import communications_team
from governance.changes import record_change
from governance.emails import Outbox, notify_from
from governance.errors import DomainError
from governance.formatting import long_date
from governance.models import User
from governance.services.events import event_record
from governance.services.profile import profile_get
from moderation import events
from moderation.models import (
    CredentialTask,
    DeviceReport,
    PasswordChange,
    PasswordChangeReason,
    ReportState,
    TaskCause,
    TaskKind,
    TaskState,
)
from moderation.rules import can_record_password_change
from moderation.selectors import recovery_plan_due_on, recovery_plans_overdue
from moderation.transitions import (
    CANCEL,
    CLOSE,
    COMPLETE,
    DEVICE_REPORT,
    ROTATED,
    TASK,
    WITHDRAWN,
)


def account_url(account: Account) -> str:
    return reverse("register_account", args=[account.pk])


def task_url(task: CredentialTask) -> str:
    return reverse("credential_task", args=[task.pk])


def rotation_title(account: Account) -> str:
    return f"Change the password of {account.name}"


def access_kind(account: Account) -> str:
    """What must happen at the platform when someone's access ends: their own role removed,
    or the password everyone shares changed (NCSC: a unique login for each publisher)."""
    if account.access_model == AccessModel.INDIVIDUAL_ROLES:
        return TaskKind.REMOVE_ACCESS
    return TaskKind.ROTATE


def task_raise(
    *,
    account: Account,
    kind: str,
    cause: str,
    key: str,
    title: str,
    why: str,
    actor: User | None,
    now: datetime.datetime,
    due_days: int,
    person: User | None = None,
    assignment: Any = None,
    device_report: DeviceReport | None = None,
    incident: Any = None,
    tell_communications: bool = True,
) -> CredentialTask:
    """Raise a task, or return the open one with the same key (the same device reported twice,
    the same leaver imported twice)."""
    existing = CredentialTask.objects.filter(key=key, state=TaskState.OPEN).first()
    if existing is not None:
        return existing
    task = CredentialTask(
        account=account,
        kind=kind,
        cause=cause,
        key=key,
        title=title[:300],
        why=why[:300],
        person=person,
        assignment=assignment,
        device_report=device_report,
        incident=incident,
        raised_at=now,
        due_on=timezone.localdate(now) + datetime.timedelta(days=due_days),
    )
    try:
        with transaction.atomic():
            event = record_change(
                task,
                actor=actor,
                action=events.CREDENTIAL_TASK_RAISED,
                summary=f"Task raised: {task.title}",
                reason=why,
                data={"account": account.pk, "kind": kind, "cause": cause},
                now=now,
            )
    except IntegrityError:
        # Raised at the same moment by another worker: theirs stands.
        return CredentialTask.objects.get(key=key, state=TaskState.OPEN)
    if tell_communications:
        notify_from(
            "moderation/email/task_raised.txt",
            {"task": task, "account": account},
            recipients=communications_team(),
            key=f"credential-task:{task.pk}:raised",
            url=task_url(task),
            event=event,
            now=now,
        )
    return task


def _close_task(
    task: CredentialTask,
    *,
    move: str,
    actor: User | None,
    now: datetime.datetime,
    note: str = "",
    password_change: PasswordChange | None = None,
) -> None:
    task.state = TASK[move].to
    task.done_at = now
    task.done_by = actor
    task.done_note = note.strip()[:300]
    task.password_change = password_change
    if task.state == TaskState.CANCELLED:
        action, summary = events.CREDENTIAL_TASK_CANCELLED, f"No longer needed: {task.title}"
    else:
        action, summary = events.CREDENTIAL_TASK_DONE, f"Done: {task.title}"
    record_change(
        task,
        actor=actor,
        action=action,
        summary=summary,
        reason=note,
        data={
            "account": task.account_id,
            "password_change": password_change.pk if password_change else None,
        },
        update_fields=["state", "done_at", "done_by", "done_note", "password_change"],
        now=now,
    )
    if task.device_report_id is not None:
        device_report_close_if_done(task.device_report_id, now=now)


def _lock_task(task: CredentialTask) -> CredentialTask:
    return (
        CredentialTask.objects.select_for_update(of=("self",))
        .select_related("account", "done_by", "person")
        .get(pk=task.pk)
    )


def task_complete(
    *, actor: User, task: CredentialTask, note: str, now: datetime.datetime | None = None
) -> CredentialTask:
    """Someone did the task at the platform and says so (MOD-5)."""
    now = now or timezone.now()
    with transaction.atomic():
        task = _lock_task(task)
        TASK.check(actor, COMPLETE, task)
        _close_task(task, move=COMPLETE, actor=actor, now=now, note=note)
    return task


def task_cancel(
    *, actor: User, task: CredentialTask, reason: str, now: datetime.datetime | None = None
) -> CredentialTask:
    """Communications decides a task is not needed (the account was deleted at the platform)."""
    now = now or timezone.now()
    if not reason.strip():
        raise DomainError("Enter why the task is no longer needed", field="reason")
    with transaction.atomic():
        task = _lock_task(task)
        TASK.check(actor, CANCEL, task)
        _close_task(task, move=CANCEL, actor=actor, now=now, note=reason)
    return task


def tasks_withdraw_for_assignment(assignment: Any, *, reason: str, now: datetime.datetime) -> int:
    """The access tasks a suspension raised are no longer needed once the moderator is back."""
    withdrawn = 0
    for task in CredentialTask.objects.filter(
        assignment=assignment, state=TaskState.OPEN
    ).select_related("account", "done_by", "person"):
        if not TASK.state_allows(WITHDRAWN, task):
            continue
        _close_task(_lock_task(task), move=WITHDRAWN, actor=None, now=now, note=reason)
        withdrawn += 1
    return withdrawn


def device_report_close_if_done(report_id: int, *, now: datetime.datetime) -> bool:
    """A lost-device report closes when its last task is done (MOD-4)."""
    report = DeviceReport.objects.select_for_update().get(pk=report_id)
    if report.state != ReportState.OPEN or not report.tasks.exists():
        return False
    if not DEVICE_REPORT.state_allows(CLOSE, report):
        return False
    report.state = DEVICE_REPORT[CLOSE].to
    report.closed_at = now
    record_change(
        report,
        actor=None,
        action=events.DEVICE_REPORT_CLOSED,
        summary=f"Lost device report {report.reference} closed: every task is done",
        update_fields=["state", "closed_at"],
        now=now,
    )
    return True


def password_change_record(
    *,
    actor: User,
    account: Account,
    changed_on: datetime.date,
    reason: str,
    details: str = "",
    for_task: CredentialTask | None = None,
    now: datetime.datetime | None = None,
) -> PasswordChange:
    """A moderator or Communications records that the password was changed (MOD-3). It closes
    the account's open rotation tasks raised on or before that day, and Communications is told
    at once (MSM 5.3, MDM 8.5)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if changed_on > today:
        raise DomainError(
            "The date the password was changed must be today or in the past", field="changed_on"
        )
    added = timezone.localdate(account.created_at)
    if changed_on < added:
        raise DomainError(
            f"The date the password was changed must be on or after {long_date(added)}, when "
            "the account was added to the register",
            field="changed_on",
        )
    if reason not in PasswordChangeReason.values or reason == PasswordChangeReason.BEFORE_PORTAL:
        raise DomainError("Select why the password was changed", field="reason")
    if reason == PasswordChangeReason.OTHER and not details.strip():
        raise DomainError("Enter why the password was changed", field="details")
    with transaction.atomic():
        account = Account.objects.select_for_update(of=("self",)).get(pk=account.pk)
        if not can_record_password_change(actor, account):
            raise DomainError("Only Communications or an active moderator can record this.")
        # The same form sent twice (a double click, a resent page) records one change.
        if PasswordChange.objects.filter(
            account=account, changed_on=changed_on, reason=reason, recorded_by=actor
        ).exists():
            raise DomainError(
                f"You have already recorded that the password of {account.name} was changed on "
                f"{long_date(changed_on)} for this reason",
                field="changed_on",
            )
        if for_task is not None:
            # Two people recording the same rotation at once: the second is told it is done.
            task = _lock_task(for_task)
            if task.account_id != account.pk or task.kind != TaskKind.ROTATE:
                raise DomainError(f"This task is not a password change of {account.name}.")
            if task.state != TaskState.OPEN:
                raise DomainError(TASK.refusal(actor, ROTATED, task) or "")
        change = PasswordChange(
            account=account,
            changed_on=changed_on,
            reason=reason,
            details=details.strip()[:300],
            recorded_by=actor,
            recorded_at=now,
        )
        change.save()
        event = event_record(
            actor=actor,
            action=events.PASSWORD_CHANGED,
            subject=change,
            summary=f"{actor.full_name} recorded that the password of {account.name} was "
            f"changed on {long_date(changed_on)} ({change.get_reason_display().lower()})",
            reason=change.details,
            data={"account": account.pk, "changed_on": changed_on.isoformat(), "reason": reason},
            now=now,
        )
        closed = list(
            CredentialTask.objects.select_for_update(of=("self",))
            .filter(
                account=account,
                kind=TaskKind.ROTATE,
                state=TaskState.OPEN,
                raised_at__date__lte=changed_on,
            )
            .select_related("account")
        )
        for task in closed:
            TASK.check_state(ROTATED, task)
            _close_task(task, move=ROTATED, actor=actor, now=now, password_change=change)
        notify_from(
            "moderation/email/password_changed.txt",
            {"change": change, "account": account, "actor": actor, "closed": closed},
            recipients=communications_team(),
            key=f"password-change:{change.pk}",
            url=account_url(account),
            event=event,
            now=now,
        )
    return change


def rotation_request(
    *, actor: User, account: Account, reason: str, now: datetime.datetime | None = None
) -> CredentialTask:
    """A suspected compromise raises a password change straight away (MOD-5, MDM 7.3)."""
    now = now or timezone.now()
    if not reason.strip():
        raise DomainError("Enter what makes you think the account is compromised", field="reason")
    if not can_record_password_change(actor, account):
        raise DomainError("Only Communications or an active moderator can ask for this.")
    with transaction.atomic():
        return task_raise(
            account=account,
            kind=TaskKind.ROTATE,
            cause=TaskCause.COMPROMISE,
            key=f"compromise:{account.pk}",
            title=rotation_title(account),
            why=f"{actor.full_name} suspects the account is compromised: {reason.strip()}",
            actor=actor,
            now=now,
            due_days=profile_get().lost_device_task_days,
        )


def credential_tasks_escalate(*, now: datetime.datetime | None = None) -> int:
    """Overdue tasks go to the account's responsible officer, then, the profile's number of days
    later, to Communications: each once (MOD-5, REM-1, REM-2)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    later = today - datetime.timedelta(days=profile_get().credential_escalation_days)
    overdue = list(
        CredentialTask.objects.filter(state=TaskState.OPEN, due_on__lt=today).select_related(
            "account__responsible_officer"
        )
    )
    comms = list(communications_team())
    keys = [f"credential-task:{task.pk}:{which}" for task in overdue for which in STAGES]
    with Outbox(keys, now=now) as outbox:
        for task in overdue:
            context = {
                "task": task,
                "account": task.account,
                "days_late": (today - task.due_on).days,
            }
            officer = task.account.responsible_officer
            outbox.add(
                "moderation/email/task_overdue.txt",
                context,
                recipients=[officer] if officer else comms,
                key=f"credential-task:{task.pk}:overdue",
                url=task_url(task),
            )
            if task.due_on < later:
                outbox.add(
                    "moderation/email/task_escalated.txt",
                    context,
                    recipients=comms,
                    key=f"credential-task:{task.pk}:escalated",
                    url=task_url(task),
                )
    return len(overdue)


STAGES = ("overdue", "escalated")


def recovery_plans_remind(*, now: datetime.datetime | None = None) -> int:
    """Communications is reminded once for each lapse of an account's recovery plan test."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    months = profile_get().recovery_plan_test_months
    comms = list(communications_team())
    due = [
        (account, recovery_plan_due_on(account, months))
        for account in Account.objects.filter(recovery_plans_overdue(today, months))
    ]
    keys = [f"recovery-plan:{account.pk}:{lapsed.isoformat()}" for account, lapsed in due]
    with Outbox(keys, now=now) as outbox:
        for account, lapsed in due:
            outbox.add(
                "moderation/email/recovery_plan_due.txt",
                {"account": account, "lapsed": lapsed},
                recipients=comms,
                key=f"recovery-plan:{account.pk}:{lapsed.isoformat()}",
                url=account_url(account),
            )
    return len(due)
