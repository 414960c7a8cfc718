"""A hostile probe of the moderator and credential pages (issue 8): the wrong person on every
object, ids that are not ids, absurd dates, enormous and hidden text, a password typed where
none belongs, double posts, the lost-device steps out of order, a tampered session, a closed
account and a leaver. Each test says what a person would see."""

from __future__ import annotations

import datetime
import html
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AccessModel, Account, AccountStatus
from accounts.services.register import account_change_status
from governance.models import Notification, ServiceArea, User
from moderation.models import (
    AssignmentState,
    CredentialTask,
    DeviceReport,
    ModeratorAssignment,
    PasswordChange,
    TaskCause,
    TaskKind,
    TaskState,
)
from moderation.services.assignments import assignment_propose
from moderation.services.credentials import task_raise
from moderation.services.devices import device_report_submit
from tests.conftest import PASSWORD, make_person
from tests.register_helpers import make_account

NOT_FOUND = "Page not found"
PASSWORD_TYPED = "password: Summer2026!"


def page_of(response: Any) -> str:
    return html.unescape(response.content.decode())


def date_fields(name: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def today_fields(name: str) -> dict[str, str]:
    today = timezone.localdate()
    return date_fields(name, str(today.day), str(today.month), str(today.year))


def step_1(**changes: str) -> dict[str, str]:
    return {
        "device_kind": "phone",
        "device_description": "council iPhone 13",
        "loss": "lost",
        **today_fields("lost_on"),
        **changes,
    }


def rotation(account: Account, actor: User, key: str = "probe") -> CredentialTask:
    return task_raise(
        account=account,
        kind=TaskKind.ROTATE,
        cause=TaskCause.COMPROMISE,
        key=f"{key}:{account.pk}",
        title=f"Change the password of {account.name}",
        why="Probe",
        actor=actor,
        now=timezone.now(),
        due_days=5,
    )


def sign_out_task(account: Account, actor: User, person: User) -> CredentialTask:
    return task_raise(
        account=account,
        kind=TaskKind.SIGN_OUT,
        cause=TaskCause.LOST_DEVICE,
        key=f"signout:{account.pk}:{person.pk}",
        title=f"Sign {person.full_name}'s phone out of {account.name}",
        why="Probe",
        actor=actor,
        now=timezone.now(),
        due_days=5,
        person=person,
    )


def set_answers(client: Client, answers: Any) -> None:
    session = client.session
    session["lost_device"] = answers
    session.save()


def good_answers(accounts: list[int]) -> dict[str, Any]:
    return {
        "device_kind": "phone",
        "device_description": "council iPhone",
        "loss": "lost",
        "lost_on": timezone.localdate().isoformat(),
        "started_with": "a" * 32,
        "accounts": accounts,
        "held_second_factor": False,
        "held_recovery_phone": False,
    }


@pytest.fixture
def shared(communications: User, requester: User, leisure: ServiceArea) -> Account:
    """A shared-login account that only Riya moderates."""
    return make_account(
        communications,
        leisure,
        name="Leisure Events",
        moderators=(requester,),
        access_model=AccessModel.SHARED_LOGIN,
    )


@pytest.fixture
def elsewhere(communications: User, outsider: User, housing: ServiceArea) -> Account:
    """An account in Housing that Owen moderates and Riya does not."""
    return make_account(
        communications,
        housing,
        name="Housing Help",
        moderators=(outsider,),
        access_model=AccessModel.INDIVIDUAL_ROLES,
    )


@pytest.fixture
def report(requester: User, shared: Account) -> DeviceReport:
    made, _ = device_report_submit(
        reporter=requester,
        device_kind="phone",
        device_description="council iPhone",
        loss="stolen",
        lost_on=timezone.localdate(),
        account_ids=[shared.pk],
        held_second_factor=False,
        held_recovery_phone=False,
        started_with="b" * 32,
    )
    return made


# The wrong person on every object: 404, with nothing of the object on the page


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "colleague", "hr", "legal", "head_of_service"])
def test_someone_else_gets_not_found_on_every_task_and_report_page_and_learns_no_name(
    who: str,
    request: Any,
    communications: User,
    shared: Account,
    report: DeviceReport,
    client_for: Any,
) -> None:
    person = request.getfixturevalue(who)
    client = client_for(person)
    task = report.tasks.get()
    assignment = ModeratorAssignment.objects.get(account=shared)
    urls = [
        f"/credential-tasks/{task.pk}/",
        f"/credential-tasks/{task.pk}/done/",
        f"/credential-tasks/{task.pk}/cancel/",
        f"/devices/reports/{report.pk}/",
        f"/devices/reports/{report.pk}/close/",
        f"/register/{shared.pk}/password-changes/new/",
        f"/register/{shared.pk}/compromise/",
        f"/register/{shared.pk}/moderators/new/",
        f"/moderators/{assignment.pk}/end/",
        f"/moderators/{assignment.pk}/activate/",
    ]
    for url in urls:
        shown_only = url in (f"/credential-tasks/{task.pk}/", f"/devices/reports/{report.pk}/")
        responses = [client.get(url)]
        if not shown_only:  # a POST to a page that only shows is 405, whoever asks
            responses.append(client.post(url, {"reason": "x", "note": "x"}))
        for response in responses:
            page = page_of(response)
            assert response.status_code == 404, url
            assert NOT_FOUND in page
            assert "Riya Patel" not in page and "Leisure Events" not in page
    assert CredentialTask.objects.get(pk=task.pk).state == TaskState.OPEN
    assert ModeratorAssignment.objects.get(pk=assignment.pk).state == AssignmentState.ACTIVE
    assert not PasswordChange.objects.filter(account=shared).exists()
    lists = page_of(client.get("/credential-tasks/")) + page_of(client.get("/devices/reports/"))
    assert "Leisure Events" not in lists and report.reference not in lists


