"""Who must hold a declaration, and what signing or a lapse does to their access (DEC-3).

``declarations`` sits below ``accounts`` and ``moderation`` (the import-linter contracts in
pyproject.toml): it knows people and policy versions, not accounts. ``moderation`` registers a
``DeclarationHolders`` when Django starts (moderation/apps.py), the way it registers its
moderator counts with the register. Without one, nobody has to sign and signing opens nothing.
"""

from __future__ import annotations

import datetime
from typing import Any, Protocol

from django.db.models import Q, QuerySet

from governance.models import User


class DeclarationHolders(Protocol):
    def must_sign(self, moment: datetime.datetime | None = None) -> QuerySet[Any, Any]:
        """Values of ``person_id``: everyone who moderates, or is waiting to moderate, an
        official account, including those suspended until they sign (now, or at ``moment``)."""

    def suspended(self, moment: datetime.datetime | None = None) -> QuerySet[Any, Any]:
        """Values of ``person_id``: moderators suspended because their declaration lapsed."""

    def history(self) -> QuerySet[Any, Any] | None:
        """Every history row of the assignments (``person_id``, ``state``), for counting who
        had to sign at many past moments in one query (``must_sign_on``, ``suspended_on``)."""

    def must_sign_on(self, day: datetime.date) -> Q:
        """``must_sign`` as a condition on an assignment, or its history row, on ``day``."""

    def suspended_on(self, day: datetime.date) -> Q:
        """``suspended`` as a condition on an assignment, or its history row, on ``day``."""

    def accounts_by_person(
        self, person_ids: list[int], moment: datetime.datetime | None = None
    ) -> dict[int, list[tuple[str, str]]]:
        """(account name, assignment state label) of each person's open assignments."""

    def signed(self, *, person: User, now: datetime.datetime) -> list[str]:
        """The person holds a current declaration: what was waiting for it opens. Returns the
        accounts they became active on."""

    def lapsed(self, *, person: User, reason: str, now: datetime.datetime) -> list[str]:
        """The person's declaration lapsed: their access is suspended. Returns the accounts."""


class _Nobody:
    def must_sign(self, moment: datetime.datetime | None = None) -> QuerySet[Any, Any]:
        return User.objects.none().values("pk")

    def suspended(self, moment: datetime.datetime | None = None) -> QuerySet[Any, Any]:
        return User.objects.none().values("pk")

    def history(self) -> QuerySet[Any, Any] | None:
        return None

    def must_sign_on(self, day: datetime.date) -> Q:
        return Q(pk__in=[])

    def suspended_on(self, day: datetime.date) -> Q:
        return Q(pk__in=[])

    def accounts_by_person(
        self, person_ids: list[int], moment: datetime.datetime | None = None
    ) -> dict[int, list[tuple[str, str]]]:
        return {}

    def signed(self, *, person: User, now: datetime.datetime) -> list[str]:
        return []

    def lapsed(self, *, person: User, reason: str, now: datetime.datetime) -> list[str]:
        return []


_holders: DeclarationHolders = _Nobody()


def register(holders: DeclarationHolders) -> None:
    global _holders
    _holders = holders


def holders() -> DeclarationHolders:
    return _holders
