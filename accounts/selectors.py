"""Reads that several pages share, with the joins those pages need."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import AccountRequest, ApprovalStep, RequestStatus, StepStatus
from accounts.rules import can_read_whole_register, steps_awaiting
from governance.models import User


def steps_waiting_for(user: User) -> QuerySet[ApprovalStep]:
    """Pending steps this person may decide (the query form of rules.step_approvers)."""
    return (
        ApprovalStep.objects.filter(steps_awaiting(user), status=StepStatus.PENDING)
        .filter(request__status=RequestStatus.SUBMITTED)
        .select_related("request", "request__requester", "request__service_area")
        .order_by("activated_at", "pk")
    )


def requests_for_list(user: User) -> QuerySet[AccountRequest]:
    base = AccountRequest.objects.select_related("requester", "service_area").order_by(
        "-created_at", "-pk"
    )
    if can_read_whole_register(user):
        return base.exclude(Q(status=RequestStatus.DRAFT) & ~Q(requester=user))
    # Also the requests this person is named in or has decided a step of (rules.is_involved);
    # the ones waiting for them are listed separately.
    part_of = AccountRequest.objects.exclude(status=RequestStatus.DRAFT).filter(
        Q(backup_officers=user) | Q(steps__decided_by=user)
    )
    return base.filter(Q(requester=user) | Q(pk__in=part_of.values("pk")))


def current_step(request: AccountRequest) -> ApprovalStep | None:
    return request.steps.filter(round=request.round, status=StepStatus.PENDING).first()