@pytest.mark.django_db
def test_the_moderator_cannot_end_or_activate_their_own_assignment_or_add_moderators(
    requester: User, shared: Account, client_for: Any
) -> None:
    client = client_for(requester)
    assignment = ModeratorAssignment.objects.get(account=shared)

    for url in (
        f"/moderators/{assignment.pk}/end/",
        f"/moderators/{assignment.pk}/activate/",
        f"/register/{shared.pk}/moderators/new/",
    ):
        assert client.post(url, {"reason": "I quit", "person": "x"}).status_code == 404
    assert ModeratorAssignment.objects.get(pk=assignment.pk).state == AssignmentState.ACTIVE


@pytest.mark.django_db
def test_a_line_manager_cannot_activate_and_a_suspended_moderator_records_nothing(
    communications: User,
    line_manager: User,
    requester: User,
    shared: Account,
    client_for: Any,
) -> None:
    assignment = ModeratorAssignment.objects.get(account=shared)
    assignment.state = AssignmentState.SUSPENDED
    assignment.save(update_fields=["state"])

    assert client_for(line_manager).get(f"/moderators/{assignment.pk}/activate/").status_code == 404
    client = client_for(requester)
    assert client.get(f"/register/{shared.pk}/password-changes/new/").status_code == 404
    assert client.get(f"/register/{shared.pk}/compromise/").status_code == 404


