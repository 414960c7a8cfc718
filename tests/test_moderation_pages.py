"""The moderator and credential pages as people use them: adding and ending moderators,
recording password changes, and the tasks that make a departure or a compromise safe."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AccessModel, Account
from governance.formatting import long_date
from governance.models import Notification, ServiceArea, User
from moderation.models import (
    AssignmentState,
    CredentialTask,
    ModeratorAssignment,
    PasswordChange,
    PasswordChangeReason,
    TaskKind,
    TaskState,
)
from moderation.services.assignments import assignment_end, assignment_propose
from moderation.services.credentials import task_raise
from tests.conftest import make_person
from tests.declaration_helpers import publish, sign
from tests.register_helpers import make_account

NEVER_TYPED = "Do not type the password anywhere in this form. The portal never stores passwords."


def page_of(response: Any) -> str:
    return html.unescape(response.content.decode())


def moderator_tag(page: str, name: str) -> str:
    """The state tag in this moderator's row of the account page's Moderators table."""
    row = re.search(rf"<td[^>]*>{name}<br>.*?</tr>", page, re.DOTALL)
    assert row, f"{name} is not in the Moderators table"
    tag = re.search(r'<strong class="govuk-tag[^"]*">([^<]+)</strong>', row.group(0))
    assert tag
    return tag.group(1)


def date_fields(day: datetime.date) -> dict[str, str]:
    return {
        "changed_on_0": str(day.day),
        "changed_on_1": str(day.month),
        "changed_on_2": str(day.year),
    }


def end(assignment: ModeratorAssignment, actor: User, reason: str = "Moved team") -> None:
    assignment_end(assignment=assignment, actor=actor, reason=reason, now=timezone.now())


def assignment_of(account: Account, person: User) -> ModeratorAssignment:
    return ModeratorAssignment.objects.exclude(state=AssignmentState.ENDED).get(
        account=account, person=person
    )


@pytest.fixture
def shared(communications: User, requester: User, colleague: User, leisure: ServiceArea) -> Account:
    """A shared-login account that Riya and Tom moderate."""
    return make_account(
        communications,
        leisure,
        name="Leisure Events",
        moderators=(requester, colleague),
        access_model=AccessModel.SHARED_LOGIN,
    )


@pytest.fixture
def roles_account(
    communications: User, requester: User, colleague: User, leisure: ServiceArea
) -> Account:
    """A page where Riya and Tom each have their own role."""
    return make_account(
        communications,
        leisure,
        name="Library Page",
        moderators=(requester, colleague),
        access_model=AccessModel.INDIVIDUAL_ROLES,
    )


# Adding moderators


@pytest.mark.django_db
def test_communications_adds_a_moderator_by_work_email(
    communications: User, requester: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(communications, leisure, name="Leisure Events")
    client = client_for(communications)

    response = client.post(
        f"/register/{account.pk}/moderators/new/",
        {"person": "REQUESTER@council.example", "reason": "Runs the summer programme"},
        follow=True,
    )

    page = page_of(response)
    assert "Riya Patel was added as a moderator of Leisure Events." in page
    assert moderator_tag(page, "Riya Patel") == "Awaiting declaration"
    assert assignment_of(account, requester).reason == "Runs the summer programme"


@pytest.mark.django_db
def test_line_manager_adds_someone_from_their_team_and_communications_is_told(
    communications: User,
    line_manager: User,
    outsider: User,
    leisure: ServiceArea,
    shared: Account,
    client_for: Any,
) -> None:
    make_person("nadia@council.example", "Nadia Khan", area=leisure, manager=line_manager)
    client = client_for(line_manager)
    url = f"/register/{shared.pk}/moderators/new/"

    form = page_of(client.get(url))
    response = client.post(
        url,
        {"person": str(User.objects.get(full_name="Nadia Khan").pk), "reason": "Cover"},
        follow=True,
    )

    assert "Who in your team should moderate the account?" in form
    assert "Nadia Khan, Officer" in form and "Riya Patel, Officer" in form
    assert "Owen Price" not in form
    assert "Nadia Khan was added as a moderator of Leisure Events." in page_of(response)
    assert Notification.objects.filter(
        recipient=communications, key__endswith=":added:communications"
    ).exists()


@pytest.mark.django_db
def test_line_manager_cannot_add_someone_outside_their_team(
    line_manager: User, outsider: User, shared: Account, client_for: Any
) -> None:
    response = client_for(line_manager).post(
        f"/register/{shared.pk}/moderators/new/",
        {"person": str(outsider.pk), "reason": "Helping out"},
    )

    assert response.status_code == 200
    assert (
        "You can only add people in your own team. Ask Communications to add anyone else"
        in page_of(response)
    )
    assert not ModeratorAssignment.objects.filter(person=outsider).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["requester", "outsider", "auditor", "line_manager"])
def test_people_who_cannot_add_moderators_get_not_found(
    who: str,
    cast: dict[str, User | None],
    communications: User,
    housing: ServiceArea,
    client_for: Any,
) -> None:
    # The line manager's team does not moderate this one; the requester moderates nothing.
    outsider = cast["outsider"]
    assert outsider is not None
    account = make_account(communications, housing, moderators=(outsider,))

    response = client_for(cast[who]).post(
        f"/register/{account.pk}/moderators/new/",
        {"person": "requester@council.example", "reason": "x"},
    )

    assert response.status_code == 404
    assert not ModeratorAssignment.objects.filter(person=cast["requester"]).exists()


@pytest.mark.django_db
def test_someone_who_already_moderates_the_account_cannot_be_added_twice(
    communications: User, requester: User, shared: Account, client_for: Any
) -> None:
    response = client_for(communications).post(
        f"/register/{shared.pk}/moderators/new/",
        {"person": requester.email, "reason": "Again"},
    )

    today = long_date(timezone.localdate())
    assert f"Riya Patel already moderates Leisure Events (active since {today})" in page_of(
        response
    )
    assert ModeratorAssignment.objects.filter(account=shared, person=requester).count() == 1


@pytest.mark.django_db
def test_a_leaver_cannot_be_made_a_moderator(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(communications, leisure)
    leaver = make_person("gone@council.example", "Gina Lowe", area=leisure)
    leaver.leaving_date = timezone.localdate() - datetime.timedelta(days=1)
    leaver.save()

    response = client_for(communications).post(
        f"/register/{account.pk}/moderators/new/",
        {"person": leaver.email, "reason": "Cover"},
    )

    left = long_date(leaver.leaving_date)
    assert f"Gina Lowe left the council on {left}, so they cannot moderate an account" in (
        page_of(response)
    )
    assert not ModeratorAssignment.objects.filter(person=leaver).exists()


@pytest.mark.django_db
def test_an_unknown_email_address_and_a_missing_reason_are_both_said(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(communications, leisure)

    response = client_for(communications).post(
        f"/register/{account.pk}/moderators/new/", {"person": "nobody@council.example"}
    )

    page = page_of(response)
    assert "There is a problem" in page
    assert '<a href="#id_person">There is no member of staff with this email address</a>' in page
    assert '<a href="#id_reason">Enter why they should moderate the account</a>' in page


# Ending and activating


@pytest.mark.django_db
def test_ending_a_shared_login_moderator_asks_for_the_password_to_change(
    communications: User, colleague: User, shared: Account, client_for: Any
) -> None:
    client = client_for(communications)
    url = f"/moderators/{assignment_of(shared, colleague).pk}/end/"

    confirm = page_of(client.get(url))
    no_reason = page_of(client.post(url, {"reason": ""}))
    ended = page_of(client.post(url, {"reason": "Moved to Housing"}, follow=True))

    assert "Ending this raises a task to change the shared password" in confirm
    assert "Enter why they are no longer moderating the account" in no_reason
    assert (
        "Tom Fletcher no longer moderates Leisure Events. Task raised: Change the password of "
        "Leisure Events." in ended
    )
    assert moderator_tag(ended, "Tom Fletcher") == "Ended"
    assert "Tom Fletcher no longer moderates it: Moved to Housing" in ended  # the task's why
    task = CredentialTask.objects.get(account=shared)
    assert (task.kind, task.state, task.person) == (TaskKind.ROTATE, TaskState.OPEN, colleague)


@pytest.mark.django_db
def test_a_line_manager_ending_a_role_asks_for_the_role_to_be_removed(
    line_manager: User, requester: User, roles_account: Account, client_for: Any
) -> None:
    client = client_for(line_manager)
    url = f"/moderators/{assignment_of(roles_account, requester).pk}/end/"

    confirm = page_of(client.get(url))
    response = client.post(url, {"reason": "On long-term leave"}, follow=True)

    assert "Ending this raises a task to remove Riya Patel's role on the platform" in confirm
    assert (
        "Riya Patel no longer moderates Library Page. Task raised: Remove Riya Patel's role on "
        "Library Page." in page_of(response)
    )
    assert CredentialTask.objects.get(account=roles_account).kind == TaskKind.REMOVE_ACCESS


@pytest.mark.django_db
def test_only_communications_or_the_line_manager_can_end_a_moderator(
    colleague: User, outsider: User, requester: User, shared: Account, client_for: Any
) -> None:
    url = f"/moderators/{assignment_of(shared, requester).pk}/end/"

    for person in (colleague, outsider):
        assert client_for(person).post(url, {"reason": "x"}).status_code == 404
    assert assignment_of(shared, requester).state == AssignmentState.ACTIVE


@pytest.mark.django_db
def test_nobody_makes_a_proposed_moderator_active_on_a_page_and_signing_does(
    cast: dict[str, User | None], outsider: User, leisure: ServiceArea, client_for: Any
) -> None:
    communications = cast["communications"]
    assert communications is not None
    account = make_account(communications, leisure, name="Leisure Events")
    proposed = assignment_propose(
        account=account, person=outsider, granted_by=communications, reason="Cover"
    )
    url = f"/moderators/{proposed.pk}/activate/"
    client = client_for(communications)

    section = page_of(client.get(f"/register/{account.pk}/"))

    # No declaration, no access (DEC-3): the page that let Communications do it is gone.
    assert moderator_tag(section, "Owen Price") == "Awaiting declaration"
    assert "Make active" not in section
    for name, person in cast.items():
        assert client_for(person).get(url).status_code == 404, name
        assert client_for(person).post(url).status_code == 404, name
    assert ModeratorAssignment.objects.get(pk=proposed.pk).state == (
        AssignmentState.AWAITING_DECLARATION
    )

    sign(outsider, publish())

    assert moderator_tag(page_of(client.get(f"/register/{account.pk}/")), "Owen Price") == (
        "Active"
    )


# Password changes


@pytest.mark.django_db
def test_a_moderator_records_a_password_change_from_its_task_and_communications_is_told(
    communications: User, requester: User, colleague: User, shared: Account, client_for: Any
) -> None:
    end(assignment_of(shared, colleague), communications, "Left the team")
    task = CredentialTask.objects.get(account=shared)
    client = client_for(requester)

    task_page = page_of(client.get(f"/credential-tasks/{task.pk}/"))
    form_url = f"/register/{shared.pk}/password-changes/new/?task={task.pk}"
    form = page_of(client.get(form_url))
    response = client.post(
        form_url, {**date_fields(timezone.localdate()), "reason": "moderator_left"}, follow=True
    )

    assert f'href="{form_url}"' in task_page and "Record the password change" in task_page
    assert NEVER_TYPED in form
    assert "This closes the task “Change the password of Leisure Events”" in form
    page = page_of(response)
    assert response.redirect_chain[-1][0] == f"/credential-tasks/{task.pk}/"
    assert "The password change was recorded and Communications has been told." in page
    assert "It closed 1 task." in page
    assert "Closed by the password change" in page and "a moderator stopped or left" in page
    task.refresh_from_db()
    assert (task.state, task.done_by) == (TaskState.DONE, requester)
    assert Notification.objects.filter(
        recipient=communications, key__startswith="password-change:"
    ).exists()
    account_page = page_of(client.get(f"/register/{shared.pk}/"))
    assert re.search(r"A moderator stopped or left</td>\s*<td[^>]*>Riya Patel,", account_page), (
        "the account page lists the change and who recorded it"
    )


@pytest.mark.django_db
def test_the_password_change_form_says_never_to_type_the_password(
    requester: User, shared: Account, client_for: Any
) -> None:
    page = page_of(client_for(requester).get(f"/register/{shared.pk}/password-changes/new/"))

    assert NEVER_TYPED in page
    assert 'type="password"' not in page
    assert f'value="{timezone.localdate().day}"' in page  # the date starts at today
    assert "Recorded before the portal" not in page  # not a reason anyone can pick


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"reason": "routine"}, "Enter the date the password was changed"),
        (date_fields(datetime.date(2026, 12, 2)), "Select why the password was changed"),
        (
            {**date_fields(datetime.date(2026, 12, 3)), "reason": "routine"},
            "The date the password was changed must be today or in the past",
        ),
        (
            {**date_fields(datetime.date(2026, 11, 1)), "reason": "routine"},
            "The date the password was changed must be on or after 2 December 2026, when the "
            "account was added to the register",
        ),
        (
            {**date_fields(datetime.date(2026, 12, 2)), "reason": "other"},
            "Enter why the password was changed",
        ),
    ],
)
def test_a_wrong_password_change_is_explained_at_its_question(
    answers: dict[str, str],
    message: str,
    communications: User,
    requester: User,
    leisure: ServiceArea,
    client_for: Any,
    time_machine: Any,
) -> None:
    time_machine.move_to(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC), tick=False)
    account = make_account(communications, leisure, moderators=(requester,))

    response = client_for(requester).post(f"/register/{account.pk}/password-changes/new/", answers)

    page = page_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert not PasswordChange.objects.filter(account=account).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["line_manager", "outsider", "auditor", "hr"])
def test_a_password_change_for_an_account_you_do_not_moderate_is_not_found(
    who: str, cast: dict[str, User | None], shared: Account, client_for: Any
) -> None:
    client = client_for(cast[who])
    url = f"/register/{shared.pk}/password-changes/new/"

    assert client.get(url).status_code == 404
    posted = client.post(url, {**date_fields(timezone.localdate()), "reason": "routine"})

    assert posted.status_code == 404
    assert client.get(f"/register/{shared.pk}/compromise/").status_code == 404
    assert not PasswordChange.objects.filter(account=shared).exists()


@pytest.mark.django_db
def test_the_second_person_recording_the_same_rotation_is_told_it_is_done(
    communications: User, requester: User, colleague: User, shared: Account, client_for: Any
) -> None:
    end(assignment_of(shared, colleague), communications)
    task = CredentialTask.objects.get(account=shared)
    url = f"/register/{shared.pk}/password-changes/new/?task={task.pk}"
    answers = {**date_fields(timezone.localdate()), "reason": "moderator_left"}
    client_for(communications).post(url, answers)

    response = client_for(requester).post(url, answers, follow=True)

    assert "This task is already closed: Chris Evans did it." in page_of(response)
    assert response.redirect_chain[-1][0] == f"/credential-tasks/{task.pk}/"
    assert PasswordChange.objects.filter(account=shared).count() == 1


@pytest.mark.django_db
def test_a_moderator_reports_a_suspected_compromise(
    communications: User, requester: User, shared: Account, client_for: Any
) -> None:
    client = client_for(requester)
    url = f"/register/{shared.pk}/compromise/"

    empty = page_of(client.post(url, {"reason": ""}))
    response = client.post(url, {"reason": "A post we did not write"}, follow=True)

    assert "Enter what makes you think the account is compromised" in empty
    page = page_of(response)
    assert "Communications has been told. Change the password at the platform now" in page
    assert "Change the password of Leisure Events" in page
    assert "Riya Patel suspects the account is compromised: A post we did not write" in page
    assert Notification.objects.filter(
        recipient=communications, key__startswith="credential-task:"
    ).exists()


# Tasks


@pytest.mark.django_db
def test_the_second_person_marking_a_task_done_is_told_it_is_done(
    communications: User,
    requester: User,
    colleague: User,
    roles_account: Account,
    client_for: Any,
) -> None:
    end(assignment_of(roles_account, colleague), communications)
    task = CredentialTask.objects.get(account=roles_account)
    url = f"/credential-tasks/{task.pk}/done/"
    moderator = client_for(requester)
    form = page_of(moderator.get(url))

    client_for(communications).post(url, {"note": "Removed Tom in Business Suite"})
    late = moderator.post(url, {"note": "Removed Tom"}, follow=True)

    assert "What did you do?" in form
    page = page_of(late)
    assert "This task is already closed: Chris Evans did it." in page
    assert "Chris Evans" in page and "“Removed Tom in Business Suite”" in page
    task.refresh_from_db()
    assert (task.done_by, task.done_note) == (communications, "Removed Tom in Business Suite")


@pytest.mark.django_db
def test_an_auditor_sees_a_task_but_cannot_mark_it_done(
    communications: User, auditor: User, colleague: User, roles_account: Account, client_for: Any
) -> None:
    end(assignment_of(roles_account, colleague), communications)
    task = CredentialTask.objects.get(account=roles_account)
    client = client_for(auditor)

    detail = page_of(client.get(f"/credential-tasks/{task.pk}/"))
    refused = page_of(client.post(f"/credential-tasks/{task.pk}/done/", follow=True))

    assert "Remove Tom Fletcher's role on Library Page" in detail
    assert "Mark as done" not in detail
    assert "Only Communications or another active moderator of the account can do this." in (
        refused
    )
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


@pytest.mark.django_db
def test_communications_decides_a_task_is_no_longer_needed_with_a_reason(
    communications: User, requester: User, colleague: User, shared: Account, client_for: Any
) -> None:
    end(assignment_of(shared, colleague), communications)
    task = CredentialTask.objects.get(account=shared)
    url = f"/credential-tasks/{task.pk}/cancel/"
    client = client_for(communications)

    no_reason = page_of(client.post(url, {"reason": ""}))
    done = page_of(client.post(url, {"reason": "Account deleted at the platform"}, follow=True))
    refused = page_of(client_for(requester).get(url, follow=True))

    assert "Enter why the task is no longer needed" in no_reason
    assert "No longer needed: Change the password of Leisure Events." in done
    assert "“Account deleted at the platform”" in done
    assert "This task is already closed: Chris Evans marked it as no longer needed." in refused


def raise_tasks(account: Account, actor: User, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        task_raise(
            account=account,
            kind=TaskKind.SIGN_OUT,
            cause="lost_device",
            key=f"test:{number}",
            title=f"Sign the device out {number:02d}",
            why="A phone was lost",
            actor=actor,
            now=timezone.now(),
            due_days=number - 5,
            tell_communications=False,
        )


# The page takes exactly this many queries whatever the number of tasks (measured with 3 and
# with 30): the session, the user with their roles (governance.auth), the count, one page of
# tasks with their accounts and people. The session is not saved back: it is, at most once a
# minute, to keep the idle timeout (tests/test_snapshots.py).
TASK_LIST_QUERIES = 4


@pytest.mark.django_db
def test_the_task_list_pages_through_tasks_with_a_fixed_number_of_queries(
    communications: User,
    leisure: ServiceArea,
    client_for: Any,
    django_assert_num_queries: Any,
) -> None:
    accounts = [make_account(communications, leisure, name=f"Account {n}") for n in range(3)]
    client = client_for(communications)
    raise_tasks(accounts[0], communications, 3)
    client.get("/credential-tasks/")

    with django_assert_num_queries(TASK_LIST_QUERIES):
        few = page_of(client.get("/credential-tasks/"))
    for index, account in enumerate(accounts):
        raise_tasks(account, communications, 9, start=3 + index * 9)
    with django_assert_num_queries(TASK_LIST_QUERIES):
        first = page_of(client.get("/credential-tasks/"))
    second = page_of(client.get("/credential-tasks/?page=2"))

    assert few.count("Sign the device out") == 3
    assert first.count("Sign the device out") == 25
    assert second.count("Sign the device out") == 5
    assert first.index("Sign the device out 00") < first.index("Sign the device out 01")
    assert first.count('govuk-tag--red">Overdue') == 5  # due before today
    assert 'href="?page=2"' in first


@pytest.mark.django_db
def test_the_done_tab_lists_done_tasks_and_moderators_see_only_their_accounts(
    communications: User,
    requester: User,
    outsider: User,
    roles_account: Account,
    leisure: ServiceArea,
    client_for: Any,
) -> None:
    other = make_account(communications, leisure, name="Someone Else's")
    raise_tasks(roles_account, communications, 2)
    raise_tasks(other, communications, 1, start=2)
    CredentialTask.objects.filter(title__endswith="00").update(
        state=TaskState.DONE, done_by=communications, done_at=timezone.now()
    )

    mine = page_of(client_for(requester).get("/credential-tasks/"))
    done = page_of(client_for(requester).get("/credential-tasks/?state=done"))
    outsiders = page_of(client_for(outsider).get("/credential-tasks/"))

    assert "Sign the device out 01" in mine
    assert "Sign the device out 00" not in mine and "Sign the device out 02" not in mine
    assert "Sign the device out 00" in done and "Chris Evans" in done
    assert "Nothing is waiting to be done." in outsiders


@pytest.mark.django_db
def test_a_task_someone_may_not_see_is_not_found(
    communications: User, outsider: User, shared: Account, client_for: Any
) -> None:
    raise_tasks(shared, communications, 1)
    task = CredentialTask.objects.get()

    for url in ("", "done/", "cancel/"):
        assert client_for(outsider).get(f"/credential-tasks/{task.pk}/{url}").status_code == 404
    assert client_for(None).get("/credential-tasks/")["Location"].startswith("/auth/login/")


# The account page


@pytest.mark.django_db
def test_the_account_page_shows_moderators_tasks_and_password_changes(
    communications: User,
    requester: User,
    colleague: User,
    leisure: ServiceArea,
    client_for: Any,
) -> None:
    account = make_account(
        communications,
        leisure,
        name="Leisure Events",
        moderators=(requester, colleague),
        recovery_plan_tested_on=datetime.date(2024, 1, 10),
    )
    PasswordChange.objects.create(
        account=account,
        changed_on=datetime.date(2025, 6, 1),
        reason=PasswordChangeReason.BEFORE_PORTAL,
        details="Date typed into the register",
    )
    end(assignment_of(account, colleague), communications)

    as_comms = page_of(client_for(communications).get(f"/register/{account.pk}/"))
    as_moderator = page_of(client_for(requester).get(f"/register/{account.pk}/"))

    assert '<h2 class="govuk-heading-m" id="moderators">Moderators</h2>' in as_comms
    assert 'End<span class="govuk-visually-hidden"> Riya Patel\'s moderation</span>' in as_comms
    assert "Tom Fletcher's moderation" not in as_comms  # ended: nothing left to end
    assert "Add a moderator" in as_comms
    assert "Change the password of Leisure Events" in as_comms
    assert re.search(r"1 June 2025</td>\s*<td[^>]*>Recorded before the portal", as_comms)
    assert "Recovery plan test overdue" in as_comms
    assert "Record a password change" in as_moderator
    assert "Report a suspected compromise" in as_moderator
    assert "Add a moderator" not in as_moderator
    assert "moderation</span>" not in as_moderator  # no End links for a moderator


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(shared: Account) -> None:
    response = Client().get(f"/register/{shared.pk}/password-changes/new/")

    assert response.status_code == 302
    assert response["Location"].startswith("/auth/login/")
