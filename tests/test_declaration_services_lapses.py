"""Declarations over time (DEC-3 to DEC-5), as the beat runs the jobs each morning: a lapse
suspends the moderator and raises the access tasks, signing again restores them, a version
that requires it brings every lapse day forward, and the reminders, the obligations digest and
the policy review reminders are each sent once however often a job runs.

Riya signs version 1.0 on Monday 2 February 2026 at 9am; her declaration lapses on 2 February
2027. She moderates Parks News (one shared login, with Tom) and Leisure Facebook (a role each).
Tom signs three weeks later. Owen, in Housing, signed too but moderates nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine

from accounts.models import AccessModel, Account
from declarations.models import Declaration, PolicyVersion
from declarations.services.reminders import (
    declarations_lapse,
    declarations_remind,
    obligations_digest,
    policy_review_remind,
)
from governance.models import Event, Notification, Preset, ServiceArea, User
from governance.services.profile import profile_apply_preset, profile_update
from governance.todo import todos_for
from moderation.models import (
    AssignmentState,
    CredentialTask,
    ModeratorAssignment,
    TaskCause,
    TaskKind,
    TaskState,
)
from moderation.services.assignments import assignment_add
from moderation.services.credentials import task_complete
from tests.conftest import make_person
from tests.declaration_helpers import publish, sign
from tests.register_helpers import make_account

START = datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC)
LAPSES = datetime.date(2027, 2, 2)  # Riya's declaration is current until the day before

LAPSED = "Your social media declaration has lapsed: you are suspended as a moderator"
LAPSED_TO_MANAGER = "Riya Patel's social media declaration has lapsed"
REMINDER = "Sign the social media declaration again by 2 February 2027"
DIGEST = "Your social media responsibilities: a reminder"
ACTIVE_AGAIN = "You are now an active moderator"


def morning(day: datetime.date, hour: int = 7) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC)


def days(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    while first <= last:
        yield first
        first += datetime.timedelta(days=1)


def run_each_morning(job: Callable[[], Any], first: datetime.date, last: datetime.date) -> None:
    """The beat runs the job every morning, and a second worker runs it again."""
    for day in days(first, last):
        with time_machine.travel(morning(day), tick=False):
            job()
            job()


def run_on(day: datetime.date, job: Callable[[], Any]) -> Any:
    with time_machine.travel(morning(day), tick=False):
        return job()


def told(person: User, subject: str) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=person, subject=subject).order_by("created_at")
    )


@pytest.fixture(autouse=True)
def _stopped_clock() -> Iterator[None]:
    with time_machine.travel(START, tick=False):
        yield


@pytest.fixture
def version(policy_owner: User) -> PolicyVersion:
    return publish(policy_owner, version="1.0")


@pytest.fixture
def accounts(
    version: PolicyVersion,
    communications: User,
    leisure: ServiceArea,
    requester: User,
    colleague: User,
    outsider: User,
) -> dict[str, Account]:
    sign(requester, version)
    sign(outsider, version)
    parks = make_account(
        communications, leisure, moderators=(requester, colleague), name="Parks News"
    )
    facebook = make_account(
        communications,
        leisure,
        moderators=(requester,),
        name="Leisure Facebook",
        access_model=AccessModel.INDIVIDUAL_ROLES,
    )
    # Tom held a paper declaration from the old register; he signs here three weeks later.
    with time_machine.travel(START + datetime.timedelta(days=21), tick=False):
        sign(colleague, version)
    return {"parks": parks, "facebook": facebook}


def assignment(account: Account, person: User) -> ModeratorAssignment:
    return ModeratorAssignment.objects.exclude(state=AssignmentState.ENDED).get(
        account=account, person=person
    )


def states(person: User) -> dict[str, str]:
    return {
        each.account.name: each.state
        for each in ModeratorAssignment.objects.filter(person=person).select_related("account")
    }


# ---------------------------------------------------------------------------------------------
# A lapse suspends, signing again restores (DEC-3)


@pytest.mark.django_db
def test_a_declaration_is_current_until_its_lapse_day_and_then_suspends_every_active_assignment(
    accounts: dict[str, Account], requester: User, colleague: User, outsider: User
) -> None:
    day_before = LAPSES - datetime.timedelta(days=1)
    assert run_on(day_before, declarations_lapse) == 0
    assert set(states(requester).values()) == {AssignmentState.ACTIVE}

    assert run_on(LAPSES, declarations_lapse) == 2  # Riya's, and Owen's
    assert run_on(LAPSES, declarations_lapse) == 0

    assert states(requester) == {
        "Parks News": AssignmentState.SUSPENDED,
        "Leisure Facebook": AssignmentState.SUSPENDED,
    }
    assert states(colleague) == {"Parks News": AssignmentState.ACTIVE}
    tasks = CredentialTask.objects.filter(person=requester)
    assert sorted((task.account.name, task.kind, task.cause, task.state) for task in tasks) == [
        ("Leisure Facebook", TaskKind.REMOVE_ACCESS, TaskCause.SUSPENDED, TaskState.OPEN),
        ("Parks News", TaskKind.ROTATE, TaskCause.SUSPENDED, TaskState.OPEN),
    ]
    for account in accounts.values():
        suspended = assignment(account, requester)
        assert suspended.tasks.count() == 1
        assert Event.objects.filter(action="assignment.suspended", subject_id=suspended.pk).count()
    declaration = Declaration.objects.get(person=requester)
    assert declaration.lapsed_at == morning(LAPSES)
    assert Event.objects.filter(action="declaration.lapsed").count() == 2
    with time_machine.travel(morning(LAPSES, 9), tick=False):
        [todo] = [todo for todo in todos_for(requester) if todo.section == "Your declaration"]
    assert todo.detail == (
        "Your declaration has lapsed, so you are suspended as a moderator. Signing restores you "
        "at once."
    )
    assert not Notification.objects.filter(recipient=outsider).exists()  # he moderates nothing


@pytest.mark.django_db
def test_the_moderator_and_their_line_manager_are_told_once_why_and_how_to_restore_it(
    accounts: dict[str, Account], requester: User, colleague: User, line_manager: User
) -> None:
    run_each_morning(declarations_lapse, LAPSES, LAPSES + datetime.timedelta(days=2))

    [to_riya] = told(requester, LAPSED)
    [to_sam] = told(line_manager, LAPSED_TO_MANAGER)
    assert "lapsed on 2 February 2027" in to_riya.body
    assert "- Leisure Facebook\n- Parks News" in to_riya.body
    assert 'choose "Your declaration", read the policy and sign it' in to_riya.body
    assert "- Leisure Facebook\n- Parks News" in to_sam.body
    assert "signing the declaration in the portal" in to_sam.body
    assert told(colleague, LAPSED) == []


@pytest.mark.django_db
def test_a_lapse_leaves_an_assignment_awaiting_its_declaration_waiting(
    version: PolicyVersion, communications: User, leisure: ServiceArea, outsider: User
) -> None:
    sign(outsider, version)
    account = make_account(communications, leisure, name="Library Events")
    # Proposed on the morning his declaration lapses, before the job has run: he waits.
    with time_machine.travel(morning(LAPSES, 5), tick=False):
        waiting = assignment_add(
            actor=communications, account=account, person=outsider, reason="Covers"
        )
    assert waiting.state == AssignmentState.AWAITING_DECLARATION

    run_on(LAPSES, declarations_lapse)

    assert states(outsider) == {"Library Events": AssignmentState.AWAITING_DECLARATION}
    assert not CredentialTask.objects.filter(person=outsider).exists()
    [to_owen] = told(outsider, "Your social media declaration has lapsed")  # not suspended
    assert "waiting for your declaration before you can moderate them:\n- Library Events" in (
        to_owen.body
    )


@pytest.mark.django_db
def test_someone_only_waiting_to_moderate_is_not_told_they_were_suspended(
    version: PolicyVersion,
    communications: User,
    leisure: ServiceArea,
    line_manager: User,
) -> None:
    newcomer = make_person("nina@council.example", "Nina Shah", area=leisure, manager=line_manager)
    sign(newcomer, version)
    account = make_account(communications, leisure, name="Library Events")
    with time_machine.travel(morning(LAPSES, 5), tick=False):
        assignment_add(actor=communications, account=account, person=newcomer, reason="Covers")

    run_on(LAPSES, declarations_lapse)

    [to_nina] = Notification.objects.filter(recipient=newcomer, subject__contains="lapsed")
    [to_sam] = Notification.objects.filter(recipient=line_manager, subject__contains="lapsed")
    assert to_nina.subject == "Your social media declaration has lapsed"
    for told_about in (to_nina.body, to_sam.body):
        assert "suspended" not in told_about
        assert "remove" not in told_about
        assert "Library Events" in told_about
    assert not CredentialTask.objects.exists()
    with time_machine.travel(morning(LAPSES, 9), tick=False):
        [todo] = [todo for todo in todos_for(newcomer) if todo.section == "Your declaration"]
    assert todo.detail == (
        "Your declaration has lapsed. You become an active moderator when you sign it again."
    )


@pytest.mark.django_db
def test_signing_again_restores_every_suspended_assignment_and_withdraws_the_open_tasks(
    accounts: dict[str, Account],
    version: PolicyVersion,
    requester: User,
    communications: User,
    leisure: ServiceArea,
) -> None:
    run_on(LAPSES, declarations_lapse)
    removed = assignment(accounts["facebook"], requester).tasks.get()
    rotation = assignment(accounts["parks"], requester).tasks.get()
    task_complete(actor=communications, task=removed, note="Removed her role")
    library = make_account(communications, leisure, name="Library Events")
    with time_machine.travel(morning(LAPSES, 8), tick=False):
        waiting = assignment_add(
            actor=communications, account=library, person=requester, reason="Covers"
        )
    assert waiting.state == AssignmentState.AWAITING_DECLARATION

    back = LAPSES + datetime.timedelta(days=3)
    with time_machine.travel(morning(back, 10), tick=False):
        declaration = sign(requester, version)

    assert declaration.lapses_on == datetime.date(2028, 2, 5)
    assert set(states(requester).values()) == {AssignmentState.ACTIVE}
    rotation.refresh_from_db()
    assert (rotation.state, rotation.done_by, rotation.done_note) == (
        TaskState.CANCELLED,
        None,
        "They signed the declaration again",
    )
    removed.refresh_from_db()
    assert (removed.state, removed.done_by) == (TaskState.DONE, communications)
    assert Event.objects.filter(action="assignment.restored").count() == 2
    assert Event.objects.filter(action="assignment.activated", subject_id=waiting.pk).count() == 1
    [active_again] = told(requester, ACTIVE_AGAIN)
    assert "Leisure Facebook" in active_again.body and "Library Events" in active_again.body
    assert len(told(communications, "Riya Patel signed the declaration and moderates again")) == 1


@pytest.mark.django_db
def test_a_second_lapse_after_restoring_raises_new_access_tasks(
    accounts: dict[str, Account], version: PolicyVersion, requester: User
) -> None:
    run_on(LAPSES, declarations_lapse)
    with time_machine.travel(morning(LAPSES, 10), tick=False):
        sign(requester, version)

    run_on(datetime.date(2028, 2, 2), declarations_lapse)

    facebook = assignment(accounts["facebook"], requester)
    assert facebook.state == AssignmentState.SUSPENDED
    assert sorted(facebook.tasks.values_list("state", flat=True)) == [
        TaskState.CANCELLED,
        TaskState.OPEN,
    ]
    assert len(told(requester, LAPSED)) == 2


# ---------------------------------------------------------------------------------------------
# Re-acknowledgement (DEC-4)


PUBLISHED_AGAIN = datetime.datetime(2026, 5, 13, 9, tzinfo=datetime.UTC)
DEADLINE = datetime.date(2026, 6, 12)  # 30 days' grace


def lapse_days() -> dict[str, datetime.date]:
    return {
        declaration.person.full_name: declaration.lapses_on
        for declaration in Declaration.objects.filter(superseded_at__isnull=True)
    }


@pytest.mark.django_db
def test_a_version_that_requires_it_brings_every_lapse_day_forward_and_tells_the_moderators(
    accounts: dict[str, Account],
    policy_owner: User,
    requester: User,
    colleague: User,
    outsider: User,
) -> None:
    with time_machine.travel(PUBLISHED_AGAIN, tick=False):
        publish(policy_owner, version="2.0", reacknowledge=True)

    assert lapse_days() == {
        "Riya Patel": DEADLINE,
        "Tom Fletcher": DEADLINE,
        "Owen Price": DEADLINE,
    }
    subject = "Sign the new social media policy by 12 June 2026"
    assert len(told(requester, subject)) == len(told(colleague, subject)) == 1
    assert told(outsider, subject) == []  # he moderates nothing
    event = Event.objects.get(action="declaration.reacknowledgement_required")
    assert event.data == {"deadline": "2026-06-12", "declarations": 3}

    run_on(DEADLINE - datetime.timedelta(days=1), declarations_lapse)
    assert set(states(requester).values()) == {AssignmentState.ACTIVE}
    run_on(DEADLINE, declarations_lapse)
    assert set(states(requester).values()) == {AssignmentState.SUSPENDED}
    assert states(colleague) == {"Parks News": AssignmentState.SUSPENDED}


@pytest.mark.django_db
def test_a_version_that_does_not_require_it_leaves_every_lapse_day(
    accounts: dict[str, Account], policy_owner: User, requester: User, colleague: User
) -> None:
    before = lapse_days()
    with time_machine.travel(PUBLISHED_AGAIN, tick=False):
        publish(policy_owner, version="2.0", reacknowledge=False)

    assert lapse_days() == before
    assert not Notification.objects.filter(subject__startswith="Sign the new social").exists()
    assert not Event.objects.filter(action="declaration.reacknowledgement_required").exists()


@pytest.mark.django_db
def test_re_acknowledgement_never_moves_a_lapse_day_later_and_follows_the_profiles_grace(
    accounts: dict[str, Account], policy_owner: User, administrator: User, requester: User
) -> None:
    profile_update(actor=administrator, values={"reacknowledgement_grace_days": 45}, reason="Audit")
    late = datetime.datetime(2027, 1, 1, 9, tzinfo=datetime.UTC)  # Riya lapses in 32 days
    with time_machine.travel(late, tick=False):
        publish(policy_owner, version="2.0", reacknowledge=True)

    assert lapse_days() == {
        "Riya Patel": LAPSES,  # sooner than 1 January + 45 days: unchanged
        "Tom Fletcher": datetime.date(2027, 2, 15),
        "Owen Price": LAPSES,
    }
    assert told(requester, "Sign the new social media policy by 15 February 2027") == []


@pytest.mark.django_db
def test_signing_the_new_version_after_re_acknowledgement_gives_a_full_interval(
    accounts: dict[str, Account], policy_owner: User, requester: User
) -> None:
    with time_machine.travel(PUBLISHED_AGAIN, tick=False):
        new = publish(policy_owner, version="2.0", reacknowledge=True)
        declaration = sign(requester, new)

    assert declaration.lapses_on == datetime.date(2027, 5, 13)
    run_on(DEADLINE, declarations_lapse)
    assert set(states(requester).values()) == {AssignmentState.ACTIVE}


# ---------------------------------------------------------------------------------------------
# Reminders before a lapse (DEC-4)


def reminders_to(person: User) -> list[str]:
    return [
        notification.body.split("in ", 1)[1].split(".", 1)[0]
        for notification in told(person, REMINDER)
    ]


@pytest.mark.django_db
def test_reminders_at_30_7_and_1_days_are_each_sent_once(
    accounts: dict[str, Account], requester: User, outsider: User
) -> None:
    run_each_morning(declarations_remind, datetime.date(2026, 12, 1), LAPSES)

    assert reminders_to(requester) == ["30 days", "7 days", "1 day"]
    assert [n.created_at.date() for n in told(requester, REMINDER)] == [
        datetime.date(2027, 1, 3),
        datetime.date(2027, 1, 26),
        datetime.date(2027, 2, 1),
    ]
    assert told(outsider, REMINDER) == []  # signed, but moderates nothing


@pytest.mark.django_db
def test_a_run_that_missed_days_sends_only_the_nearest_reminder(
    accounts: dict[str, Account], requester: User
) -> None:
    run_on(datetime.date(2027, 1, 28), declarations_remind)  # 5 days left: the 30 and 7 missed
    run_on(datetime.date(2027, 1, 29), declarations_remind)
    run_on(datetime.date(2027, 2, 1), declarations_remind)

    assert reminders_to(requester) == ["5 days", "1 day"]


@pytest.mark.django_db
def test_reminders_follow_the_profiles_days(
    accounts: dict[str, Account], administrator: User, requester: User
) -> None:
    profile_update(
        actor=administrator, values={"declaration_reminder_days": [14, 2]}, reason="Audit"
    )

    run_each_morning(declarations_remind, datetime.date(2026, 12, 1), LAPSES)

    assert reminders_to(requester) == ["14 days", "2 days"]


@pytest.mark.django_db
def test_no_reminders_when_the_profile_has_none(
    accounts: dict[str, Account], administrator: User, requester: User
) -> None:
    profile_update(actor=administrator, values={"declaration_reminder_days": []}, reason="Audit")

    run_each_morning(declarations_remind, datetime.date(2027, 1, 1), LAPSES)

    assert told(requester, REMINDER) == []


# ---------------------------------------------------------------------------------------------
# The obligations digest (MSM 7.3 "regularly reminded of the consequences")


@pytest.mark.django_db
def test_the_digest_is_sent_once_a_quarter_under_the_default_profile(
    accounts: dict[str, Account], requester: User, colleague: User, outsider: User
) -> None:
    for day in (datetime.date(2026, 2, 3), datetime.date(2026, 3, 31)):
        run_on(day, obligations_digest)
        run_on(day, obligations_digest)
    assert len(told(requester, DIGEST)) == len(told(colleague, DIGEST)) == 1

    run_on(datetime.date(2026, 4, 1), obligations_digest)
    run_on(datetime.date(2026, 4, 1), obligations_digest)

    assert len(told(requester, DIGEST)) == len(told(colleague, DIGEST)) == 2
    assert told(outsider, DIGEST) == []
    body = told(requester, DIGEST)[0].body
    assert "Every 3 months" in body
    assert "- Leisure Facebook (active)\n- Parks News (active)" in body
    assert "current until 2 February 2027" in body


@pytest.mark.django_db
def test_the_digest_follows_the_profiles_cadence(
    accounts: dict[str, Account], administrator: User, requester: User
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)  # every 6 months

    run_each_morning(obligations_digest, datetime.date(2026, 6, 29), datetime.date(2026, 7, 2))

    sent = [n.created_at.date() for n in told(requester, DIGEST)]
    assert sent == [datetime.date(2026, 6, 29), datetime.date(2026, 7, 1)]


@pytest.mark.django_db
def test_a_digest_is_not_lost_when_the_cadence_changes(
    accounts: dict[str, Account], administrator: User, requester: User
) -> None:
    run_on(datetime.date(2026, 2, 3), obligations_digest)  # first quarter
    run_on(datetime.date(2026, 4, 2), obligations_digest)  # second quarter
    profile_update(
        actor=administrator, values={"obligations_digest_months": 6}, reason="Twice a year"
    )

    run_on(datetime.date(2026, 7, 1), obligations_digest)  # the second half-year

    assert len(told(requester, DIGEST)) == 3


# ---------------------------------------------------------------------------------------------
# Policy review reminders (DEC-5)


@pytest.mark.django_db
def test_the_policy_owner_is_reminded_once_before_the_review_date_and_once_after(
    version: PolicyVersion, policy_owner: User, communications: User
) -> None:
    soon = "The social media policy is due for review on 2 February 2027"
    overdue = "The social media policy's review is overdue"
    assert version.review_due_on == LAPSES

    run_each_morning(policy_review_remind, datetime.date(2026, 12, 1), datetime.date(2027, 1, 2))
    assert told(policy_owner, soon) == []

    run_each_morning(policy_review_remind, datetime.date(2027, 1, 3), datetime.date(2027, 2, 1))
    assert [n.created_at.date() for n in told(policy_owner, soon)] == [datetime.date(2027, 1, 3)]
    assert told(policy_owner, overdue) == []

    run_each_morning(policy_review_remind, LAPSES, datetime.date(2027, 3, 1))
    assert [n.created_at.date() for n in told(policy_owner, overdue)] == [LAPSES]
    assert len(told(policy_owner, soon)) == 1
    assert not Notification.objects.exclude(recipient=policy_owner).exists()


@pytest.mark.django_db
def test_a_new_version_with_a_later_review_date_is_reminded_about_afresh(
    version: PolicyVersion, policy_owner: User
) -> None:
    run_on(datetime.date(2027, 1, 10), policy_review_remind)
    with time_machine.travel(morning(datetime.date(2027, 1, 20), 9), tick=False):
        publish(policy_owner, version="2.0")

    run_each_morning(policy_review_remind, datetime.date(2027, 1, 21), datetime.date(2028, 1, 20))

    subjects = list(
        Notification.objects.filter(recipient=policy_owner)
        .order_by("created_at")
        .values_list("subject", flat=True)
    )
    assert subjects == [
        "The social media policy is due for review on 2 February 2027",
        "The social media policy is due for review on 20 January 2028",
        "The social media policy's review is overdue",
    ]