@pytest.mark.django_db
def test_a_moderator_of_one_account_cannot_reach_the_tasks_of_another(
    requester: User,
    communications: User,
    shared: Account,
    elsewhere: Account,
    client_for: Any,
) -> None:
    theirs = rotation(elsewhere, communications)
    client = client_for(requester)

    for url in (
        f"/credential-tasks/{theirs.pk}/",
        f"/credential-tasks/{theirs.pk}/done/",
        f"/register/{shared.pk}/password-changes/new/?task={theirs.pk}",
        f"/register/{elsewhere.pk}/password-changes/new/?task={theirs.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Housing Help" not in page_of(response)


# Ids that are not ids


@pytest.mark.django_db
@pytest.mark.parametrize(
    "given",
    [
        "abc",
        "-1",
        "0",
        "1.0",
        "1e3",
        " 1",
        "%00",
        "99999999999999999999",
        "9" * 400,
        "\u00b2",
        "\u0661",
    ],
)
def test_a_task_in_the_query_that_is_not_a_task_id_is_not_found(
    given: str, requester: User, shared: Account, client_for: Any
) -> None:
    client = client_for(requester)

    response = client.get(f"/register/{shared.pk}/password-changes/new/?task={given}")

    assert response.status_code == 404
    assert NOT_FOUND in page_of(response)


@pytest.mark.django_db
def test_a_task_of_another_kind_or_an_id_of_another_object_is_not_found(
    communications: User, requester: User, shared: Account, client_for: Any
) -> None:
    sign_out = sign_out_task(shared, communications, requester)
    client = client_for(requester)
    assignment = ModeratorAssignment.objects.get(account=shared)
    missing = max(sign_out.pk, assignment.pk, shared.pk) + 1000

    assert (
        client.get(f"/register/{shared.pk}/password-changes/new/?task={sign_out.pk}").status_code
        == 404
    )
    assert (
        client.get(f"/register/{shared.pk}/password-changes/new/?task={missing}").status_code == 404
    )
    assert client.get(f"/credential-tasks/{missing}/").status_code == 404
    assert client.get(f"/devices/reports/{missing}/").status_code == 404
    assert client.get(f"/register/{missing}/password-changes/new/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["99999999999999999999", "9223372036854775808"])
def test_huge_ids_in_the_address_are_not_found(
    pk: str, communications: User, client_for: Any
) -> None:
    client = client_for(communications)
    for url in (
        f"/credential-tasks/{pk}/",
        f"/credential-tasks/{pk}/done/",
        f"/devices/reports/{pk}/",
        f"/moderators/{pk}/end/",
        f"/register/{pk}/moderators/new/",
        f"/register/{pk}/password-changes/new/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["open", "closed", "DONE", "x" * 5000, "%00", "done\n", "'--"])
def test_odd_tabs_and_pages_fall_back_to_a_list(
    state: str, communications: User, report: DeviceReport, client_for: Any
) -> None:
    client = client_for(communications)

    tasks = client.get("/credential-tasks/", {"state": state, "page": "99999999999999999999"})
    reports = client.get("/devices/reports/", {"state": state, "page": "-5"})

    assert tasks.status_code == 200 and reports.status_code == 200
    assert "Change the password of Leisure Events" in page_of(tasks) or state == "done"
    assert report.reference in page_of(reports) or state == "closed"


# Methods


@pytest.mark.django_db
def test_pages_that_only_show_refuse_a_post_and_forms_refuse_other_methods(
    communications: User, report: DeviceReport, client_for: Any
) -> None:
    client = client_for(communications)
    task = report.tasks.get()

    for url in ("/credential-tasks/", f"/credential-tasks/{task.pk}/", "/devices/reports/"):
        assert client.post(url).status_code == 405, url
    assert client.post(f"/devices/reports/{report.pk}/").status_code == 405
    for url in ("/devices/lost/", "/devices/lost/check/", f"/credential-tasks/{task.pk}/done/"):
        assert client.put(url).status_code == 405, url
        assert client.delete(url).status_code == 405, url


@pytest.mark.django_db
def test_there_is_no_activate_page_to_open_or_post_to(
    communications: User, requester: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(communications, leisure)
    proposed = assignment_propose(
        account=account, person=requester, granted_by=communications, reason="Cover"
    )
    client = client_for(communications)

    # A moderator becomes active by signing the declaration (DEC-3), never from a page.
    assert client.get(f"/moderators/{proposed.pk}/activate/").status_code == 404
    assert client.post(f"/moderators/{proposed.pk}/activate/").status_code == 404
    assert (
        ModeratorAssignment.objects.get(pk=proposed.pk).state
        == AssignmentState.AWAITING_DECLARATION
    )


# Double posts


@pytest.mark.django_db
def test_marking_a_task_done_twice_closes_it_once(
    communications: User, requester: User, shared: Account, client_for: Any
) -> None:
    task = sign_out_task(shared, communications, requester)
    client = client_for(communications)

    first = client.post(f"/credential-tasks/{task.pk}/done/", {"note": "Signed out"}, follow=True)
    second = client.post(f"/credential-tasks/{task.pk}/done/", {"note": "Again"}, follow=True)

    assert "Done: " in page_of(first)
    assert "This task is already closed: Chris Evans did it." in page_of(second)
    assert CredentialTask.objects.get(pk=task.pk).done_note == "Signed out"


@pytest.mark.django_db
def test_ending_a_moderator_twice_raises_one_task(
    communications: User, requester: User, shared: Account, client_for: Any
) -> None:
    assignment = ModeratorAssignment.objects.get(account=shared)
    client = client_for(communications)
    url = f"/moderators/{assignment.pk}/end/"

    client.post(url, {"reason": "Moved team"})
    second = client.post(url, {"reason": "Moved team"}, follow=True)

    assert second.status_code == 200
    assert "This person no longer moderates the account." in page_of(second)
    assert CredentialTask.objects.filter(account=shared, kind=TaskKind.ROTATE).count() == 1


@pytest.mark.django_db
def test_recording_the_same_rotation_twice_is_refused_the_second_time(
    communications: User, requester: User, shared: Account, client_for: Any
) -> None:
    task = rotation(shared, communications)
    client = client_for(requester)
    url = f"/register/{shared.pk}/password-changes/new/?task={task.pk}"
    answers = {**today_fields("changed_on"), "reason": "lost_device"}

    client.post(url, answers)
    second = client.post(url, answers, follow=True)

    assert "This task is already closed: Riya Patel did it." in page_of(second)
    assert PasswordChange.objects.filter(account=shared).count() == 1


@pytest.mark.django_db
def test_a_suspected_compromise_sent_twice_raises_one_task(
    requester: User, shared: Account, client_for: Any
) -> None:
    client = client_for(requester)
    url = f"/register/{shared.pk}/compromise/"

    client.post(url, {"reason": "A post we did not write"})
    client.post(url, {"reason": "A post we did not write"})

    assert CredentialTask.objects.filter(account=shared, cause=TaskCause.COMPROMISE).count() == 1


@pytest.mark.django_db
def test_cancelling_twice_and_cancelling_without_a_reason(
    communications: User, shared: Account, client_for: Any
) -> None:
    task = rotation(shared, communications)
    client = client_for(communications)
    url = f"/credential-tasks/{task.pk}/cancel/"

    blank = client.post(url, {"reason": " \u200b\t "})
    assert blank.status_code == 200
    assert "Enter why the task is no longer needed" in page_of(blank)
    client.post(url, {"reason": "Deleted at the platform"})
    again = client.post(url, {"reason": "Again"}, follow=True)

    assert "This task is already closed: Chris Evans marked it as no longer needed." in page_of(
        again
    )


# Missing fields, absurd dates, enormous text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({}, "Enter the date the password was changed"),
        ({}, "Select why the password was changed"),
        ({**date_fields("changed_on", "1", "1", "1"), "reason": "routine"}, "year in full"),
        (
            {**date_fields("changed_on", "1", "1", "0001"), "reason": "routine"},
            "must be a real date",
        ),
        (
            {**date_fields("changed_on", "31", "12", "9999"), "reason": "routine"},
            "The date the password was changed must be today or in the past",
        ),
        (
            {**date_fields("changed_on", "31", "2", "2026"), "reason": "routine"},
            "must be a real date",
        ),
        ({**date_fields("changed_on", "1", "1", "9" * 1000), "reason": "routine"}, "like 2026"),
        (
            {**date_fields("changed_on", "-1", "1", "2026"), "reason": "routine"},
            "must be a real date",
        ),
        (
            {**today_fields("changed_on"), "reason": "before_portal"},
            "Select why the password was changed",
        ),
        (
            {**today_fields("changed_on"), "reason": "x" * 10_000},
            "Select why the password was changed",
        ),
        (
            {**today_fields("changed_on"), "reason": "other", "details": "\u200b\u202e "},
            "Enter why the password was changed",
        ),
        (
            {**today_fields("changed_on"), "reason": "other", "details": "x" * 10_000},
            "must be 300 characters or fewer",
        ),
        (
            {**date_fields("changed_on", "1", "1", "2000"), "reason": "routine"},
            "when the account was added to the register",
        ),
    ],
)
def test_a_bad_password_change_is_explained_and_nothing_is_recorded(
    answers: dict[str, str],
    message: str,
    requester: User,
    shared: Account,
    client_for: Any,
) -> None:
    response = client_for(requester).post(f"/register/{shared.pk}/password-changes/new/", answers)

    assert response.status_code == 200
    page = page_of(response)
    assert "There is a problem" in page and message in page
    assert not PasswordChange.objects.filter(account=shared).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "field", "limit"),
    [
        ("/register/{account}/compromise/", "reason", "5,000"),
        ("/credential-tasks/{task}/done/", "note", "300"),
        ("/credential-tasks/{task}/cancel/", "reason", "5,000"),
        ("/moderators/{assignment}/end/", "reason", "5,000"),
    ],
)
def test_ten_thousand_characters_are_refused_with_the_limit(
    url: str,
    field: str,
    limit: str,
    communications: User,
    requester: User,
    shared: Account,
    client_for: Any,
) -> None:
    task = sign_out_task(shared, communications, requester)
    assignment = ModeratorAssignment.objects.get(account=shared)
    address = url.format(account=shared.pk, task=task.pk, assignment=assignment.pk)

    response = client_for(communications).post(address, {field: "x" * 10_000})

    assert response.status_code == 200
    assert f"must be {limit} characters or fewer" in page_of(response)
    assert CredentialTask.objects.get(pk=task.pk).state == TaskState.OPEN
    assert ModeratorAssignment.objects.get(pk=assignment.pk).state == AssignmentState.ACTIVE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("person", "message"),
    [
        ("", "Enter the work email address of the member of staff"),
        ("requester@council.example\r\nBcc: x@evil.example", "Enter an email address in the"),
        ("requester@council.example\x00", "Enter an email address in the"),
        ("x" * 10_000 + "@council.example", "Enter an email address in the"),
        ("nobody@council.example", "There is no member of staff with this email address"),
        ("REQUESTER@COUNCIL.EXAMPLE", "Riya Patel already moderates Leisure Events"),
    ],
)
def test_adding_a_moderator_with_a_bad_email_is_explained(
    person: str, message: str, communications: User, shared: Account, client_for: Any
) -> None:
    response = client_for(communications).post(
        f"/register/{shared.pk}/moderators/new/", {"person": person, "reason": "Cover"}
    )

    assert response.status_code == 200
    assert message in page_of(response)
    assert ModeratorAssignment.objects.filter(account=shared).count() == 1


