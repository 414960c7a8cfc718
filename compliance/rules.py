"""Who may read the compliance statement and the clause map (AUD-1), and how far they may
follow its figures. Pages that refuse answer 404 (``governance.decorators.allowed_if``)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from accounts.rules import can_read_whole_register
from declarations.rules import can_see_every_declaration
from governance import roles
from moderation.rules import can_read_abuse_cases, can_see_every_incident, can_see_every_task


def can_view_statement(user: Any) -> bool:
    """Communications, who keep the register (MSM 7.5, MDM 6.4); auditors, who check the policy
    is followed; and the Policy owner, who answers for the policy (MSM 7.6)."""
    return roles.is_communications(user) or roles.is_auditor(user) or roles.is_policy_owner(user)


def can_follow_figures(user: Any) -> bool:
    """The statement links each figure to its records for those who may read every record it
    counts: Communications and auditors. The Policy owner reads the figures only."""
    return can_read_whole_register(user)


def can_view_clause_map(user: Any) -> bool:
    """Which clauses of the four councils' policies each control serves: for the statement's
    readers, and for the administrators who change the policy profile."""
    return can_view_statement(user) or roles.is_administrator(user)


def council_wide(user: Any) -> Any:
    """Whose view the figures are counted in. The statement is the council's, so a reader who
    may not follow the figures (the Policy owner) gets them counted as an auditor would count
    them, over every record; only the counts use this stand-in, never a page or a link."""
    if can_follow_figures(user):
        return user
    stand_in = copy.copy(user)
    stand_in.__dict__["_role_cache"] = {"groups": frozenset({roles.AUDITOR})}
    return stand_in


def can_view_trends(user: Any) -> bool:
    """The dashboard: those who read the whole register (Communications, auditors), and heads
    of service, who see how the requests of their service area fare (issue 13)."""
    return can_read_whole_register(user) or roles.is_head_of_service(user)


# Each chart is shown to those who may open every list behind it, and counts only what that
# list shows them; in the order the dashboard shows them.
CHART_READERS: dict[str, Callable[[Any], bool]] = {
    "reviews": can_read_whole_register,
    "accounts": can_read_whole_register,
    "declarations": can_see_every_declaration,
    "tasks": can_see_every_task,
    "rotation": can_see_every_task,
    "requests": can_view_trends,
    "steps": can_view_trends,
    "incidents": can_see_every_incident,
    "abuse": can_read_abuse_cases,
}


def charts_visible_to(user: Any) -> list[str]:
    return [key for key, may in CHART_READERS.items() if may(user)]
