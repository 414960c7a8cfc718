"""Who may see what in the governance app: named predicates for views, navigation and templates.

Each takes the signed-in person (or an anonymous user) and answers yes or no; pages that refuse
answer 404 (``governance.decorators.allowed_if``), so nobody learns that a page exists.
"""

from __future__ import annotations

from typing import Any

from governance import roles


def can_view_event_checkpoint(user: Any) -> bool:
    """Auditors, and Communications who audit the register, see and download the event log's
    signed checkpoint, so that a copy is kept outside the database (SPEC AUD-2)."""
    return roles.is_auditor(user) or roles.is_communications(user)


def can_view_organisation(user: Any) -> bool:
    """Service areas, their Heads of Service and staff from the HR feed (ORG-1, ORG-2): those
    who keep the organisation data or rely on it to check approvals."""
    return (
        roles.is_administrator(user)
        or roles.is_hr(user)
        or roles.is_communications(user)
        or roles.is_auditor(user)
    )


def can_view_profile(user: Any) -> bool:
    """The policy profile, with the clause behind each rule (POL-1): also the Policy owner and
    Legal, who answer for the policy."""
    return can_view_organisation(user) or roles.is_policy_owner(user) or roles.is_legal(user)


def can_change_profile(user: Any) -> bool:
    """Only an administrator switches presets or changes a rule (POL-2)."""
    return roles.is_administrator(user)


def can_import_staff(user: Any) -> bool:
    """Only an administrator loads the HR feed (ORG-1)."""
    return roles.is_administrator(user)
