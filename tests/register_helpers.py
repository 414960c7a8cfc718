"""Building register accounts for tests, through the same services Communications uses."""

from __future__ import annotations

import datetime
from typing import Any

from accounts.models import Account, AccountStatus, Platform, TwoFactorMethod
from accounts.services.register import account_record_existing
from governance.models import ServiceArea, User
from moderation.services import assignment_record_existing

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
