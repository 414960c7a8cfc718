"""Reporting a lost or stolen device (MOD-4) through its three pages, and following the report
until it closes with its evidence."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccessModel, Account
from governance.models import Notification, ServiceArea, User
from moderation.models import (
    CredentialTask,
    DeviceReport,
    ModeratorAssignment,
    PasswordChangeReason,
    ReportState,
    TaskKind,
    TaskState,
)
from moderation.services.assignments import assignment_end
from moderation.services.credentials import password_change_record, task_complete
from tests.conftest import make_person
from tests.register_helpers import make_account


def page_of(response: Any) -> str:
    """The page's HTML with its entities read, as a person sees the words."""
    return html.unescape(response.content.decode())


def step_1(lost_on: datetime.date | None = None, **changes: str) -> dict[str, str]:
    day = lost_on or timezone.localdate()
    return {
        "device_kind": "phone",
        "device_description": "council iPhone 13",
        "loss": "stolen",
        "lost_on_0": str(day.day),
        "lost_on_1": str(day.month),
        "lost_on_2": str(day.year),
        **changes,
    }


def step_2(accounts: list[Account], codes: str = "no", recovery: str = "no") -> dict[str, Any]:
    return {
        "accounts": [str(account.pk) for account in accounts],
        "held_second_factor": codes,
        "held_recovery_phone": recovery,
    }


def started_token(client: Client) -> str:
    found = re.search(
        r'name="started" value="([0-9a-f]+)"', page_of(client.get("/devices/lost/check/"))
    )
    assert found is not None
    return found.group(1)


def report_through_the_pages(
    client: Client, accounts: list[Account], codes: str = "no", recovery: str = "no"
) -> Any:
    assert client.post("/devices/lost/", step_1())["Location"] == "/devices/lost/accounts/"
    answered = client.post("/devices/lost/accounts/", step_2(accounts, codes, recovery))
    assert answered["Location"] == "/devices/lost/check/"
    return client.post("/devices/lost/check/", {"started": started_token(client)}, follow=True)


@pytest.fixture
def accounts(communications: User, leisure: ServiceArea, requester: User) -> dict[str, Account]:
    """One account with a shared password and one where each moderator has their own role."""
    return {
        "shared": make_account(
            communications, leisure, moderators=(requester,), name="Leisure Offers"
        ),
        "roles": make_account(
            communications,
            leisure,
            moderators=(requester,),
            name="Leisure Live",
            access_model=AccessModel.INDIVIDUAL_ROLES,
        ),
    }


@pytest.mark.django_db
def test_the_journey_raises_a_task_for_each_account_and_tells_communications(
    requester: User, communications: User, accounts: dict[str, Account], client_for: Any
) -> None:
    client = client_for(requester)

    sent = report_through_the_pages(client, list(accounts.values()))

    report = DeviceReport.objects.get()
    page = page_of(sent)
    assert sent.redirect_chain[-1][0] == f"/devices/reports/{report.pk}/"
    assert "govuk-panel--confirmation" in page
    assert "Report sent" in page
    assert "LD-" in page and report.reference in page
    assert "What happens next" in page
    titles = sorted(CredentialTask.objects.values_list("title", flat=True))
    assert titles == [
        "Change the password of Leisure Offers",
        "Sign Riya Patel's mobile phone (council iPhone 13) out of Leisure Live",
    ]
    told = Notification.objects.get(recipient=communications)
    assert told.url == f"/devices/reports/{report.pk}/"
    assert "Riya Patel" in told.subject
    # The panel is shown once: the page seen again is the report itself.
    assert "govuk-panel" not in page_of(client.get(f"/devices/reports/{report.pk}/"))


@pytest.mark.django_db
def test_codes_or_a_recovery_phone_on_the_device_raise_a_custody_task(
    requester: User, accounts: dict[str, Account], client_for: Any
) -> None:
    report_through_the_pages(client_for(requester), [accounts["shared"]], recovery="yes")

    custody = CredentialTask.objects.get(kind=TaskKind.CUSTODY)
    assert custody.account == accounts["shared"]
    assert custody.title == (
        "Move the recovery phone of Leisure Offers off the mobile phone (council iPhone 13)"
    )
    assert CredentialTask.objects.count() == 2


