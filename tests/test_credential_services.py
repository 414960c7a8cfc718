"""Moderators and credentials as the services run them (MOD-1, MOD-3 to MOD-5, REG-1a): who may
add and end moderators, the task each end raises, recorded password changes closing their
rotations, overdue tasks and recovery-plan reminders told once, and every move of the
assignment, task and lost-device tables as every member of the cast.

The clock is stopped at 9am on Monday 2 February 2026 (Greenwich time, so dates do not shift).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from accounts.models import AccessModel, Account
from accounts.services.register import account_change_status, account_update
from governance.errors import DomainError
from governance.models import Event, Notification, ServiceArea, User
from moderation.models import (
    AssignmentState,
    CredentialTask,
    DeviceReport,
    ModeratorAssignment,
    PasswordChange,
    ReportState,
    TaskKind,
    TaskState,
)
from moderation.services.assignments import (
    assignment_activate,
    assignment_add,
    assignment_end,
    assignment_propose,
    assignment_suspend,
)
from moderation.services.credentials import (
    credential_tasks_escalate,
    password_change_record,
    recovery_plans_remind,
    rotation_request,
    task_cancel,
    task_complete,
)
from moderation.services.devices import device_report_confirm, device_report_submit
from moderation.transitions import (
    ACTIVATE,
    ASSIGNMENT,
    CANCEL,
    CLOSE,
    COMPLETE,
    CONFIRM,
    DEVICE_REPORT,
    END,
    RESTORE,
    ROTATED,
    SUSPEND,
    TASK,
)
from tests.conftest import make_person
from tests.register_helpers import make_account

START = datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 2, 2)


def day(n: int) -> datetime.datetime:
    """9am, ``n`` days after the start."""
    return START + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _stopped_clock() -> Iterator[None]:
    with time_machine.travel(START, tick=False):
        yield


def people(cast: dict[str, User | None], **more: User) -> dict[str, Any]:
    """The cast as pages meet them: the anonymous visitor is Django's AnonymousUser."""
    return {name: person or AnonymousUser() for name, person in {**cast, **more}.items()}


def subjects(person: User) -> list[str]:
    """What the person has been told, in the portal and by e-mail, oldest first."""
    return list(
        Notification.objects.filter(recipient=person)
        .order_by("id")
        .values_list("subject", flat=True)
    )


def refusal(call: Any, **kwargs: Any) -> str:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value.message


@pytest.fixture
def shared(communications: User, leisure: ServiceArea, requester: User, colleague: User) -> Account:
    """A shared-login account that Riya and Tom moderate; Sam is its responsible officer."""
    assert requester.line_manager is not None
    return make_account(
        communications,
        leisure,
        moderators=(requester, colleague),
        name="Parks News",
        responsible_officer=requester.line_manager,
    )


@pytest.fixture
def individual(
    communications: User, leisure: ServiceArea, requester: User, colleague: User
) -> Account:
    """A page where each moderator has their own role, moderated by Riya and Tom."""
    return make_account(
        communications,
        leisure,
        moderators=(requester, colleague),
        name="Leisure Facebook",
        access_model=AccessModel.INDIVIDUAL_ROLES,
    )


def assignment_of(account: Account, person: User) -> ModeratorAssignment:
    return ModeratorAssignment.objects.exclude(state=AssignmentState.ENDED).get(
        account=account, person=person
    )


def end(account: Account, person: User, actor: User, reason: str = "Moved team") -> Any:
    return assignment_end(
        assignment=assignment_of(account, person), actor=actor, reason=reason, now=START
    )


# ---------------------------------------------------------------------------------------------
# Adding moderators (MOD-1, MSM 7.2)


@pytest.mark.django_db
def test_communications_add_anyone_and_the_person_is_asked_to_moderate(
    communications: User, shared: Account, outsider: User
) -> None:
    assignment = assignment_add(
        actor=communications, account=shared, person=outsider, reason="Covers for Riya"
    )

    assert assignment.state == AssignmentState.AWAITING_DECLARATION
    assert assignment.granted_by == communications
    assert subjects(outsider) == ["You have been asked to moderate Parks News"]
    assert not any("proposed" in subject for subject in subjects(communications))


