"""Named role predicates, used by views and templates alike (SPEC section 1).

Communications, HR, Policy owner, Legal and Auditor are groups. Line manager and Head of Service
follow from the organisation data. Answers are cached on the user object for one request.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

COMMUNICATIONS = "Communications"
HR = "HR"
POLICY_OWNER = "Policy owner"
LEGAL = "Legal"
AUDITOR = "Auditor"
GROUPS = (COMMUNICATIONS, HR, POLICY_OWNER, LEGAL, AUDITOR)


def with_roles(users: QuerySet[Any]) -> QuerySet[Any]:
    """People with their roles read in the same query (the user of each request is loaded so,
    governance.auth): asking for them then costs no further query."""
    model = users.model
    annotations: dict[str, Any] = {
        f"roles_group_{index}": Exists(
            model.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=name)
        )
        for index, name in enumerate(GROUPS)
    }
    annotations["roles_head"] = Exists(
        model._meta.get_field("headed_areas").related_model.objects.filter(head=OuterRef("pk"))
    )
    annotations["roles_manager"] = Exists(
        model.objects.filter(line_manager=OuterRef("pk")).exclude(
            leaving_date__lt=timezone.localdate()
        )
    )
    return users.annotate(**annotations)


def _load(user: Any, name: str) -> Any:
    """One role fact, kept on the user object for the request: read with the person
    (``with_roles``), else asked when first needed (each on its own, so that a fact not yet
    asked is read as it is then). Answers already kept stay (a stand-in's groups,
    compliance.rules.council_wide)."""
    cache = user.__dict__.setdefault("_role_cache", {})
    # (getattr: request.user is a lazy object, whose own __dict__ is not the person's.)
    if name not in cache and getattr(user, "roles_head", None) is not None:
        found = {
            group for index, group in enumerate(GROUPS) if getattr(user, f"roles_group_{index}")
        }
        cache.setdefault("groups", frozenset(found))
        cache.setdefault("head_of_service", user.roles_head)
        cache.setdefault("line_manager", user.roles_manager)
    if name not in cache:
        cache[name] = {
            "groups": lambda: frozenset(user.groups.values_list("name", flat=True)),
            "head_of_service": lambda: user.headed_areas.exists(),
            "line_manager": lambda: user.reports.exclude(
                leaving_date__lt=timezone.localdate()
            ).exists(),
        }[name]()
    return cache[name]


def group_names(user: Any) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return _load(user, "groups")


def is_communications(user: Any) -> bool:
    return COMMUNICATIONS in group_names(user)


def is_hr(user: Any) -> bool:
    return HR in group_names(user)


def is_policy_owner(user: Any) -> bool:
    return POLICY_OWNER in group_names(user)


def is_legal(user: Any) -> bool:
    return LEGAL in group_names(user)


def is_auditor(user: Any) -> bool:
    return AUDITOR in group_names(user)


def is_administrator(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def is_line_manager(user: Any) -> bool:
    """Somebody who manages at least one person who has not left (has_left, on the model)."""
    if not user.is_authenticated:
        return False
    return bool(_load(user, "line_manager"))


def is_head_of_service(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    return bool(_load(user, "head_of_service"))


def requires_mfa(user: Any) -> bool:
    """Communications, HR and administrators must use two-step verification (SEC)."""
    return is_administrator(user) or is_communications(user) or is_hr(user)


def role_labels(user: Any) -> list[str]:
    """Plain-English list of what this person is, for their home page."""
    labels = [name for name in GROUPS if name in group_names(user)]
    if is_head_of_service(user):
        labels.append("Head of Service")
    if is_line_manager(user):
        labels.append("Line manager")
    if is_administrator(user):
        labels.append("Administrator")
    return labels


ROLE_SUMMARIES = {
    COMMUNICATIONS: "You give the final sign-off for new accounts and their branding, and keep "
    "the register of official accounts.",
    HR: "You record and review breaches of the social media policy.",
    POLICY_OWNER: "You publish the social media policy and keep its review dates.",
    LEGAL: "You advise Communications on abusive posts.",
    AUDITOR: "You can read the register, its history and reports. You cannot change anything.",
    "Head of Service": "You approve requests for accounts in the service areas you head.",
    "Line manager": "You look after your team's accounts and, where the council's policy asks, "
    "approve their requests.",
    "Administrator": "You manage staff data, the council's policy profile and the portal's "
    "settings.",
}
