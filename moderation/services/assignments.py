"""Changes to moderator assignments (MOD-1), one function each; every move is checked against
moderation/transitions.py. Ending an assignment through which someone held access raises the
task that removes it (MOD-5), and a leaver's custody of an account raises a handover (ORG-3)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, AccountStatus
from accounts.rules import communications_team
from declarations.selectors import holds_current_declaration
from declarations.services.signing import declaration_record_on_paper
from governance import roles
from governance.changes import record_change
from governance.emails import notify_from
from governance.errors import DomainError
from governance.formatting import long_date
from governance.models import User
from governance.services.profile import profile_get
from moderation import events
from moderation.models import AssignmentState, ModeratorAssignment, TaskCause, TaskKind
from moderation.rules import can_add_moderator, holds_access
from moderation.services.credentials import (
    access_kind,
    rotation_title,
    task_raise,
    tasks_withdraw_for_assignment,
)
from moderation.transitions import ACTIVATE, ASSIGNMENT, END, RESTORE, SUSPEND


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
    existing = _open_assignment(account, person)
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
    if holds_current_declaration(person, now):
        assignment = assignment_activate(assignment=assignment, now=now)
    return assignment


def _open_assignment(account: Any, person: User) -> ModeratorAssignment | None:
    return (
        ModeratorAssignment.objects.filter(account=account, person=person)
        .exclude(state=AssignmentState.ENDED)
        .first()
    )


def assignment_add(
    *,
    actor: User,
    account: Account,
    person: User,
    reason: str,
    now: datetime.datetime | None = None,
) -> ModeratorAssignment:
    """Communications, or a line manager for their team, adds a moderator (MOD-1, MSM 7.2). They
    wait for their declaration; a line manager's change is told to Communications (MSM 7.2)."""
    now = now or timezone.now()
    if not reason.strip():
        raise DomainError("Enter why they should moderate the account", field="reason")
    if person.leaving_date is not None and person.leaving_date <= timezone.localdate(now):
        raise DomainError(
            f"{person.full_name} left the council on {long_date(person.leaving_date)}, so they "
            "cannot moderate an account",
            field="person",
        )
    if not person.is_active:
        raise DomainError(f"{person.full_name} cannot sign in to the portal", field="person")
    with transaction.atomic():
        account = Account.objects.select_for_update(of=("self",)).get(pk=account.pk)
        if not can_add_moderator(actor, account, person):
            if account.status == AccountStatus.CLOSED:
                raise DomainError("The account is closed: it cannot have moderators.")
            if person.line_manager_id == actor.pk:
                raise DomainError(
                    "You can only add your team to accounts it already moderates, and nobody "
                    f"in your team moderates {account.name}. Ask Communications to add "
                    f"{person.full_name}.",
                    field="person",
                )
            raise DomainError(
                f"You can only add people in your own team, and {person.full_name} is not in "
                "it. Ask Communications to add them.",
                field="person",
            )
        existing = _open_assignment(account, person)
        if existing is not None:
            raise DomainError(
                f"{person.full_name} already moderates {account.name} "
                f"({existing.get_state_display().lower()} since {long_date(existing.starts_on)})",
                field="person",
            )
        assignment = assignment_propose(
            account=account, person=person, granted_by=actor, reason=reason.strip(), now=now
        )
        context = {"assignment": assignment, "account": account, "actor": actor}
        notify_from(
            "moderation/email/assignment_added.txt",
            context,
            recipients=[person],
            key=f"assignment:{assignment.pk}:added",
            url=reverse("home"),
            now=now,
        )
        if not roles.is_communications(actor):
            notify_from(
                "moderation/email/assignment_added_by_manager.txt",
                context,
                recipients=communications_team(),
                key=f"assignment:{assignment.pk}:added:communications",
                url=reverse("register_account", args=[account.pk]),
                now=now,
            )
    return assignment


def assignment_record_existing(
    *, account: Any, person: User, actor: User, now: datetime.datetime | None = None
) -> ModeratorAssignment:
    """A moderator who already had access before the council had the portal (loading the old
    register): active from the start, their paper declaration standing for the profile's grace
    period, in which the portal asks them to sign (DEC-4)."""
    now = now or timezone.now()
    declaration_record_on_paper(person=person, actor=actor, now=now)
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
    cause: str = TaskCause.ASSIGNMENT_ENDED,
) -> ModeratorAssignment:
    """Someone stops moderating an account. ``by_the_portal``: the end follows from another
    change (the account closed, the person left), so the portal makes it, whoever made that.
    Access they held is removed: their role, or the shared password (MOD-5)."""
    if not by_the_portal and not reason.strip():
        raise DomainError("Enter why they are no longer moderating the account", field="reason")
    with transaction.atomic():
        assignment = (
            ModeratorAssignment.objects.select_for_update(of=("self",))
            .select_related("person", "account")
            .get(pk=assignment.pk)
        )
        if assignment.state == AssignmentState.ENDED and by_the_portal:
            return assignment
        if by_the_portal:
            ASSIGNMENT.check_state(END, assignment)
        else:
            ASSIGNMENT.check(actor, END, assignment)
        held_access = holds_access(assignment)
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
        if held_access and assignment.account.status != AccountStatus.CLOSED:
            _raise_access_task(assignment, actor=actor, cause=cause, reason=reason, now=now)
        return assignment


