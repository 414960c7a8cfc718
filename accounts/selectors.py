"""Reads that several pages share, with the joins those pages need."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from accounts.models import AccountRequest, ApprovalStep, RequestStatus, StepStatus
from accounts.rules import requests_visible_to, steps_awaiting
from governance.models import User
from governance.periods import Period, period_from_query


def steps_waiting_for(user: User) -> QuerySet[ApprovalStep]:
    """Pending steps this person may decide (the query form of rules.step_approvers)."""
    return (
        ApprovalStep.objects.filter(steps_awaiting(user), status=StepStatus.PENDING)
        .filter(request__status=RequestStatus.SUBMITTED)
        .select_related("request", "request__requester", "request__service_area")
        .order_by("activated_at", "pk")
    )


def requests_for_list(
    user: User, period: Period | None = None, status: str = ""
) -> QuerySet[AccountRequest]:
    """The requests this person sees, newest first; with a period, those sent in it (and, with
    ``status``, in that status now)."""
    base = AccountRequest.objects.select_related("requester", "service_area").order_by(
        "-created_at", "-pk"
    )
    if period is not None:
        base = base.filter(period.moments("submitted_at"))
    if status:
        base = base.filter(status=status)
    # The steps waiting for this person's decision are listed separately (steps_waiting_for).
    return base.filter(requests_visible_to(user))


def current_step(
    request: AccountRequest, round_steps: list[ApprovalStep] | None = None
) -> ApprovalStep | None:
    """The step waiting for a decision in the request's current round, if any; from
    ``round_steps`` (that round's steps, in order) when the caller has already read them."""
    if round_steps is not None:
        return next((step for step in round_steps if step.status == StepStatus.PENDING), None)
    return request.steps.filter(round=request.round, status=StepStatus.PENDING).first()


def requests_listed(user: User, query: Mapping[str, Any]) -> QuerySet[AccountRequest]:
    """The request list for ``?from=…&to=…&status=…`` (a compliance figure links here): the list
    page and the figure ask this one function, so they agree (AUD-1)."""
    status = str(query.get("status", ""))
    status = status if status in RequestStatus.values else ""
    return requests_for_list(user, period_from_query(query), status)
