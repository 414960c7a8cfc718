"""The moves of account requests, their approval steps and the register's accounts.

Each table is the rule: services call ``check`` before changing anything, pages show a button
only where ``allowed`` says so, and tests/test_transitions.py walks every move of every table as
every member of the cast.
"""

from __future__ import annotations

from typing import Any

from accounts.models import AccountRequest, AccountStatus, ApprovalStep, RequestStatus, StepStatus
from accounts.rules import can_change_account, can_decide, can_review, is_requester
from governance.transitions import Move, StateMachine, by_the_portal

# ---------------------------------------------------------------------------------------------
# Account requests (REQ-1, REQ-6)

SAVE = "save"
SUBMIT = "submit"
WITHDRAW = "withdraw"
# Follow-on moves: a decision on the request's current step moves the request itself.
SEND_BACK = "send_back"
TURN_DOWN = "turn_down"
GRANT = "grant"

_EDITABLE = frozenset({RequestStatus.DRAFT, RequestStatus.RETURNED})
_SENT = frozenset({RequestStatus.SUBMITTED})
_OPEN_REQUEST = _EDITABLE | _SENT
_REQUESTER_ONLY = "Only the person who made this request can do that."

REQUEST_REFUSALS = {
    RequestStatus.DRAFT: "This request has not been submitted yet.",
    RequestStatus.SUBMITTED: "This request is waiting for a decision, so it cannot be changed.",
    RequestStatus.RETURNED: "This request was returned to the requester for changes.",
    RequestStatus.APPROVED: "This request has already been approved.",
    RequestStatus.REJECTED: "This request has already been rejected.",
    RequestStatus.WITHDRAWN: "This request was withdrawn.",
}

REQUEST: StateMachine[AccountRequest] = StateMachine(
    name="request",
    states=RequestStatus.values,
    moves=[
        Move(SAVE, _EDITABLE, None, is_requester, "Change the request", _REQUESTER_ONLY),
        Move(SUBMIT, _EDITABLE, RequestStatus.SUBMITTED, is_requester, "Send it", _REQUESTER_ONLY),
        Move(
            WITHDRAW,
            frozenset(_OPEN_REQUEST),
            RequestStatus.WITHDRAWN,
            is_requester,
            "Withdraw the request",
            _REQUESTER_ONLY,
        ),
        # An approver returned the current step: the requester changes it and sends it again.
        Move(SEND_BACK, _SENT, RequestStatus.RETURNED, by_the_portal, "", ""),
        # An approver rejected the current step.
        Move(TURN_DOWN, _SENT, RequestStatus.REJECTED, by_the_portal, "", ""),
        # The last step was approved: the account enters the register (REQ-5).
        Move(GRANT, _SENT, RequestStatus.APPROVED, by_the_portal, "", ""),
    ],
    wrong_state={str(status): refusal for status, refusal in REQUEST_REFUSALS.items()},
)

# ---------------------------------------------------------------------------------------------
# Approval steps (REQ-3, REQ-6): decided once, by the step's approver

APPROVE = "approve"
RETURN = "return"
REJECT = "reject"
ACTIVATE_STEP = "activate"
CANCEL_STEP = "cancel"
APPROVE_WITH_FIRST = "approve_with_first"
DECISIONS = (APPROVE, RETURN, REJECT)

_PENDING = frozenset({StepStatus.PENDING})
_NOT_YOURS = "You cannot decide this step of the request."


def _already_decided(step: ApprovalStep) -> str:
    who = step.decided_by.full_name if step.decided_by else "Someone"
    return (
        f"{who} has already decided this step ({step.get_status_display().lower()}). "
        "Nothing was changed."
    )


def _no_longer_waiting(step: ApprovalStep) -> str:
    request = step.request
    if request.status != RequestStatus.SUBMITTED:
        return REQUEST_REFUSALS[RequestStatus(request.status)]
    return "This step is no longer waiting for a decision."


STEP: StateMachine[ApprovalStep] = StateMachine(
    name="approval step",
    states=StepStatus.values,
    moves=[
        Move(APPROVE, _PENDING, StepStatus.APPROVED, can_decide, "Approve", _NOT_YOURS),
        Move(
            RETURN, _PENDING, StepStatus.RETURNED, can_decide, "Return it for changes", _NOT_YOURS
        ),
        Move(REJECT, _PENDING, StepStatus.REJECTED, can_decide, "Reject it", _NOT_YOURS),
        # The step before it was approved: it now waits for its approver.
        Move(
            ACTIVATE_STEP,
            frozenset({StepStatus.WAITING}),
            StepStatus.PENDING,
            by_the_portal,
            "",
            "",
        ),
        # The next step's approver is the one person who has just approved the step before (a
        # line manager who is also the Head of Service): it is approved with it.
        Move(
            APPROVE_WITH_FIRST,
            frozenset({StepStatus.WAITING}),
            StepStatus.APPROVED,
            by_the_portal,
            "",
            "",
        ),
        # The request was returned, rejected or withdrawn: the steps left are not needed.
        Move(
            CANCEL_STEP,
            frozenset({StepStatus.WAITING, StepStatus.PENDING}),
            StepStatus.CANCELLED,
            by_the_portal,
            "",
            "",
        ),
    ],
    wrong_state={
        StepStatus.WAITING: "This step has not been reached yet: an earlier step comes first.",
        StepStatus.APPROVED: _already_decided,
        StepStatus.RETURNED: _already_decided,
        StepStatus.REJECTED: _already_decided,
        StepStatus.CANCELLED: _no_longer_waiting,
    },
)

