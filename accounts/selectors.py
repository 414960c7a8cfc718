"""Reads that several pages share, with the joins those pages need."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import AccountRequest, ApprovalStep, RequestStatus, StepStatus
from accounts.rules import requests_visible_to, steps_awaiting
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
    # The steps waiting for this person's decision are listed separately (steps_waiting_for).
    return base.filter(requests_visible_to(user))


def current_step(request: AccountRequest) -> ApprovalStep | None:
    return request.steps.filter(round=request.round, status=StepStatus.PENDING).first()
