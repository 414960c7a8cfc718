"""Who may change moderator assignments: named predicates for services, pages and the
transition table (moderation/transitions.py)."""

from __future__ import annotations

from typing import Any

from governance import roles
from moderation.models import AssignmentState

# Who moderates an account: an active moderator, or one awaiting the declaration that will make
# them active (MOD-1). A suspended moderator sees nothing of the account until they sign again
# (DEC-3, MSM 7.3: "failure to acknowledge ... will result in access ... being denied").
MODERATING_STATES = [AssignmentState.ACTIVE, AssignmentState.AWAITING_DECLARATION]


def can_manage_assignments(user: Any, assignment: Any) -> bool:
    """Communications keeps the register of moderators (MSM 5.3, 7.2: line managers and
    moderators tell Communications of changes to account moderation)."""
    return roles.is_communications(user)


def can_end_assignment(user: Any, assignment: Any) -> bool:
    """Communications, or the moderator's line manager for their own team (MSM 7.2: the line
    manager tells Communications when someone stops moderating)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return roles.is_communications(user) or assignment.person.line_manager_id == user.pk
