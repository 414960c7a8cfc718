"""Drafting, sending and withdrawing account requests (REQ-1, REQ-2, REQ-4, REQ-6).

Each function takes the acting person, locks the request row, asks the transition table
(accounts/transitions.py) whether the move is allowed, saves, writes an event row and tells the
people concerned after commit. Decisions on approval steps are in accounts/services/decisions.py.

A request that is returned for changes and resubmitted starts its chain again from the first
step, under the policy profile of the day: every approver sees, and signs off, the version that
is finally approved (docs/decisions.md).
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import events
from accounts.models import (
    Account,
    AccountRequest,
    ApprovalStep,
    RequestStatus,
    StepStatus,
)
from accounts.rules import step_approvers
from accounts.transitions import (
    ACCOUNT,
    ACTIVATE_STEP,
    CANCEL_STEP,
    REGULARISE,
    REQUEST,
    SAVE,
    STEP,
    SUBMIT,
    WITHDRAW,
)
from accounts.validation import (
    REGULARISED_FIELDS,
    Problem,
    chain_problems,
    evidence_type,
    request_problems,
)
from governance.changes import record_change
from governance.emails import notify_from
from governance.errors import DomainError
from governance.models import StepKind, User
from governance.services.profile import profile_get


class IncompleteRequest(DomainError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("The request is not complete yet.")
        self.problems = problems


def lock_request(request: AccountRequest) -> AccountRequest:
    return (
        AccountRequest.objects.select_for_update(of=("self",))
        .select_related(
            "requester", "service_area", "service_area__head", "requester__line_manager"
        )
        .get(pk=request.pk)
    )


def request_url(request: AccountRequest) -> str:
    return reverse("request_detail", args=[request.pk])


def holder_phrase(step: ApprovalStep) -> str:
    """Who the step waits for, as the requester is told: 'Sam Okafor (Line manager)'."""
    if step.kind == StepKind.COMMUNICATIONS:
        return "Communications"
    names = ", ".join(person.full_name for person in step_approvers(step.request, step.kind))
    return f"{names} ({step.get_kind_display()})"


def step_activate(step: ApprovalStep, *, now: datetime.datetime) -> None:
    """The step's turn has come: it waits for its approvers, who are told."""
    STEP.check_state(ACTIVATE_STEP, step)
    step.status = StepStatus.PENDING
    step.activated_at = now
    step.save(update_fields=["status", "activated_at"])
    request = step.request
    notify_from(
        "accounts/email/step_waiting.txt",
        {"request": request, "step": step},
        recipients=step_approvers(request, step.kind),
        key=f"request:{request.pk}:step:{step.pk}:waiting",
        url=reverse("request_decide", args=[request.pk]),
        now=now,
    )


def steps_cancel_remaining(request: AccountRequest) -> None:
    """The request was returned, rejected or withdrawn: the steps left in its round are not
    needed."""
    for step in request.steps.filter(round=request.round, status__in=STEP[CANCEL_STEP].sources):
        step.status = StepStatus.CANCELLED
        step.save(update_fields=["status"])