def assignment_suspend(
    *, assignment: ModeratorAssignment, reason: str, now: datetime.datetime | None = None
) -> ModeratorAssignment:
    """The portal suspends a moderator whose declaration has lapsed (DEC-3, MSM 7.3): the
    access they hold is removed until they sign again."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = (
            ModeratorAssignment.objects.select_for_update(of=("self",))
            .select_related("person", "account")
            .get(pk=assignment.pk)
        )
        assignment.state = ASSIGNMENT.check_state(SUSPEND, assignment).to
        record_change(
            assignment,
            actor=None,
            action=events.ASSIGNMENT_SUSPENDED,
            summary=f"{assignment.person.full_name} was suspended as a moderator of "
            f"{assignment.account.name}",
            reason=reason,
            data={"account": assignment.account_id},
            update_fields=["state"],
            now=now,
        )
        if assignment.account.status != AccountStatus.CLOSED:
            _raise_access_task(
                assignment, actor=None, cause=TaskCause.SUSPENDED, reason=reason, now=now
            )
        return assignment


_WHY = {True: "is suspended", False: "no longer moderates it"}


def _raise_access_task(
    assignment: ModeratorAssignment, *, actor: User | None, cause: str, reason: str, now: Any
) -> None:
    account, person = assignment.account, assignment.person
    kind = access_kind(account)
    if kind == TaskKind.REMOVE_ACCESS:
        title = f"Remove {person.full_name}'s role on {account.name}"
    else:
        title = rotation_title(account)
    task_raise(
        account=account,
        kind=kind,
        cause=cause,
        key=f"assignment:{assignment.pk}",
        title=title,
        why=f"{person.full_name} {_WHY[cause == TaskCause.SUSPENDED]}: {reason.strip()}",
        actor=actor,
        now=now,
        due_days=profile_get().credential_task_days,
        person=person,
        assignment=assignment,
    )


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


def _portal_move(
    assignment: ModeratorAssignment, move: str, *, action: str, summary: str, reason: str, now: Any
) -> ModeratorAssignment:
    with transaction.atomic():
        assignment = (
            ModeratorAssignment.objects.select_for_update(of=("self",))
            .select_related("person", "account")
            .get(pk=assignment.pk)
        )
        assignment.state = ASSIGNMENT.check_state(move, assignment).to
        record_change(
            assignment,
            actor=None,
            action=action,
            summary=summary.format(
                person=assignment.person.full_name, account=assignment.account.name
            ),
            reason=reason,
            data={"account": assignment.account_id},
            update_fields=["state"],
            now=now,
        )
        return assignment


def assignment_activate(
    *, assignment: ModeratorAssignment, now: datetime.datetime | None = None
) -> ModeratorAssignment:
    """A proposed moderator who holds a current declaration becomes active (DEC-3): the portal
    makes this move when they sign, or at once if they already hold one."""
    return _portal_move(
        assignment,
        ACTIVATE,
        action=events.ASSIGNMENT_ACTIVATED,
        summary="{person} became an active moderator of {account}",
        reason="They hold a current declaration",
        now=now or timezone.now(),
    )


def assignment_restore(
    *, assignment: ModeratorAssignment, now: datetime.datetime | None = None
) -> ModeratorAssignment:
    """A moderator suspended for a lapsed declaration signs again and is restored (DEC-3); the
    access tasks the suspension raised, if still open, are no longer needed."""
    now = now or timezone.now()
    reason = "They signed the declaration again"
    with transaction.atomic():
        assignment = _portal_move(
            assignment,
            RESTORE,
            action=events.ASSIGNMENT_RESTORED,
            summary="{person} was restored as a moderator of {account}",
            reason=reason,
            now=now,
        )
        tasks_withdraw_for_assignment(assignment, reason=reason, now=now)
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
        cause=TaskCause.LEAVER,
    )


def custody_for_leaver(*, person: User, actor: User | None, now: datetime.datetime) -> int:
    """What a leaver held for an account beyond moderating it (the second factor, being its
    responsible officer) is handed over by Communications (ORG-3, REG-1a)."""
    left_on = person.leaving_date or timezone.localdate(now)
    raised = 0
    for account in Account.objects.exclude(status=AccountStatus.CLOSED).filter(
        Q(second_factor_holder=person) | Q(responsible_officer=person)
    ):
        held = [
            what
            for what, holds in (
                ("the second factor", account.second_factor_holder_id == person.pk),
                ("responsibility for the account", account.responsible_officer_id == person.pk),
            )
            if holds
        ]
        task_raise(
            account=account,
            kind=TaskKind.CUSTODY,
            cause=TaskCause.LEAVER,
            key=f"custody:{person.pk}:{account.pk}",
            title=f"Hand over {' and '.join(held)} of {account.name} from {person.full_name}",
            why=f"{person.full_name} left the council on {long_date(left_on)}",
            actor=actor,
            now=now,
            due_days=profile_get().credential_task_days,
            person=person,
        )
        raised += 1
    return raised