@pytest.mark.django_db
def test_every_account_they_moderate_is_ticked_to_start_with(
    requester: User, accounts: dict[str, Account], client_for: Any
) -> None:
    client = client_for(requester)
    client.post("/devices/lost/", step_1())

    page = page_of(client.get("/devices/lost/accounts/"))

    assert "Which council accounts could it open?" in page
    for account in accounts.values():
        assert re.search(rf'value="{account.pk}"[^>]*checked', page), account.name


@pytest.mark.django_db
def test_the_report_is_at_the_top_of_communications_tasks(
    requester: User, communications: User, accounts: dict[str, Account], client_for: Any
) -> None:
    report_through_the_pages(client_for(requester), [accounts["shared"]])

    home = page_of(client_for(communications).get("/"))

    sections = re.findall(r'<h2 class="govuk-heading-m">([^<]+)</h2>', home)
    assert sections[0] == "Lost or stolen devices"
    assert "Riya Patel's mobile phone (council iPhone 13) was stolen" in home


@pytest.mark.django_db
def test_someone_who_moderates_nothing_gets_through_and_communications_closes_it(
    outsider: User, communications: User, client_for: Any
) -> None:
    client = client_for(outsider)
    client.post("/devices/lost/", step_1())
    accounts_page = page_of(client.get("/devices/lost/accounts/"))
    assert "You do not moderate any council accounts" in accounts_page
    assert 'name="accounts"' not in accounts_page

    sent = client.post("/devices/lost/accounts/", step_2([]), follow=True)
    assert "None: you do not moderate any council accounts" in page_of(sent)
    done = client.post("/devices/lost/check/", {"started": started_token(client)}, follow=True)

    report = DeviceReport.objects.get()
    assert "they will check with you and then close the report" in page_of(done)
    assert "Close the report" not in page_of(done)
    assert not report.tasks.exists()
    comms = client_for(communications)
    shown = page_of(comms.get(f"/devices/reports/{report.pk}/"))
    assert "None named: no council account was affected" in shown
    assert f'href="/devices/reports/{report.pk}/close/"' in shown
    assert "Close it only when" in page_of(comms.get(f"/devices/reports/{report.pk}/close/"))
    closed = comms.post(f"/devices/reports/{report.pk}/close/", follow=True)
    report.refresh_from_db()
    assert report.state == ReportState.CLOSED
    assert report.closed_by == communications
    assert "by Chris Evans: no account was affected" in page_of(closed)


@pytest.mark.django_db
def test_only_communications_may_close_and_only_a_report_without_tasks(
    requester: User,
    line_manager: User,
    communications: User,
    accounts: dict[str, Account],
    client_for: Any,
) -> None:
    report_through_the_pages(client_for(requester), [accounts["shared"]])
    report = DeviceReport.objects.get()
    url = f"/devices/reports/{report.pk}/close/"

    assert client_for(requester).post(url).status_code == 404
    assert client_for(line_manager).get(url).status_code == 404
    refused = client_for(communications).post(url, follow=True)

    assert "it closes by itself when the last one is done" in page_of(refused)
    report.refresh_from_db()
    assert report.state == ReportState.OPEN


@pytest.mark.django_db
def test_the_last_page_sent_twice_makes_one_report_and_no_double_tasks(
    requester: User, communications: User, accounts: dict[str, Account], client_for: Any
) -> None:
    client = client_for(requester)
    client.post("/devices/lost/", step_1())
    client.post("/devices/lost/accounts/", step_2(list(accounts.values())))
    token = started_token(client)

    first = client.post("/devices/lost/check/", {"started": token})
    again = client.post("/devices/lost/check/", {"started": token}, follow=True)

    report = DeviceReport.objects.get()
    assert first["Location"] == again.redirect_chain[-1][0] == f"/devices/reports/{report.pk}/"
    assert "You have already sent this report." in page_of(again)
    assert CredentialTask.objects.count() == 2
    assert Notification.objects.filter(recipient=communications).count() == 1


