"""Who may see and do what with account requests and the register: every predicate of this app.

Views, templates (through the views), services and the transition tables (accounts/transitions.py)
ask these; nothing else in the app decides who may do something. Each says which clause it serves.

The approver of each step follows from the organisation data at the moment it is asked:
- line manager: the requester's line manager;
- Head of Service: the Head of Service of the account's service area, or, when the requester is
  that Head of Service, the requester's own line manager (nobody approves their own request);
- Communications: any member of Communications.
Nobody named in a request (the requester or a backup officer) decides any step of it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Exists, F, Q, QuerySet

from accounts.models import (
    Account,
    AccountRequest,
    AccountStatus,
    ApprovalStep,
    RequestStatus,
)
from accounts.moderators import moderators
from governance import roles
from governance.models import StepKind, User

# ---------------------------------------------------------------------------------------------
# Roles across the register and requests


def can_read_whole_register(user: Any) -> bool:
    """Communications keeps the register (MSM 5.3, MDM 8.5, REG-1) and auditors read all of it
    (AUD-1): they see every account and every sent request."""
    return roles.is_communications(user) or roles.is_auditor(user)


def whole_register_readers() -> QuerySet[User]:
    """``can_read_whole_register`` as a query over people."""
    return User.objects.filter(groups__name__in=[roles.COMMUNICATIONS, roles.AUDITOR])


def can_edit_register(user: Any) -> bool:
    """Only Communications changes the register (MSM 5.3: 'Communications will hold a
    register'; REG-1)."""
    return roles.is_communications(user)


def can_change_account(user: Any, account: Account) -> bool:
    """A change to one account's record or status: Communications (MSM 5.3, REG-1; closing an
    account MSM 5.13, MDM 8.10)."""
    return can_edit_register(user)


def communications_team() -> QuerySet[User]:
    """Everyone in Communications who can sign in: they sign off every request (MSM 5.2) and
    hear about every change to the register (MSM 5.3, 7.2)."""
    return User.objects.filter(groups__name=roles.COMMUNICATIONS, is_active=True).filter(
        Q(leaver_recorded_at__isnull=True)
    )


# ---------------------------------------------------------------------------------------------
# Account requests (REQ-1 to REQ-6)


def is_requester(user: Any, request: AccountRequest) -> bool:
    """The person who made the request edits, sends and withdraws it (REQ-1)."""
    return getattr(user, "is_authenticated", False) and request.requester_id == user.pk


def _holders(request: AccountRequest, kind: str) -> list[User]:
    """Who holds the role that decides this kind of step, named in the request or not."""
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
        if person is not None and person.is_active and not person.has_left
    ]


def _named_ids(request: AccountRequest) -> set[int]:
    named = {request.requester_id}
    if request.pk is not None:
        named |= set(request.backup_officers.values_list("pk", flat=True))
    return named


def step_approvers(request: AccountRequest, kind: str) -> list[User]:
    """Everyone who may decide this kind of step on this request (REQ-3: Head of Service and
    Communications approve; MSM 5.2, TW). Nobody named in the request is among them: an
    approver vouches for the request, so they cannot also be its requester or backup officer."""
    named = _named_ids(request)
    return [person for person in _holders(request, kind) if person.pk not in named]


def named_approvers(request: AccountRequest, kind: str) -> list[User]:
    """The role holders for this step who are named in the request, and so cannot decide it."""
    named = _named_ids(request) - {request.requester_id}
    return [person for person in _holders(request, kind) if person.pk in named]


def steps_awaiting(user: User) -> Q:
    """The same rule as ``step_approvers``, as a query over approval steps: the steps of any
    request that this person approves (tests/test_rules.py checks the two agree)."""
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
    named = AccountRequest.objects.filter(backup_officers=user).values("pk")
    return mine & ~Q(request__requester=user) & ~Q(request__in=named)


def can_decide(user: Any, step: ApprovalStep) -> bool:
    """The approver of this step decides it (REQ-3, REQ-6): the transition table's rule for
    approving, returning and rejecting."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(person.pk == user.pk for person in step_approvers(step.request, step.kind))


def approves_this_round(user: Any, request: AccountRequest) -> bool:
    """Whether this person may decide any step of the request's current round (REQ-3); such
    a person reaches the decision page and hears from the service what happened."""
    return any(
        any(person.pk == user.pk for person in step_approvers(request, kind))
        for kind in request.steps.filter(round=request.round).values_list("kind", flat=True)
    )


def is_approver(user: Any, request: AccountRequest) -> bool:
    """Anyone who holds a step of this round or decided a step of any round: they see the
    request and its evidence (REQ-6: the decision record)."""
    return request.steps.filter(decided_by=user).exists() or approves_this_round(user, request)


def is_involved(user: Any, request: AccountRequest) -> bool:
    """The requester, the named backup officers and the approvers: those who see a sent request
    without reading the whole register (REQ-6)."""
    if request.requester_id == user.pk:
        return True
    if request.status == RequestStatus.DRAFT:
        return False
    if request.backup_officers.filter(pk=user.pk).exists():
        return True
    return is_approver(user, request)


def heads_its_area(user: Any, request: AccountRequest) -> bool:
    """The Head of Service of the request's service area: they answer for every account their
    service opens, and see how its requests fare (issue 13)."""
    area = request.service_area
    return area is not None and area.head_id == user.pk


def can_view_request(user: Any, request: AccountRequest) -> bool:
    """A draft is the requester's alone; a sent request is seen by those involved in it, by the
    Head of Service of its service area, and by Communications and auditors (REQ-6: the decision
    record)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if request.requester_id == user.pk:
        return True
    if request.status == RequestStatus.DRAFT:
        return False
    if can_read_whole_register(user) or heads_its_area(user, request):
        return True
    return is_involved(user, request)