@pytest.mark.django_db
def test_a_line_manager_adds_their_team_to_an_account_it_moderates_and_communications_is_told(
    communications: User, line_manager: User, leisure: ServiceArea, requester: User, colleague: User
) -> None:
    account = make_account(communications, leisure, moderators=(requester,), name="Library Events")

    assignment = assignment_add(
        actor=line_manager, account=account, person=colleague, reason="Covers Riya's leave"
    )

    assert assignment.state == AssignmentState.AWAITING_DECLARATION
    assert subjects(communications) == ["New moderator proposed for Library Events: Tom Fletcher"]
    assert subjects(colleague) == ["You have been asked to moderate Library Events"]


@pytest.mark.django_db
def test_a_line_manager_cannot_add_someone_outside_their_team(
    line_manager: User, shared: Account, outsider: User
) -> None:
    message = refusal(
        assignment_add, actor=line_manager, account=shared, person=outsider, reason="Help"
    )

    assert message == (
        "You can only add people in your own team, and Owen Price is not in it. Ask "
        "Communications to add them."
    )
    assert not ModeratorAssignment.objects.filter(person=outsider).exists()
    assert subjects(outsider) == []


@pytest.mark.django_db
def test_a_line_manager_adding_their_team_to_an_account_it_does_not_moderate_is_told_why(
    communications: User, line_manager: User, leisure: ServiceArea, colleague: User
) -> None:
    account = make_account(communications, leisure, name="Library Events")

    message = refusal(
        assignment_add, actor=line_manager, account=account, person=colleague, reason="Help"
    )

    assert not ModeratorAssignment.objects.filter(person=colleague).exists()
    # Tom is in Sam's team: the refusal must not tell Sam otherwise.
    assert "Tom Fletcher is not in it" not in message
    assert "Ask Communications" in message


@pytest.mark.django_db
def test_a_leaver_cannot_be_made_a_moderator(
    communications: User, leisure: ServiceArea, colleague: User
) -> None:
    account = make_account(communications, leisure)
    colleague.leaving_date = TODAY - datetime.timedelta(days=3)
    colleague.save(update_fields=["leaving_date"])

    message = refusal(
        assignment_add, actor=communications, account=account, person=colleague, reason="Cover"
    )

    assert message == (
        "Tom Fletcher left the council on 30 January 2026, so they cannot moderate an account"
    )
    assert not ModeratorAssignment.objects.filter(person=colleague).exists()


@pytest.mark.django_db
def test_someone_who_already_moderates_the_account_cannot_be_added_again(
    communications: User, shared: Account, requester: User
) -> None:
    message = refusal(
        assignment_add, actor=communications, account=shared, person=requester, reason="Again"
    )

    assert message == "Riya Patel already moderates Parks News (active since 2 February 2026)"
    assert ModeratorAssignment.objects.filter(account=shared, person=requester).count() == 1


@pytest.mark.django_db
def test_someone_whose_moderation_ended_can_be_added_again(
    communications: User, shared: Account, requester: User
) -> None:
    end(shared, requester, communications)

    again = assignment_add(
        actor=communications, account=shared, person=requester, reason="Back from leave"
    )

    # Her paper declaration from the old register is still current: active at once (DEC-3).
    assert again.state == AssignmentState.ACTIVE

    end(shared, requester, communications)
    with time_machine.travel(day(31), tick=False):  # the paper declaration's 30 days are over
        later = assignment_add(
            actor=communications, account=shared, person=requester, reason="Back again"
        )

    assert later.state == AssignmentState.AWAITING_DECLARATION


@pytest.mark.django_db
def test_a_closed_account_cannot_have_moderators(
    communications: User, shared: Account, outsider: User
) -> None:
    account_change_status(actor=communications, account=shared, action="close", reason="Done")

    message = refusal(
        assignment_add, actor=communications, account=shared, person=outsider, reason="Cover"
    )

    assert message == "The account is closed: it cannot have moderators."
    assert not ModeratorAssignment.objects.filter(person=outsider).exists()


@pytest.mark.django_db
def test_adding_a_moderator_needs_a_reason(
    communications: User, shared: Account, outsider: User
) -> None:
    message = refusal(
        assignment_add, actor=communications, account=shared, person=outsider, reason="  "
    )

    assert message == "Enter why they should moderate the account"
    assert not ModeratorAssignment.objects.filter(person=outsider).exists()


