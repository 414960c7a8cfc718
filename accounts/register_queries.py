"""Reads of the register, today or as it stood at the end of a past day (REG-2, REG-3).

Both come back as one queryset of rows with the same field names: today's from the accounts
table, a past day's from simple-history's records (the latest record of each account made
before midnight at the end of that day). The filters, sorting and exports work on either. Who
may see which rows is decided in accounts/rules.py; moderator counts come from the app that
keeps moderators (accounts/moderators.py).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from accounts.models import Account, AccountStatus, TwoFactorMethod
from accounts.moderators import moderators
from accounts.rules import accounts_visible_to
from governance.models import User
from governance.periods import end_of_day

OPEN_ACCOUNT = [
    AccountStatus.BEING_SET_UP,
    AccountStatus.ACTIVE,
    AccountStatus.SUSPENDED,
    AccountStatus.UNAPPROVED,
]
SECOND_FACTOR_HELD = [
    TwoFactorMethod.AUTHENTICATOR_APP,
    TwoFactorMethod.SECURITY_KEY,
    TwoFactorMethod.SMS,
]

# An account whose credential custody (REG-1a) is not fully recorded.
CREDENTIALS_MISSING = (
    Q(credentials_location="")
    | Q(recovery_email="")
    | Q(two_factor_method="")
    | Q(recovery_plan_tested_on__isnull=True)
    | Q(two_factor_method__in=SECOND_FACTOR_HELD, second_factor_holder__isnull=True)
)


def register_rows(user: User, as_of: datetime.date | None = None) -> QuerySet[Any]:
    """The accounts this person may see, with their active moderators, open credential tasks and
    moderators without a current declaration counted, and the date of their latest password
    change (all told by moderation)."""
    source = moderators()
    if as_of is None:
        moment = None
        rows: QuerySet[Any] = Account.objects.all()
        key = "pk"
    else:
        moment = end_of_day(as_of)
        rows = (
            Account.history.filter(history_date__lt=moment)
            .latest_of_each()
            .exclude(history_type="-")
        )
        key = "id"
    account = OuterRef(key)
    return (
        rows.annotate(
            active_moderators=Coalesce(source.active_count(account, moment), Value(0)),
            open_credential_tasks=Coalesce(source.open_task_count(account, moment), Value(0)),
            unsigned_moderators=Coalesce(source.unsigned_count(account, moment), Value(0)),
            password_last_changed=source.last_password_change(account, moment),
        )
        .filter(accounts_visible_to(user, key))
        .select_related("service_area", "responsible_officer")
    )