@pytest.mark.django_db
def test_reporting_the_same_device_again_adds_to_the_open_report(
    requester: User, accounts: dict[str, Account], client_for: Any
) -> None:
    client = client_for(requester)
    report_through_the_pages(client, [accounts["shared"]])

    again = report_through_the_pages(client, list(accounts.values()))

    report = DeviceReport.objects.get()
    page = page_of(again)
    assert "You already reported this device; we added to that report" in page
    assert "Added to your report" in page
    assert set(report.accounts.all()) == set(accounts.values())
    assert CredentialTask.objects.filter(device_report=report).count() == 2


@pytest.mark.django_db
def test_a_date_in_the_future_is_refused_with_a_clear_message(
    requester: User, client_for: Any
) -> None:
    client = client_for(requester)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post("/devices/lost/", step_1(lost_on=tomorrow))

    page = page_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The date it went missing must be today or in the past" in page
    assert 'value="council iPhone 13"' in page  # what was typed is kept


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"device_kind": ""}, "Select what kind of device it is"),
        ({"loss": "mislaid"}, "select one of the options shown"),
        ({"lost_on_0": "31", "lost_on_1": "2"}, "The date must be a real date"),
        ({"lost_on_0": "", "lost_on_1": "", "lost_on_2": ""}, "Enter the date it went missing"),
        ({"device_description": "x" * 101}, "100 characters or fewer"),
    ],
)
def test_bad_answers_on_step_1_are_told_on_the_page(
    requester: User, client_for: Any, changes: dict[str, str], message: str
) -> None:
    response = client_for(requester).post("/devices/lost/", {**step_1(), **changes})

    assert response.status_code == 200
    assert message in page_of(response)


@pytest.mark.django_db
def test_an_account_they_do_not_moderate_cannot_be_slipped_in(
    requester: User,
    communications: User,
    leisure: ServiceArea,
    accounts: dict[str, Account],
    client_for: Any,
) -> None:
    other = make_account(communications, leisure, name="Not theirs")
    client = client_for(requester)
    client.post("/devices/lost/", step_1())

    response = client.post("/devices/lost/accounts/", step_2([other]))

    assert response.status_code == 200
    assert "Select only accounts from the list" in page_of(response)


@pytest.mark.django_db
def test_an_account_they_stopped_moderating_before_sending_is_told_not_a_500(
    requester: User, communications: User, accounts: dict[str, Account], client_for: Any
) -> None:
    client = client_for(requester)
    client.post("/devices/lost/", step_1())
    client.post("/devices/lost/accounts/", step_2(list(accounts.values())))
    token = started_token(client)
    assignment_end(
        assignment=ModeratorAssignment.objects.get(account=accounts["roles"], person=requester),
        actor=communications,
        reason="Moved team",
        now=timezone.now(),
    )

    response = client.post("/devices/lost/check/", {"started": token}, follow=True)

    assert response.redirect_chain[-1][0] == "/devices/lost/accounts/"
    assert "Select only accounts from the list" in page_of(response)
    assert not DeviceReport.objects.exists()


@pytest.mark.django_db
def test_step_2_without_an_answer_to_the_questions_says_what_is_missing(
    requester: User, accounts: dict[str, Account], client_for: Any
) -> None:
    client = client_for(requester)
    client.post("/devices/lost/", step_1())

    response = client.post("/devices/lost/accounts/", {"accounts": [accounts["shared"].pk]})

    page = page_of(response)
    assert "Select yes if the device received two-step verification codes" in page
    assert "Select yes if it is the recovery phone for any of them" in page


@pytest.mark.django_db
def test_skipping_a_step_goes_back_to_the_step_to_answer(requester: User, client_for: Any) -> None:
    client = client_for(requester)

    assert client.get("/devices/lost/accounts/")["Location"] == "/devices/lost/"
    assert client.get("/devices/lost/check/")["Location"] == "/devices/lost/"
    assert client.post("/devices/lost/check/")["Location"] == "/devices/lost/"
    client.post("/devices/lost/", step_1())
    assert client.get("/devices/lost/check/")["Location"] == "/devices/lost/accounts/"
    assert not DeviceReport.objects.exists()