# ---------------------------------------------------------------------------------------------
# Accounts in the register (REG-1, REG-4, REG-5)

MARK_LIVE = "activate"
SUSPEND = "suspend"
CLOSE = "close"
REOPEN = "reopen"
KEEP_OPEN = "keep_open"  # answers a review's closure recommendation; the status stays
REGULARISE = "regularise"
EDIT = "edit"
REVIEW = "review"
STATUS_CHANGES = (MARK_LIVE, SUSPEND, CLOSE, REOPEN)

_ONLY_COMMUNICATIONS = "Only Communications can change the register."
NOTHING_TO_KEEP_OPEN = "No review is asking for this account to be closed."
_OPEN_ACCOUNT = frozenset(
    {
        AccountStatus.BEING_SET_UP,
        AccountStatus.ACTIVE,
        AccountStatus.SUSPENDED,
        AccountStatus.UNAPPROVED,
    }
)


def _cannot_now(label: str) -> Any:
    def refusal(account: Any) -> str:
        return (
            f"The account is {account.get_status_display().lower()}, so you cannot "
            f"{label.lower().replace(' it', ' it now')}."
        )

    return refusal


def _no_longer_unapproved(account: Any) -> str:
    return (
        f"{account.name} is no longer waiting for approval: Communications have closed it or "
        "another request approved it. Reject this request instead."
    )


def _cannot_review(account: Any) -> str:
    return f"The account is {account.get_status_display().lower()}, so it cannot be reviewed."


def _status_change(name: str, sources: frozenset[str], target: str | None, label: str) -> Move:
    return Move(
        name,
        sources,
        target,
        can_change_account,
        label,
        _ONLY_COMMUNICATIONS,
        wrong_state=_cannot_now(label),
    )


# The words each status change puts in the event's summary ("Chris Evans suspended the account").
PAST = {
    MARK_LIVE: "marked the account as live",
    SUSPEND: "suspended the account",
    CLOSE: "closed the account",
    REOPEN: "reopened the account",
}

# Status changes Communications can make, each with a reason. An unapproved account becomes
# active only through an approved request (REG-4).
ACCOUNT: StateMachine[Any] = StateMachine(
    name="account",
    states=AccountStatus.values,
    moves=[
        _status_change(
            MARK_LIVE,
            frozenset({AccountStatus.BEING_SET_UP}),
            AccountStatus.ACTIVE,
            "Mark it as live",
        ),
        _status_change(
            SUSPEND,
            frozenset({AccountStatus.ACTIVE}),
            AccountStatus.SUSPENDED,
            "Suspend it",
        ),
        _status_change(CLOSE, _OPEN_ACCOUNT, AccountStatus.CLOSED, "Close it"),
        # Active again; an account that was never approved is reopened as unapproved, so that
        # closing and reopening is no way round the approval process (REG-4).
        _status_change(
            REOPEN,
            frozenset({AccountStatus.SUSPENDED, AccountStatus.CLOSED}),
            None,
            "Reopen it",
        ),
        # An unapproved account brought through an approved request (REG-4).
        Move(
            REGULARISE,
            frozenset({AccountStatus.UNAPPROVED}),
            AccountStatus.ACTIVE,
            by_the_portal,
            "",
            "",
            wrong_state=_no_longer_unapproved,
            when=lambda account: account.request_id is None,
        ),
        Move(
            KEEP_OPEN,
            _OPEN_ACCOUNT,
            None,
            can_change_account,
            "Keep it open: a review recommends closing it",
            _ONLY_COMMUNICATIONS,
            wrong_state=NOTHING_TO_KEEP_OPEN,
            when=lambda account: account.closure_recommended,
        ),
        Move(
            EDIT,
            frozenset(AccountStatus.values),
            None,
            can_change_account,
            "Change the record",
            _ONLY_COMMUNICATIONS,
        ),
        Move(
            REVIEW,
            frozenset({AccountStatus.ACTIVE, AccountStatus.SUSPENDED}),
            None,
            can_review,
            "Record a review",
            "Only the account's moderators can record a review.",
            wrong_state=_cannot_review,
        ),
    ],
)