@pytest.mark.django_db
def test_a_line_manager_cannot_post_someone_outside_their_team(
    line_manager: User, requester: User, outsider: User, shared: Account, client_for: Any
) -> None:
    make_person("new@council.example", "Nia Jones", manager=line_manager)
    client = client_for(line_manager)

    for person in (str(outsider.pk), "abc", "99999999999999999999", "-1", ""):
        response = client.post(
            f"/register/{shared.pk}/moderators/new/", {"person": person, "reason": "Cover"}
        )
        assert response.status_code == 200
        assert "You can only add people in your own team" in page_of(
            response
        ) or "Select who should moderate the account" in page_of(response)
        assert "Owen Price" not in page_of(response)
    assert not ModeratorAssignment.objects.filter(person=outsider, account=shared).exists()


# A password typed where none belongs (the product promise: no field accepts a password)


@pytest.mark.django_db
def test_the_register_already_refuses_a_password_in_where_it_is_kept() -> None:
    from governance.validators import PASSWORD_LIKE

    assert PASSWORD_LIKE.search(PASSWORD_TYPED)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "answers"),
    [
        (
            "/register/{account}/password-changes/new/",
            {"reason": "other", "details": PASSWORD_TYPED},
        ),
        ("/register/{account}/compromise/", {"reason": f"It was leaked, {PASSWORD_TYPED}"}),
        ("/credential-tasks/{task}/done/", {"note": f"Reset it, new {PASSWORD_TYPED}"}),
    ],
)
def test_a_password_typed_in_a_free_text_field_is_refused(
    url: str,
    answers: dict[str, str],
    communications: User,
    requester: User,
    shared: Account,
    client_for: Any,
) -> None:
    task = sign_out_task(shared, communications, requester)
    address = url.format(account=shared.pk, task=task.pk)

    response = client_for(communications).post(address, {**today_fields("changed_on"), **answers})

    assert response.status_code == 200
    assert "Do not type a password here" in page_of(response)
    assert not PasswordChange.objects.filter(account=shared).exists()
    assert not Notification.objects.filter(body__icontains="Summer2026").exists()


