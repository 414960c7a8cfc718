"""Every change to the register of official accounts (REG), one function each.

History rows written by these services carry the change reason ``event:<action>``: the event
row says who did it and why, so the account's timeline shows the event instead of repeating the
same change from simple-history. Changes made any other way (the admin site, a data fix) have
no such reason and appear in the timeline from simple-history alone.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    Account,
    AccountRequest,
    AccountStatus,
)
from governance.errors import DomainError
from governance.formatting import long_date
from governance.history import save_with_event
from governance.models import User
from governance.roles import is_communications
from governance.services.events import event_record
from governance.services.notifications import notify
from governance.services.profile import profile_get
from moderation.services import assignment_propose, assignments_end_for_account


class AccountAction:
    ACTIVATE = "activate"
    SUSPEND = "suspend"
    CLOSE = "close"
    REOPEN = "reopen"
    KEEP_OPEN = "keep_open"  # not a status change: answers a review's closure recommendation


@dataclass(frozen=True)
class AccountTransition:
    sources: frozenset[str]
    target: str
    label: str
    past: str


# Status changes Communications can make, each with a reason. An unapproved account becomes
# active only through an approved request (REG-4).
ACCOUNT_TRANSITIONS: dict[str, AccountTransition] = {
    AccountAction.ACTIVATE: AccountTransition(
        frozenset({AccountStatus.BEING_SET_UP}),
        AccountStatus.ACTIVE,
        "Mark it as live",
        "marked the account as live",
    ),
    AccountAction.SUSPEND: AccountTransition(
        frozenset({AccountStatus.ACTIVE}),
        AccountStatus.SUSPENDED,
        "Suspend it",
        "suspended the account",
    ),
    AccountAction.CLOSE: AccountTransition(
        frozenset(
            {
                AccountStatus.BEING_SET_UP,
                AccountStatus.ACTIVE,
                AccountStatus.SUSPENDED,
                AccountStatus.UNAPPROVED,
            }
        ),
        AccountStatus.CLOSED,
        "Close it",
        "closed the account",
    ),
    AccountAction.REOPEN: AccountTransition(
        frozenset({AccountStatus.SUSPENDED, AccountStatus.CLOSED}),
        AccountStatus.ACTIVE,
        "Reopen it",
        "reopened the account",
    ),
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _url(account: Account) -> str:
    return reverse("register_account", args=[account.pk])


def _lock(account: Account) -> Account:
    return (
        Account.objects.select_for_update(of=("self",))
        .select_related("service_area")
        .get(pk=account.pk)
    )


def _save(
    account: Account,
    action: str,
    fields: list[str] | None = None,
    now: datetime.datetime | None = None,
) -> None:
    try:
        with transaction.atomic():
            save_with_event(account, action=action, update_fields=fields, now=now)
    except IntegrityError:
        # The handle check before saving lost a race with another save of the same handle.
        raise DomainError(
            "An account with this handle on this platform has just been added to the register."
        ) from None


def _require_communications(actor: User) -> None:
    if not is_communications(actor):
        raise DomainError("Only Communications can change the register.")


def account_create_from_request(
    *, request: AccountRequest, approver: User, now: datetime.datetime
) -> Account:
    """Final approval: the account enters the register, or an unapproved one is regularised.

    The requester and the named backup officers become proposed moderators (REQ-5).
    """
    if request.regularises is not None:
        account = _lock(request.regularises)
        if account.status != AccountStatus.UNAPPROVED or account.request_id is not None:
            raise DomainError(
                f"{account.name} is no longer waiting for approval: Communications have closed "
                "it or another request approved it. Reject this request instead."
            )
        previous = account.status
        account.request = request
        account.status = AccountStatus.ACTIVE
        account.next_review_due = add_months(timezone.localdate(now), account.review_cadence_months)
        account.branding_approved_by = approver
        account.branding_approved_at = now
        account.responsible_officer = request.requester
        _save(account, "account.regularised", now=now)
        event_record(
            actor=approver,
            action="account.regularised",
            subject=account,
            summary=f"{account.name} was brought through {request.reference} and is now approved",
            data={"request": request.pk, "from": previous, "to": account.status},
            now=now,
        )
    else:
        assert request.service_area is not None
        taken = Account.objects.holding_handle(request.platform, request.proposed_handle)
        if taken.exists():
            raise DomainError(
                "An account with this handle on this platform entered the register after the "
                "request was sent. Return the request so that the requester can choose "
                "another handle."
            )
        account = Account(
            platform=request.platform,
            platform_other=request.platform_other,
            name=request.proposed_name,
            handle=request.proposed_handle.strip(),
            service_area=request.service_area,
            responsible_officer=request.requester,
            status=AccountStatus.BEING_SET_UP,
            request=request,
            branding_approved_by=approver,
            branding_approved_at=now,
            review_cadence_months=profile_get().review_cadence_months,
            licence=request.budget_code,
            created_at=now,
        )
        _save(account, "account.created", now=now)
        event_record(
            actor=approver,
            action="account.created",
            subject=account,
            summary=f"{account.name} entered the register from {request.reference}",
            data={"request": request.pk},
            now=now,
        )
    for person in [request.requester, *request.backup_officers.all()]:
        if person.has_left or not person.is_active:
            continue  # left between sending and approval: never a moderator
        assignment_propose(
            account=account,
            person=person,
            granted_by=approver,
            reason=f"Named in {request.reference}",
            now=now,
        )
    return account


def account_keep_open(
    *, actor: User, account: Account, reason: str, now: datetime.datetime | None = None
) -> Account:
    """Communications decide against a review's recommendation to close the account."""
    now = now or timezone.now()
    _require_communications(actor)
    if not reason.strip():
        raise DomainError("Give the reason for keeping the account open.")
    with transaction.atomic():
        account = _lock(account)
        if not account.closure_recommended or account.status == AccountStatus.CLOSED:
            raise DomainError("No review is asking for this account to be closed.")
        account.closure_recommended = False
        _save(account, "account.kept_open", ["closure_recommended", "updated_at"], now)
        event_record(
            actor=actor,
            action="account.kept_open",
            subject=account,
            summary=f"{actor.full_name} kept the account open against a review's recommendation",
            reason=reason.strip(),
            now=now,
        )
    return account


