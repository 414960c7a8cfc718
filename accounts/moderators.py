"""What the register needs to know about moderators, told by the app that keeps them.

``accounts`` sits below ``moderation`` (the import-linter contracts in pyproject.toml): the
register never imports moderator assignments. ``moderation`` registers a ``ModeratorSource``
when Django starts (moderation/apps.py), the way apps register their tasks with
``governance.todo``. The register asks the source for its counts, its visibility and its
account pages, and tells it when an account is approved or closed. Without a source the
register simply has no moderators.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models
from django.db.models import F, QuerySet, Value
from django.db.models.expressions import BaseExpression

from accounts.models import Account
from governance.models import User


@dataclass(frozen=True)
class TimelineSource:
    """Records of another app that belong on an account's timeline: their events and the
    field history of each, described with ``labels`` and called ``noun``."""

    model: type[models.Model]
    # Their keys, as a query of ``pk`` values (read inside the timeline's own queries).
    ids: QuerySet[Any, Any]
    # Oldest first, with the people they name loaded (accounts/timeline.py ``PEOPLE``).
    history: list[Any]
    labels: dict[str, str]
    noun: str


class ModeratorSource(Protocol):
    def active_count(self, account_ref: Any, moment: datetime.datetime | None) -> BaseExpression:
        """A subquery counting the active moderators of the account ``account_ref`` points
        at, now or at ``moment``."""

    def unsigned_count(self, account_ref: Any, moment: datetime.datetime | None) -> BaseExpression:
        """A subquery counting the account's open assignments (awaiting declaration, active or
        suspended) whose moderator held no current declaration, now or at ``moment`` (DEC-3,
        REG-2)."""

    def moderated_account_ids(self, user: User) -> QuerySet[Any, Any]:
        """Values of ``account_id`` this person moderates now (a suspended moderator has
        none)."""

    def line_managed_account_ids(self, manager: User) -> QuerySet[Any, Any]:
        """Values of ``account_id`` moderated now by anyone this person line-manages."""

    def reviewers_by_account(self, account_ids: list[int]) -> dict[int, list[User]]:
        """The people who may review each account now (with their line managers loaded)."""

    def names_by_account(
        self, account_ids: list[int], moment: datetime.datetime | None
    ) -> dict[int, str]:
        """'Riya Patel (active); Tom Fletcher (awaiting declaration)' for each account."""

    def timeline(self, account: Any) -> Iterable[TimelineSource]:
        """The moderation records to show on the account's timeline."""

    def last_password_change(
        self, account_ref: Any, moment: datetime.datetime | None
    ) -> BaseExpression:
        """A subquery: the date of the account's latest recorded password change (MOD-3)."""

    def open_task_count(self, account_ref: Any, moment: datetime.datetime | None) -> BaseExpression:
        """A subquery counting the account's credential tasks still to do (MOD-5)."""

    def account_section(self, user: User, account: Any) -> str:
        """The account page's moderators, credential tasks and password changes, as HTML, with
        what this person may do about them."""

    def account_approved(
        self, *, account: Any, people: list[User], approver: User, reason: str, now: Any
    ) -> None:
        """The named people become proposed moderators of a newly approved account."""

    def account_closed(self, *, account: Any, actor: User, reason: str, now: Any) -> None:
        """A closed account keeps no moderators."""


def _no_accounts() -> QuerySet[Any, Any]:
    return Account.objects.none().values(account_id=F("pk"))


class _NoModerators:
    """The register before any app keeps moderators."""

    def active_count(self, account_ref: Any, moment: datetime.datetime | None) -> BaseExpression:
        return Value(0, output_field=models.IntegerField())

    def unsigned_count(self, account_ref: Any, moment: datetime.datetime | None) -> BaseExpression:
        return Value(0, output_field=models.IntegerField())

    def moderated_account_ids(self, user: User) -> QuerySet[Any, Any]:
        return _no_accounts()

    def line_managed_account_ids(self, manager: User) -> QuerySet[Any, Any]:
        return _no_accounts()

    def reviewers_by_account(self, account_ids: list[int]) -> dict[int, list[User]]:
        return {}

    def names_by_account(
        self, account_ids: list[int], moment: datetime.datetime | None
    ) -> dict[int, str]:
        return {}

    def timeline(self, account: Any) -> Iterable[TimelineSource]:
        return []

    def last_password_change(
        self, account_ref: Any, moment: datetime.datetime | None
    ) -> BaseExpression:
        return Value(None, output_field=models.DateField())

    def open_task_count(self, account_ref: Any, moment: datetime.datetime | None) -> BaseExpression:
        return Value(0, output_field=models.IntegerField())

    def account_section(self, user: User, account: Any) -> str:
        return ""

    def account_approved(
        self, *, account: Any, people: list[User], approver: User, reason: str, now: Any
    ) -> None:
        return None

    def account_closed(self, *, account: Any, actor: User, reason: str, now: Any) -> None:
        return None


_source: ModeratorSource = _NoModerators()


def register(source: ModeratorSource) -> None:
    global _source
    _source = source


def moderators() -> ModeratorSource:
    return _source