def can_see_evidence(user: Any, request: AccountRequest) -> bool:
    """The training certificate is personal (Derby: data protection e-learning, REQ-2):
    requester, approvers, Communications and auditors. Backup officers see the request but not
    the requester's certificate."""
    if not can_view_request(user, request):
        return False
    if request.requester_id == user.pk or can_read_whole_register(user):
        return True
    return is_approver(user, request)


# ---------------------------------------------------------------------------------------------
# The register (REG-1 to REG-5)


def moderates(user: Any, account: Account) -> bool:
    """An active moderator, or one awaiting the declaration that will make them active (MOD-1;
    a suspended moderator sees nothing of the account, DEC-3)."""
    if not getattr(user, "is_authenticated", False):
        return False
    known = getattr(account, "moderated_by", None)
    if known is not None and user.pk in known:
        return bool(known[user.pk])
    return moderators().moderated_account_ids(user).filter(account_id=account.pk).exists()


def moderates_expression(user: Any, account_ref: Any) -> Exists:
    """``moderates`` as an expression over accounts (``account_ref``, such as
    ``OuterRef("pk")``), to read with the account; the answer, put in the account's
    ``moderated_by`` ({person's key: answer}), is then taken instead of asking again."""
    return Exists(moderators().moderated_account_ids(user).filter(account_id=account_ref))


def can_see_account(
    user: Any,
    account: Account,
    *,
    whole_register: bool | None = None,
    moderator_ids: Collection[int] | None = None,
) -> bool:
    """Communications and auditors see every record; a responsible officer and the account's
    moderators see their own (REG-1: custody details are need-to-know). A caller that has
    already worked out whether the person reads the whole register, or loaded the account's
    moderators (in the states ``moderates`` counts), passes them and saves the queries."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_read_whole_register(user) if whole_register is None else whole_register:
        return True
    if account.responsible_officer_id == user.pk:
        return True
    return moderates(user, account) if moderator_ids is None else user.pk in moderator_ids


def can_review(user: Any, account: Account) -> bool:
    """The account's moderators review it (REG-5; MSM 5.12, MDM 8.9)."""
    return moderates(user, account)


def can_regularise(user: Any, account: Account) -> bool:
    """An account found outside the process is brought through a request by its responsible
    officer or by Communications (REG-4)."""
    if account.status != AccountStatus.UNAPPROVED:
        return False
    return account.responsible_officer_id == user.pk or can_edit_register(user)


def accounts_visible_to(user: Any, key: str = "pk") -> Q:
    """``can_see_account`` as a query over accounts (or their history rows, whose key is
    ``id``): everything for those who read the whole register, else their own (REG-1)."""
    if can_read_whole_register(user):
        return Q()
    moderated = moderators().moderated_account_ids(user).values("account_id")
    if key != "pk":
        # A history row names its own responsible officer, as it was then.
        return Q(responsible_officer=user) | Q(**{f"{key}__in": moderated})
    # One indexed key set per reason, as a UNION: the two OR-ed made PostgreSQL read every
    # account (asked on every page, to show the register in the navigation).
    own = Account.objects.filter(responsible_officer=user).values("pk")
    return Q(pk__in=own.order_by().union(moderated.order_by()))


def visible_account_ids(user: Any, ids: list[int]) -> list[int]:
    """Which of these accounts this person may open, in one query (``can_see_account``;
    REG-1)."""
    if can_read_whole_register(user):
        return ids
    return list(
        Account.objects.filter(pk__in=ids)
        .filter(accounts_visible_to(user))
        .values_list("pk", flat=True)
    )


def requests_visible_to(user: Any) -> Q:
    """``can_view_request`` as a query over requests, for the request list: a draft is its
    requester's alone; Communications and auditors see every sent request; a Head of Service
    those of the areas they head; others see their own, those they are named in and those they
    decided a step of (REQ-6). The steps waiting for their decision are listed on their own
    (``steps_awaiting``)."""
    own_or_sent = Q(requester=user) | ~Q(status=RequestStatus.DRAFT)
    if can_read_whole_register(user):
        return own_or_sent
    # One indexed key set per reason, as a UNION: the same reasons OR-ed over joins made
    # PostgreSQL scan every request and step.
    sent = AccountRequest.objects.exclude(status=RequestStatus.DRAFT)
    reasons = [
        AccountRequest.objects.filter(requester=user),
        sent.filter(backup_officers=user),
        sent.filter(steps__decided_by=user),
        sent.filter(service_area__head=user),
    ]
    keys = [rows.order_by().values_list("pk", flat=True) for rows in reasons]
    return Q(pk__in=keys[0].union(*keys[1:]))


def has_register(user: Any) -> bool:
    """Whether the register section exists for this person at all: it does for anyone who can
    see at least one account (``can_see_account``; REG-1)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_read_whole_register(user):
        return True
    return Account.objects.filter(accounts_visible_to(user)).exists()


NOT_PUBLISHABLE = "Only an active account can be shown on the public register"


def can_be_published(account: Account) -> bool:
    """The public register of official accounts shows an account only while it is active
    (issue 11): never one that is unapproved, being set up or suspended. A closed account that
    was published stays on it as closed, so that residents learn it is no longer ours."""
    return account.status == AccountStatus.ACTIVE or (
        account.status == AccountStatus.CLOSED and account.published
    )
