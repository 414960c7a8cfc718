"""Reads of the register, today or as it stood at the end of a past day (REG-2, REG-3).

Both come back as one queryset of rows with the same field names: today's from the accounts
table, a past day's from simple-history's records (the latest record of each account made
before midnight at the end of that day). The filters, sorting and exports work on either.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import Account, AccountStatus, TwoFactorMethod
from governance import roles
from governance.models import User
from moderation.models import AssignmentState, ModeratorAssignment

OPEN_ASSIGNMENT = [
    AssignmentState.AWAITING_DECLARATION,
    AssignmentState.ACTIVE,
    AssignmentState.SUSPENDED,
]
# Moderators who may record a review: active, or awaiting the declaration that the
# declarations issue will require first.
REVIEWER_STATES = [AssignmentState.ACTIVE, AssignmentState.AWAITING_DECLARATION]
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


def end_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight after `day` in the council's time zone: 'as it stood on 1 April'."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), zone)


def can_read_whole_register(user: Any) -> bool:
    return roles.is_communications(user) or roles.is_auditor(user)


def can_edit_register(user: Any) -> bool:
    return roles.is_communications(user)


def moderated_account_ids(user: User) -> QuerySet[ModeratorAssignment, Any]:
    """Accounts this person moderates now; a suspended moderator sees nothing of them."""
    return ModeratorAssignment.objects.filter(person=user, state__in=REVIEWER_STATES).values(
        "account_id"
    )


def can_see_account(user: Any, account: Account) -> bool:
    if not user.is_authenticated:
        return False
    if can_read_whole_register(user):
        return True
    return account.responsible_officer_id == user.pk or (
        moderated_account_ids(user).filter(account=account).exists()
    )


def may_review(person: Any, account: Account) -> bool:
    return ModeratorAssignment.objects.filter(
        account=account, person=person, state__in=REVIEWER_STATES
    ).exists()


def visible_account_ids(user: Any, ids: list[int]) -> list[int]:
    """Which of these accounts this person may open, in one query."""
    if can_read_whole_register(user):
        return ids
    return list(
        Account.objects.filter(pk__in=ids)
        .filter(Q(responsible_officer=user) | Q(pk__in=moderated_account_ids(user)))
        .values_list("pk", flat=True)
    )


def has_register(user: Any) -> bool:
    """Whether the register section exists for this person at all."""
    if not user.is_authenticated:
        return False
    if can_read_whole_register(user):
        return True
    return (
        Account.objects.filter(responsible_officer=user).exists()
        or moderated_account_ids(user).exists()
    )


def _active_moderators_now() -> Subquery:
    counts = (
        ModeratorAssignment.objects.filter(account=OuterRef("pk"), state=AssignmentState.ACTIVE)
        .order_by()
        .values("account")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Subquery(counts, output_field=IntegerField())


def assignments_as_of(moment: datetime.datetime) -> QuerySet[Any]:
    history = ModeratorAssignment.history
    return history.filter(history_date__lt=moment).latest_of_each().exclude(history_type="-")


def _active_moderators_then(moment: datetime.datetime) -> Subquery:
    counts = (
        assignments_as_of(moment)
        .filter(account_id=OuterRef("id"), state=AssignmentState.ACTIVE)
        .order_by()
        .values("account_id")
        .annotate(total=Count("history_id"))
        .values("total")
    )
    return Subquery(counts, output_field=IntegerField())


def register_rows(user: User, as_of: datetime.date | None = None) -> QuerySet[Any]:
    """The accounts this person may see, with their active moderators counted."""
    if as_of is None:
        rows: QuerySet[Any] = Account.objects.annotate(
            active_moderators=Coalesce(_active_moderators_now(), Value(0))
        )
        key = "pk"
    else:
        moment = end_of_day(as_of)
        history = Account.history
        rows = (
            history.filter(history_date__lt=moment)
            .latest_of_each()
            .exclude(history_type="-")
            .annotate(active_moderators=Coalesce(_active_moderators_then(moment), Value(0)))
        )
        key = "id"
    if not can_read_whole_register(user):
        rows = rows.filter(
            Q(responsible_officer=user) | Q(**{f"{key}__in": moderated_account_ids(user)})
        )
    return rows.select_related("service_area", "responsible_officer")
