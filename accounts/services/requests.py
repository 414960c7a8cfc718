"""Every change to an account request (REQ-1 to REQ-6), one function each.

Each takes the acting person, locks the request row, checks the move against TRANSITIONS,
saves, writes an event row and tells the people concerned after commit.

A request that is returned for changes and resubmitted starts its chain again from the first
step, under the policy profile of the day: every approver sees, and signs off, the version that
is finally approved (docs/decisions.md).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    Account,
    AccountRequest,
    AccountStatus,
    ApprovalStep,
    RequestStatus,
    StepStatus,
)
from accounts.rules import communications_team, step_approvers
from accounts.services.register import account_create_from_request
from accounts.validation import (
    REGULARISED_FIELDS,
    Problem,
    chain_problems,
    evidence_type,
    request_problems,
)
from governance.errors import DomainError
from governance.models import StepKind, User
from governance.services.events import event_record
from governance.services.notifications import notify
from governance.services.profile import profile_get


class Action:
    SAVE = "save"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the status stays (or depends on the chain, for approve)
    who: str


_OPEN = frozenset({RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.RETURNED})
_EDITABLE = frozenset({RequestStatus.DRAFT, RequestStatus.RETURNED})
_SUBMITTED = frozenset({RequestStatus.SUBMITTED})

# The allowed moves: from which statuses, to which, by whom.
TRANSITIONS: dict[str, Transition] = {
    Action.SAVE: Transition(_EDITABLE, None, "the requester"),
    Action.SUBMIT: Transition(_EDITABLE, RequestStatus.SUBMITTED, "the requester"),
    Action.APPROVE: Transition(_SUBMITTED, None, "the current step's approver"),
    Action.RETURN: Transition(
        _SUBMITTED, RequestStatus.RETURNED, "the approver of the current step"
    ),
    Action.REJECT: Transition(
        _SUBMITTED, RequestStatus.REJECTED, "the approver of the current step"
    ),
    Action.WITHDRAW: Transition(_OPEN, RequestStatus.WITHDRAWN, "the requester"),
}

REFUSALS = {
    RequestStatus.DRAFT: "This request has not been submitted yet.",
    RequestStatus.SUBMITTED: "This request is waiting for a decision, so it cannot be changed.",
    RequestStatus.RETURNED: "This request was returned to the requester for changes.",
    RequestStatus.APPROVED: "This request has already been approved.",
    RequestStatus.REJECTED: "This request has already been rejected.",
    RequestStatus.WITHDRAWN: "This request was withdrawn.",
}


class IncompleteRequest(DomainError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("The request is not complete yet.")
        self.problems = problems


def _check(action: str, request: AccountRequest) -> None:
    if request.status not in TRANSITIONS[action].sources:
        raise DomainError(REFUSALS[RequestStatus(request.status)])


def _lock(request: AccountRequest) -> AccountRequest:
    return (
        AccountRequest.objects.select_for_update(of=("self",))
        .select_related(
            "requester", "service_area", "service_area__head", "requester__line_manager"
        )
        .get(pk=request.pk)
    )


def _url(request: AccountRequest) -> str:
    return reverse("request_detail", args=[request.pk])


def _requester_only(actor: User, request: AccountRequest) -> None:
    if request.requester_id != actor.pk:
        raise DomainError("Only the person who made this request can do that.")


def request_create_draft(
    *, actor: User, regularises: Account | None = None, now: datetime.datetime | None = None
) -> AccountRequest:
    """A new draft; one that brings an unapproved account through takes that account's
    platform, name, handle and service area, which the requester cannot change."""
    with transaction.atomic():
        request = AccountRequest(
            requester=actor, service_area=actor.service_area, created_at=now or timezone.now()
        )
        if regularises is not None:
            _copy_account(request, _lock_unapproved(regularises))
        request.save()
    return request


def _lock_unapproved(account: Account) -> Account:
    locked = Account.objects.select_for_update(of=("self",)).get(pk=account.pk)
    if locked.status != AccountStatus.UNAPPROVED or locked.request_id is not None:
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
        request = _lock(request)
        _requester_only(actor, request)
        _check(Action.SAVE, request)
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
        request = _lock(request)
        _requester_only(actor, request)
        _check(Action.SUBMIT, request)
        if request.regularises is not None:
            # Communications may have corrected the account since the draft began.
            _copy_account(request, _lock_unapproved(request.regularises))
            request.save(update_fields=list(REGULARISED_FIELDS))
        problems = request_problems(request, profile) + chain_problems(request, chain)
        if problems:
            raise IncompleteRequest(problems)
        resubmission = request.status == RequestStatus.RETURNED
        request.round += 1
        request.status = RequestStatus.SUBMITTED
        request.submitted_at = now
        request.save(update_fields=["round", "status", "submitted_at"])
        # One by one, not bulk_create, so that simple-history records each step's creation.
        steps = [
            ApprovalStep.objects.create(
                request=request, round=request.round, position=position, kind=kind
            )
            for position, kind in enumerate(chain, start=1)
        ]
        first = steps[0]
        event = event_record(
            actor=actor,
            action="request.resubmitted" if resubmission else "request.submitted",
            subject=request,
            summary=(
                f"{actor.full_name} {'resubmitted' if resubmission else 'submitted'} "
                f"{request.reference} for {request.title}"
            ),
            data={"round": request.round, "chain": [str(kind) for kind in chain]},
            now=now,
        )
        _activate(first, now=now)
        notify(
            recipients=[actor],
            key=f"request:{request.pk}:round:{request.round}:submitted",
            subject=f"{request.reference} was submitted",
            body=(
                f"You submitted your request for {request.title}. "
                f"It now goes to {_holder_phrase(first)}. We will tell you about every decision."
            ),
            url=_url(request),
            event=event,
            now=now,
        )
    return request


def _holder_phrase(step: ApprovalStep) -> str:
    people = step_approvers(step.request, step.kind)
    if step.kind == StepKind.COMMUNICATIONS:
        return "Communications"
    names = ", ".join(person.full_name for person in people)
    return f"{names} ({step.get_kind_display()})"


def _activate(step: ApprovalStep, *, now: datetime.datetime) -> None:
    step.status = StepStatus.PENDING
    step.activated_at = now
    step.save(update_fields=["status", "activated_at"])
    request = step.request
    notify(
        recipients=step_approvers(request, step.kind),
        key=f"request:{request.pk}:step:{step.pk}:waiting",
        subject=f"{request.reference} needs your decision",
        body=(
            f"{request.requester.full_name} asked for a new official account: {request.title}. "
            f"You decide the {step.get_kind_display()} step. Approve it, return it for changes "
            "or reject it."
        ),
        url=reverse("request_decide", args=[request.pk]),
        now=now,
    )


def _decided_by_the_same_person(step: ApprovalStep | None, actor: User) -> bool:
    """Whether the next step would go to the one person who has just approved.

    A requester whose line manager is also the Head of Service is not made to wait for the
    same person twice; Communications is a team and always decides its own step.
    """
    if step is None or step.kind == StepKind.COMMUNICATIONS:
        return False
    return [person.pk for person in step_approvers(step.request, step.kind)] == [actor.pk]


def _approve_in_second_role(
    step: ApprovalStep, *, actor: User, first: ApprovalStep, now: datetime.datetime
) -> None:
    step.status = StepStatus.APPROVED
    step.activated_at = now
    step.decided_by = actor
    step.decided_at = now
    step.comment = (
        f"Approved with the {first.get_kind_display().lower()} step: {actor.full_name} holds "
        "both roles."
    )
    step.save(update_fields=["status", "activated_at", "decided_by", "decided_at", "comment"])
    event_record(
        actor=actor,
        action=f"request.step_{step.status}",
        subject=step.request,
        summary=(
            f"{actor.full_name} approved {step.request.reference} at the "
            f"{step.get_kind_display()} step too, holding both roles"
        ),
        data={"step": step.pk, "kind": step.kind, "round": step.round},
        now=now,
    )


def _close_remaining(request: AccountRequest) -> None:
    for step in request.steps.filter(
        round=request.round, status__in=[StepStatus.WAITING, StepStatus.PENDING]
    ):
        step.status = StepStatus.CANCELLED
        step.save(update_fields=["status"])


DECISION_WORDS = {
    Action.APPROVE: "approved",
    Action.RETURN: "returned for changes",
    Action.REJECT: "rejected",
}


def step_decide(
    *,
    actor: User,
    request: AccountRequest,
    step_id: int,
    decision: str,
    comment: str = "",
    branding_confirmed: bool = False,
    now: datetime.datetime | None = None,
) -> AccountRequest:
    """Approve, return or reject the current step. A step is decided exactly once."""
    now = now or timezone.now()
    if decision not in DECISION_WORDS:
        raise DomainError("Choose whether to approve, return or reject the request.")
    with transaction.atomic():
        request = _lock(request)
        step = (
            ApprovalStep.objects.select_for_update(of=("self",))
            .select_related("decided_by")
            .get(pk=step_id, request=request)
        )
        if step.status != StepStatus.PENDING and step.decided_by is not None:
            raise DomainError(
                f"{step.decided_by.full_name} has already decided this step "
                f"({step.get_status_display().lower()}). Nothing was changed."
            )
        _check(decision, request)
        if step.status == StepStatus.WAITING:
            raise DomainError("This step has not been reached yet: an earlier step comes first.")
        if step.status != StepStatus.PENDING:
            raise DomainError("This step is no longer waiting for a decision.")
        if not any(person.pk == actor.pk for person in step_approvers(request, step.kind)):
            raise DomainError("You cannot decide this step of the request.")
        comment = comment.strip()
        if decision in {Action.RETURN, Action.REJECT} and not comment:
            raise DomainError(
                "Say what needs to change."
                if decision == Action.RETURN
                else "Give the reason for rejecting the request."
            )
        if (
            decision == Action.APPROVE
            and step.kind == StepKind.COMMUNICATIONS
            and not branding_confirmed
        ):
            raise DomainError("Confirm that the account's branding has been approved.")

        step.status = {
            Action.APPROVE: StepStatus.APPROVED,
            Action.RETURN: StepStatus.RETURNED,
            Action.REJECT: StepStatus.REJECTED,
        }[decision]
        step.decided_by = actor
        step.decided_at = now
        step.comment = comment
        step.branding_confirmed = branding_confirmed and step.kind == StepKind.COMMUNICATIONS
        step.save(
            update_fields=["status", "decided_by", "decided_at", "comment", "branding_confirmed"]
        )

        event = event_record(
            actor=actor,
            action=f"request.step_{step.status}",
            subject=request,
            summary=(
                f"{actor.full_name} {DECISION_WORDS[decision]} {request.reference} "
                f"at the {step.get_kind_display()} step"
            ),
            reason=comment,
            data={"step": step.pk, "kind": step.kind, "round": step.round},
            now=now,
        )
        following = request.steps.filter(round=request.round, position__gt=step.position).first()
        while decision == Action.APPROVE and _decided_by_the_same_person(following, actor):
            assert following is not None
            _approve_in_second_role(following, actor=actor, first=step, now=now)
            following = request.steps.filter(
                round=request.round, position__gt=following.position
            ).first()
        if decision == Action.APPROVE and following is not None:
            _activate(following, now=now)
        elif decision == Action.APPROVE:
            _approve_finally(request, actor=actor, step=step, now=now)
        else:
            target = TRANSITIONS[decision].target
            assert target is not None
            request.status = target
            request.decided_at = now if decision == Action.REJECT else None
            request.save(update_fields=["status", "decided_at"])
            _close_remaining(request)

        notify(
            recipients=[request.requester],
            key=f"request:{request.pk}:step:{step.pk}:decided",
            subject=f"{request.reference} was {DECISION_WORDS[decision]}"
            + (f" by {step.get_kind_display()}" if following or decision != Action.APPROVE else ""),
            body=_decision_body(request, step, decision, following),
            url=_url(request),
            event=event,
            now=now,
        )
    return request


def _decision_body(
    request: AccountRequest, step: ApprovalStep, decision: str, following: ApprovalStep | None
) -> str:
    who = f"{step.decided_by.full_name if step.decided_by else 'The approver'}"
    if decision == Action.APPROVE and following is not None:
        return f"{who} approved the {step.get_kind_display()} step. It now goes to " + (
            f"{_holder_phrase(following)}."
        )
    if decision == Action.APPROVE:
        account = Account.objects.filter(request=request).first()
        state = account.get_status_display().lower() if account else "being set up"
        return (
            f"{who} gave the final approval. The account is now in the council's register as "
            f"{state}; you and the backup officers you named are its proposed moderators."
        )
    if decision == Action.RETURN:
        return (
            f"{who} returned your request for changes:\n\n{step.comment}\n\n"
            "Change it and send it again."
        )
    return f"{who} rejected your request:\n\n{step.comment}"


def _approve_finally(
    request: AccountRequest, *, actor: User, step: ApprovalStep, now: datetime.datetime
) -> None:
    request.status = RequestStatus.APPROVED
    request.decided_at = now
    request.save(update_fields=["status", "decided_at"])
    account = account_create_from_request(request=request, approver=actor, now=now)
    event_record(
        actor=actor,
        action="request.approved",
        subject=request,
        summary=f"{request.reference} was approved: {account.name} entered the register",
        data={"account": account.pk},
        now=now,
    )
    backups = list(request.backup_officers.all())
    notify(
        recipients=backups,
        key=f"request:{request.pk}:proposed_moderator",
        subject=f"You are a proposed moderator of {account.name}",
        body=(
            f"{request.requester.full_name}'s request for {request.title} was approved and named "
            "you as a backup officer. You become an active moderator once you have signed the "
            "council's social media declaration."
        ),
        url=reverse("request_detail", args=[request.pk]),
        now=now,
    )


def request_withdraw(
    *, actor: User, request: AccountRequest, reason: str = "", now: datetime.datetime | None = None
) -> AccountRequest:
    now = now or timezone.now()
    with transaction.atomic():
        request = _lock(request)
        _requester_only(actor, request)
        _check(Action.WITHDRAW, request)
        holders = []
        pending = request.steps.filter(round=request.round, status=StepStatus.PENDING).first()
        if pending is not None:
            holders = step_approvers(request, pending.kind)
        request.status = RequestStatus.WITHDRAWN
        request.decided_at = now
        request.save(update_fields=["status", "decided_at"])
        _close_remaining(request)
        event = event_record(
            actor=actor,
            action="request.withdrawn",
            subject=request,
            summary=f"{actor.full_name} withdrew {request.reference}",
            reason=reason.strip(),
            now=now,
        )
        notify(
            recipients=holders,
            key=f"request:{request.pk}:withdrawn",
            subject=f"{request.reference} was withdrawn",
            body=f"{actor.full_name} withdrew the request for {request.title}. "
            "You do not need to decide it any more.",
            url=_url(request),
            event=event,
            now=now,
        )
    return request


def requests_remind_waiting(*, now: datetime.datetime | None = None) -> int:
    """Remind approvers of steps waiting longer than the profile allows, once per interval."""
    now = now or timezone.now()
    interval = datetime.timedelta(days=profile_get().approval_reminder_days)
    due = ApprovalStep.objects.filter(
        status=StepStatus.PENDING,
        request__status=RequestStatus.SUBMITTED,
        activated_at__lte=now - interval,
    ).select_related("request", "request__requester", "request__service_area__head")
    reminded = 0
    for step in due:
        assert step.activated_at is not None
        intervals = int((now - step.activated_at) / interval)
        request = step.request
        waited = (now - step.activated_at).days
        approvers = step_approvers(request, step.kind)
        with transaction.atomic():
            if not approvers:
                # The approver left or lost their role after the request was sent.
                notify(
                    recipients=communications_team(),
                    key=f"request:{request.pk}:step:{step.pk}:stuck:{intervals}",
                    subject=f"{request.reference} is stuck: nobody can decide it",
                    body=(
                        f"{request.requester.full_name}'s request for {request.title} has waited "
                        f"{waited} days at the {step.get_kind_display()} step, and the "
                        "organisation data names nobody who can decide it. Ask HR to correct "
                        "the staff or service area record."
                    ),
                    url=_url(request),
                    now=now,
                )
                reminded += 1
                continue
            notify(
                recipients=approvers,
                key=f"request:{request.pk}:step:{step.pk}:reminder:{intervals}",
                subject=f"Reminder: {request.reference} has waited {waited} days for you",
                body=(
                    f"{request.requester.full_name}'s request for {request.title} has waited "
                    f"{waited} days for the {step.get_kind_display()} decision."
                ),
                url=reverse("request_decide", args=[request.pk]),
                now=now,
            )
        reminded += 1
    return reminded
