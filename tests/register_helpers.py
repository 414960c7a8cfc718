"""Building register accounts for tests, through the same services Communications uses."""

from __future__ import annotations

import datetime
from typing import Any

from accounts.models import Account, AccountStatus, Platform, TwoFactorMethod
from accounts.services.register import (
    account_change_status,
    account_record_existing,
    account_record_unapproved,
)
from governance.models import ServiceArea, User
from moderation.services.assignments import assignment_record_existing

_counter = iter(range(1, 1_000_000))


def make_account(
    comms: User,
    area: ServiceArea,
    *,
    moderators: tuple[User, ...] = (),
    now: datetime.datetime | None = None,
    **values: Any,
) -> Account:
    number = next(_counter)
    fields: dict[str, Any] = {
        "platform": Platform.X,
        "name": f"Account {number}",
        "handle": f"@account{number}",
        "url": f"https://x.com/account{number}",
        "service_area": area,
        "credentials_location": "Keeper > Social media",
        "recovery_email": "social@council.example",
        "two_factor_method": TwoFactorMethod.AUTHENTICATOR_APP,
        "second_factor_holder": comms,
        "recovery_plan_tested_on": datetime.date(2026, 1, 10),
        "secure_sessions_enabled": True,
        **values,
    }
    status = fields.pop("status", AccountStatus.ACTIVE)
    account = account_record_existing(actor=comms, values=fields, status=status, now=now)
    for person in moderators:
        assignment_record_existing(account=account, person=person, actor=comms, now=now)
    return account


def account_in(
    status: str, comms: User, area: ServiceArea, moderators: tuple[User, ...]
) -> Account:
    if status == AccountStatus.UNAPPROVED:
        return account_record_unapproved(
            actor=comms,
            values={
                "platform": "x",
                "platform_other": "",
                "name": "Found",
                "handle": "@found",
                "url": "",
                "service_area": area,
                "responsible_officer": None,
            },
            discovered_how="Monitoring",
        )
    account = make_account(comms, area, moderators=moderators, status=AccountStatus.BEING_SET_UP)
    if status == AccountStatus.BEING_SET_UP:
        return account
    account = account_change_status(actor=comms, account=account, action="activate", reason="Live")
    if status == AccountStatus.SUSPENDED:
        return account_change_status(actor=comms, account=account, action="suspend", reason="x")
    if status == AccountStatus.CLOSED:
        return account_change_status(actor=comms, account=account, action="close", reason="x")
    return account
