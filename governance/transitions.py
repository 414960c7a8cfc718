"""State machines as tables: the one place where a move's rule lives.

Each machine lists its moves: from which states, to which state, who may make the move (a named
predicate from the app's ``rules.py``) and what a person is told when they may not. Services ask
``check`` before they change anything; pages ask ``allowed`` to decide which buttons to show;
forms restate none of it. A move whose target is ``None`` leaves the state to the service (an
approval moves the request on to the next step or approves it).

Moves the portal makes by itself (a step becoming due, a declaration lapsing) have the predicate
``by_the_portal``: no person may make them, so no page offers them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from governance.errors import DomainError

Subject = TypeVar("Subject")
Predicate = Callable[[Any, Any], bool]
Refusal = str | Callable[[Any], str]


def by_the_portal(user: Any, subject: Any) -> bool:
    """Scheduled work and follow-on moves: never offered to a person. The policies give these
    to no one's discretion: a lapsed declaration denies access (MSM 7.3), a decided step moves
    the request on (REQ-3)."""
    return False


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str]
    target: str | None
    who: Predicate
    label: str
    refused: str  # told to someone the predicate turns away
    # What is said when the record's state forbids this move, if not the machine's own words.
    wrong_state: Refusal | None = None
    # A condition on the record beyond its state (a closure recommended by a review).
    when: Callable[[Any], bool] | None = None

    def reaches(self, state: str) -> bool:
        return state in self.sources

    def possible(self, state: str, subject: Any) -> bool:
        return self.reaches(state) and (self.when is None or self.when(subject))

    @property
    def to(self) -> str:
        """The state the move leads to, for moves that name one."""
        if self.target is None:
            raise ValueError(f"The move {self.name} leaves its state to the service.")
        return self.target


@dataclass
class StateMachine(Generic[Subject]):
    """The moves of one kind of record, with what is said when its state forbids a move."""

    name: str
    states: Iterable[str]
    moves: list[Move]
    # Why nothing can happen to a record in this state; a callable sees the record.
    wrong_state: dict[str, Refusal] = field(default_factory=dict)
    state_of: Callable[[Any], str] = lambda subject: subject.status

    def __post_init__(self) -> None:
        self.states = tuple(self.states)
        self._by_name = {move.name: move for move in self.moves}
        for move in self.moves:
            named = set(move.sources) | ({move.target} if move.target else set())
            unknown = named - set(self.states)
            if unknown:
                raise ValueError(f"{self.name}.{move.name} names unknown states {unknown}")

    def __getitem__(self, name: str) -> Move:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def state_allows(self, name: str, subject: Subject) -> bool:
        return self[name].possible(self.state_of(subject), subject)

    def allowed(self, user: Any, name: str, subject: Subject) -> bool:
        """Whether this person may make this move now: what a page asks before a button."""
        move = self[name]
        return move.possible(self.state_of(subject), subject) and move.who(user, subject)

    def allowed_moves(self, user: Any, subject: Subject) -> list[str]:
        """The moves this person may make now; a predicate shared by several moves (approve,
        return and reject) is asked once."""
        state = self.state_of(subject)
        answers: dict[Predicate, bool] = {}
        allowed = []
        for move in self.moves:
            if not move.possible(state, subject):
                continue
            if move.who not in answers:
                answers[move.who] = move.who(user, subject)
            if answers[move.who]:
                allowed.append(move.name)
        return allowed

    def refusal(self, user: Any, name: str, subject: Subject) -> str | None:
        """What this person is told if they try the move now, or None if they may."""
        move = self[name]
        if not move.possible(self.state_of(subject), subject):
            return self._wrong_state(move, subject)
        if not move.who(user, subject):
            return move.refused
        return None

    def check(self, user: Any, name: str, subject: Subject) -> Move:
        """Raise the refusal as a DomainError, or return the move: what a service asks."""
        if name not in self:
            raise DomainError("Choose what to do.")
        refusal = self.refusal(user, name, subject)
        if refusal is not None:
            raise DomainError(refusal)
        return self[name]

    def check_state(self, name: str, subject: Subject) -> Move:
        """For the portal's own moves, made for nobody in particular."""
        move = self[name]
        if not move.possible(self.state_of(subject), subject):
            raise DomainError(self._wrong_state(move, subject))
        return move

    def _wrong_state(self, move: Move, subject: Subject) -> str:
        state = self.state_of(subject)
        reason = move.wrong_state or self.wrong_state.get(
            state, f"This cannot be done while it is {state}."
        )
        return reason(subject) if callable(reason) else reason
