"""Building account requests in any state for tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AccountRequest, Platform, RequestStatus
from accounts.rules import step_approvers
from accounts.selectors import current_step
from accounts.services.decisions import step_decide
from accounts.services.requests import (
    request_create_draft,
    request_save_draft,
    request_submit,
    request_withdraw,
)
from governance.models import User

ANSWERS: dict[str, Any] = {
    "platform": Platform.FACEBOOK,
    "proposed_name": "Summer in the Parks",
    "proposed_handle": "@SummerInTheParks",
    "purpose_audience": "Family events in the parks, for parents of young children.",
    "aims": "More families at events; parents use Facebook groups to plan weekends.",
    "other_channels": "Council website and posters in libraries.",
    "update_frequency": "Daily posts, replies checked three times a day.",
    "record_keeping": "Monthly export to the team's SharePoint.",
    "facebook_purpose": "event",
    "facebook_purpose_name": "Summer in the Parks festival",
    "budget_code": "LEI-4410",
    "training_completed_on": datetime.date(2026, 1, 5),
}
PDF = b"%PDF-1.4 certificate of completion"


def complete_draft(requester: User, backups: list[User], **overrides: Any) -> AccountRequest:
    draft = request_create_draft(actor=requester)
    return request_save_draft(
        actor=requester,
        request=draft,
        values={**ANSWERS, **overrides},
        backup_officers=backups,
        evidence=SimpleUploadedFile("certificate.pdf", PDF),
    )


def decide_current(
    request: AccountRequest, decision: str = "approve", comment: str = "", **kwargs: Any
) -> AccountRequest:
    step = current_step(request)
    assert step is not None
    approver = step_approvers(request, step.kind)[0]
    return step_decide(
        actor=approver,
        request=request,
        step_id=step.pk,
        decision=decision,
        comment=comment or ("Looks fine" if decision == "approve" else "Please change it"),
        branding_confirmed=True,
        **kwargs,
    )


def request_in(
    status: str, requester: User, backups: list[User], **overrides: Any
) -> AccountRequest:
    request = complete_draft(requester, backups, **overrides)
    if status == RequestStatus.DRAFT:
        return request
    request = request_submit(actor=requester, request=request)
    if status == RequestStatus.SUBMITTED:
        return request
    if status == RequestStatus.RETURNED:
        return decide_current(request, "return")
    if status == RequestStatus.REJECTED:
        return decide_current(request, "reject")
    if status == RequestStatus.WITHDRAWN:
        return request_withdraw(actor=requester, request=request)
    if status == RequestStatus.APPROVED:
        while request.status == RequestStatus.SUBMITTED:
            request = decide_current(request)
        return request
    raise ValueError(status)