def request_create_draft(
    *,
    actor: User,
    regularises: Account | None = None,
    started_with: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> AccountRequest:
    """A new draft; one that brings an unapproved account through takes that account's
    platform, name, handle and service area, which the requester cannot change. The same
    "new request" page sent again (``started_with``) continues the draft it started."""
    if started_with is not None:
        started = AccountRequest.objects.filter(requester=actor, started_with=started_with)
        if (draft := started.first()) is not None:
            return draft
    try:
        with transaction.atomic():
            request = AccountRequest(
                requester=actor,
                service_area=actor.service_area,
                started_with=started_with,
                created_at=now or timezone.now(),
            )
            if regularises is not None:
                _copy_account(request, _lock_unapproved(regularises))
            request.save()
    except IntegrityError:
        # The same page was sent twice at the same moment: the other one made the draft.
        return AccountRequest.objects.get(requester=actor, started_with=started_with)
    return request


def _lock_unapproved(account: Account) -> Account:
    locked = Account.objects.select_for_update(of=("self",)).get(pk=account.pk)
    if not ACCOUNT.state_allows(REGULARISE, locked):
        raise DomainError(f"{locked.name} is no longer waiting to be brought through a request.")
    return locked


def _copy_account(request: AccountRequest, account: Account) -> None:
    request.regularises = account
    request.platform = account.platform
    request.platform_other = account.platform_other
    request.proposed_name = account.name
    request.proposed_handle = account.handle
    request.service_area = account.service_area


def _store_evidence(request: AccountRequest, evidence: UploadedFile) -> None:
    """Kept under its SHA-256 and detected type, never under the name it was uploaded with."""
    digest = hashlib.sha256()
    for chunk in evidence.chunks():
        digest.update(chunk)
    evidence.seek(0)
    kind = evidence_type(evidence.read(8))
    evidence.seek(0)
    if kind is None:
        raise DomainError("The evidence must be a PDF, PNG or JPG file.")
    request.training_evidence_sha256 = digest.hexdigest()
    field = request.training_evidence
    name = field.field.generate_filename(request, f"{request.training_evidence_sha256}.{kind[0]}")
    if field.storage.exists(name):
        field.name = name  # the same bytes are already stored under their fingerprint
    else:
        field.save(name.rsplit("/", 1)[-1], evidence, save=False)


def request_save_draft(
    *,
    actor: User,
    request: AccountRequest,
    values: dict[str, Any],
    backup_officers: list[User] | None = None,
    evidence: UploadedFile | None = None,
) -> AccountRequest:
    """Keep what the requester has typed so far; nothing is checked for completeness here."""
    with transaction.atomic():
        request = lock_request(request)
        REQUEST.check(actor, SAVE, request)
        if request.regularises_id:
            values = {k: v for k, v in values.items() if k not in REGULARISED_FIELDS}
        values.pop("regularises", None)
        changed = [name for name, value in values.items() if getattr(request, name) != value]
        for name in changed:
            setattr(request, name, values[name])
        if evidence is not None:
            _store_evidence(request, evidence)
            changed += ["training_evidence", "training_evidence_sha256"]
        if changed:
            request.save(update_fields=changed)
        if backup_officers is not None:
            current = set(request.backup_officers.values_list("pk", flat=True))
            if current != {person.pk for person in backup_officers}:
                request.backup_officers.set(backup_officers)
    return request


def request_submit(
    *, actor: User, request: AccountRequest, now: datetime.datetime | None = None
) -> AccountRequest:
    now = now or timezone.now()
    profile = profile_get()
    chain = profile.approval_chain
    with transaction.atomic():
        request = lock_request(request)
        REQUEST.check(actor, SUBMIT, request)
        if request.regularises is not None:
            # Communications may have corrected the account since the draft began.
            _copy_account(request, _lock_unapproved(request.regularises))
            request.save(update_fields=list(REGULARISED_FIELDS))
        problems = request_problems(request, profile) + chain_problems(request, chain)
        if problems:
            raise IncompleteRequest(problems)
        resubmission = request.status == RequestStatus.RETURNED
        request.round += 1
        request.status = REQUEST[SUBMIT].to
        request.submitted_at = now
        event = record_change(
            request,
            actor=actor,
            action=events.REQUEST_RESUBMITTED if resubmission else events.REQUEST_SUBMITTED,
            summary=(
                f"{actor.full_name} {'resubmitted' if resubmission else 'submitted'} "
                f"{request.reference} for {request.title}"
            ),
            data={"round": request.round, "chain": [str(kind) for kind in chain]},
            update_fields=["round", "status", "submitted_at"],
            now=now,
        )
        # One by one, not bulk_create, so that simple-history records each step's creation.
        steps = [
            ApprovalStep.objects.create(
                request=request, round=request.round, position=position, kind=kind
            )
            for position, kind in enumerate(chain, start=1)
        ]
        step_activate(steps[0], now=now)
        notify_from(
            "accounts/email/request_submitted.txt",
            {"request": request, "holder": holder_phrase(steps[0])},
            recipients=[actor],
            key=f"request:{request.pk}:round:{request.round}:submitted",
            url=request_url(request),
            event=event,
            now=now,
        )
    return request


def request_withdraw(
    *, actor: User, request: AccountRequest, reason: str = "", now: datetime.datetime | None = None
) -> AccountRequest:
    now = now or timezone.now()
    with transaction.atomic():
        request = lock_request(request)
        REQUEST.check(actor, WITHDRAW, request)
        holders = []
        pending = request.steps.filter(round=request.round, status=StepStatus.PENDING).first()
        if pending is not None:
            holders = step_approvers(request, pending.kind)
        request.status = REQUEST[WITHDRAW].to
        request.decided_at = now
        event = record_change(
            request,
            actor=actor,
            action=events.REQUEST_WITHDRAWN,
            summary=f"{actor.full_name} withdrew {request.reference}",
            reason=reason,
            update_fields=["status", "decided_at"],
            now=now,
        )
        steps_cancel_remaining(request)
        notify_from(
            "accounts/email/request_withdrawn.txt",
            {"request": request, "actor": actor},
            recipients=holders,
            key=f"request:{request.pk}:withdrawn",
            url=request_url(request),
            event=event,
            now=now,
        )
    return request