# ---------------------------------------------------------------------------------------------
# Ending an assignment raises the task that removes the access (MOD-5)


@pytest.mark.django_db
def test_ending_a_shared_login_moderator_asks_for_the_password_to_be_changed(
    communications: User, shared: Account, requester: User
) -> None:
    end(shared, requester, communications, reason="Moved to Housing")

    task = CredentialTask.objects.get()
    assert (task.account, task.kind, task.person) == (shared, TaskKind.ROTATE, requester)
    assert task.title == "Change the password of Parks News"
    assert task.why == "Riya Patel no longer moderates it: Moved to Housing"
    assert task.due_on == TODAY + datetime.timedelta(days=5)
    assert subjects(communications) == ["To do: Change the password of Parks News"]


@pytest.mark.django_db
def test_ending_an_individual_role_asks_for_that_role_to_be_removed(
    line_manager: User, communications: User, individual: Account, requester: User
) -> None:
    end(individual, requester, line_manager)

    task = CredentialTask.objects.get()
    assert (task.account, task.kind, task.person) == (
        individual,
        TaskKind.REMOVE_ACCESS,
        requester,
    )
    assert task.title == "Remove Riya Patel's role on Leisure Facebook"
    assert subjects(communications) == ["To do: Remove Riya Patel's role on Leisure Facebook"]


@pytest.mark.django_db
def test_ending_a_moderator_who_never_became_active_raises_no_task(
    communications: User, shared: Account, outsider: User
) -> None:
    assignment_add(actor=communications, account=shared, person=outsider, reason="Cover")

    ended = end(shared, outsider, communications, reason="Not needed after all")

    assert ended.state == AssignmentState.ENDED
    assert not CredentialTask.objects.exists()


@pytest.mark.django_db
def test_closing_an_account_ends_its_moderators_without_asking_for_access_removal(
    communications: User, shared: Account, requester: User
) -> None:
    account_change_status(actor=communications, account=shared, action="close", reason="Done")

    assert set(ModeratorAssignment.objects.values_list("state", flat=True)) == {"ended"}
    assert not CredentialTask.objects.exists()
    assert not any(subject.startswith("To do") for subject in subjects(communications))


@pytest.mark.django_db
def test_ending_a_moderator_needs_a_reason(
    communications: User, shared: Account, requester: User
) -> None:
    message = refusal(end, account=shared, person=requester, actor=communications, reason=" ")

    assert message == "Enter why they are no longer moderating the account"
    assert assignment_of(shared, requester).state == AssignmentState.ACTIVE
    assert not CredentialTask.objects.exists()


@pytest.mark.django_db
def test_stopping_a_moderator_someone_else_already_stopped_says_so(
    communications: User, line_manager: User, shared: Account, requester: User
) -> None:
    """Two people press "stop" on the same moderator: the second is told it is done, and their
    reason is not recorded as if they had ended it."""
    assignment = assignment_of(shared, requester)
    assignment_end(assignment=assignment, actor=line_manager, reason="Moved team", now=START)

    message = refusal(
        assignment_end, assignment=assignment, actor=communications, reason="Left", now=START
    )

    assert message == "This person no longer moderates the account."
    assert Event.objects.filter(action="assignment.ended").count() == 1


@pytest.mark.django_db
def test_a_moderator_suspended_then_ended_raises_one_access_task(
    communications: User, shared: Account, requester: User
) -> None:
    """docs/decisions.md: a suspended moderator's access is removed at once, so ending them
    later raises nothing new, even once the password has been changed."""
    assignment = assignment_suspend(
        assignment=assignment_of(shared, requester), reason="Declaration lapsed", now=START
    )
    task = assignment.tasks.get()
    assert (task.kind, task.title) == (TaskKind.ROTATE, "Change the password of Parks News")
    assert task.why == "Riya Patel is suspended: Declaration lapsed"
    password_change_record(
        actor=communications, account=shared, changed_on=TODAY, reason="moderator_left"
    )

    with time_machine.travel(day(3), tick=False):
        end(shared, requester, communications, reason="Left the team")

    assert CredentialTask.objects.count() == 1
    assert subjects(communications).count("To do: Change the password of Parks News") == 1