@pytest.mark.django_db
def test_a_password_typed_as_the_device_description_is_refused(
    requester: User, client_for: Any
) -> None:
    response = client_for(requester).post(
        "/devices/lost/", step_1(device_description=f"iPhone {PASSWORD_TYPED}")
    )

    assert response.status_code == 200
    assert "Do not type a password here" in page_of(response)


# The lost-device journey: bad answers, steps out of order, a tampered session


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"device_kind": ""}, "Select what kind of device it is"),
        ({"device_kind": "submarine"}, "select one of the options shown"),
        ({"loss": "borrowed"}, "select one of the options shown"),
        (date_fields("lost_on", "", "", ""), "Enter the date it went missing"),
        (date_fields("lost_on", "1", "1", "1"), "Enter the year in full, like 2026"),
        (date_fields("lost_on", "1", "1", "0001"), "must be a real date"),
        (date_fields("lost_on", "31", "2", "2025"), "must be a real date"),
        (
            date_fields("lost_on", "31", "12", "9999"),
            "The date it went missing must be today or in the past",
        ),
        ({"device_description": "iPhone\r\nBcc: x@evil.example"}, "must be on one line"),
        ({"device_description": "iPhone\x07\x1b[2J"}, "must be on one line"),
        ({"device_description": "x" * 10_000}, "must be 100 characters or fewer"),
    ],
)
def test_step_one_explains_every_bad_answer(
    changes: dict[str, str], message: str, requester: User, client_for: Any
) -> None:
    client = client_for(requester)

    response = client.post("/devices/lost/", step_1(**changes))

    assert response.status_code == 200
    assert "There is a problem" in page_of(response) and message in page_of(response)
    assert "lost_device" not in client.session


