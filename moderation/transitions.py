"""The moves of a moderator assignment (MOD-1): the one table services and pages ask."""

from __future__ import annotations

from typing import Any

from governance.transitions import Move, StateMachine, by_the_portal
from moderation.models import AssignmentState as S
from moderation.models import CaseState, IncidentState, ReportState, TaskCause, TaskKind, TaskState
from moderation.rules import (
    can_add_incident_evidence,
    can_cancel_task,
    can_close_device_report,
    can_close_incident,
    can_complete_task,
    can_end_assignment,
    can_give_legal_advice,
    can_run_abuse_cases,
)

ACTIVATE = "activate"
SUSPEND = "suspend"
RESTORE = "restore"
END = "end"

_OPEN = frozenset({S.AWAITING_DECLARATION, S.ACTIVE, S.SUSPENDED})

ASSIGNMENT: StateMachine[Any] = StateMachine(
    name="assignment",
    states=S.values,
    state_of=lambda assignment: assignment.state,
    moves=[
        # No declaration, no access (DEC-3): a proposed moderator becomes active by signing (or
        # at once, if they already hold a current declaration), never by anyone's say-so.
        Move(
            ACTIVATE,
            frozenset({S.AWAITING_DECLARATION}),
            S.ACTIVE,
            by_the_portal,
            "Make them an active moderator",
            "A moderator becomes active by signing the declaration.",
        ),
        # A lapsed declaration suspends, signing again restores (DEC-3, DEC-4).
        Move(
            SUSPEND,
            frozenset({S.ACTIVE}),
            S.SUSPENDED,
            by_the_portal,
            "Suspend",
            "The portal suspends a moderator whose declaration has lapsed.",
        ),
        Move(
            RESTORE,
            frozenset({S.SUSPENDED}),
            S.ACTIVE,
            by_the_portal,
            "Restore",
            "A suspended moderator is restored by signing the declaration again.",
        ),
        Move(
            END,
            _OPEN,
            S.ENDED,
            can_end_assignment,
            "Stop them moderating",
            "Only Communications or the moderator's line manager can end this.",
        ),
    ],
    wrong_state={
        S.ENDED: "This person no longer moderates the account.",
        S.ACTIVE: "This person is already an active moderator.",
        S.SUSPENDED: "This moderator is suspended until they sign the declaration again.",
        S.AWAITING_DECLARATION: "This moderator has not become active yet.",
    },
)


# Credential tasks (MOD-5). A password change closes its rotation tasks by being recorded
# (MOD-3); every other task is marked done by the person who did it at the platform.
COMPLETE = "complete"
ROTATED = "rotated"
CANCEL = "cancel"
WITHDRAWN = "withdrawn"


def _done_by_hand(task: Any) -> bool:
    return task.kind != TaskKind.ROTATE


def _done_by_password_change(task: Any) -> bool:
    return task.kind == TaskKind.ROTATE


def _raised_by_suspension(task: Any) -> bool:
    return task.cause == TaskCause.SUSPENDED


def _task_closed(task: Any) -> str:
    who = task.done_by.full_name if task.done_by else "The portal"
    done = "marked it as no longer needed" if task.state == TaskState.CANCELLED else "did it"
    return f"This task is already closed: {who} {done}."


def _complete_refused(task: Any) -> str:
    if task.state == TaskState.OPEN:
        return "Record the password change: that closes this task."
    return _task_closed(task)


TASK: StateMachine[Any] = StateMachine(
    name="credential task",
    states=TaskState.values,
    state_of=lambda task: task.state,
    moves=[
        Move(
            COMPLETE,
            frozenset({TaskState.OPEN}),
            TaskState.DONE,
            can_complete_task,
            "Mark as done",
            "Only Communications or another active moderator of the account can do this.",
            wrong_state=_complete_refused,
            when=_done_by_hand,
        ),
        Move(
            ROTATED,
            frozenset({TaskState.OPEN}),
            TaskState.DONE,
            by_the_portal,
            "Password change recorded",
            "A password change closes this task when it is recorded.",
            wrong_state=_task_closed,
            when=_done_by_password_change,
        ),
        Move(
            CANCEL,
            frozenset({TaskState.OPEN}),
            TaskState.CANCELLED,
            can_cancel_task,
            "It is no longer needed",
            "Only Communications can decide that a task is no longer needed.",
            wrong_state=_task_closed,
        ),
        # A suspended moderator who signs again is back before their access was removed.
        Move(
            WITHDRAWN,
            frozenset({TaskState.OPEN}),
            TaskState.CANCELLED,
            by_the_portal,
            "No longer needed: the moderator signed again",
            "The portal withdraws this task when the moderator signs the declaration again.",
            wrong_state=_task_closed,
            when=_raised_by_suspension,
        ),
    ],
)