# ---------------------------------------------------------------------------------------------
# Recording a password change (MOD-3)


@pytest.mark.django_db
def test_a_password_change_cannot_be_in_the_future(communications: User, shared: Account) -> None:
    message = refusal(
        password_change_record,
        actor=communications,
        account=shared,
        changed_on=TODAY + datetime.timedelta(days=1),
        reason="routine",
    )

    assert message == "The date the password was changed must be today or in the past"
    assert not PasswordChange.objects.filter(account=shared).exists()


@pytest.mark.django_db
def test_a_password_change_cannot_be_before_the_account_was_registered(
    communications: User, leisure: ServiceArea
) -> None:
    account = make_account(communications, leisure, now=day(-10))

    message = refusal(
        password_change_record,
        actor=communications,
        account=account,
        changed_on=TODAY - datetime.timedelta(days=11),
        reason="routine",
    )

    assert message == (
        "The date the password was changed must be on or after 23 January 2026, when the "
        "account was added to the register"
    )
    assert not PasswordChange.objects.filter(account=account).exists()


@pytest.mark.django_db
def test_another_reason_for_a_password_change_must_be_explained(
    communications: User, shared: Account
) -> None:
    message = refusal(
        password_change_record,
        actor=communications,
        account=shared,
        changed_on=TODAY,
        reason="other",
        details="   ",
    )

    assert message == "Enter why the password was changed"
    assert not PasswordChange.objects.filter(account=shared).exists()


@pytest.mark.django_db
def test_someone_who_does_not_moderate_the_account_cannot_record_a_password_change(
    outsider: User, shared: Account
) -> None:
    message = refusal(
        password_change_record,
        actor=outsider,
        account=shared,
        changed_on=TODAY,
        reason="routine",
    )

    assert message == "Only Communications or an active moderator can record this."
    assert not PasswordChange.objects.filter(account=shared).exists()


@pytest.mark.django_db
def test_a_password_change_closes_the_rotations_raised_by_that_day_and_tells_communications(
    communications: User, shared: Account, requester: User, colleague: User, outsider: User
) -> None:
    assignment_add(actor=communications, account=shared, person=outsider, reason="Cover")
    ModeratorAssignment.objects.filter(person=outsider).update(state=AssignmentState.ACTIVE)
    end(shared, requester, communications)  # day 0
    with time_machine.travel(day(1), tick=False):
        end(shared, outsider, communications)
    with time_machine.travel(day(3), tick=False):
        later = rotation_request(actor=colleague, account=shared, reason="Odd posts at night")

    with time_machine.travel(day(4), tick=False):
        change = password_change_record(
            actor=colleague,
            account=shared,
            changed_on=TODAY + datetime.timedelta(days=2),
            reason="moderator_left",
        )

    closed = CredentialTask.objects.filter(state=TaskState.DONE)
    assert {task.person for task in closed} == {requester, outsider}
    assert {(task.done_by, task.password_change) for task in closed} == {(colleague, change)}
    later.refresh_from_db()
    assert later.state == TaskState.OPEN
    told = Notification.objects.get(
        recipient=communications, subject="Password changed: Parks News"
    )
    assert "Tom Fletcher recorded that the password of Parks News" in told.body
    assert "was changed on 4 February 2026" in told.body
    assert "This closed 2 tasks" in told.body


@pytest.mark.django_db
def test_a_password_change_leaves_tasks_that_are_not_rotations_open(
    communications: User, shared: Account, requester: User
) -> None:
    report, _ = device_report_submit(
        reporter=requester,
        device_kind="phone",
        device_description="",
        loss="stolen",
        lost_on=TODAY,
        account_ids=[shared.pk],
        held_second_factor=True,
        held_recovery_phone=False,
    )

    password_change_record(
        actor=communications, account=shared, changed_on=TODAY, reason="lost_device"
    )

    states = dict(CredentialTask.objects.values_list("kind", "state"))
    assert states == {TaskKind.ROTATE: TaskState.DONE, TaskKind.CUSTODY: TaskState.OPEN}
    report.refresh_from_db()
    assert report.state == ReportState.OPEN


