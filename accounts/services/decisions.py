"""Decisions on approval steps (REQ-3, REQ-6) and reminders of steps left waiting (REM-1).

A decision is made in three parts: ``_check_decision`` asks the transition table and the
decision's own needs (a comment to return or reject, branding confirmed by Communications),
``_record_decision`` saves the step and writes its event, and ``_advance`` moves the request on:
to the next step, to final approval, or back to the requester.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import events
from accounts.models import Account, AccountRequest, ApprovalStep, RequestStatus, StepStatus
from accounts.rules import communications_team, step_approvers
from accounts.services.register import account_create_from_request
from accounts.services.requests import (
    holder_phrase,
    lock_request,
    request_url,
    step_activate,
    steps_cancel_remaining,
)
from accounts.transitions import (
    APPROVE,
    APPROVE_WITH_FIRST,
    DECISIONS,
    GRANT,
    REJECT,
    REQUEST,
    RETURN,
    SEND_BACK,
    STEP,
    TURN_DOWN,
)
from governance.changes import record_change
from governance.emails import notify_from
from governance.errors import DomainError
from governance.history import save_with_event
from governance.models import Event, StepKind, User
from governance.services.profile import profile_get

DECISION_WORDS = {APPROVE: "approved", RETURN: "returned for changes", REJECT: "rejected"}
STEP_ACTIONS = {
    APPROVE: events.REQUEST_STEP_APPROVED,
    RETURN: events.REQUEST_STEP_RETURNED,
    REJECT: events.REQUEST_STEP_REJECTED,
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
    if decision not in DECISIONS:
        raise DomainError("Choose whether to approve, return or reject the request.")
    comment = comment.strip()
    with transaction.atomic():
        request = lock_request(request)
        step = (
            ApprovalStep.objects.select_for_update(of=("self",))
            .select_related("decided_by")
            .get(pk=step_id, request=request)
        )
        step.request = request
        _check_decision(actor, step, decision, comment, branding_confirmed)
        event = _record_decision(actor, step, decision, comment, branding_confirmed, now)
        following = _advance(request, step, actor=actor, decision=decision, now=now)
        account = Account.objects.filter(request=request).first()
        notify_from(
            "accounts/email/step_decided.txt",
            {
                "request": request,
                "step": step,
                "decision": decision,
                "word": DECISION_WORDS[decision],
                "following": following,
                "holder": holder_phrase(following) if following else "",
                "who": actor.full_name,
                "account_state": account.get_status_display().lower()
                if account
                else "being set up",
            },
            recipients=[request.requester],
            key=f"request:{request.pk}:step:{step.pk}:decided",
            url=request_url(request),
            event=event,
            now=now,
        )
    return request


def _check_decision(
    actor: User, step: ApprovalStep, decision: str, comment: str, branding_confirmed: bool
) -> None:
    """What the table says, then what this decision needs: nothing is saved before both."""
    STEP.check(actor, decision, step)
    if decision == RETURN and not comment:
        raise DomainError("Say what the requester needs to change", field="comment")
    if decision == REJECT and not comment:
        raise DomainError("Give the reason for rejecting the request", field="comment")
    if decision == APPROVE and asks_branding(step) and not branding_confirmed:
        raise DomainError(
            "Confirm that the account's branding is approved", field="branding_confirmed"
        )


def asks_branding(step: ApprovalStep) -> bool:
    """Communications approves each account's branding with its step (MSM 5.5, MDM 8.7)."""
    return step.kind == StepKind.COMMUNICATIONS


def _record_decision(
    actor: User,
    step: ApprovalStep,
    decision: str,
    comment: str,
    branding_confirmed: bool,
    now: datetime.datetime,
) -> Event:
    request = step.request
    step.status = STEP[decision].to
    step.decided_by = actor
    step.decided_at = now
    step.comment = comment
    step.branding_confirmed = branding_confirmed and asks_branding(step)
    return record_change(
        step,
        actor=actor,
        action=STEP_ACTIONS[decision],
        subject=request,
        summary=(
            f"{actor.full_name} {DECISION_WORDS[decision]} {request.reference} "
            f"at the {step.get_kind_display()} step"
        ),
        reason=comment,
        data={"step": step.pk, "kind": step.kind, "round": step.round},
        update_fields=["status", "decided_by", "decided_at", "comment", "branding_confirmed"],
        now=now,
    )