@pytest.mark.django_db
def test_the_later_steps_opened_first_go_back_to_the_start(
    requester: User, client_for: Any
) -> None:
    client = client_for(requester)

    assert client.get("/devices/lost/accounts/")["Location"] == "/devices/lost/"
    assert (
        client.post("/devices/lost/accounts/", {"held_second_factor": "yes"})["Location"]
        == "/devices/lost/"
    )
    assert client.get("/devices/lost/check/")["Location"] == "/devices/lost/"
    sent = client.post("/devices/lost/check/", {}, follow=True)

    assert sent.redirect_chain[-1][0] == "/devices/lost/"
    assert "What kind of device is it?" in page_of(sent)
    stale = client.post("/devices/lost/check/", {"started": "f" * 32}, follow=True)
    assert "This page was out of date. Check your answers and send again." in page_of(stale)
    assert not DeviceReport.objects.exists()


@pytest.mark.django_db
def test_skipping_step_two_goes_back_to_it(
    requester: User, shared: Account, client_for: Any
) -> None:
    client = client_for(requester)
    client.post("/devices/lost/", step_1())

    assert client.get("/devices/lost/check/")["Location"] == "/devices/lost/accounts/"
    token = client.session["lost_device"]["started_with"]
    posted = client.post("/devices/lost/check/", {"started": token})

    assert posted["Location"] == "/devices/lost/accounts/"
    assert not DeviceReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["elsewhere", "abc", "99999999999999999999", "-1"])
def test_step_two_refuses_an_account_the_person_does_not_moderate(
    given: str, requester: User, shared: Account, elsewhere: Account, client_for: Any
) -> None:
    client = client_for(requester)
    client.post("/devices/lost/", step_1())
    value = str(elsewhere.pk) if given == "elsewhere" else given

    response = client.post(
        "/devices/lost/accounts/",
        {
            "accounts": [str(shared.pk), value],
            "held_second_factor": "no",
            "held_recovery_phone": "no",
        },
    )

    assert response.status_code == 200
    assert "Select only accounts from the list" in page_of(response)
    assert "Housing Help" not in page_of(response)
    assert "accounts" not in client.session["lost_device"]


@pytest.mark.django_db
def test_step_two_asks_both_questions_when_they_are_missing(
    requester: User, shared: Account, client_for: Any
) -> None:
    client = client_for(requester)
    client.post("/devices/lost/", step_1())

    missing = client.post("/devices/lost/accounts/", {"accounts": [str(shared.pk)]})

    assert "Select yes if the device received two-step verification codes" in page_of(missing)
    assert "Select yes if it is the recovery phone for any of them" in page_of(missing)


@pytest.mark.django_db
def test_a_tampered_session_with_someone_elses_account_sends_nothing(
    requester: User, shared: Account, elsewhere: Account, client_for: Any
) -> None:
    client = client_for(requester)
    set_answers(client, good_answers([elsewhere.pk]))

    check = client.get("/devices/lost/check/")
    assert check.status_code == 200
    assert "Housing Help" not in page_of(check)
    sent = client.post("/devices/lost/check/", {"started": "a" * 32}, follow=True)

    assert sent.redirect_chain[-1][0] == "/devices/lost/accounts/"
    assert "Select only accounts from the list" in page_of(sent)
    assert not DeviceReport.objects.exists()
    assert not CredentialTask.objects.filter(account=elsewhere).exists()