@pytest.mark.django_db
def test_recording_a_rotation_someone_already_recorded_names_who_did_it(
    communications: User, shared: Account, requester: User, colleague: User
) -> None:
    task = end(shared, requester, communications).tasks.get()
    password_change_record(
        actor=colleague, account=shared, changed_on=TODAY, reason="moderator_left", for_task=task
    )

    message = refusal(
        password_change_record,
        actor=communications,
        account=shared,
        changed_on=TODAY,
        reason="moderator_left",
        for_task=task,
    )

    assert message == "This task is already closed: Tom Fletcher did it."
    assert (
        PasswordChange.objects.filter(account=shared).exclude(reason="before_portal").count() == 1
    )
    assert subjects(communications).count("Password changed: Parks News") == 1


# ---------------------------------------------------------------------------------------------
# Marking tasks done, or no longer needed (MOD-5)


@pytest.fixture
def lost_phone(requester: User, shared: Account, individual: Account) -> DeviceReport:
    """Riya's phone, which held the second factor, is stolen: it could open both accounts."""
    report, _ = device_report_submit(
        reporter=requester,
        device_kind="phone",
        device_description="work iPhone",
        loss="stolen",
        lost_on=TODAY,
        account_ids=[shared.pk, individual.pk],
        held_second_factor=True,
        held_recovery_phone=False,
    )
    return report


def task_of(account: Account, kind: str) -> CredentialTask:
    return CredentialTask.objects.get(account=account, kind=kind)


@pytest.mark.django_db
def test_the_person_a_task_is_about_cannot_mark_it_done_but_another_moderator_can(
    lost_phone: DeviceReport, individual: Account, requester: User, colleague: User
) -> None:
    task = task_of(individual, TaskKind.SIGN_OUT)
    assert task.title == "Sign Riya Patel's mobile phone (work iPhone) out of Leisure Facebook"

    message = refusal(task_complete, actor=requester, task=task, note="Signed out")

    assert message == "Only Communications or another active moderator of the account can do this."
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    done = task_complete(actor=colleague, task=task, note="Signed out of every session")
    assert (done.state, done.done_by, done.done_note) == (
        TaskState.DONE,
        colleague,
        "Signed out of every session",
    )


@pytest.mark.django_db
def test_custody_is_handed_over_by_communications_only(
    lost_phone: DeviceReport, individual: Account, colleague: User, communications: User
) -> None:
    task = task_of(individual, TaskKind.CUSTODY)
    assert task.title == (
        "Move the second factor of Leisure Facebook off the mobile phone (work iPhone)"
    )

    message = refusal(task_complete, actor=colleague, task=task, note="Moved it")

    assert message == "Only Communications or another active moderator of the account can do this."
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    assert task_complete(actor=communications, task=task, note="New phone").state == "done"


@pytest.mark.django_db
def test_a_rotation_is_closed_by_recording_the_password_change_not_by_marking_it_done(
    lost_phone: DeviceReport, shared: Account, communications: User
) -> None:
    task = task_of(shared, TaskKind.ROTATE)

    message = refusal(task_complete, actor=communications, task=task, note="Changed it")

    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    # The task is open: telling them it is already closed would send them away with the
    # password unchanged.
    assert "already closed" not in message
    assert "password change" in message


@pytest.mark.django_db
def test_a_task_is_cancelled_with_a_reason_and_a_second_try_names_who_cancelled_it(
    lost_phone: DeviceReport, individual: Account, communications: User
) -> None:
    task = task_of(individual, TaskKind.SIGN_OUT)

    assert refusal(task_cancel, actor=communications, task=task, reason=" ") == (
        "Enter why the task is no longer needed"
    )
    task_cancel(actor=communications, task=task, reason="The page was deleted at Facebook")

    task.refresh_from_db()
    assert (task.state, task.done_note) == (
        TaskState.CANCELLED,
        "The page was deleted at Facebook",
    )
    assert refusal(task_cancel, actor=communications, task=task, reason="Again") == (
        "This task is already closed: Chris Evans marked it as no longer needed."
    )


