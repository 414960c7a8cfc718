"""Changes to moderator assignments (MOD-1). The moderators issue adds the rest."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Account
from governance.models import User
from governance.services.events import event_record
from moderation.models import AssignmentState, ModeratorAssignment


def assignment_propose(
    *,
    account: Account,
    person: User,
    granted_by: User | None,
    reason: str,
    now: datetime.datetime | None = None,
) -> ModeratorAssignment:
    """A proposed moderator waits for their declaration before they become active (DEC-3)."""
    now = now or timezone.now()
    assignment, created = ModeratorAssignment.objects.get_or_create(
        account=account,
        person=person,
        state=AssignmentState.AWAITING_DECLARATION,
        defaults={
            "granted_by": granted_by,
            "reason": reason,
            "starts_on": timezone.localdate(now),
            "created_at": now,
        },
    )
    if created:
        event_record(
            actor=granted_by,
            action="assignment.proposed",
            subject=assignment,
            summary=f"{person.full_name} was proposed as a moderator of {account.name}",
            reason=reason,
            data={"account": account.pk},
            now=now,
        )
    return assignment
