"""A leaver in the staff import leaves no access behind (ORG-3, MOD-5, MSM 7.2): their
assignments end on their leaving date, each account they moderated asks once for its password
to change or their role to go, the second factor they held is handed over, and every account
shows on its timeline what was done."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine

from accounts.models import AccessModel, Account
from accounts.timeline import account_timeline
from governance.models import Event, Notification, ServiceArea, User
from governance.services.staff_import import import_staff
from moderation.models import AssignmentState, CredentialTask, ModeratorAssignment, TaskKind
from moderation.services.credentials import password_change_record, task_complete
from tests.register_helpers import make_account

HEADER = (
    "employee_number,email,full_name,job_title,service_area_code,service_area_name,"
    "line_manager_employee_number,leaving_date,head_of_service\n"
)
STAFF = HEADER + (
    "E1,head@council.example,Helen Brooks,Head of Leisure,leisure,Leisure and Culture,,,yes\n"
    "E2,manager@council.example,Sam Okafor,Events Manager,leisure,,E1,,no\n"
    "E3,officer@council.example,Riya Patel,Events Officer,leisure,,E2,,\n"
    "E4,colleague@council.example,Tom Fletcher,Events Officer,leisure,,E2,,\n"
)
RIYA_LEAVES = STAFF.replace(",E2,,\nE4", ",E2,2026-03-20,\nE4")
BEFORE = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
AFTER = datetime.datetime(2026, 3, 23, 9, tzinfo=datetime.UTC)
LEFT_ON = datetime.date(2026, 3, 20)


def run(csv_text: str, actor: User) -> Any:
    return import_staff(data=csv_text.encode(), filename="staff.csv", actor=actor)


@pytest.fixture
def moderated(communications: User) -> dict[str, Account]:
    """Riya and Tom moderate two shared-login accounts and a Facebook page where each has their
    own role; Riya holds the second factor of Parks News."""
    with time_machine.travel(BEFORE, tick=False):
        run(STAFF, communications)
        leisure = ServiceArea.objects.get(code="leisure")
        riya, tom = User.objects.get(employee_number="E3"), User.objects.get(employee_number="E4")
        accounts = {
            "Parks News": make_account(
                communications,
                leisure,
                moderators=(riya, tom),
                name="Parks News",
                second_factor_holder=riya,
            ),
            "Leisure Events": make_account(
                communications, leisure, moderators=(riya, tom), name="Leisure Events"
            ),
            "Leisure Facebook": make_account(
                communications,
                leisure,
                moderators=(riya, tom),
                name="Leisure Facebook",
                access_model=AccessModel.INDIVIDUAL_ROLES,
            ),
        }
    assert RIYA_LEAVES != STAFF
    return accounts


def titles_by_account() -> dict[str, list[str]]:
    titles: dict[str, list[str]] = {}
    for task in CredentialTask.objects.select_related("account").order_by("kind", "id"):
        titles.setdefault(task.account.name, []).append(task.title)
    return titles


def timeline_of(account: Account) -> list[str]:
    return [entry.what for entry in account_timeline(account)]


@pytest.mark.django_db
def test_a_leaver_in_the_import_leaves_one_task_per_account_and_their_custody_handed_over(
    communications: User, administrator: User, moderated: dict[str, Account]
) -> None:
    riya = User.objects.get(employee_number="E3")

    with time_machine.travel(AFTER, tick=False):
        assert run(RIYA_LEAVES, administrator).leavers == 1

    ended = ModeratorAssignment.objects.filter(person=riya)
    assert [(a.state, a.ends_on) for a in ended] == [(AssignmentState.ENDED, LEFT_ON)] * 3
    assert set(
        ModeratorAssignment.objects.filter(person__employee_number="E4").values_list(
            "state", flat=True
        )
    ) == {AssignmentState.ACTIVE}
    assert titles_by_account() == {
        "Parks News": [
            "Hand over the second factor of Parks News from Riya Patel",
            "Change the password of Parks News",
        ],
        "Leisure Events": ["Change the password of Leisure Events"],
        "Leisure Facebook": ["Remove Riya Patel's role on Leisure Facebook"],
    }
    rotation = CredentialTask.objects.get(account=moderated["Parks News"], kind=TaskKind.ROTATE)
    assert rotation.why == "Riya Patel no longer moderates it: Riya Patel left the council on " + (
        "20 March 2026"
    )
    assert rotation.due_on == datetime.date(2026, 3, 28)
    told = list(communications.notifications.values_list("subject", flat=True))
    assert sorted(s for s in told if s.startswith("To do")) == [
        "To do: Change the password of Leisure Events",
        "To do: Change the password of Parks News",
        "To do: Hand over the second factor of Parks News from Riya Patel",
        "To do: Remove Riya Patel's role on Leisure Facebook",
    ]
    assert not riya.notifications.exists()


@pytest.mark.django_db
def test_importing_the_same_file_again_raises_nothing_new(
    administrator: User, moderated: dict[str, Account]
) -> None:
    with time_machine.travel(AFTER, tick=False):
        run(RIYA_LEAVES, administrator)
    tasks = list(CredentialTask.objects.values_list("pk", "state"))
    notifications = Notification.objects.count()
    events = Event.objects.exclude(action="staff.imported").count()

    with time_machine.travel(AFTER + datetime.timedelta(days=1), tick=False):
        assert run(RIYA_LEAVES, administrator).leavers == 0

    assert list(CredentialTask.objects.values_list("pk", "state")) == tasks
    assert len(tasks) == 4
    assert Notification.objects.count() == notifications
    assert Event.objects.exclude(action="staff.imported").count() == events


@pytest.mark.django_db
def test_every_account_a_leaver_moderated_shows_what_was_done_on_its_timeline(
    communications: User, administrator: User, moderated: dict[str, Account]
) -> None:
    tom = User.objects.get(employee_number="E4")
    with time_machine.travel(AFTER, tick=False):
        run(RIYA_LEAVES, administrator)
    for name, account in moderated.items():
        entries = timeline_of(account)
        assert f"Riya Patel stopped moderating {name}" in entries, name
        assert any(what.startswith("Task raised: ") and name in what for what in entries), entries

    with time_machine.travel(AFTER + datetime.timedelta(hours=2), tick=False):
        for name in ("Parks News", "Leisure Events"):
            password_change_record(
                actor=tom,
                account=moderated[name],
                changed_on=AFTER.date(),
                reason="moderator_left",
            )
        task_complete(
            actor=tom,
            task=CredentialTask.objects.get(kind=TaskKind.REMOVE_ACCESS),
            note="Removed her Facebook role",
        )
        task_complete(
            actor=communications,
            task=CredentialTask.objects.get(kind=TaskKind.CUSTODY),
            note="Codes now go to the team phone",
        )

    assert not CredentialTask.objects.filter(state="open").exists()
    parks = timeline_of(moderated["Parks News"])
    assert (
        "Tom Fletcher recorded that the password of Parks News was changed on 23 March 2026 "
        "(a moderator stopped or left)"
    ) in parks
    assert "Done: Change the password of Parks News" in parks
    assert "Done: Hand over the second factor of Parks News from Riya Patel" in parks
    assert "Done: Remove Riya Patel's role on Leisure Facebook" in timeline_of(
        moderated["Leisure Facebook"]
    )
    assert "Done: Change the password of Leisure Events" in timeline_of(moderated["Leisure Events"])