@pytest.mark.django_db
def test_a_lost_device_report_closes_when_its_last_task_is_done(
    lost_phone: DeviceReport,
    shared: Account,
    individual: Account,
    communications: User,
    colleague: User,
) -> None:
    task_complete(actor=colleague, task=task_of(individual, TaskKind.SIGN_OUT), note="Done")
    task_complete(actor=communications, task=task_of(individual, TaskKind.CUSTODY), note="Done")
    task_complete(actor=communications, task=task_of(shared, TaskKind.CUSTODY), note="Done")
    lost_phone.refresh_from_db()
    assert lost_phone.state == ReportState.OPEN

    password_change_record(actor=colleague, account=shared, changed_on=TODAY, reason="lost_device")

    lost_phone.refresh_from_db()
    assert lost_phone.state == ReportState.CLOSED
    assert Event.objects.filter(
        action="device.report_closed",
        summary=f"Lost device report {lost_phone.reference} closed: every task is done",
    ).exists()


# ---------------------------------------------------------------------------------------------
# Scheduled reminders: each told once (MOD-5, REG-1a, REM-2)


@pytest.mark.django_db
def test_an_overdue_task_goes_to_the_responsible_officer_then_to_communications_once_each(
    communications: User, line_manager: User, shared: Account, requester: User
) -> None:
    end(shared, requester, communications)  # due in five days: on 7 February
    overdue = "Overdue: Change the password of Parks News"
    escalated = "Still not done: Change the password of Parks News"

    with time_machine.travel(day(5), tick=False):
        credential_tasks_escalate()
    assert subjects(line_manager) == []

    with time_machine.travel(day(6), tick=False):
        credential_tasks_escalate()
        credential_tasks_escalate()
    assert subjects(line_manager) == [overdue]
    assert escalated not in subjects(communications)

    with time_machine.travel(day(7), tick=False):
        credential_tasks_escalate()
    assert escalated not in subjects(communications)

    with time_machine.travel(day(8), tick=False):
        credential_tasks_escalate()
        credential_tasks_escalate()
    with time_machine.travel(day(20), tick=False):
        credential_tasks_escalate()
    assert subjects(line_manager) == [overdue]
    assert subjects(communications).count(escalated) == 1
    assert subjects(communications).count(overdue) == 0


@pytest.mark.django_db
def test_an_overdue_task_on_an_account_with_no_responsible_officer_goes_to_communications(
    communications: User, individual: Account, requester: User
) -> None:
    end(individual, requester, communications)

    with time_machine.travel(day(6), tick=False):
        credential_tasks_escalate()
        credential_tasks_escalate()

    assert (
        subjects(communications).count("Overdue: Remove Riya Patel's role on Leisure Facebook") == 1
    )


@pytest.mark.django_db
def test_a_task_done_in_time_is_not_chased(
    communications: User, line_manager: User, shared: Account, requester: User
) -> None:
    task = end(shared, requester, communications).tasks.get()
    password_change_record(
        actor=communications,
        account=shared,
        changed_on=TODAY,
        reason="moderator_left",
        for_task=task,
    )

    with time_machine.travel(day(30), tick=False):
        assert credential_tasks_escalate() == 0

    assert subjects(line_manager) == []
    assert not any(subject.startswith("Still not done") for subject in subjects(communications))


@pytest.mark.django_db
def test_a_lapsed_recovery_plan_test_is_told_once_and_again_after_the_next_test_lapses(
    communications: User, leisure: ServiceArea
) -> None:
    account = make_account(
        communications,
        leisure,
        name="Museum Instagram",
        recovery_plan_tested_on=datetime.date(2025, 1, 10),
    )
    due = "Recovery plan test due: Museum Instagram"

    recovery_plans_remind()
    recovery_plans_remind()
    assert subjects(communications).count(due) == 1
    told = Notification.objects.get(recipient=communications, subject=due)
    assert "last tested on 10 January 2025" in told.body
    assert "A new test was due on 10 January 2026" in told.body

    account_update(
        actor=communications,
        account=account,
        values={"recovery_plan_tested_on": datetime.date(2026, 2, 1)},
        reason="Tested the recovery email and phone",
    )
    with time_machine.travel(day(30), tick=False):
        recovery_plans_remind()
    assert subjects(communications).count(due) == 1

    with time_machine.travel(datetime.datetime(2027, 2, 1, 9, tzinfo=datetime.UTC), tick=False):
        recovery_plans_remind()
        recovery_plans_remind()
    assert subjects(communications).count(due) == 2


