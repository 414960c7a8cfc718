"""The moves of a breach record (HR-1): the one table services and pages ask."""

from __future__ import annotations

from typing import Any

from breaches.models import BreachState as S
from breaches.rules import handles_breaches
from governance.transitions import Move, StateMachine

INVESTIGATE = "investigate"
EDIT = "edit"
CLOSE = "close"
REOPEN = "reopen"

BREACH: StateMachine[Any] = StateMachine(
    name="breach record",
    states=S.values,
    state_of=lambda record: record.state,
    moves=[
        Move(
            INVESTIGATE,
            frozenset({S.RECEIVED}),
            S.INVESTIGATING,
            handles_breaches,
            "Start looking into it",
            "Only HR looks into breaches.",
        ),
        Move(
            EDIT,
            frozenset({S.RECEIVED, S.INVESTIGATING}),
            None,
            handles_breaches,
            "Change the details",
            "Only HR changes breach records.",
        ),
        Move(
            CLOSE,
            frozenset({S.RECEIVED, S.INVESTIGATING}),
            S.CLOSED,
            handles_breaches,
            "Close it with an outcome",
            "Only HR closes breach records.",
        ),
        Move(
            REOPEN,
            frozenset({S.CLOSED}),
            S.INVESTIGATING,
            handles_breaches,
            "Reopen it",
            "Only HR reopens breach records.",
            wrong_state="This record is open.",
        ),
    ],
    wrong_state={
        S.CLOSED: "This record is closed. Reopen it to change it.",
        # Said to a second tab or a double click on "Start looking into it".
        S.INVESTIGATING: "HR is already looking into this.",
    },
)
