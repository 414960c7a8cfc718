"""Every move of every transition table, as every member of the cast.

The expectations are written out here from the policy, not read back from the tables: a table
(or a predicate it names) that lets the wrong person in, or keeps the right one out, fails.
Where a person may not make a move, the service refuses them too and nothing is recorded.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts import rules as account_rules
from accounts.models import AccountStatus, RequestStatus, StepStatus
from accounts.selectors import current_step
from accounts.services.decisions import step_decide
from accounts.services.register import account_change_status, account_keep_open, account_update
from accounts.services.requests import request_save_draft, request_submit, request_withdraw
from accounts.services.reviews import review_record
from accounts.transitions import (
    ACCOUNT,
    DECISIONS,
    EDIT,
    KEEP_OPEN,
    REQUEST,
    REVIEW,
    SAVE,
    STATUS_CHANGES,
    STEP,
    SUBMIT,
    WITHDRAW,
)
from declarations import rules as declaration_rules
from declarations.models import PolicyVersion, VersionState
from declarations.services.versions import version_publish, version_update
from declarations.transitions import EDIT as EDIT_VERSION
from declarations.transitions import PUBLISH, RETIRE, VERSION
from governance import roles, transitions
from governance.errors import DomainError
from governance.models import Event, Preset, ServiceArea, StepKind, User
from governance.services.profile import profile_apply_preset
from moderation import rules as moderation_rules
from moderation.models import AbuseCategory, AssignmentState, IncidentKind, ModeratorAssignment
from moderation.models import StepKind as CaseStepKind
from moderation.services.abuse import case_close, case_open, case_step_record
from moderation.services.assignments import assignment_activate, assignment_end, assignment_propose
from moderation.services.impersonation import impersonation_report
from moderation.services.incidents import incident_close, incident_report
from moderation.transitions import (
    ABUSE_CASE,
    ACTIVATE,
    ASSIGNMENT,
    END,
    GIVE_ADVICE,
    INCIDENT,
    RECORD_STEP,
    REOPEN,
)
from moderation.transitions import CLOSE as CASE_CLOSE
from tests.conftest import make_person
from tests.declaration_helpers import draft, holds_declaration, publish
from tests.register_helpers import account_in, make_account
from tests.requests_helpers import request_in

TABLES: list[transitions.StateMachine[Any]] = [REQUEST, STEP, ACCOUNT, ASSIGNMENT, VERSION]
RULE_MODULES = {
    account_rules.__name__,
    moderation_rules.__name__,
    declaration_rules.__name__,
    transitions.__name__,
}


def people(cast: dict[str, User | None], **more: User) -> dict[str, Any]:
    """The cast as pages meet them: the anonymous visitor is Django's AnonymousUser."""
    return {name: person or AnonymousUser() for name, person in {**cast, **more}.items()}


def test_every_move_names_a_rule_and_what_a_refused_person_is_told() -> None:
    for table in TABLES:
        for move in table.moves:
            assert move.who.__module__ in RULE_MODULES, (table.name, move.name)
            assert move.sources <= set(table.states), (table.name, move.name)
            if move.who is not transitions.by_the_portal:
                assert move.refused.endswith("."), (table.name, move.name)
                assert move.label, (table.name, move.name)


def test_the_portals_own_moves_are_offered_to_nobody(cast: dict[str, User | None]) -> None:
    for table in TABLES:
        for move in table.moves:
            if move.who is transitions.by_the_portal:
                assert not any(move.who(person, None) for person in people(cast).values())