def _advance(
    request: AccountRequest,
    step: ApprovalStep,
    *,
    actor: User,
    decision: str,
    now: datetime.datetime,
) -> ApprovalStep | None:
    """Move the request on after a decision; return the step it now waits at, if any."""
    if decision != APPROVE:
        # The step's own event (``_record_decision``) tells the change; the request follows it.
        follow_on = SEND_BACK if decision == RETURN else TURN_DOWN
        request.status = REQUEST.check_state(follow_on, request).to
        request.decided_at = now if decision == REJECT else None
        save_with_event(
            request, action=STEP_ACTIONS[decision], update_fields=["status", "decided_at"], now=now
        )
        steps_cancel_remaining(request)
        return None
    following = _next_step(request, step)
    while following is not None and _decided_by_the_same_person(following, actor):
        _approve_in_second_role(following, actor=actor, first=step, now=now)
        following = _next_step(request, following)
    if following is not None:
        step_activate(following, now=now)
    else:
        _approve_finally(request, actor=actor, now=now)
    return following


def _next_step(request: AccountRequest, step: ApprovalStep) -> ApprovalStep | None:
    return request.steps.filter(round=request.round, position__gt=step.position).first()


def _decided_by_the_same_person(step: ApprovalStep, actor: User) -> bool:
    """Whether the next step would go to the one person who has just approved.

    A requester whose line manager is also the Head of Service is not made to wait for the
    same person twice; Communications is a team and always decides its own step.
    """
    if step.kind == StepKind.COMMUNICATIONS:
        return False
    return [person.pk for person in step_approvers(step.request, step.kind)] == [actor.pk]


def _approve_in_second_role(
    step: ApprovalStep, *, actor: User, first: ApprovalStep, now: datetime.datetime
) -> None:
    step.status = STEP.check_state(APPROVE_WITH_FIRST, step).to
    step.activated_at = now
    step.decided_by = actor
    step.decided_at = now
    step.comment = (
        f"Approved with the {first.get_kind_display().lower()} step: {actor.full_name} holds "
        "both roles."
    )
    record_change(
        step,
        actor=actor,
        action=events.REQUEST_STEP_APPROVED,
        subject=step.request,
        summary=(
            f"{actor.full_name} approved {step.request.reference} at the "
            f"{step.get_kind_display()} step too, holding both roles"
        ),
        data={"step": step.pk, "kind": step.kind, "round": step.round},
        update_fields=["status", "activated_at", "decided_by", "decided_at", "comment"],
        now=now,
    )


def _approve_finally(request: AccountRequest, *, actor: User, now: datetime.datetime) -> None:
    """The last step is approved: the account enters the register (REQ-5)."""
    request.status = REQUEST.check_state(GRANT, request).to
    request.decided_at = now
    account = account_create_from_request(request=request, approver=actor, now=now)
    record_change(
        request,
        actor=actor,
        action=events.REQUEST_APPROVED,
        summary=f"{request.reference} was approved: {account.name} entered the register",
        data={"account": account.pk},
        update_fields=["status", "decided_at"],
        now=now,
    )
    notify_from(
        "accounts/email/proposed_moderator.txt",
        {"request": request, "account": account},
        recipients=list(request.backup_officers.all()),
        key=f"request:{request.pk}:proposed_moderator",
        url=request_url(request),
        now=now,
    )


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
        context = {"request": request, "step": step, "waited": (now - step.activated_at).days}
        approvers = step_approvers(request, step.kind)
        with transaction.atomic():
            if not approvers:
                # The approver left or lost their role after the request was sent.
                notify_from(
                    "accounts/email/step_stuck.txt",
                    context,
                    recipients=communications_team(),
                    key=f"request:{request.pk}:step:{step.pk}:stuck:{intervals}",
                    url=request_url(request),
                    now=now,
                )
            else:
                notify_from(
                    "accounts/email/step_reminder.txt",
                    context,
                    recipients=approvers,
                    key=f"request:{request.pk}:step:{step.pk}:reminder:{intervals}",
                    url=reverse("request_decide", args=[request.pk]),
                    now=now,
                )
        reminded += 1
    return reminded
