"""Who may see and decide what about account requests: named predicates for views and templates.

The approver of each step follows from the organisation data at the moment it is asked:
- line manager: the requester's line manager;
- Head of Service: the Head of Service of the account's service area, or, when the requester is
  that Head of Service, the requester's own line manager (nobody approves their own request);
- Communications: any member of Communications other than the requester.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import AccountRequest, ApprovalStep, RequestStatus, StepStatus
from governance import roles
from governance.models import StepKind, User


def communications_team() -> QuerySet[User]:
    return User.objects.filter(groups__name=roles.COMMUNICATIONS, is_active=True).filter(
        Q(leaver_recorded_at__isnull=True)
    )


def step_approvers(request: AccountRequest, kind: str) -> list[User]:
    """Everyone who may decide this kind of step on this request, never the requester."""
    requester = request.requester
    if kind == StepKind.LINE_MANAGER:
        people = [requester.line_manager] if requester.line_manager else []
    elif kind == StepKind.HEAD_OF_SERVICE:
        head = request.service_area.head if request.service_area else None
        if head is not None and head.pk == requester.pk:
            head = requester.line_manager
        people = [head] if head else []
    else:
        people = list(communications_team())
    return [
        person
        for person in people
        if person is not None
        and person.pk != requester.pk
        and person.is_active
        and not person.has_left
    ]


def can_decide(user: Any, step: ApprovalStep) -> bool:
    if not user.is_authenticated or step.status != StepStatus.PENDING:
        return False
    if step.request.status != RequestStatus.SUBMITTED:
        return False
    return any(person.pk == user.pk for person in step_approvers(step.request, step.kind))


def approves_this_round(user: Any, request: AccountRequest) -> bool:
    """Whether this person may decide any step of the request's current round."""
    return any(
        any(person.pk == user.pk for person in step_approvers(request, kind))
        for kind in request.steps.filter(round=request.round).values_list("kind", flat=True)
    )


def is_approver(user: Any, request: AccountRequest) -> bool:
    """Anyone who holds a step of this round or decided a step of any round."""
    return request.steps.filter(decided_by=user).exists() or approves_this_round(user, request)


def is_involved(user: Any, request: AccountRequest) -> bool:
    """The requester, the named backup officers and the approvers."""
    if request.requester_id == user.pk:
        return True
    if request.status == RequestStatus.DRAFT:
        return False
    if request.backup_officers.filter(pk=user.pk).exists():
        return True
    return is_approver(user, request)


def can_view_request(user: Any, request: AccountRequest) -> bool:
    if not user.is_authenticated:
        return False
    if request.requester_id == user.pk:
        return True
    if request.status == RequestStatus.DRAFT:
        return False  # a draft is nobody else's business
    if roles.is_communications(user) or roles.is_auditor(user):
        return True
    return is_involved(user, request)


def can_see_evidence(user: Any, request: AccountRequest) -> bool:
    """The training certificate is personal: requester, approvers, Communications and auditors.

    Backup officers see the request but not the requester's certificate.
    """
    if not can_view_request(user, request):
        return False
    if request.requester_id == user.pk or can_see_all_requests(user):
        return True
    return is_approver(user, request)


def can_edit_request(user: Any, request: AccountRequest) -> bool:
    return request.requester_id == user.pk and request.is_editable


def can_withdraw_request(user: Any, request: AccountRequest) -> bool:
    return request.requester_id == user.pk and request.is_open


def can_see_all_requests(user: Any) -> bool:
    return roles.is_communications(user) or roles.is_auditor(user)
