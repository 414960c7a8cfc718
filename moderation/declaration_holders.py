"""What moderation tells declarations (declarations.holders): who must sign, and what signing
or a lapse does to their assignments (DEC-3)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.rules import communications_team
from governance.emails import notify_from
from governance.models import User
from moderation.models import AssignmentState, ModeratorAssignment
from moderation.register_source import assignments_as_of
from moderation.rules import OPEN_STATES
from moderation.services.assignments import (
    assignment_activate,
    assignment_restore,
    assignment_suspend,
)


def _assignments(moment: datetime.datetime | None) -> QuerySet[Any, Any]:
    """The assignments now, or as they stood at ``moment`` (their history rows then)."""
    return ModeratorAssignment.objects.all() if moment is None else assignments_as_of(moment)


class ModerationHolders:
    def must_sign_on(self, day: datetime.date) -> Q:
        """Open assignments (suspended ones too) of people who have not left by ``day``: who
        has left is read as the set of the few leavers (an index on ``leaving_date``), not by
        joining the assignments to every member of staff, which made PostgreSQL hash all
        100,000 staff each time the declarations list asked who must sign."""
        leavers = User.objects.filter(leaving_date__lte=day).values("pk")
        return Q(state__in=OPEN_STATES) & ~Q(person_id__in=leavers)

    def suspended_on(self, day: datetime.date) -> Q:
        return Q(state=AssignmentState.SUSPENDED)

    def history(self) -> QuerySet[Any, Any] | None:
        return ModeratorAssignment.history.all()

    def must_sign(self, moment: datetime.datetime | None = None) -> QuerySet[Any, Any]:
        day = timezone.localdate(moment)
        return _assignments(moment).filter(self.must_sign_on(day)).values("person_id")

    def suspended(self, moment: datetime.datetime | None = None) -> QuerySet[Any, Any]:
        day = timezone.localdate(moment)
        return _assignments(moment).filter(self.suspended_on(day)).values("person_id")

    def accounts_by_person(
        self, person_ids: list[int], moment: datetime.datetime | None = None
    ) -> dict[int, list[tuple[str, str]]]:
        grouped: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for assignment in (
            _assignments(moment)
            .filter(person_id__in=person_ids, state__in=OPEN_STATES)
            .select_related("account")
            .order_by("account__name")
        ):
            grouped[assignment.person_id].append(
                (assignment.account.name, assignment.get_state_display())
            )
        return grouped

    def signed(self, *, person: User, now: datetime.datetime) -> list[str]:
        opened = []
        for assignment in ModeratorAssignment.objects.filter(
            person=person,
            state__in=[AssignmentState.AWAITING_DECLARATION, AssignmentState.SUSPENDED],
        ).select_related("account"):
            if assignment.state == AssignmentState.SUSPENDED:
                assignment_restore(assignment=assignment, now=now)
            else:
                assignment_activate(assignment=assignment, now=now)
            opened.append(assignment.account.name)
        if opened:
            notify_from(
                "moderation/email/moderator_now_active.txt",
                {"person": person, "accounts": opened},
                recipients=communications_team(),
                key=f"declaration-signed:{person.pk}:{now.isoformat()}",
                url=reverse("credential_tasks"),
                now=now,
            )
        return opened

    def lapsed(self, *, person: User, reason: str, now: datetime.datetime) -> list[str]:
        suspended = []
        for assignment in ModeratorAssignment.objects.filter(
            person=person, state=AssignmentState.ACTIVE
        ).select_related("account"):
            assignment_suspend(assignment=assignment, reason=reason, now=now)
            suspended.append(assignment.account.name)
        return suspended
