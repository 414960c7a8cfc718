"""The moves of a moderator assignment (MOD-1): the one table services and pages ask."""

from __future__ import annotations

from typing import Any

from governance.transitions import Move, StateMachine, by_the_portal
from moderation.models import AssignmentState as S
from moderation.rules import can_end_assignment, can_manage_assignments

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
        # Until declarations gate access (DEC-3), Communications can let a proposed moderator in.
        Move(
            ACTIVATE,
            frozenset({S.AWAITING_DECLARATION}),
            S.ACTIVE,
            can_manage_assignments,
            "Make them an active moderator",
            "Only Communications can make someone an active moderator.",
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
