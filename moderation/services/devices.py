"""Lost or stolen devices (MOD-4; MSM 5.18, MDM 10.3): a report raises a task for every account
the device could open, and stays open until each is done."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessModel, Account, AccountStatus
from accounts.rules import communications_team
from governance.changes import record_change
from governance.emails import notify_from
from governance.errors import DomainError
from governance.formatting import long_date
from governance.models import Event, User
from governance.services.profile import profile_get
from moderation import events
from moderation.models import (
    DeviceKind,
    DeviceLoss,
    DeviceReport,
    ModeratorAssignment,
    ReportState,
    TaskCause,
    TaskKind,
)
from moderation.rules import OPEN_STATES
from moderation.services.credentials import rotation_title, task_raise
from moderation.transitions import CONFIRM, DEVICE_REPORT


def accounts_a_device_could_open(person: User) -> QuerySet[Account]:
    """The accounts the person moderates (a suspended moderator's phone may still be signed in)
    or holds the second factor of: what a lost device of theirs could open."""
    moderated = ModeratorAssignment.objects.filter(person=person, state__in=OPEN_STATES).values(
        "account_id"
    )
    return (
        Account.objects.exclude(status=AccountStatus.CLOSED)
        .filter(Q(pk__in=moderated) | Q(second_factor_holder=person))
        .order_by("name", "pk")
    )


def report_url(report: DeviceReport) -> str:
    return reverse("device_report", args=[report.pk])


def device_report_submit(
    *,
    reporter: User,
    device_kind: str,
    device_description: str,
    loss: str,
    lost_on: datetime.date,
    account_ids: Iterable[int],
    held_second_factor: bool,
    held_recovery_phone: bool,
    started_with: str = "",
    now: datetime.datetime | None = None,
) -> tuple[DeviceReport, bool]:
    """Record the report and raise its tasks; Communications is told at once. The same device
    reported again while its report is open adds to that report (no task twice). Returns the
    report and whether it is new."""
    now = now or timezone.now()
    if device_kind not in DeviceKind.values:
        raise DomainError("Select what kind of device it is", field="device_kind")
    if loss not in DeviceLoss.values:
        raise DomainError("Select whether it was lost or stolen", field="loss")
    if lost_on > timezone.localdate(now):
        raise DomainError("The date it went missing must be today or in the past", field="lost_on")
    could_open = {account.pk: account for account in accounts_a_device_could_open(reporter)}
    chosen = [could_open[pk] for pk in dict.fromkeys(account_ids) if pk in could_open]
    if len(chosen) != len(set(account_ids)):
        raise DomainError("Select only accounts from the list", field="accounts")
    with transaction.atomic():
        if started_with:
            same_journey = DeviceReport.objects.filter(
                reporter=reporter, started_with=started_with
            ).first()
            if same_journey is not None:
                return same_journey, False
        report = (
            DeviceReport.objects.select_for_update()
            .filter(
                reporter=reporter, state=ReportState.OPEN, device_kind=device_kind, lost_on=lost_on
            )
            .first()
        )
        created = report is None
        if report is not None and started_with and _journey_recorded(report, started_with):
            return report, False  # the final page of a second journey, sent twice
        if report is None:
            report = DeviceReport(
                reporter=reporter,
                device_kind=device_kind,
                device_description=device_description.strip()[:100],
                loss=loss,
                lost_on=lost_on,
                held_second_factor=held_second_factor,
                held_recovery_phone=held_recovery_phone,
                reported_at=now,
                started_with=started_with,
            )
            try:
                with transaction.atomic():
                    event = record_change(
                        report,
                        actor=reporter,
                        action=events.DEVICE_REPORTED,
                        summary=f"{reporter.full_name} reported a {report.device_name} "
                        f"{report.get_loss_display().lower()} on {long_date(lost_on)}",
                        data={"accounts": [account.pk for account in chosen]},
                        now=now,
                    )
            except IntegrityError:  # the same answers sent twice at once
                return DeviceReport.objects.get(reporter=reporter, started_with=started_with), False
        else:
            report.held_second_factor |= held_second_factor
            report.held_recovery_phone |= held_recovery_phone
            event = record_change(
                report,
                actor=reporter,
                action=events.DEVICE_REPORT_ADDED_TO,
                summary=f"{reporter.full_name} reported the same {report.device_name} again",
                data={"accounts": [account.pk for account in chosen], "journey": started_with},
                update_fields=["held_second_factor", "held_recovery_phone"],
                now=now,
            )
        report.accounts.add(*chosen)
        for account in chosen:
            _raise_tasks(report, account, now=now)
        notify_from(
            "moderation/email/device_reported.txt",
            {"report": report, "accounts": chosen, "again": not created},
            recipients=communications_team(),
            key=f"device-report:{report.pk}:{event.pk}",
            url=report_url(report),
            event=event,
            now=now,
        )
    return report, created


def _journey_recorded(report: DeviceReport, started_with: str) -> bool:
    """Whether this journey already added to the report (checked under the report's lock)."""
    return (
        Event.objects.for_subject(report)
        .filter(action=events.DEVICE_REPORT_ADDED_TO, data__journey=started_with)
        .exists()
    )


def _raise_tasks(report: DeviceReport, account: Account, *, now: datetime.datetime) -> None:
    person = report.reporter
    days = profile_get().lost_device_task_days
    why = (
        f"{person.full_name}'s {report.device_name} was {report.get_loss_display().lower()} "
        f"on {long_date(report.lost_on)}"
    )
    if account.access_model == AccessModel.SHARED_LOGIN:
        kind, title = TaskKind.ROTATE, rotation_title(account)
    else:
        kind = TaskKind.SIGN_OUT
        title = f"Sign {person.full_name}'s {report.device_name} out of {account.name}"
    common: dict[str, Any] = {
        "account": account,
        "cause": TaskCause.LOST_DEVICE,
        "why": why,
        "actor": person,
        "now": now,
        "due_days": days,
        "person": person,
        "device_report": report,
        "tell_communications": False,  # the report's own e-mail lists them
    }
    task_raise(kind=kind, key=f"device:{report.pk}:{account.pk}:{kind}", title=title, **common)
    held = [
        what
        for what, holds in (
            ("the second factor", report.held_second_factor),
            ("the recovery phone", report.held_recovery_phone),
            (
                "the second factor",
                account.second_factor_holder_id == person.pk and not report.held_second_factor,
            ),
        )
        if holds
    ]
    if held:
        task_raise(
            kind=TaskKind.CUSTODY,
            key=f"device:{report.pk}:{account.pk}:custody",
            title=f"Move {' and '.join(dict.fromkeys(held))} of {account.name} off the "
            f"{report.device_name}",
            **common,
        )


def device_report_confirm(
    *, actor: User, report: DeviceReport, now: datetime.datetime | None = None
) -> DeviceReport:
    """Communications closes a report that affected no account."""
    now = now or timezone.now()
    with transaction.atomic():
        report = DeviceReport.objects.select_for_update().get(pk=report.pk)
        report.state = DEVICE_REPORT.check(actor, CONFIRM, report).to
        report.closed_at = now
        report.closed_by = actor
        record_change(
            report,
            actor=actor,
            action=events.DEVICE_REPORT_CLOSED,
            summary=f"{actor.full_name} closed lost device report {report.reference}: no "
            "account was affected",
            update_fields=["state", "closed_at", "closed_by"],
            now=now,
        )
    return report
