"""Staff incident reports (INC-1; MDM 10.1-10.2, 6.3, MSM 5.12, 5.15-5.16): any member of staff
reports what went wrong; their line manager and Communications are told at once; a compromised
account raises a password change; Communications closes the report with an outcome."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.rules import communications_team
from governance.changes import record_change
from governance.emails import notify_from
from governance.errors import DomainError
from governance.models import User
from governance.services.events import event_record
from governance.services.profile import profile_get
from governance.validators import required_text
from moderation import events
from moderation.models import (
    BreachRisk,
    Incident,
    IncidentAction,
    IncidentKind,
    TaskCause,
    TaskKind,
)
from moderation.selectors import reportable_accounts
from moderation.services.credentials import rotation_title, task_raise
from moderation.services.evidence import CheckedImage, evidence_checked, evidence_keep
from moderation.transitions import ADD_EVIDENCE, CLOSE, INCIDENT, LINK_ACCOUNT


def incident_url(incident: Incident) -> str:
    return reverse("incident", args=[incident.pk])


def incident_report(
    *,
    reporter: User,
    kind: str,
    happened_on: datetime.date,
    what_happened: str,
    account: Account | None = None,
    account_described: str = "",
    post_url: str = "",
    actions: Iterable[str] = (),
    personal_data: str = "",
    people_affected: int | None = None,
    found_at: datetime.datetime | None = None,
    risk: str = "",
    evidence: UploadedFile | CheckedImage | None = None,
    started_with: str = "",
    now: datetime.datetime | None = None,
) -> tuple[Incident, bool]:
    """Record the report and tell the reporter's line manager and Communications. The same
    form sent twice makes one report. Returns the report and whether it is new."""
    now = now or timezone.now()
    if kind not in IncidentKind.values:
        raise DomainError("Select what happened", field="kind")
    if happened_on > timezone.localdate(now):
        raise DomainError("The date it happened must be today or in the past", field="happened_on")
    what_happened = required_text(what_happened, what="what happened", field="what_happened")
    account_described = account_described.strip()[:200]
    if account is not None and not reportable_accounts(reporter).filter(pk=account.pk).exists():
        raise DomainError("Select an account from the list", field="account")
    if account is None and not account_described:
        raise DomainError(
            "Select the account, or enter its name or web address", field="account_described"
        )
    chosen = list(dict.fromkeys(actions))
    if any(action not in IncidentAction.values for action in chosen):
        raise DomainError("Select only what is in the list", field="actions")
    breach = kind == IncidentKind.DATA_BREACH
    if breach:
        personal_data = required_text(
            personal_data, what="what personal or confidential information", field="personal_data"
        )
        if people_affected is None:
            raise DomainError(
                "Enter how many people the information is about (your best estimate)",
                field="people_affected",
            )
        if found_at is None:
            raise DomainError("Enter when the breach was found", field="found_at")
        if found_at > now:
            raise DomainError("The time it was found must be in the past", field="found_at")
        if risk not in BreachRisk.values:
            raise DomainError(
                "Select whether it could harm the people whose information it is", field="risk"
            )
    checked = evidence_checked(evidence) if evidence is not None else None
    with transaction.atomic():
        if started_with:
            sent = Incident.objects.filter(reporter=reporter, started_with=started_with).first()
            if sent is not None:
                return sent, False
        incident = Incident(
            kind=kind,
            reporter=reporter,
            reporter_line_manager=reporter.line_manager,
            account=account,
            account_described=account_described,
            post_url=post_url.strip()[:500],
            happened_on=happened_on,
            what_happened=what_happened,
            actions=chosen,
            personal_data=personal_data.strip() if breach else "",
            people_affected=people_affected if breach else None,
            found_at=found_at if breach else None,
            risk=risk if breach else "",
            reported_at=now,
            started_with=started_with,
        )
        try:
            with transaction.atomic():
                event = record_change(
                    incident,
                    actor=reporter,
                    action=events.INCIDENT_REPORTED,
                    summary=f"{reporter.full_name} reported an incident: "
                    f"{incident.get_kind_display().lower()}",
                    data={"kind": kind, "account": account.pk if account else None},
                    now=now,
                )
        except IntegrityError:
            # The same form sent at the same moment by a double tap: the first one stands.
            return Incident.objects.get(reporter=reporter, started_with=started_with), False
        if checked is not None:
            evidence_keep(checked, uploaded_by=reporter, incident=incident, now=now)
        _raise_rotation(incident, actor=reporter, now=now)
        notify_from(
            "moderation/email/incident_reported.txt",
            {"incident": incident},
            recipients=[*communications_team(), incident.reporter_line_manager],
            key=f"incident:{incident.pk}:reported",
            url=incident_url(incident),
            event=event,
            now=now,
        )
    return incident, True


def _raise_rotation(incident: Incident, *, actor: User, now: datetime.datetime) -> None:
    """A compromised account has its password changed straight away (MOD-5, MDM 7.3)."""
    if incident.kind != IncidentKind.COMPROMISED_ACCOUNT or incident.account is None:
        return
    task_raise(
        account=incident.account,
        kind=TaskKind.ROTATE,
        cause=TaskCause.COMPROMISE,
        key=f"compromise:{incident.account.pk}",
        title=rotation_title(incident.account),
        why=f"{incident.reference}: {incident.reported_by} reported that someone else "
        "may have control of the account.",
        actor=actor,
        now=now,
        due_days=profile_get().lost_device_task_days,
        incident=incident,
    )


def _lock(incident: Incident) -> Incident:
    # Only the report's own row: PostgreSQL cannot lock the outer join to a report with no
    # account.
    return (
        Incident.objects.select_for_update(of=("self",))
        .select_related("reporter", "account")
        .get(pk=incident.pk)
    )


def incident_link_account(
    *, actor: User, incident: Incident, account: Account, now: datetime.datetime | None = None
) -> Incident:
    """Communications names the register account a report is about; a compromised account then
    has its password change raised."""
    now = now or timezone.now()
    INCIDENT.check(actor, LINK_ACCOUNT, incident)
    with transaction.atomic():
        incident = _lock(incident)
        INCIDENT.check(actor, LINK_ACCOUNT, incident)
        if incident.account_id == account.pk:
            return incident
        incident.account = account
        record_change(
            incident,
            actor=actor,
            action=events.INCIDENT_ACCOUNT_LINKED,
            summary=f"{actor.full_name} linked {incident.reference} to {account.name}",
            data={"account": account.pk},
            update_fields=["account"],
            now=now,
        )
        _raise_rotation(incident, actor=actor, now=now)
    return incident


def incident_add_evidence(
    *,
    actor: User,
    incident: Incident,
    upload: UploadedFile | CheckedImage,
    now: datetime.datetime | None = None,
) -> None:
    now = now or timezone.now()
    INCIDENT.check(actor, ADD_EVIDENCE, incident)
    checked = evidence_checked(upload)
    with transaction.atomic():
        incident = _lock(incident)
        INCIDENT.check(actor, ADD_EVIDENCE, incident)
        evidence = evidence_keep(checked, uploaded_by=actor, incident=incident, now=now)
        event_record(
            actor=actor,
            subject=incident,
            action=events.INCIDENT_EVIDENCE_ADDED,
            summary=f"{actor.full_name} added a screenshot to {incident.reference} "
            f"(SHA-256 {evidence.original_sha256[:12]}…)",
            data={"evidence": evidence.pk, "sha256": evidence.original_sha256},
            now=now,
        )


def incident_close(
    *, actor: User, incident: Incident, outcome: str, now: datetime.datetime | None = None
) -> Incident:
    """Communications closes a report with what came of it; the reporter and their line manager
    are told."""
    now = now or timezone.now()
    INCIDENT.check(actor, CLOSE, incident)
    outcome = required_text(outcome, what="the outcome", field="outcome")
    with transaction.atomic():
        incident = _lock(incident)
        INCIDENT.check(actor, CLOSE, incident)
        incident.state = INCIDENT[CLOSE].to
        incident.outcome = outcome
        incident.closed_at = now
        incident.closed_by = actor
        event = record_change(
            incident,
            actor=actor,
            action=events.INCIDENT_CLOSED,
            summary=f"{actor.full_name} closed {incident.reference}",
            reason=outcome,
            update_fields=["state", "outcome", "closed_at", "closed_by"],
            now=now,
        )
        notify_from(
            "moderation/email/incident_closed.txt",
            {"incident": incident},
            recipients=[incident.reporter, incident.reporter_line_manager],
            key=f"incident:{incident.pk}:closed",
            url=incident_url(incident),
            event=event,
            now=now,
        )
    return incident
