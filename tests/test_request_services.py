"""Account requests: every allowed and refused move, the chain under each preset, the rules."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import (
    Account,
    AccountRequest,
    AccountStatus,
    ApprovalStep,
    RequestStatus,
    StepStatus,
)
from accounts.rules import step_approvers
from accounts.selectors import current_step, steps_waiting_for
from accounts.services.decisions import requests_remind_waiting, step_decide
from accounts.services.requests import (
    IncompleteRequest,
    request_save_draft,
    request_submit,
    request_withdraw,
)
from accounts.transitions import APPROVE, REJECT, REQUEST, RETURN, SAVE, SUBMIT, WITHDRAW
from governance.errors import DomainError
from governance.models import Event, Notification, Preset, StepKind, User
from governance.services.profile import profile_apply_preset
from moderation.models import AssignmentState, ModeratorAssignment
from tests.declaration_helpers import holds_declaration
from tests.requests_helpers import complete_draft, decide_current, request_in

ALL_STATUSES = [status.value for status in RequestStatus]


@pytest.fixture
def derby(administrator: User, requester: User) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    holds_declaration(requester)  # Derby asks for it before a request is sent (REQ-2)


def attempt(action: str, request: AccountRequest, requester: User) -> AccountRequest:
    if action == SAVE:
        return request_save_draft(actor=requester, request=request, values={"aims": "New aims"})
    if action == SUBMIT:
        return request_submit(actor=requester, request=request)
    if action == WITHDRAW:
        return request_withdraw(actor=requester, request=request)
    step = current_step(request) or request.steps.order_by("-pk").first()
    approver = (
        step_approvers(request, step.kind)[0] if step else User.objects.exclude(pk=requester.pk)[0]
    )
    return step_decide(
        actor=approver,
        request=request,
        step_id=step.pk if step else 0,
        decision=action,
        comment="Because",
        branding_confirmed=True,
    )


# Each move on a request: the statuses it starts from and the status it leads to. The requester's
# moves come from the request's table; a decision needs a pending step, so a submitted request.
MOVES = {
    **{move: (REQUEST[move].sources, REQUEST[move].target) for move in (SAVE, SUBMIT, WITHDRAW)},
    APPROVE: (frozenset({RequestStatus.SUBMITTED}), None),
    RETURN: (frozenset({RequestStatus.SUBMITTED}), RequestStatus.RETURNED),
    REJECT: (frozenset({RequestStatus.SUBMITTED}), RequestStatus.REJECTED),
}


@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("action", list(MOVES))
@pytest.mark.django_db
def test_every_move_from_every_status_follows_the_table(
    action: str,
    status: str,
    requester: User,
    colleague: User,
    communications: User,
    derby: None,
) -> None:
    request = request_in(status, requester, [colleague])
    events_before = Event.objects.count()
    sources, expected = MOVES[action]

    if status in sources:
        result = attempt(action, request, requester)
        if expected is not None:
            assert result.status == expected
    else:
        with pytest.raises((DomainError, ApprovalStep.DoesNotExist)):
            attempt(action, request, requester)
        request.refresh_from_db()
        assert request.status == status
        assert Event.objects.count() == events_before


@pytest.mark.parametrize(
    ("preset", "chain"),
    [
        (Preset.MANCHESTER, [StepKind.HEAD_OF_SERVICE, StepKind.COMMUNICATIONS]),
        (
            Preset.TELFORD,
            [StepKind.LINE_MANAGER, StepKind.HEAD_OF_SERVICE, StepKind.COMMUNICATIONS],
        ),
        (Preset.MELTON, [StepKind.HEAD_OF_SERVICE, StepKind.COMMUNICATIONS]),
        (
            Preset.DERBY,
            [StepKind.LINE_MANAGER, StepKind.HEAD_OF_SERVICE, StepKind.COMMUNICATIONS],
        ),
    ],
)
@pytest.mark.django_db
def test_each_preset_runs_its_own_chain_to_the_register(
    preset: str,
    chain: list[str],
    administrator: User,
    requester: User,
    line_manager: User,
    head_of_service: User,
    colleague: User,
    communications: User,
    tmp_path: Any,
) -> None:
    profile_apply_preset(actor=administrator, preset=preset)
    if preset == Preset.DERBY:
        holds_declaration(requester)  # REQ-2
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    expected_approver = {
        StepKind.LINE_MANAGER: line_manager,
        StepKind.HEAD_OF_SERVICE: head_of_service,
        StepKind.COMMUNICATIONS: communications,
    }

    for kind in chain:
        step = current_step(request)
        assert step is not None
        assert step.kind == kind
        assert step_approvers(request, kind) == [expected_approver[StepKind(kind)]]
        assert list(steps_waiting_for(expected_approver[StepKind(kind)])) == [step]
        request = decide_current(request)

    assert request.status == RequestStatus.APPROVED
    account = Account.objects.get()
    assert account.request == request
    assert request.account == account
    assert account.status == AccountStatus.BEING_SET_UP
    assert account.branding_approved_by == communications
    # A moderator who already holds a current declaration (Derby's requester, REQ-2) is active
    # at once; the others wait for theirs (DEC-3).
    assert {a.person: a.state for a in ModeratorAssignment.objects.filter(account=account)} == {
        requester: AssignmentState.ACTIVE
        if preset == Preset.DERBY
        else AssignmentState.AWAITING_DECLARATION,
        colleague: AssignmentState.AWAITING_DECLARATION,
    }
    assert ModeratorAssignment.objects.count() == 2


@pytest.mark.django_db
def test_nobody_decides_a_step_of_their_own_request(
    requester: User, colleague: User, communications: User, leisure: Any
) -> None:
    from django.contrib.auth.models import Group

    other_comms = User.objects.create_user("p@council.example", "x", full_name="Priya Shah")
    other_comms.groups.add(Group.objects.get(name="Communications"))
    communications.service_area = leisure
    communications.line_manager = requester.line_manager
    communications.save()
    request = request_submit(
        actor=communications, request=complete_draft(communications, [colleague])
    )
    request = decide_current(request)  # the Head of Service approves
    step = current_step(request)
    assert step is not None

    assert step_approvers(request, StepKind.COMMUNICATIONS) == [other_comms]
    assert list(steps_waiting_for(communications)) == []
    with pytest.raises(DomainError, match="You cannot decide this step"):
        step_decide(
            actor=communications,
            request=request,
            step_id=step.pk,
            decision="approve",
            branding_confirmed=True,
        )


@pytest.mark.django_db
def test_a_head_of_service_without_a_line_manager_is_told_before_sending(
    head_of_service: User, line_manager: User
) -> None:
    request = complete_draft(head_of_service, [line_manager])

    with pytest.raises(IncompleteRequest) as caught:
        request_submit(actor=head_of_service, request=request)

    assert caught.value.problems[0].message == (
        "You are the Head of Service for this area, so your own line manager approves the "
        "request instead, but your staff record has no line manager. Ask HR to correct your "
        "record."
    )


@pytest.mark.django_db
def test_a_head_of_services_own_request_goes_to_their_line_manager(
    requester: User, head_of_service: User, line_manager: User, communications: User
) -> None:
    boss = User.objects.create_user("director@council.example", "x", full_name="Dee Rector")
    head_of_service.line_manager = boss
    head_of_service.save()
    request = request_submit(
        actor=head_of_service, request=complete_draft(head_of_service, [line_manager])
    )

    step = current_step(request)
    assert step is not None
    assert step_approvers(request, step.kind) == [boss]
    assert list(steps_waiting_for(boss)) == [step]


@pytest.mark.django_db
def test_only_the_head_of_that_service_area_decides_its_step(
    requester: User, colleague: User, communications: User, outsider: User, housing: Any
) -> None:
    housing.head = outsider
    housing.save()
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    step = current_step(request)
    assert step is not None

    with pytest.raises(DomainError, match="You cannot decide this step"):
        step_decide(actor=outsider, request=request, step_id=step.pk, decision="approve")
    assert list(steps_waiting_for(outsider)) == []
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


@pytest.mark.django_db
def test_a_step_is_decided_once(
    requester: User, colleague: User, head_of_service: User, communications: User
) -> None:
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    step = current_step(request)
    assert step is not None
    step_decide(actor=head_of_service, request=request, step_id=step.pk, decision="approve")

    with pytest.raises(DomainError, match="Helen Brooks has already decided this step"):
        step_decide(
            actor=head_of_service,
            request=request,
            step_id=step.pk,
            decision="reject",
            comment="Changed my mind",
        )
    step.refresh_from_db()
    assert step.status == StepStatus.APPROVED


@pytest.mark.django_db
def test_returning_and_resubmitting_restarts_the_chain(
    requester: User, colleague: User, head_of_service: User, communications: User
) -> None:
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    request = decide_current(request)  # Head of Service approves
    request = decide_current(request, "return", "Use the council's logo")
    assert request.status == RequestStatus.RETURNED

    request_save_draft(actor=requester, request=request, values={"aims": "Better aims"})
    request = request_submit(actor=requester, request=request)

    assert request.round == 2
    step = current_step(request)
    assert step is not None
    assert (step.kind, step.round) == (StepKind.HEAD_OF_SERVICE, 2)
    assert request.steps.filter(round=1).count() == 2
    assert Event.objects.filter(action="request.resubmitted").count() == 1


@pytest.mark.parametrize("decision", ["return", "reject"])
@pytest.mark.django_db
def test_returning_or_rejecting_needs_a_reason(
    decision: str,
    requester: User,
    colleague: User,
    head_of_service: User,
    communications: User,
) -> None:
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    step = current_step(request)
    assert step is not None

    with pytest.raises(DomainError):
        step_decide(actor=head_of_service, request=request, step_id=step.pk, decision=decision)


@pytest.mark.django_db
def test_communications_must_confirm_the_branding(
    requester: User, colleague: User, head_of_service: User, communications: User
) -> None:
    request = decide_current(
        request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    )
    step = current_step(request)
    assert step is not None

    with pytest.raises(DomainError, match="branding"):
        step_decide(actor=communications, request=request, step_id=step.pk, decision="approve")


@pytest.mark.django_db
def test_incomplete_requests_cannot_be_submitted(requester: User, head_of_service: User) -> None:
    request = complete_draft(requester, [], proposed_handle="my handle", aims="")

    with pytest.raises(IncompleteRequest) as caught:
        request_submit(actor=requester, request=request)

    assert {(p.field, p.message) for p in caught.value.problems} >= {
        ("proposed_handle", "The handle must not contain spaces"),
        ("aims", "Enter the account's aims and why this platform is right for them"),
        (
            "backup_officer_1",
            "Enter the email address of at least one officer who can edit the account when "
            "you are away",
        ),
    }
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        ("summerintheparks", "An account with this handle on this platform is already in"),
        ("@SUMMERINTHEPARKS", "An account with this handle on this platform is already in"),
        ("https://x.com/summer", "Enter the web address without https://"),
    ],
)
@pytest.mark.django_db
def test_a_handle_already_in_the_register_is_refused_with_or_without_its_at(
    requester: User, colleague: User, communications: User, leisure: Any, handle: str, message: str
) -> None:
    from tests.register_helpers import make_account

    make_account(communications, leisure, platform="facebook", handle="@SummerInTheParks")
    request = complete_draft(requester, [colleague], proposed_handle=handle)

    with pytest.raises(IncompleteRequest) as caught:
        request_submit(actor=requester, request=request)

    problems = [p.message for p in caught.value.problems if p.field == "proposed_handle"]
    assert len(problems) == 1
    assert problems[0].startswith(message)


@pytest.mark.django_db
def test_melton_refuses_a_facebook_page_for_the_whole_council(
    administrator: User,
    requester: User,
    colleague: User,
    head_of_service: User,
    communications: User,
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.MELTON)
    request = complete_draft(
        requester, [colleague], facebook_purpose="group", facebook_purpose_name="The Council"
    )

    with pytest.raises(IncompleteRequest) as caught:
        request_submit(actor=requester, request=request)

    assert [p.field for p in caught.value.problems] == ["facebook_purpose_name"]
    assert "not allow a Facebook page for the council as a whole" in (
        caught.value.problems[0].message
    )


@pytest.mark.django_db
def test_derby_needs_a_budget_code_and_the_e_learning(
    derby: None,
    requester: User,
    colleague: User,
    line_manager: User,
    head_of_service: User,
    communications: User,
) -> None:
    request = complete_draft(requester, [colleague], budget_code="", training_completed_on=None)
    request.training_evidence = ""
    request.save()

    with pytest.raises(IncompleteRequest) as caught:
        request_submit(actor=requester, request=request)

    assert [p.field for p in caught.value.problems] == [
        "budget_code",
        "training_completed_on",
        "training_evidence",
    ]


@pytest.mark.django_db
def test_a_service_area_without_a_head_cannot_be_sent(
    requester: User, colleague: User, housing: Any
) -> None:
    request = complete_draft(requester, [colleague], service_area=housing)

    with pytest.raises(IncompleteRequest) as caught:
        request_submit(actor=requester, request=request)

    assert caught.value.problems[0].message.startswith("Housing has no Head of Service recorded")


@pytest.mark.django_db
def test_everyone_hears_what_they_need_to(
    requester: User,
    colleague: User,
    head_of_service: User,
    communications: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    assert {m.to[0] for m in mail.outbox} == {"requester@council.example", "head@council.example"}

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = decide_current(request)
    assert {m.to[0] for m in mail.outbox} == {"requester@council.example", "comms@council.example"}

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide_current(request)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["colleague@council.example", "requester@council.example"]
    assert any("final approval" in m.body for m in mail.outbox)


@pytest.mark.django_db
def test_waiting_steps_remind_their_approver_once_per_interval(
    requester: User, colleague: User, head_of_service: User, communications: User
) -> None:
    start = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start):
        request_submit(actor=requester, request=complete_draft(requester, [colleague]))

    def reminders() -> int:
        return Notification.objects.filter(key__contains=":reminder:").count()

    with time_machine.travel(start + datetime.timedelta(days=4)):
        requests_remind_waiting()
    assert reminders() == 0
    with time_machine.travel(start + datetime.timedelta(days=5, hours=1)):
        requests_remind_waiting()
        requests_remind_waiting()
    assert reminders() == 1
    with time_machine.travel(start + datetime.timedelta(days=9)):
        requests_remind_waiting()
    assert reminders() == 1
    with time_machine.travel(start + datetime.timedelta(days=10, hours=1)):
        requests_remind_waiting()
    assert reminders() == 2
    assert set(
        Notification.objects.filter(key__contains=":reminder:").values_list(
            "recipient__email", flat=True
        )
    ) == {"head@council.example"}


@pytest.mark.django_db
def test_withdrawing_tells_whoever_held_it(
    requester: User, colleague: User, head_of_service: User, communications: User
) -> None:
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))

    request_withdraw(actor=requester, request=request, reason="Using the main account")

    assert Notification.objects.filter(
        recipient=head_of_service, key__endswith=":withdrawn"
    ).exists()
    assert not steps_waiting_for(head_of_service).exists()
    assert Event.objects.get(action="request.withdrawn").reason == "Using the main account"


@pytest.mark.django_db
def test_someone_elses_draft_cannot_be_changed_or_sent(requester: User, colleague: User) -> None:
    draft = complete_draft(requester, [])

    with pytest.raises(DomainError):
        request_save_draft(actor=colleague, request=draft, values={"aims": "Mine now"})
    with pytest.raises(DomainError):
        request_submit(actor=colleague, request=draft)
    with pytest.raises(DomainError):
        request_withdraw(actor=colleague, request=draft)
    draft.refresh_from_db()
    assert (draft.aims, draft.status) != ("Mine now", RequestStatus.WITHDRAWN)


@pytest.mark.django_db
def test_every_change_is_in_the_history(
    requester: User, colleague: User, head_of_service: User, communications: User
) -> None:
    request = request_in(RequestStatus.APPROVED, requester, [colleague])

    statuses = list(request.history.order_by("history_date").values_list("status", flat=True))
    assert statuses[0] == RequestStatus.DRAFT
    assert statuses[-1] == RequestStatus.APPROVED
    assert RequestStatus.SUBMITTED in statuses
    actions = list(Event.objects.for_subject(request).values_list("action", "actor__email"))
    assert actions == [
        ("request.submitted", "requester@council.example"),
        ("request.step_approved", "head@council.example"),
        ("request.step_approved", "comms@council.example"),
        ("request.approved", "comms@council.example"),
    ]
    for step in request.steps.all():
        kinds = list(step.history.order_by("history_date").values_list("history_type", "status"))
        assert kinds[0] == ("+", StepStatus.WAITING), step
        assert kinds[-1] == ("~", StepStatus.APPROVED), step


@pytest.mark.django_db
def test_final_approval_refuses_a_handle_that_entered_the_register_meanwhile(
    requester: User, colleague: User, head_of_service: User, communications: User, leisure: Any
) -> None:
    from tests.register_helpers import make_account

    request = decide_current(
        request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    )
    make_account(communications, leisure, platform="facebook", handle="SummerInTheParks")
    step = current_step(request)
    assert step is not None

    with pytest.raises(DomainError, match="entered the register after the request was sent"):
        step_decide(
            actor=communications,
            request=request,
            step_id=step.pk,
            decision="approve",
            branding_confirmed=True,
        )

    step.refresh_from_db()
    request.refresh_from_db()
    assert (step.status, request.status) == (StepStatus.PENDING, RequestStatus.SUBMITTED)
    assert Account.objects.count() == 1


@pytest.mark.django_db
def test_a_line_manager_who_is_also_head_of_service_decides_once(
    administrator: User,
    head_of_service: User,
    colleague: User,
    communications: User,
    leisure: Any,
) -> None:
    from tests.conftest import make_person

    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    officer = make_person(
        "officer@council.example", "Ola Ade", area=leisure, manager=head_of_service
    )
    holds_declaration(officer)  # Derby asks for it (REQ-2)
    request = request_submit(actor=officer, request=complete_draft(officer, [colleague]))
    assert step_approvers(request, StepKind.LINE_MANAGER) == [head_of_service]

    request = decide_current(request)

    steps = list(request.steps.filter(round=request.round).order_by("position"))
    assert [(s.kind, s.status, s.decided_by) for s in steps] == [
        (StepKind.LINE_MANAGER, StepStatus.APPROVED, head_of_service),
        (StepKind.HEAD_OF_SERVICE, StepStatus.APPROVED, head_of_service),
        (StepKind.COMMUNICATIONS, StepStatus.PENDING, None),
    ]
    assert steps[1].comment == "Approved with the line manager step: Helen Brooks holds both roles."
    assert Notification.objects.filter(recipient=head_of_service).count() == 1
    assert Event.objects.filter(action="request.step_approved").count() == 2
    assert set(
        Notification.objects.filter(key__endswith=":waiting").values_list(
            "recipient__email", flat=True
        )
    ) == {"head@council.example", "comms@council.example"}


@pytest.mark.django_db
def test_a_backup_officer_who_has_left_is_caught_at_sending_and_never_made_moderator(
    requester: User, colleague: User, head_of_service: User, communications: User
) -> None:
    from tests.conftest import make_person

    leaving = make_person("leaving@council.example", "Lee Leaving")
    draft = complete_draft(requester, [colleague, leaving])
    leaving.leaving_date = timezone.localdate() - datetime.timedelta(days=1)
    leaving.save()

    with pytest.raises(IncompleteRequest) as caught:
        request_submit(actor=requester, request=draft)
    assert [p.message for p in caught.value.problems] == [
        "Lee Leaving no longer works for the council: name another officer"
    ]

    stayer = make_person("stayer@council.example", "Sam Stayer")
    draft = complete_draft(requester, [colleague, stayer])
    request = decide_current(request_submit(actor=requester, request=draft))
    stayer.leaving_date = timezone.localdate() - datetime.timedelta(days=1)
    stayer.save()
    decide_current(request)

    moderators = ModeratorAssignment.objects.values_list("person__email", flat=True)
    assert sorted(moderators) == ["colleague@council.example", "requester@council.example"]