# Lost or stolen devices (MOD-4): a report closes by itself when its last task is done;
# Communications closes one that affected no account.
CLOSE = "close"
CONFIRM = "confirm"


def _has_no_tasks(report: Any) -> bool:
    return not report.tasks.exists()


def _all_tasks_closed(report: Any) -> bool:
    return not report.tasks.filter(state=TaskState.OPEN).exists()


DEVICE_REPORT: StateMachine[Any] = StateMachine(
    name="lost device report",
    states=ReportState.values,
    state_of=lambda report: report.state,
    moves=[
        Move(
            CLOSE,
            frozenset({ReportState.OPEN}),
            ReportState.CLOSED,
            by_the_portal,
            "Close",
            "The report closes by itself when its last task is done.",
            when=_all_tasks_closed,
        ),
        Move(
            CONFIRM,
            frozenset({ReportState.OPEN}),
            ReportState.CLOSED,
            can_close_device_report,
            "Confirm that no account was affected and close it",
            "Only Communications can close a report.",
            wrong_state=lambda report: (
                "This report is already closed."
                if report.state == ReportState.CLOSED
                else "This report has tasks: it closes by itself when the last one is done."
            ),
            when=_has_no_tasks,
        ),
    ],
    wrong_state={ReportState.CLOSED: "This report is already closed."},
)

# Staff incident reports (INC-1): Communications adds evidence while one is open, links it to the
# register account, and closes it with an outcome.
LINK_ACCOUNT = "link_account"
ADD_EVIDENCE = "add_evidence"

INCIDENT: StateMachine[Any] = StateMachine(
    name="incident",
    states=IncidentState.values,
    state_of=lambda incident: incident.state,
    moves=[
        Move(
            LINK_ACCOUNT,
            frozenset({IncidentState.OPEN}),
            None,
            can_close_incident,
            "Link it to an account in the register",
            "Only Communications can link an incident to an account.",
        ),
        Move(
            ADD_EVIDENCE,
            frozenset({IncidentState.OPEN}),
            None,
            can_add_incident_evidence,
            "Add a screenshot",
            "Only Communications can add evidence to an incident.",
        ),
        Move(
            CLOSE,
            frozenset({IncidentState.OPEN}),
            IncidentState.CLOSED,
            can_close_incident,
            "Close it with an outcome",
            "Only Communications can close an incident.",
        ),
    ],
    wrong_state={IncidentState.CLOSED: "This incident is closed."},
)

# Public abuse cases (INC-2): Communications records the steps of the ladder and closes the case;
# Legal records its advice once consulted.
RECORD_STEP = "record_step"
GIVE_ADVICE = "give_advice"
REOPEN = "reopen"

ABUSE_CASE: StateMachine[Any] = StateMachine(
    name="abuse case",
    states=CaseState.values,
    state_of=lambda case: case.state,
    moves=[
        Move(
            RECORD_STEP,
            frozenset({CaseState.OPEN}),
            None,
            can_run_abuse_cases,
            "Record a step",
            "Only Communications decides what happens in a case.",
        ),
        Move(
            GIVE_ADVICE,
            frozenset({CaseState.OPEN}),
            None,
            can_give_legal_advice,
            "Record your advice",
            "Legal Services records advice on a case once Communications has consulted them.",
        ),
        Move(
            CLOSE,
            frozenset({CaseState.OPEN}),
            CaseState.CLOSED,
            can_run_abuse_cases,
            "Close the case",
            "Only Communications can close a case.",
        ),
        Move(
            REOPEN,
            frozenset({CaseState.CLOSED}),
            CaseState.OPEN,
            can_run_abuse_cases,
            "Reopen the case",
            "Only Communications can reopen a case.",
            wrong_state="This case is open.",
        ),
    ],
    wrong_state={CaseState.CLOSED: "This case is closed. Reopen it to record another step."},
)