@pytest.mark.django_db
def test_a_tampered_session_with_a_closed_account_sends_nothing(
    communications: User, requester: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(communications, leisure, moderators=(requester,))
    account_change_status(actor=communications, account=account, action="close", reason="Gone")
    client = client_for(requester)
    set_answers(client, good_answers([account.pk]))

    sent = client.post("/devices/lost/check/", {"started": "a" * 32}, follow=True)

    assert "Select only accounts from the list" in page_of(sent)
    assert not DeviceReport.objects.exists()


@pytest.mark.django_db
def test_a_tampered_session_with_an_unknown_device_kind_goes_back_to_step_one(
    requester: User, shared: Account, client_for: Any
) -> None:
    client = client_for(requester)
    set_answers(client, {**good_answers([shared.pk]), "device_kind": "submarine", "loss": "x"})

    sent = client.post("/devices/lost/check/", {"started": "a" * 32}, follow=True)

    assert sent.redirect_chain[-1][0] == "/devices/lost/"
    assert "Select what kind of device it is" in page_of(sent)
    assert not DeviceReport.objects.exists()


@pytest.mark.django_db
def test_a_tampered_session_with_a_future_date_goes_back_to_step_one(
    requester: User, shared: Account, client_for: Any
) -> None:
    client = client_for(requester)
    set_answers(client, {**good_answers([shared.pk]), "lost_on": "9999-12-31"})

    sent = client.post("/devices/lost/check/", {"started": "a" * 32}, follow=True)

    assert "The date it went missing must be today or in the past" in page_of(sent)
    assert not DeviceReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "broken",
    [
        {"lost_on": "not a date"},
        {"lost_on": 20260101},
        {"accounts": None},
        {"accounts": 5},
        {"accounts": [[1]]},
        {"held_second_factor": "maybe"},
    ],
)
def test_a_session_with_broken_answers_starts_again_rather_than_failing(
    broken: dict[str, Any], requester: User, shared: Account, client_for: Any
) -> None:
    client = client_for(requester)
    set_answers(client, {**good_answers([shared.pk]), **broken})

    shown = client.get("/devices/lost/check/")
    sent = client.post("/devices/lost/check/", {"started": "a" * 32})

    assert shown.status_code in (200, 302)
    assert sent.status_code == 302
    assert DeviceReport.objects.count() <= 1


@pytest.mark.django_db
def test_a_session_that_is_not_a_dict_starts_again(requester: User, client_for: Any) -> None:
    client = client_for(requester)
    set_answers(client, ["device_kind", "phone"])

    assert client.get("/devices/lost/check/")["Location"] == "/devices/lost/"
    assert client.get("/devices/lost/accounts/")["Location"] == "/devices/lost/"


@pytest.mark.django_db
def test_a_forged_started_token_does_not_show_someone_elses_report(
    requester: User, outsider: User, elsewhere: Account, client_for: Any
) -> None:
    theirs, _ = device_report_submit(
        reporter=outsider,
        device_kind="laptop",
        device_description="",
        loss="lost",
        lost_on=timezone.localdate(),
        account_ids=[elsewhere.pk],
        held_second_factor=False,
        held_recovery_phone=False,
        started_with="c" * 32,
    )
    client = client_for(requester)

    sent = client.post("/devices/lost/check/", {"started": "c" * 32}, follow=True)

    page = page_of(sent)
    assert theirs.reference not in page and "Owen Price" not in page
    assert "This page was out of date" in page


@pytest.mark.django_db
def test_the_last_page_sent_twice_makes_one_report_and_says_so(
    requester: User, shared: Account, client_for: Any
) -> None:
    client = client_for(requester)
    client.post("/devices/lost/", step_1())
    client.post(
        "/devices/lost/accounts/",
        {"accounts": [str(shared.pk)], "held_second_factor": "no", "held_recovery_phone": "no"},
    )
    token = client.session["lost_device"]["started_with"]

    client.post("/devices/lost/check/", {"started": token})
    again = client.post("/devices/lost/check/", {"started": token}, follow=True)

    assert "You have already sent this report." in page_of(again)
    assert DeviceReport.objects.count() == 1
    assert CredentialTask.objects.filter(account=shared).count() == 1


@pytest.mark.django_db
def test_a_report_with_tasks_cannot_be_closed_by_hand(
    communications: User, report: DeviceReport, client_for: Any
) -> None:
    client = client_for(communications)

    closed = client.post(f"/devices/reports/{report.pk}/close/", follow=True)

    assert "This report has tasks: it closes by itself when the last one is done." in page_of(
        closed
    )
    assert DeviceReport.objects.get(pk=report.pk).state == "open"


