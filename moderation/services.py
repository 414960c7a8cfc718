"""Changes to moderator assignments (MOD-1), one function each. The moderators issue adds the
rest; every move is checked against moderation/transitions.py."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
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
    follows: str = "",
    ends_on: datetime.date | None = None,
) -> ModeratorAssignment:
    """Someone stops moderating an account. ``follows`` names the change this one follows from
    (an account closed): the portal makes it then, whoever made that change."""
    with transaction.atomic():
        assignment = (
            ModeratorAssignment.objects.select_for_update(of=("self",))
            .select_related("person", "account")
            .get(pk=assignment.pk)
        )
        if assignment.state == AssignmentState.ENDED:
            return assignment
        if follows:
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


def assignments_end_for_account(
    *, account: Any, actor: User, reason: str, now: datetime.datetime
) -> int:
    """A closed account has no moderators: every open assignment ends today."""
    open_assignments = list(
        ModeratorAssignment.objects.filter(account=account)
        .exclude(state=AssignmentState.ENDED)
        .select_related("person", "account")
    )
    for assignment in open_assignments:
        assignment_end(
            assignment=assignment, actor=actor, reason=reason, now=now, follows="account closed"
        )
    return len(open_assignments)


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
    open_assignments = list(
        ModeratorAssignment.objects.filter(person=person)
        .exclude(state=AssignmentState.ENDED)
        .select_related("person", "account")
    )
    left_on = person.leaving_date or timezone.localdate(now)
    for assignment in open_assignments:
        assignment_end(
            assignment=assignment,
            actor=actor,
            reason=f"{person.full_name} left the council on {long_date(left_on)}",
            now=now,
            follows="left",
            ends_on=left_on,
        )
    return len(open_assignments)
