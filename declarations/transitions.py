"""The moves of a policy version (DEC-1): drafted and edited by the Policy owner, published
(frozen from then on), retired by the portal when a later version is published."""

from __future__ import annotations

from typing import Any

from declarations.models import VersionState as S
from declarations.rules import can_change_version
from governance.transitions import Move, StateMachine, by_the_portal

EDIT = "edit"
PUBLISH = "publish"
RETIRE = "retire"


VERSION: StateMachine[Any] = StateMachine(
    name="policy version",
    states=S.values,
    state_of=lambda version: version.state,
    moves=[
        Move(
            EDIT,
            frozenset({S.DRAFT}),
            S.DRAFT,
            can_change_version,
            "Edit the draft",
            "Only the Policy owner can change a draft.",
        ),
        Move(
            PUBLISH,
            frozenset({S.DRAFT}),
            S.PUBLISHED,
            can_change_version,
            "Publish this version",
            "Only the Policy owner can publish a version.",
            when=lambda version: bool(version.text.strip() and version.statements),
        ),
        Move(
            RETIRE,
            frozenset({S.PUBLISHED}),
            S.RETIRED,
            by_the_portal,
            "Retire",
            "A version is retired when a later one is published.",
        ),
    ],
    wrong_state={
        S.PUBLISHED: "This version is published: its text and statements cannot change. "
        "Start a new draft instead.",
        S.RETIRED: "This version was retired by a later one: it cannot change.",
        S.DRAFT: "A draft needs its text and at least one statement before it is published.",
    },
)