def _was_never_approved(account: Account) -> bool:
    """Whether the account was unapproved when it was last open."""
    if account.request_id is not None:
        return False
    last_open = account.history.exclude(status=AccountStatus.CLOSED).order_by("-history_date")
    return last_open.values_list("status", flat=True).first() == AccountStatus.UNAPPROVED


def account_change_status(
    *,
    actor: User,
    account: Account,
    action: str,
    reason: str,
    now: datetime.datetime | None = None,
) -> Account:
    now = now or timezone.now()
    _require_communications(actor)
    if action not in ACCOUNT_TRANSITIONS:
        raise DomainError("Choose what to do with the account.")
    if not reason.strip():
        raise DomainError("Give the reason for the change.")
    transition = ACCOUNT_TRANSITIONS[action]
    with transaction.atomic():
        account = _lock(account)
        if account.status not in transition.sources:
            raise DomainError(
                f"The account is {account.get_status_display().lower()}, so you cannot "
                f"{transition.label.lower().replace(' it', ' it now')}."
            )
        if action == AccountAction.REOPEN and _handle_in_use(account):
            raise DomainError(
                "Another open account in the register has this handle on this platform, so "
                "this one cannot be reopened."
            )
        previous = account.status
        account.status = transition.target
        summary = f"{actor.full_name} {transition.past}"
        if action == AccountAction.REOPEN and _was_never_approved(account):
            # Closing and reopening must not be a way round the approval process (REG-4).
            account.status = AccountStatus.UNAPPROVED
            summary += ", which is still unapproved"
        fields = ["status", "updated_at"]
        if account.status == AccountStatus.ACTIVE and account.next_review_due is None:
            account.next_review_due = add_months(
                timezone.localdate(now), account.review_cadence_months
            )
            fields.append("next_review_due")
        if action == AccountAction.CLOSE:
            account.closure_recommended = False
            fields.append("closure_recommended")
        _save(account, f"account.{action}", fields, now)
        event_record(
            actor=actor,
            action=f"account.{action}",
            subject=account,
            summary=summary,
            reason=reason.strip(),
            data={"from": previous, "to": account.status},
            now=now,
        )
        if action == AccountAction.CLOSE:
            assignments_end_for_account(
                account=account, actor=actor, reason="The account was closed", now=now
            )
    return account


