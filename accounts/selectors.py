"""Reads that several pages share, with the joins those pages need."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from accounts.models import AccountRequest, ApprovalStep, RequestStatus, StepStatus
from accounts.rules import can_see_all_requests
from governance import roles
from governance.models import StepKind, User


def steps_waiting_for(user: User) -> QuerySet[ApprovalStep]:
    """Pending steps this person may decide: the query form of rules.step_approvers."""
    as_line_manager = Q(kind=StepKind.LINE_MANAGER, request__requester__line_manager=user)
    as_head = Q(kind=StepKind.HEAD_OF_SERVICE) & (
        (Q(request__service_area__head=user) & ~Q(request__requester=user))
        | (
            Q(request__service_area__head=F("request__requester"))
            & Q(request__requester__line_manager=user)
        )
    )
    mine = as_line_manager | as_head
    if roles.is_communications(user):
        mine |= Q(kind=StepKind.COMMUNICATIONS)
    return (
        ApprovalStep.objects.filter(mine, status=StepStatus.PENDING)
        .filter(request__status=RequestStatus.SUBMITTED)
        .exclude(request__requester=user)
        .select_related("request", "request__requester", "request__service_area")
        .order_by("activated_at", "pk")
    )


def requests_for_list(user: User) -> QuerySet[AccountRequest]:
    base = AccountRequest.objects.select_related("requester", "service_area").order_by(
        "-created_at", "-pk"
    )
    if can_see_all_requests(user):
        return base.exclude(Q(status=RequestStatus.DRAFT) & ~Q(requester=user))
    # Also the requests this person is named in or has decided a step of (rules.is_involved);
    # the ones waiting for them are listed separately.
    part_of = AccountRequest.objects.exclude(status=RequestStatus.DRAFT).filter(
        Q(backup_officers=user) | Q(steps__decided_by=user)
    )
    return base.filter(Q(requester=user) | Q(pk__in=part_of.values("pk")))


def current_step(request: AccountRequest) -> ApprovalStep | None:
    return request.steps.filter(round=request.round, status=StepStatus.PENDING).first()