# ---------------------------------------------------------------------------------------------
# Every move of every table, as every member of the cast. The expectations are written from the
# policy, not read back from the tables.


@pytest.mark.django_db
def test_every_assignment_move_as_everyone_is_allowed_or_refused_in_the_tables_words(
    cast: dict[str, User | None], communications: User, individual: Account, colleague: User
) -> None:
    assignment = assignment_of(individual, colleague)
    everyone = people(cast, moderator=colleague)
    # Becoming active is the portal's move (DEC-3): nobody makes a moderator active by hand.
    may = {END: {"communications", "line_manager"}}
    not_allowed = {
        ACTIVATE: "A moderator becomes active by signing the declaration.",
        SUSPEND: "The portal suspends a moderator whose declaration has lapsed.",
        RESTORE: "A suspended moderator is restored by signing the declaration again.",
        END: "Only Communications or the moderator's line manager can end this.",
    }
    in_state = {
        "ended": "This person no longer moderates the account.",
        "active": "This person is already an active moderator.",
        "suspended": "This moderator is suspended until they sign the declaration again.",
        "awaiting_declaration": "This moderator has not become active yet.",
    }
    sources = {
        ACTIVATE: {"awaiting_declaration"},
        SUSPEND: {"active"},
        RESTORE: {"suspended"},
        END: {"awaiting_declaration", "active", "suspended"},
    }
    for state in AssignmentState.values:
        ModeratorAssignment.objects.filter(pk=assignment.pk).update(state=state)
        assignment.refresh_from_db()
        for move, words in not_allowed.items():
            for name, person in everyone.items():
                allowed = state in sources[move] and name in may.get(move, set())
                expected = None if allowed else words if state in sources[move] else in_state[state]
                assert ASSIGNMENT.refusal(person, move, assignment) == expected, (
                    state,
                    move,
                    name,
                )
                if allowed or not person.is_authenticated or move not in may:
                    continue
                events = Event.objects.count()
                if state != "ended":  # ending an ended one: see the test on two stops above
                    message = refusal(
                        assignment_end,
                        assignment=assignment,
                        actor=person,
                        reason="Moved",
                        now=START,
                    )
                else:
                    continue
                assert message == expected, (state, move, name)
                assert Event.objects.count() == events
                assignment.refresh_from_db()
                assert assignment.state == state
    assert not CredentialTask.objects.exists()


@pytest.fixture
def every_task(
    communications: User,
    lost_phone: DeviceReport,
    shared: Account,
    individual: Account,
    line_manager: User,
) -> dict[str, CredentialTask]:
    """One task of each kind, open: Riya's phone gives a rotation, a sign-out and a custody
    task; a third moderator of the Facebook page stopping gives a role to remove."""
    third = make_person("third@council.example", "Zara Third", manager=line_manager)
    assignment_propose(account=individual, person=third, granted_by=communications, reason="x")
    assignment_activate(assignment=assignment_of(individual, third), now=START)
    end(individual, third, communications)
    return {
        "rotation": task_of(shared, TaskKind.ROTATE),
        "sign_out": task_of(individual, TaskKind.SIGN_OUT),
        "custody": task_of(individual, TaskKind.CUSTODY),
        "remove_access": task_of(individual, TaskKind.REMOVE_ACCESS),
    }


