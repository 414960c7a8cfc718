"""Changes to moderator assignments (MOD-1), one function each. The moderators issue adds the
rest; every move is checked against moderation/transitions.py."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from governance.changes import record_change
from governance.formatting import long_date
from governance.models import User
from moderation import events
from moderation.models import AssignmentState, ModeratorAssignment
from moderation.transitions import ACTIVATE, ASSIGNMENT, END


def assignment_propose(
    *,
    account: Any,
    person: User,
    granted_by: User | None,
    reason: str,
    now: datetime.datetime | None = None,
) -> ModeratorAssignment:
    """A proposed moderator waits for their declaration before they become active (DEC-3)."""
    now = now or timezone.now()
    existing = (
        ModeratorAssignment.objects.filter(account=account, person=person)
        .exclude(state=AssignmentState.ENDED)
        .first()
    )
    if existing is not None:
        return existing
    assignment = ModeratorAssignment(
        account=account,
        person=person,
        state=AssignmentState.AWAITING_DECLARATION,
        granted_by=granted_by,
        reason=reason,
        starts_on=timezone.localdate(now),
        created_at=now,
    )
    record_change(
        assignment,
        actor=granted_by,
        action=events.ASSIGNMENT_PROPOSED,
        summary=f"{person.full_name} was proposed as a moderator of {account.name}",
        reason=reason,
        data={"account": account.pk},
        now=now,
    )
    return assignment


def assignment_record_existing(
    *, account: Any, person: User, actor: User, now: datetime.datetime | None = None
) -> ModeratorAssignment:
    """A moderator who already had access before the council had the portal (loading the old
    register): active from the start, their paper declaration standing until the portal asks
    for a new one."""
    now = now or timezone.now()
    assignment = ModeratorAssignment(
        account=account,
        person=person,
        state=AssignmentState.ACTIVE,
        granted_by=actor,
        reason="Moderator before the portal",
        starts_on=timezone.localdate(now),
        created_at=now,
    )
    record_change(
        assignment,
        actor=actor,
        action=events.ASSIGNMENT_RECORDED,
        summary=f"{person.full_name} was recorded as an active moderator of {account.name}",
        now=now,
    )
    return assignment


def assignment_end(
    *,
    assignment: ModeratorAssignment,
    actor: User | None,
    reason: str,
    now: datetime.datetime,
    by_the_portal: bool = False,
    ends_on: datetime.date | None = None,
) -> ModeratorAssignment:
    """Someone stops moderating an account. ``by_the_portal``: the end follows from another
    change (the account closed, the person left), so the portal makes it, whoever made that."""
    with transaction.atomic():
        assignment = (
            ModeratorAssignment.objects.select_for_update(of=("self",))
            .select_related("person", "account")
            .get(pk=assignment.pk)
        )
        if assignment.state == AssignmentState.ENDED:
            return assignment
        if by_the_portal:
            ASSIGNMENT.check_state(END, assignment)
        else:
            ASSIGNMENT.check(actor, END, assignment)
        assignment.state = AssignmentState.ENDED
        assignment.ends_on = ends_on or timezone.localdate(now)
        record_change(
            assignment,
            actor=actor,
            action=events.ASSIGNMENT_ENDED,
            summary=f"{assignment.person.full_name} stopped moderating {assignment.account.name}",
            reason=reason,
            data={"account": assignment.account_id},
            update_fields=["state", "ends_on"],
            now=now,
        )
        return assignment


def _end_open(assignments: QuerySet[ModeratorAssignment], *, actor: User | None, **end: Any) -> int:
    """End every open assignment among these, as a consequence of another change."""
    open_assignments = list(
        assignments.exclude(state=AssignmentState.ENDED).select_related("person", "account")
    )
    for assignment in open_assignments:
        assignment_end(assignment=assignment, actor=actor, by_the_portal=True, **end)
    return len(open_assignments)


def assignments_end_for_account(
    *, account: Any, actor: User, reason: str, now: datetime.datetime
) -> int:
    """A closed account has no moderators: every open assignment ends today."""
    return _end_open(
        ModeratorAssignment.objects.filter(account=account), actor=actor, reason=reason, now=now
    )


def assignment_activate(
    *, assignment: ModeratorAssignment, actor: User, now: datetime.datetime | None = None
) -> ModeratorAssignment:
    """Communications lets a proposed moderator in. Once declarations gate access (DEC-3), a
    current declaration will be the only way in."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = (
            ModeratorAssignment.objects.select_for_update(of=("self",))
            .select_related("person", "account")
            .get(pk=assignment.pk)
        )
        assignment.state = ASSIGNMENT.check(actor, ACTIVATE, assignment).to
        record_change(
            assignment,
            actor=actor,
            action=events.ASSIGNMENT_ACTIVATED,
            summary=f"{assignment.person.full_name} became an active moderator of "
            f"{assignment.account.name}",
            update_fields=["state"],
            now=now,
        )
        return assignment


def assignments_end_for_leaver(*, person: User, actor: User | None, now: datetime.datetime) -> int:
    """A leaver moderates nothing from their leaving date (ORG-3, MSM 7.2)."""
    left_on = person.leaving_date or timezone.localdate(now)
    return _end_open(
        ModeratorAssignment.objects.filter(person=person),
        actor=actor,
        reason=f"{person.full_name} left the council on {long_date(left_on)}",
        now=now,
        ends_on=left_on,
    )