@pytest.mark.django_db
def test_request_moves_belong_to_the_requester_alone(
    cast: dict[str, User | None], colleague: User, administrator: User
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    holds_declaration(cast["requester"])  # type: ignore[arg-type]  # Derby asks for it (REQ-2)
    everyone = people(cast, backup_officer=colleague)
    for status in RequestStatus.values:
        request = request_in(
            status,
            cast["requester"],  # type: ignore[arg-type]
            [colleague],
            proposed_handle=f"@{status}",
        )
        for name, person in everyone.items():
            for move in (SAVE, SUBMIT, WITHDRAW):
                expected = name == "requester" and status in REQUEST[move].sources
                assert REQUEST.allowed(person, move, request) is expected, (status, name, move)
                if expected or not person.is_authenticated:
                    continue
                events = Event.objects.count()
                with pytest.raises(DomainError):
                    if move == SAVE:
                        request_save_draft(actor=person, request=request, values={"aims": "Mine"})
                    elif move == SUBMIT:
                        request_submit(actor=person, request=request)
                    else:
                        request_withdraw(actor=person, request=request)
                request.refresh_from_db()
                assert request.status == status
                assert Event.objects.count() == events


@pytest.mark.django_db
def test_each_step_is_decided_by_its_approver_and_nobody_named_in_the_request(
    cast: dict[str, User | None], colleague: User, administrator: User
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    holds_declaration(cast["requester"])  # type: ignore[arg-type]  # Derby asks for it (REQ-2)
    # A member of Communications who is named as a backup officer must not decide any step.
    named_comms = make_person(
        "named.comms@council.example", "Nia Comms", groups=(roles.COMMUNICATIONS,)
    )
    requester = cast["requester"]
    request = request_in(RequestStatus.SUBMITTED, requester, [colleague, named_comms])  # type: ignore[arg-type]
    approver_of = {
        StepKind.LINE_MANAGER: "line_manager",
        StepKind.HEAD_OF_SERVICE: "head_of_service",
        StepKind.COMMUNICATIONS: "communications",
    }
    everyone = people(cast, backup_officer=colleague, named_comms=named_comms)
    for kind, approver in approver_of.items():
        step = current_step(request)
        assert step is not None and step.kind == kind
        later = request.steps.filter(status=StepStatus.WAITING)
        for name, person in everyone.items():
            for decision in DECISIONS:
                expected = name == approver
                assert STEP.allowed(person, decision, step) is expected, (kind, name, decision)
                assert not any(STEP.allowed(person, decision, waiting) for waiting in later)
            if name == approver or not person.is_authenticated:
                continue
            with pytest.raises(DomainError):
                step_decide(
                    actor=person,
                    request=request,
                    step_id=step.pk,
                    decision="approve",
                    branding_confirmed=True,
                )
            step.refresh_from_db()
            assert step.status == StepStatus.PENDING
        request = step_decide(
            actor=everyone[approver],
            request=request,
            step_id=step.pk,
            decision="approve",
            branding_confirmed=True,
        )
    assert request.status == RequestStatus.APPROVED


@pytest.mark.django_db
def test_a_decided_or_cancelled_step_is_decided_by_nobody(
    cast: dict[str, User | None], colleague: User, administrator: User
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    requester = cast["requester"]
    assert requester is not None
    holds_declaration(requester)  # Derby asks for it (REQ-2)
    steps = [
        step
        for status in (RequestStatus.APPROVED, RequestStatus.RETURNED, RequestStatus.REJECTED)
        for step in request_in(
            status, requester, [colleague], proposed_handle=f"@{status}"
        ).steps.all()
    ]
    assert {step.status for step in steps} == {
        StepStatus.APPROVED,
        StepStatus.RETURNED,
        StepStatus.REJECTED,
        StepStatus.CANCELLED,
    }
    for step in steps:
        for name, person in people(cast, backup_officer=colleague).items():
            assert STEP.allowed_moves(person, step) == [], (step.status, name)


def _try_account_move(move: str, person: User, account: Any) -> None:
    if move in STATUS_CHANGES:
        account_change_status(actor=person, account=account, action=move, reason="Because")
    elif move == KEEP_OPEN:
        account_keep_open(actor=person, account=account, reason="Because")
    elif move == EDIT:
        account_update(actor=person, account=account, values={"name": "Renamed"}, reason="Why")
    else:
        _review(person, account, "keep")


def _review(person: User, account: Any, outcome: str) -> None:
    review_record(
        actor=person,
        account=account,
        reviewed_on=account.created_at.date(),
        found_inappropriate=False,
        content_removed=False,
        reported_to_platform=False,
        notes="",
        outcome=outcome,
    )


@pytest.mark.django_db
def test_account_moves_belong_to_communications_and_reviews_to_moderators(
    cast: dict[str, User | None], leisure: ServiceArea, colleague: User
) -> None:
    comms = cast["communications"]
    assert comms is not None
    everyone = people(cast, moderator=colleague)
    for status in AccountStatus.values:
        account = account_in(status, comms, leisure, (colleague,))
        for name, person in everyone.items():
            for move in [m.name for m in ACCOUNT.moves if m.who is not transitions.by_the_portal]:
                in_state = status in ACCOUNT[move].sources and move != KEEP_OPEN
                who = name == "moderator" if move == REVIEW else name == "communications"
                expected = in_state and who
                assert ACCOUNT.allowed(person, move, account) is expected, (status, name, move)
                if expected or not person.is_authenticated:
                    continue
                events = Event.objects.count()
                with pytest.raises(DomainError):
                    _try_account_move(move, person, account)
                assert Event.objects.count() == events
        account.refresh_from_db()
        assert account.status == status


@pytest.mark.django_db
def test_keep_open_is_offered_only_while_a_review_recommends_closing(
    communications: User, leisure: ServiceArea, colleague: User
) -> None:
    account = account_in(AccountStatus.ACTIVE, communications, leisure, (colleague,))
    assert not ACCOUNT.allowed(communications, KEEP_OPEN, account)
    _review(colleague, account, "close")
    account.refresh_from_db()
    assert ACCOUNT.allowed(communications, KEEP_OPEN, account)
    assert not ACCOUNT.allowed(colleague, KEEP_OPEN, account)


@pytest.fixture
def proposed(communications: User, leisure: ServiceArea, colleague: User) -> Any:
    """The colleague, proposed as a moderator of an active account by Communications: he holds
    no declaration, so he waits for one (DEC-3)."""
    account = account_in(AccountStatus.ACTIVE, communications, leisure, ())
    assignment = assignment_propose(
        account=account, person=colleague, granted_by=communications, reason="Named"
    )
    assert assignment.state == AssignmentState.AWAITING_DECLARATION
    return assignment


@pytest.mark.django_db
def test_every_assignment_move_from_every_state_as_every_member_of_the_cast(
    cast: dict[str, User | None], colleague: User, proposed: Any
) -> None:
    assignment = proposed
    # Becoming active, suspension and restoring are the portal's (DEC-3): nobody's to make.
    may = {END: {"communications", "line_manager"}}
    for state in AssignmentState.values:
        ModeratorAssignment.objects.filter(pk=assignment.pk).update(state=state)
        assignment.refresh_from_db()
        for move in ASSIGNMENT.moves:
            for name, person in people(cast, moderator=colleague).items():
                expected = state in move.sources and name in may.get(move.name, set())
                assert ASSIGNMENT.allowed(person, move.name, assignment) is expected, (
                    state,
                    move.name,
                    name,
                )


@pytest.mark.django_db
def test_nobody_makes_a_proposed_moderator_active_by_hand_and_the_portal_does(
    cast: dict[str, User | None], colleague: User, proposed: Any
) -> None:
    assignment = proposed
    for name, person in people(cast, moderator=colleague).items():
        assert not ASSIGNMENT.allowed(person, ACTIVATE, assignment), name
        assert ASSIGNMENT.refusal(person, ACTIVATE, assignment) == (
            "A moderator becomes active by signing the declaration."
        ), name
        assert ACTIVATE not in ASSIGNMENT.allowed_moves(person, assignment), name
    assert ASSIGNMENT[ACTIVATE].who is transitions.by_the_portal

    active = assignment_activate(assignment=assignment, now=assignment.created_at)

    assert active.state == AssignmentState.ACTIVE
    event = Event.objects.get(action="assignment.activated", subject_id=active.pk)
    assert (event.actor, event.reason) == (None, "They hold a current declaration")
    with pytest.raises(DomainError, match="already an active moderator"):
        assignment_activate(assignment=active, now=assignment.created_at)


@pytest.mark.django_db
def test_an_assignment_is_ended_by_communications_or_the_moderators_line_manager(
    cast: dict[str, User | None], leisure: ServiceArea, colleague: User
) -> None:
    comms = cast["communications"]
    assert comms is not None
    account = account_in(AccountStatus.ACTIVE, comms, leisure, (colleague,))
    assignment = ModeratorAssignment.objects.get(account=account, person=colleague)
    for name, person in people(cast, moderator=colleague).items():
        expected = name in {"communications", "line_manager"}
        assert ASSIGNMENT.allowed(person, END, assignment) is expected, name
        if not expected and person.is_authenticated:
            with pytest.raises(DomainError):
                assignment_end(
                    assignment=assignment, actor=person, reason="x", now=account.created_at
                )
    ended = assignment_end(
        assignment=assignment,
        actor=cast["line_manager"],
        reason="Left the team",
        now=account.created_at,
    )
    assert not any(ASSIGNMENT.allowed(person, END, ended) for person in people(cast).values())


@pytest.mark.django_db
def test_every_policy_version_move_from_every_state_as_every_member_of_the_cast(
    cast: dict[str, User | None], policy_owner: User
) -> None:
    """Drafts are edited and published by the Policy owner alone; retiring is the portal's,
    when a later version is published (DEC-1, MSM 10.1)."""
    version = draft(policy_owner, version="9.9")
    may = {EDIT_VERSION: {"policy_owner"}, PUBLISH: {"policy_owner"}}
    for state in VersionState.values:
        PolicyVersion.objects.filter(pk=version.pk).update(state=state)
        version.refresh_from_db()
        for move in VERSION.moves:
            for name, person in people(cast).items():
                expected = state in move.sources and name in may.get(move.name, set())
                assert VERSION.allowed(person, move.name, version) is expected, (
                    state,
                    move.name,
                    name,
                )
    assert VERSION[RETIRE].who is transitions.by_the_portal


@pytest.mark.django_db
def test_nobody_but_the_policy_owner_edits_or_publishes_a_draft(
    cast: dict[str, User | None], policy_owner: User
) -> None:
    current = publish(policy_owner, version="1.0")
    version = draft(policy_owner, version="2.0")
    for name, person in people(cast).items():
        if name == "policy_owner" or not person.is_authenticated:
            continue
        events = Event.objects.count()
        with pytest.raises(DomainError) as edit:
            version_update(actor=person, version=version, text="Changed")
        with pytest.raises(DomainError) as publishing:
            version_publish(actor=person, version=version, requires_reacknowledgement=True)
        assert edit.value.message == "Only the Policy owner can change a draft.", name
        assert publishing.value.message == "Only the Policy owner can publish a version.", name
        assert Event.objects.count() == events, name
    version.refresh_from_db()
    current.refresh_from_db()
    assert (version.state, current.state) == (VersionState.DRAFT, VersionState.PUBLISHED)


@pytest.mark.django_db
def test_those_who_read_incidents_and_cases_make_no_move_on_them(
    cast: dict[str, User | None], leisure: ServiceArea
) -> None:
    """Auditors and HR read every incident and case (AUD-1, HR-1); only Communications acts on
    them, and Legal gives advice once consulted (INC-1, INC-2). The services refuse the rest."""
    comms, requester, auditor = cast["communications"], cast["requester"], cast["auditor"]
    assert comms is not None and requester is not None and auditor is not None
    account = make_account(comms, leisure)
    incident, _ = incident_report(
        reporter=requester,
        kind=IncidentKind.MISTAKEN_POST,
        happened_on=timezone.localdate(),
        what_happened="Posted to the wrong account",
        account_described="Leisure Offers",
    )
    public, _ = impersonation_report(address="@leisure_offers_official")
    case, _ = case_open(
        actor=comms,
        account=account,
        author_handle="@someone",
        post_url="https://x.com/someone/status/1",
        categories=[AbuseCategory.ABUSIVE],
    )
    case_step_record(
        actor=comms, case=case, kind=CaseStepKind.LEGAL_CONSULTED, happened_on=timezone.localdate()
    )
    may = {
        INCIDENT.name: {move.name: {"communications"} for move in INCIDENT.moves},
        ABUSE_CASE.name: {
            RECORD_STEP: {"communications"},
            GIVE_ADVICE: {"legal"},
            CASE_CLOSE: {"communications"},
            REOPEN: {"communications"},
        },
    }
    for table, records in ((INCIDENT, [incident, public]), (ABUSE_CASE, [case])):
        for record in records:
            for move in table.moves:
                for name, person in people(cast).items():
                    expected = name in may[table.name][move.name] and (
                        table.state_of(record) in move.sources
                    )
                    assert table.allowed(person, move.name, record) is expected, (
                        table.name,
                        move.name,
                        name,
                    )
    events = Event.objects.count()
    with pytest.raises(DomainError):
        incident_close(actor=auditor, incident=incident, outcome="Closed by the auditor")
    with pytest.raises(DomainError):
        case_close(actor=auditor, case=case, outcome="Closed by the auditor")
    assert Event.objects.count() == events
