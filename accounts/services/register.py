"""Every change to the register of official accounts (REG), one function each.

History rows written by these services carry the change reason ``event:<action>``: the event
row says who did it and why, so the account's timeline shows the event instead of repeating the
same change from simple-history. Changes made any other way (the admin site, a data fix) have
no such reason and appear in the timeline from simple-history alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import events
from accounts.models import (
    Account,
    AccountRequest,
    AccountStatus,
)
from accounts.moderators import moderators
from accounts.rules import NOT_PUBLISHABLE, can_be_published, can_edit_register
from accounts.transitions import (
    ACCOUNT,
    CLOSE,
    EDIT,
    KEEP_OPEN,
    PAST,
    REGULARISE,
    REOPEN,
    STATUS_CHANGES,
)
from governance.changes import record_change
from governance.emails import notify_from
from governance.errors import DomainError
from governance.formatting import add_months, long_date
from governance.models import Event, User
from governance.services.profile import profile_get

STATUS_EVENTS = {
    "activate": events.ACCOUNT_ACTIVATED,
    "suspend": events.ACCOUNT_SUSPENDED,
    "close": events.ACCOUNT_CLOSED,
    "reopen": events.ACCOUNT_REOPENED,
}


def account_url(account: Account) -> str:
    return reverse("register_account", args=[account.pk])


def lock_account(account: Account) -> Account:
    return (
        Account.objects.select_for_update(of=("self",))
        .select_related("service_area")
        .get(pk=account.pk)
    )


def record_account_change(
    account: Account,
    *,
    actor: User | None,
    action: str,
    summary: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: list[str] | None = None,
    now: datetime.datetime | None = None,
) -> Event:
    """Save the account with its event; a handle taken in the meantime is a message."""
    try:
        with transaction.atomic():
            return record_change(
                account,
                actor=actor,
                action=action,
                summary=summary,
                reason=reason,
                data=data,
                update_fields=fields,
                now=now,
            )
    except IntegrityError:
        # The handle check before saving lost a race with another save of the same handle.
        raise DomainError(
            "An account with this handle on this platform has just been added to the register."
        ) from None


def _require_editor(actor: User) -> None:
    if not can_edit_register(actor):
        raise DomainError(ACCOUNT[EDIT].refused)


def account_create_from_request(
    *, request: AccountRequest, approver: User, now: datetime.datetime
) -> Account:
    """Final approval: the account enters the register, or an unapproved one is regularised.

    The requester and the named backup officers become proposed moderators (REQ-5).
    """
    if request.regularises is not None:
        account = lock_account(request.regularises)
        ACCOUNT.check_state(REGULARISE, account)
        previous = account.status
        account.request = request
        account.status = ACCOUNT[REGULARISE].to
        account.next_review_due = add_months(timezone.localdate(now), account.review_cadence_months)
        account.branding_approved_by = approver
        account.branding_approved_at = now
        account.responsible_officer = request.requester
        record_account_change(
            account,
            actor=approver,
            action=events.ACCOUNT_REGULARISED,
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
        record_account_change(
            account,
            actor=approver,
            action=events.ACCOUNT_CREATED,
            summary=f"{account.name} entered the register from {request.reference}",
            data={"request": request.pk},
            now=now,
        )
    moderators().account_approved(
        account=account,
        # Anyone who left between sending and approval is never a moderator.
        people=[
            person
            for person in [request.requester, *request.backup_officers.all()]
            if person.is_active and not person.has_left
        ],
        approver=approver,
        reason=f"Named in {request.reference}",
        now=now,
    )
    return account


def account_keep_open(
    *, actor: User, account: Account, reason: str, now: datetime.datetime | None = None
) -> Account:
    """Communications decide against a review's recommendation to close the account."""
    now = now or timezone.now()
    if not reason.strip():
        raise DomainError("Give the reason for keeping the account open.")
    with transaction.atomic():
        account = lock_account(account)
        ACCOUNT.check(actor, KEEP_OPEN, account)
        account.closure_recommended = False
        record_account_change(
            account,
            actor=actor,
            action=events.ACCOUNT_KEPT_OPEN,
            summary=f"{actor.full_name} kept the account open against a review's recommendation",
            reason=reason,
            fields=["closure_recommended", "updated_at"],
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
    if action not in STATUS_CHANGES:
        raise DomainError("Choose what to do with the account.")
    if not reason.strip():
        raise DomainError("Give the reason for the change.")
    with transaction.atomic():
        account = lock_account(account)
        move = ACCOUNT.check(actor, action, account)
        if action == REOPEN and _handle_in_use(account):
            raise DomainError(
                "Another open account in the register has this handle on this platform, so "
                "this one cannot be reopened."
            )
        previous = account.status
        summary = f"{actor.full_name} {PAST[action]}"
        if action != REOPEN:
            account.status = move.to
        elif _was_never_approved(account):
            # Closing and reopening must not be a way round the approval process (REG-4).
            account.status = AccountStatus.UNAPPROVED
            summary += ", which is still unapproved"
        else:
            account.status = AccountStatus.ACTIVE
        fields = ["status", "updated_at"]
        if account.status == AccountStatus.ACTIVE and account.next_review_due is None:
            account.next_review_due = add_months(
                timezone.localdate(now), account.review_cadence_months
            )
            fields.append("next_review_due")
        if action == CLOSE:
            account.closure_recommended = False
            fields.append("closure_recommended")
        record_account_change(
            account,
            actor=actor,
            action=STATUS_EVENTS[action],
            summary=summary,
            reason=reason,
            data={"from": previous, "to": account.status},
            fields=fields,
            now=now,
        )
        if action == CLOSE:
            moderators().account_closed(
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
    "access_model": "how moderators sign in",
    "recovery_email": "recovery email address",
    "recovery_phone": "recovery phone number",
    "recovery_phone_council_owned": "recovery phone is council-owned",
    "two_factor_method": "two-step verification method",
    "second_factor_holder": "holder of the second factor",
    "recovery_plan_tested_on": "date the recovery plan was last tested",
    "review_cadence_months": "months between reviews",
    "next_review_due": "next review due",
    "licence": "management-platform licence",
    "published": "shown on the public register",
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
    _require_editor(actor)
    unknown = set(values) - set(FIELD_LABELS)
    if unknown:
        raise DomainError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    if not reason.strip():
        raise DomainError("Give the reason for the change.")
    with transaction.atomic():
        account = lock_account(account)
        ACCOUNT.check(actor, EDIT, account)
        changes = {
            name: [describe(getattr(account, name)), describe(value)]
            for name, value in values.items()
            if getattr(account, name) != value
        }
        if not changes:
            return account
        if "published" in changes and values["published"] and not can_be_published(account):
            raise DomainError(NOT_PUBLISHABLE, field="published")
        for name in changes:
            setattr(account, name, values[name])
        record_account_change(
            account,
            actor=actor,
            action=events.ACCOUNT_UPDATED,
            summary=f"{actor.full_name} changed the "
            + ", ".join(FIELD_LABELS[name] for name in changes),
            reason=reason,
            data={"changes": {FIELD_LABELS[name]: change for name, change in changes.items()}},
            fields=[*changes, "updated_at"],
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
    _require_editor(actor)
    with transaction.atomic():
        account = Account(**values, status=status, created_at=now)
        if status == AccountStatus.ACTIVE and account.next_review_due is None:
            account.next_review_due = add_months(
                timezone.localdate(now), account.review_cadence_months
            )
        record_account_change(
            account,
            actor=actor,
            action=events.ACCOUNT_RECORDED,
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
    _require_editor(actor)
    with transaction.atomic():
        account = Account(
            **values,
            status=AccountStatus.UNAPPROVED,
            discovered_how=discovered_how.strip(),
            review_cadence_months=profile_get().review_cadence_months,
            created_at=now,
        )
        event = record_account_change(
            account,
            actor=actor,
            action=events.ACCOUNT_FOUND_UNAPPROVED,
            summary=f"{actor.full_name} recorded {account.name} as an unapproved account",
            reason=discovered_how,
            now=now,
        )
        notify_from(
            "accounts/email/account_unapproved.txt",
            {"account": account},
            recipients=[account.responsible_officer],
            key=f"account:{account.pk}:unapproved",
            url=reverse("request_new") + f"?account={account.pk}",
            event=event,
            now=now,
        )
    return account