@pytest.mark.django_db
def test_the_reporter_and_the_auditor_cannot_close_a_report(
    requester: User, auditor: User, outsider: User, client_for: Any
) -> None:
    empty, _ = device_report_submit(
        reporter=requester,
        device_kind="tablet",
        device_description="",
        loss="lost",
        lost_on=timezone.localdate(),
        account_ids=[],
        held_second_factor=False,
        held_recovery_phone=False,
    )
    for person in (requester, auditor):
        assert client_for(person).post(f"/devices/reports/{empty.pk}/close/").status_code == 404
    assert DeviceReport.objects.get(pk=empty.pk).state == "open"


# A closed account, and a leaver


@pytest.mark.django_db
def test_nobody_adds_moderators_to_a_closed_account(
    communications: User, requester: User, colleague: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(communications, leisure, moderators=(requester,))
    account_change_status(actor=communications, account=account, action="close", reason="Gone")

    response = client_for(communications).post(
        f"/register/{account.pk}/moderators/new/",
        {"person": colleague.email, "reason": "Cover"},
    )

    assert response.status_code == 404
    assert not ModeratorAssignment.objects.filter(person=colleague).exists()


@pytest.mark.django_db
def test_a_leaver_is_signed_out_of_every_new_page(
    requester: User, shared: Account, report: DeviceReport, client_for: Any
) -> None:
    client = client_for(requester)
    assert client.get("/devices/lost/").status_code == 200
    requester.leaving_date = timezone.localdate() - datetime.timedelta(days=1)
    requester.save(update_fields=["leaving_date"])

    for url in (
        "/devices/lost/",
        "/devices/reports/",
        f"/devices/reports/{report.pk}/",
        "/credential-tasks/",
        f"/register/{shared.pk}/password-changes/new/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"] or "login" in response["Location"]
    posted = client.post("/devices/lost/", step_1())
    assert posted.status_code == 302
    assert "lost_device" not in client.session


@pytest.mark.django_db
def test_a_leaver_signing_in_with_their_password_is_told_why(requester: User) -> None:
    requester.leaving_date = timezone.localdate() - datetime.timedelta(days=1)
    requester.save(update_fields=["leaving_date"])
    client = Client()

    refused = client.post(
        "/auth/login/", {"login": requester.email, "password": PASSWORD}, follow=True
    )

    assert refused.redirect_chain[-1][0] == "/auth/inactive/"
    assert "This happens after your leaving date" in page_of(refused)
    assert client.get("/devices/lost/").status_code == 302


@pytest.mark.django_db
def test_a_leaver_cannot_be_added_by_email(
    communications: User, colleague: User, shared: Account, client_for: Any
) -> None:
    colleague.leaving_date = timezone.localdate() - datetime.timedelta(days=3)
    colleague.save(update_fields=["leaving_date"])

    response = client_for(communications).post(
        f"/register/{shared.pk}/moderators/new/", {"person": colleague.email, "reason": "Cover"}
    )

    assert response.status_code == 200
    assert "Tom Fletcher left the council on" in page_of(response)
    assert not ModeratorAssignment.objects.filter(person=colleague).exists()


@pytest.mark.django_db
def test_the_former_moderator_of_a_closed_account_records_nothing_on_it(
    communications: User, requester: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(communications, leisure, moderators=(requester,))
    account_change_status(actor=communications, account=account, action="close", reason="Gone")
    client = client_for(requester)

    for url in (
        f"/register/{account.pk}/compromise/",
        f"/register/{account.pk}/password-changes/new/",
    ):
        assert client.get(url).status_code == 404, url
    assert Account.objects.get(pk=account.pk).status == AccountStatus.CLOSED


@pytest.mark.django_db
def test_a_password_change_sent_twice_without_a_task_is_recorded_once(
    requester: User, communications: User, shared: Account, client_for: Any
) -> None:
    client = client_for(requester)
    url = f"/register/{shared.pk}/password-changes/new/"
    answers = {**today_fields("changed_on"), "reason": "routine"}

    client.post(url, answers)
    client.post(url, answers)

    assert PasswordChange.objects.filter(account=shared).count() == 1
    assert (
        Notification.objects.filter(recipient=communications, url=f"/register/{shared.pk}/").count()
        == 1
    )