def _handle_in_use(account: Account) -> bool:
    return (
        Account.objects.holding_handle(account.platform, account.handle)
        .exclude(pk=account.pk)
        .exists()
    )


FIELD_LABELS = {
    "name": "name",
    "handle": "handle",
    "url": "web address",
    "service_area": "service area",
    "responsible_officer": "responsible officer",
    "secure_sessions_enabled": "secure sessions or two-step verification",
    "credentials_location": "where the sign-in details are kept",
    "password_last_changed": "date the password was last changed",
    "recovery_email": "recovery email address",
    "recovery_phone": "recovery phone number",
    "recovery_phone_council_owned": "recovery phone is council-owned",
    "two_factor_method": "two-step verification method",
    "second_factor_holder": "holder of the second factor",
    "recovery_plan_tested_on": "date the recovery plan was last tested",
    "review_cadence_months": "months between reviews",
    "next_review_due": "next review due",
    "licence": "management-platform licence",
}


def describe(value: Any) -> str:
    if value is None or value == "":
        return "nothing"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return long_date(value)
    return str(value)


def account_update(
    *,
    actor: User,
    account: Account,
    values: dict[str, Any],
    reason: str,
    now: datetime.datetime | None = None,
) -> Account:
    """Communications edits the record; the event keeps each change in plain words."""
    now = now or timezone.now()
    _require_communications(actor)
    unknown = set(values) - set(FIELD_LABELS)
    if unknown:
        raise DomainError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    if not reason.strip():
        raise DomainError("Give the reason for the change.")
    with transaction.atomic():
        account = _lock(account)
        changes = {
            name: [describe(getattr(account, name)), describe(value)]
            for name, value in values.items()
            if getattr(account, name) != value
        }
        if not changes:
            return account
        for name in changes:
            setattr(account, name, values[name])
        _save(account, "account.updated", [*changes, "updated_at"], now)
        event_record(
            actor=actor,
            action="account.updated",
            subject=account,
            summary=f"{actor.full_name} changed the "
            + ", ".join(FIELD_LABELS[name] for name in changes),
            reason=reason.strip(),
            data={"changes": {FIELD_LABELS[name]: change for name, change in changes.items()}},
            now=now,
        )
    return account


def account_record_existing(
    *,
    actor: User,
    values: dict[str, Any],
    status: str = AccountStatus.ACTIVE,
    now: datetime.datetime | None = None,
) -> Account:
    """An account the council already ran before it had the portal, entering the register
    with the approval it had then (used when a council loads its old register)."""
    now = now or timezone.now()
    _require_communications(actor)
    with transaction.atomic():
        account = Account(**values, status=status, created_at=now)
        if status == AccountStatus.ACTIVE and account.next_review_due is None:
            account.next_review_due = add_months(
                timezone.localdate(now), account.review_cadence_months
            )
        _save(account, "account.recorded", now=now)
        event_record(
            actor=actor,
            action="account.recorded",
            subject=account,
            summary=f"{actor.full_name} recorded {account.name}, which the council already ran",
            now=now,
        )
    return account


def account_record_unapproved(
    *,
    actor: User,
    values: dict[str, Any],
    discovered_how: str,
    now: datetime.datetime | None = None,
) -> Account:
    """An account found outside the process (REG-4), flagged until approved or closed."""
    now = now or timezone.now()
    _require_communications(actor)
    with transaction.atomic():
        account = Account(
            **values,
            status=AccountStatus.UNAPPROVED,
            discovered_how=discovered_how.strip(),
            review_cadence_months=profile_get().review_cadence_months,
            created_at=now,
        )
        _save(account, "account.found_unapproved", now=now)
        event = event_record(
            actor=actor,
            action="account.found_unapproved",
            subject=account,
            summary=f"{actor.full_name} recorded {account.name} as an unapproved account",
            reason=discovered_how.strip(),
            now=now,
        )
        officer = account.responsible_officer
        if officer is not None:
            notify(
                recipients=[officer],
                key=f"account:{account.pk}:unapproved",
                subject=f"{account.name} needs approval or closing",
                body=(
                    f"Communications found the {account.platform_name} account {account.name} "
                    f"({account.handle}), which was set up without approval, and recorded you "
                    "as responsible for it. Bring it through a request, or Communications will "
                    "close it."
                ),
                url=reverse("request_new") + f"?account={account.pk}",
                event=event,
                now=now,
            )
    return account
