"""What moderation tells the register (accounts.moderators): counts, who sees which account,
the account page's list of moderators, export columns and timeline entries, and what happens
to moderators when an account is approved or closed."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, DateField, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.db.models.expressions import BaseExpression
from django.template.loader import render_to_string

from accounts.moderators import TimelineSource
from declarations.selectors import (
    current_declaration_exists,
    reminder_window_days,
    status_of,
    with_status,
)
from governance.models import User
from governance.services.profile import profile_get
from moderation.models import (
    AssignmentState,
    CredentialTask,
    ModeratorAssignment,
    PasswordChange,
    TaskState,
)
from moderation.rules import (
    MODERATING_STATES,
    OPEN_STATES,
    can_add_moderators,
    can_record_password_change,
    can_run_abuse_cases,
)
from moderation.selectors import (
    assignments_of,
    open_tasks_as_of,
    password_changes_as_of,
    password_changes_of,
    recovery_plan_due_on,
    recovery_plan_overdue,
    tasks_of_account,
)
from moderation.services.assignments import assignment_propose, assignments_end_for_account
from moderation.transitions import ASSIGNMENT, END

TIMELINE_LABELS = {
    "state": "state",
    "starts_on": "start date",
    "ends_on": "end date",
    "person": "moderator",
    "reason": "reason",
    "granted_by": "granted by",
}


TASK_TIMELINE_LABELS = {"state": "state", "due_on": "due date", "done_note": "note"}


def assignments_as_of(moment: datetime.datetime) -> QuerySet[Any, Any]:
    history = ModeratorAssignment.history
    return history.filter(history_date__lt=moment).latest_of_each().exclude(history_type="-")


class ModerationSource:
    def active_count(self, account_ref: Any, moment: datetime.datetime | None) -> BaseExpression:
        if moment is None:
            rows: QuerySet[Any, Any] = ModeratorAssignment.objects.filter(account=account_ref)
            key = "pk"
        else:
            rows = assignments_as_of(moment).filter(account_id=account_ref)
            key = "history_id"
        counts = (
            rows.filter(state=AssignmentState.ACTIVE)
            .order_by()
            .values("account_id")
            .annotate(total=Count(key))
            .values("total")
        )
        return Subquery(counts, output_field=IntegerField())

    def unsigned_count(self, account_ref: Any, moment: datetime.datetime | None) -> BaseExpression:
        if moment is None:
            rows: QuerySet[Any, Any] = ModeratorAssignment.objects.filter(account=account_ref)
            key = "pk"
        else:
            rows = assignments_as_of(moment).filter(account_id=account_ref)
            key = "history_id"
        counts = (
            rows.filter(state__in=OPEN_STATES)
            .filter(~current_declaration_exists(OuterRef("person_id"), moment))
            .order_by()
            .values("account_id")
            .annotate(total=Count(key))
            .values("total")
        )
        return Subquery(counts, output_field=IntegerField())

    def last_password_change(
        self, account_ref: Any, moment: datetime.datetime | None
    ) -> BaseExpression:
        latest = (
            password_changes_as_of(moment)
            .filter(account_id=account_ref)
            .order_by()
            .values("account_id")
            .annotate(latest=Max("changed_on"))
            .values("latest")
        )
        return Subquery(latest, output_field=DateField())

    def open_task_count(self, account_ref: Any, moment: datetime.datetime | None) -> BaseExpression:
        counts = (
            open_tasks_as_of(moment)
            .filter(account_id=account_ref)
            .order_by()
            .values("account_id")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return Subquery(counts, output_field=IntegerField())

    def account_section(self, user: User, account: Any) -> str:
        profile = profile_get()
        due = recovery_plan_due_on(account, profile.recovery_plan_test_months)
        # Each moderator's declaration status read with their assignment (status_of reads it);
        # typed loosely, as mypy's Django plugin does not see with_status's annotations.
        person: QuerySet[Any, Any] = with_status(
            User.objects.filter(pk=OuterRef("person_id")),
            window_days=reminder_window_days(profile),
        )
        assignments = list(
            assignments_of(account).annotate(
                declaration_status=Subquery(person.values("declaration_status")[:1]),
                declaration_lapses_on=Subquery(person.values("declaration_lapses_on")[:1]),
            )
        )
        return render_to_string(
            "moderation/_account_section.html",
            {
                "account": account,
                "assignments": [
                    (
                        assignment,
                        ASSIGNMENT.allowed_moves(user, assignment),
                        # An ended moderator's declaration no longer opens anything here.
                        status_of(assignment) if assignment.state in OPEN_STATES else None,
                    )
                    for assignment in assignments
                ],
                # What may be done about a task is on its own page.
                "tasks": list(tasks_of_account(account).filter(state=TaskState.OPEN)[:20]),
                "password_changes": list(password_changes_of(account)[:5]),
                "can_add": can_add_moderators(user, account),
                "can_record_password": can_record_password_change(user, account),
                "can_open_abuse_case": can_run_abuse_cases(user),
                "recovery_plan_due": due,
                "recovery_plan_overdue": recovery_plan_overdue(account, due),
            },
        )

    def moderated_account_ids(self, user: User) -> QuerySet[Any, Any]:
        return ModeratorAssignment.objects.filter(person=user, state__in=MODERATING_STATES).values(
            "account_id"
        )

    def line_managed_account_ids(self, manager: User) -> QuerySet[Any, Any]:
        return ModeratorAssignment.objects.filter(
            person__line_manager=manager, state__in=MODERATING_STATES
        ).values("account_id")

    def reviewers_by_account(self, account_ids: list[int]) -> dict[int, list[User]]:
        grouped: dict[int, list[User]] = defaultdict(list)
        for assignment in ModeratorAssignment.objects.filter(
            account_id__in=account_ids, state__in=MODERATING_STATES
        ).select_related("person__line_manager"):
            grouped[assignment.account_id].append(assignment.person)
        return grouped

    def names_by_account(
        self, account_ids: list[int], moment: datetime.datetime | None
    ) -> dict[int, str]:
        source = ModeratorAssignment.objects if moment is None else assignments_as_of(moment)
        found = list(
            source.filter(state__in=ASSIGNMENT[END].sources, account_id__in=account_ids)
            .order_by()
            .values_list("account_id", "person_id", "state")
        )
        # The names by key, in a second query: joined, PostgreSQL hashes every member of staff.
        names = dict(
            User.objects.filter(pk__in={person for _, person, _ in found}).values_list(
                "pk", "full_name"
            )
        )
        states = {state.value: state.label.lower() for state in AssignmentState}
        grouped: dict[int, list[str]] = defaultdict(list)
        for account_id, person, state in sorted(found, key=lambda row: names.get(row[1], "")):
            grouped[account_id].append(f"{names.get(person, '?')} ({states[state]})")
        return {account: "; ".join(people) for account, people in grouped.items()}

    def timeline(self, account: Any) -> Iterable[TimelineSource]:
        ids = ModeratorAssignment.objects.filter(account=account).values("pk")
        task_ids = CredentialTask.objects.filter(account=account).values("pk")
        return [
            TimelineSource(
                model=ModeratorAssignment,
                ids=ids,
                history=list(
                    ModeratorAssignment.history.filter(id__in=ids)
                    .select_related("person", "granted_by", "history_user")
                    .order_by("history_date", "history_id")
                ),
                labels=TIMELINE_LABELS,
                noun="a moderator",
            ),
            TimelineSource(
                model=CredentialTask,
                ids=task_ids,
                history=list(
                    CredentialTask.history.filter(id__in=task_ids)
                    .select_related("person", "history_user")
                    .order_by("history_date", "history_id")
                ),
                labels=TASK_TIMELINE_LABELS,
                noun="a credential task",
            ),
            # Password changes are told by their events only: they are never edited.
            TimelineSource(
                model=PasswordChange,
                ids=password_changes_of(account).order_by().values("pk"),
                history=[],
                labels={},
                noun="a password change",
            ),
        ]

    def account_approved(
        self, *, account: Any, people: list[User], approver: User, reason: str, now: Any
    ) -> None:
        for person in people:
            assignment_propose(
                account=account, person=person, granted_by=approver, reason=reason, now=now
            )

    def account_closed(self, *, account: Any, actor: User, reason: str, now: Any) -> None:
        assignments_end_for_account(account=account, actor=actor, reason=reason, now=now)
