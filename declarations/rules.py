"""Who may do what with policy versions and declarations: named predicates, each with the clause
it serves. Pages that refuse answer 404 (declarations/access.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from declarations.models import Declaration, PolicyVersion, VersionState
from governance import roles
from governance.models import User


def can_manage_policy(user: Any) -> bool:
    """The Policy owner drafts, edits and publishes versions of the policy (MSM 10.1, DER
    document control)."""
    return roles.is_policy_owner(user)


def can_change_version(user: Any, version: PolicyVersion) -> bool:
    """The version table's predicate (declarations/transitions.py): editing and publishing a
    draft are the Policy owner's, whichever version it is."""
    return can_manage_policy(user)


def can_view_version(user: Any, version: PolicyVersion) -> bool:
    """A published or retired version is the council's policy: anyone signed in reads it. A
    draft is the Policy owner's until it is published."""
    if not user.is_authenticated:
        return False
    return version.state != VersionState.DRAFT or can_manage_policy(user)


def can_list_versions(user: Any) -> bool:
    """The list of versions, drafts aside: those who answer for the policy or check it are
    shown it in the navigation (anyone signed in may still open a published version)."""
    return (
        can_manage_policy(user)
        or roles.is_communications(user)
        or roles.is_auditor(user)
        or roles.is_legal(user)
    )


def versions_visible_to(user: Any) -> QuerySet[PolicyVersion]:
    if not user.is_authenticated:
        return PolicyVersion.objects.none()
    if can_manage_policy(user):
        return PolicyVersion.objects.all()
    return PolicyVersion.objects.exclude(state=VersionState.DRAFT)


def can_sign(user: Any) -> bool:
    """Anyone on the staff list who has not left signs for themselves (MSM 7.3, MDM 6.2; DER
    asks it of a requester before an account)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.leaving_date is None or user.leaving_date > timezone.localdate()


def can_see_every_declaration(user: Any) -> bool:
    """Communications, who keep the register of moderators (MSM 7.3), and Auditors."""
    return roles.is_communications(user) or roles.is_auditor(user)


def can_view_declaration(user: Any, declaration: Declaration) -> bool:
    """The person who signed it, and those who check declarations for the council."""
    if not user.is_authenticated:
        return False
    return declaration.person_id == user.pk or can_see_every_declaration(user)


def can_verify(user: Any) -> bool:
    """Anyone signed in may check a receipt's code (DEC-2)."""
    return bool(user.is_authenticated)


def policy_owners() -> QuerySet[User]:
    """Who is reminded of a version's review date (DEC-5, MSM 10.1, DER document control)."""
    return User.objects.filter(groups__name=roles.POLICY_OWNER, is_active=True).filter(
        leaver_recorded_at__isnull=True
    )