@pytest.mark.django_db
def test_every_task_move_as_everyone_is_allowed_or_refused_in_the_tables_words(
    cast: dict[str, User | None],
    communications: User,
    requester: User,
    colleague: User,
    every_task: dict[str, CredentialTask],
) -> None:
    everyone = people(cast, moderator=colleague)
    moderators = {"requester", "moderator"}  # Riya and Tom, both still active
    completed_by = {
        # Riya's phone: Tom signs it out; handing over custody is Communications' alone.
        "sign_out": {"communications", "moderator"},
        "custody": {"communications"},
        "remove_access": {"communications"} | moderators,
        "rotation": set(),  # recording the password change closes it
    }
    refused = {
        COMPLETE: "Only Communications or another active moderator of the account can do this.",
        CANCEL: "Only Communications can decide that a task is no longer needed.",
    }
    closed: dict[str, str] = {
        TaskState.DONE: "This task is already closed: Chris Evans did it.",
        TaskState.CANCELLED: "This task is already closed: Chris Evans marked it as no longer "
        "needed.",
    }
    for state in TaskState.values:
        CredentialTask.objects.update(state=state, done_by=None)
        CredentialTask.objects.exclude(state=TaskState.OPEN).update(done_by=communications)
        for kind, task in every_task.items():
            task.refresh_from_db()
            for name, person in everyone.items():
                may = {
                    COMPLETE: state == TaskState.OPEN and name in completed_by[kind],
                    CANCEL: state == TaskState.OPEN and name == "communications",
                    ROTATED: False,
                }
                assert TASK.allowed_moves(person, task) == [
                    move for move in (COMPLETE, CANCEL) if may[move]
                ], (state, kind, name)
                for move, words in refused.items():
                    if may[move]:
                        continue
                    expected = closed.get(state, words)
                    if move == COMPLETE and kind == "rotation" and state == TaskState.OPEN:
                        continue  # its wording has a test of its own above
                    assert TASK.refusal(person, move, task) == expected, (state, kind, name)
                    if not person.is_authenticated:
                        continue
                    events = Event.objects.count()
                    if move == COMPLETE:
                        message = refusal(task_complete, actor=person, task=task, note="Did it")
                    else:
                        message = refusal(task_cancel, actor=person, task=task, reason="No")
                    assert message == expected, (state, kind, name, move)
                    assert Event.objects.count() == events
                    task.refresh_from_db()
                    assert task.state == state
    open_rotation = every_task["rotation"]
    CredentialTask.objects.update(state=TaskState.OPEN)
    open_rotation.refresh_from_db()
    assert TASK.refusal(communications, ROTATED, open_rotation) == (
        "A password change closes this task when it is recorded."
    )


@pytest.mark.django_db
def test_every_lost_device_move_as_everyone_is_allowed_or_refused_in_the_tables_words(
    cast: dict[str, User | None], outsider: User, lost_phone: DeviceReport, colleague: User
) -> None:
    nothing_affected, _ = device_report_submit(
        reporter=outsider,
        device_kind="laptop",
        device_description="",
        loss="lost",
        lost_on=TODAY,
        account_ids=[],
        held_second_factor=False,
        held_recovery_phone=False,
    )
    everyone = people(cast, moderator=colleague)
    cases = [
        (
            lost_phone,
            ReportState.OPEN,
            "This report has tasks: it closes by itself when the last one is done.",
        ),
        (nothing_affected, ReportState.OPEN, "Only Communications can close a report."),
        (nothing_affected, ReportState.CLOSED, "This report is already closed."),
        (lost_phone, ReportState.CLOSED, "This report is already closed."),
    ]
    for report, state, words in cases:
        DeviceReport.objects.filter(pk=report.pk).update(state=state)
        report.refresh_from_db()
        for name, person in everyone.items():
            allowed = report == nothing_affected and state == "open" and name == "communications"
            assert DEVICE_REPORT.allowed_moves(person, report) == ([CONFIRM] if allowed else []), (
                report.pk,
                state,
                name,
            )
            assert not DEVICE_REPORT.allowed(person, CLOSE, report)
            if allowed:
                continue
            assert DEVICE_REPORT.refusal(person, CONFIRM, report) == words, (state, name)
            if not person.is_authenticated:
                continue
            message = refusal(device_report_confirm, actor=person, report=report)
            assert message == words, (report.pk, state, name)
            report.refresh_from_db()
            assert report.state == state
        DeviceReport.objects.filter(pk=report.pk).update(state=ReportState.OPEN)


@pytest.mark.django_db
def test_communications_close_a_report_that_affected_no_account(
    communications: User, outsider: User
) -> None:
    report, _ = device_report_submit(
        reporter=outsider,
        device_kind="tablet",
        device_description="",
        loss="lost",
        lost_on=TODAY,
        account_ids=[],
        held_second_factor=False,
        held_recovery_phone=False,
    )

    closed = device_report_confirm(actor=communications, report=report)

    assert (closed.state, closed.closed_by) == (ReportState.CLOSED, communications)
    assert Event.objects.filter(
        action="device.report_closed",
        summary=f"Chris Evans closed lost device report {report.reference}: no account was "
        "affected",
    ).exists()