@pytest.mark.django_db
def test_changing_an_answer_from_the_check_page_comes_back_to_it(
    requester: User, accounts: dict[str, Account], client_for: Any
) -> None:
    client = client_for(requester)
    client.post("/devices/lost/", step_1())
    client.post("/devices/lost/accounts/", step_2([accounts["shared"]]))
    token = started_token(client)

    step_1_again = page_of(client.get("/devices/lost/"))
    assert 'value="council iPhone 13"' in step_1_again
    assert f'name="lost_on_2" value="{timezone.localdate().year}"' in step_1_again
    changed = client.post("/devices/lost/", step_1(loss="lost"))

    assert changed["Location"] == "/devices/lost/check/"
    check = page_of(client.get("/devices/lost/check/"))
    assert started_token(client) == token
    assert 'Lost or stolen</dt>\n        <dd class="govuk-summary-list__value">Lost' in check
    assert "Leisure Offers" in check and "Leisure Live" not in check


@pytest.mark.django_db
def test_the_report_is_seen_by_its_reporter_their_manager_communications_and_auditors(
    cast: dict[str, User | None], accounts: dict[str, Account], client_for: Any
) -> None:
    report_through_the_pages(client_for(cast["requester"]), [accounts["shared"]])
    report = DeviceReport.objects.get()
    seen_by = {"requester", "line_manager", "communications", "auditor"}

    for role, person in cast.items():
        if person is None:
            continue
        response = client_for(person).get(f"/devices/reports/{report.pk}/")
        assert response.status_code == (200 if role in seen_by else 404), role
        listed = page_of(client_for(person).get("/devices/reports/"))
        assert (report.reference in listed) == (role in seen_by), role


@pytest.mark.django_db
def test_the_report_closes_with_its_evidence_when_every_task_is_done(
    requester: User,
    communications: User,
    colleague: User,
    accounts: dict[str, Account],
    client_for: Any,
) -> None:
    report_through_the_pages(client_for(requester), list(accounts.values()))
    report = DeviceReport.objects.get()
    rotate = CredentialTask.objects.get(kind=TaskKind.ROTATE)
    sign_out = CredentialTask.objects.get(kind=TaskKind.SIGN_OUT)

    password_change_record(
        actor=communications,
        account=accounts["shared"],
        changed_on=timezone.localdate(),
        reason=PasswordChangeReason.LOST_DEVICE,
    )
    report.refresh_from_db()
    assert report.state == ReportState.OPEN
    task_complete(actor=communications, task=sign_out, note="Signed out in Meta Business Suite")

    report.refresh_from_db()
    assert report.state == ReportState.CLOSED
    assert set(report.tasks.values_list("state", flat=True)) == {TaskState.DONE}
    page = page_of(client_for(requester).get(f"/devices/reports/{report.pk}/"))
    assert "when the last task was done" in page
    assert rotate.title in page and sign_out.title in page
    assert "Changed on" in page and "(a device was lost or stolen), recorded by Chris Evans" in page
    assert "“Signed out in Meta Business Suite”" in page
    closed_list = page_of(client_for(communications).get("/devices/reports/?state=closed"))
    assert report.reference in closed_list and "All 2 done" in closed_list
    assert report.reference not in page_of(client_for(communications).get("/devices/reports/"))


@pytest.mark.django_db
def test_the_list_of_reports_takes_the_same_queries_however_many_there_are(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    client = client_for(communications)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/devices/reports/").status_code == 200
        return len(captured)

    def report_one(number: int) -> None:
        person = make_person(f"staff{number}@council.example", f"Staff {number}", area=leisure)
        make_account(communications, leisure, moderators=(person,))
        reporter = client_for(person)
        report_through_the_pages(reporter, list(Account.objects.filter(assignments__person=person)))

    report_one(1)
    queries()  # the first page a session sees fills caches the rest reuse
    few = queries()
    for number in range(2, 6):
        report_one(number)

    assert queries() == few
    assert DeviceReport.objects.count() == 5


@pytest.mark.django_db
def test_the_report_pages_answer_404_for_a_report_that_does_not_exist(
    communications: User, client_for: Any
) -> None:
    client = client_for(communications)

    assert client.get("/devices/reports/999/").status_code == 404
    assert client.post("/devices/reports/999/close/").status_code == 404
    assert client.get("/devices/reports/?state=nonsense&page=x").status_code == 200
