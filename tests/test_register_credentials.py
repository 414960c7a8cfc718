"""What moderation tells the register about credentials (MOD-3, MOD-5, REG-1a, REG-2, REG-3): the
last password change is derived from recorded changes, open tasks show in the filter, the
dashboard and the export, and the register as it stood on a past day tells them as they were."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from accounts.models import AccessModel, Account
from governance.models import ServiceArea, User
from governance.services.profile import profile_get
from moderation.models import CredentialTask, PasswordChangeReason, TaskState
from moderation.services.assignments import assignment_end
from moderation.services.credentials import password_change_record, recovery_plans_remind
from tests.register_helpers import make_account

pytestmark = pytest.mark.django_db

AUGUST = datetime.datetime(2026, 8, 3, 9, tzinfo=datetime.UTC)


def rows_of(response: Any) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def ended_moderator(account: Account, communications: User, person: User) -> CredentialTask:
    assignment = account.assignments.get(person=person)
    assignment_end(assignment=assignment, actor=communications, reason="Moved team", now=AUGUST)
    return CredentialTask.objects.get(assignment=assignment)


def test_the_last_password_change_is_the_latest_recorded_one_and_as_it_stood(
    communications: User, requester: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(communications, leisure, moderators=(requester,), now=AUGUST)
    with time_machine.travel(datetime.datetime(2026, 9, 2, 10, tzinfo=datetime.UTC)):
        password_change_record(
            actor=requester,
            account=account,
            changed_on=datetime.date(2026, 9, 1),
            reason=PasswordChangeReason.ROUTINE,
        )
    with time_machine.travel(datetime.datetime(2026, 10, 6, 10, tzinfo=datetime.UTC)):
        password_change_record(
            actor=communications,
            account=account,
            changed_on=datetime.date(2026, 10, 5),
            reason=PasswordChangeReason.COMPROMISE,
        )
    client = client_for(communications)

    today = rows_of(client.get("/register/export.csv"))
    september = rows_of(client.get("/register/export.csv?as_of=2026-09-15"))
    page = client.get(f"/register/{account.pk}/").content.decode()

    assert today[0]["Password last changed"] == "2026-10-05"
    assert september[0]["Password last changed"] == "2026-09-01"
    assert "5 October 2026" in page


def test_an_open_task_flags_the_account_in_the_filter_the_dashboard_and_the_export(
    communications: User,
    requester: User,
    colleague: User,
    leisure: ServiceArea,
    client_for: Any,
) -> None:
    flagged = make_account(
        communications, leisure, name="Flagged", moderators=(requester, colleague), now=AUGUST
    )
    make_account(communications, leisure, name="Quiet", moderators=(requester,), now=AUGUST)
    task = ended_moderator(flagged, communications, colleague)
    client = client_for(communications)

    listed = client.get("/register/?tasks_outstanding=on").content.decode()
    dashboard = client.get("/register/dashboard/").content.decode()
    exported = {row["Name"]: row for row in rows_of(client.get("/register/export.csv"))}

    assert task.title == "Change the password of Flagged"
    assert "Flagged" in listed and "Quiet" not in listed
    assert "Password change or access removal outstanding" in dashboard
    assert exported["Flagged"]["Open credential tasks"] == "1"
    assert exported["Quiet"]["Open credential tasks"] == "0"

    password_change_record(
        actor=requester,
        account=flagged,
        changed_on=timezone.localdate(),
        reason=PasswordChangeReason.MODERATOR_LEFT,
    )

    assert "Flagged" not in client.get("/register/?tasks_outstanding=on").content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.DONE


def test_the_register_on_a_past_day_shows_the_tasks_open_then(
    communications: User, requester: User, colleague: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(
        communications, leisure, name="Then", moderators=(requester, colleague), now=AUGUST
    )
    ended_moderator(account, communications, colleague)
    with time_machine.travel(datetime.datetime(2026, 8, 20, 10, tzinfo=datetime.UTC)):
        password_change_record(
            actor=requester,
            account=account,
            changed_on=datetime.date(2026, 8, 20),
            reason=PasswordChangeReason.MODERATOR_LEFT,
        )
    client = client_for(communications)

    open_then = client.get("/register/?as_of=2026-08-10&tasks_outstanding=on").content.decode()
    closed_later = client.get("/register/?as_of=2026-08-25&tasks_outstanding=on").content
    assert "Then" in open_then
    assert b"Then" not in closed_later


def test_the_access_model_is_on_the_account_page_and_decides_the_task(
    communications: User, requester: User, colleague: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(
        communications,
        leisure,
        name="Page Roles",
        platform="facebook",
        access_model=AccessModel.INDIVIDUAL_ROLES,
        moderators=(requester, colleague),
        now=AUGUST,
    )

    task = ended_moderator(account, communications, colleague)
    page = client_for(communications).get(f"/register/{account.pk}/").content.decode()

    assert task.title == "Remove Tom Fletcher's role on Page Roles"
    assert "Individual roles" in page
    assert "Remove Tom Fletcher&#x27;s role on Page Roles" in page


def test_communications_is_reminded_of_an_untested_recovery_plan_once_per_lapse(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(
        communications,
        leisure,
        name="Recovery",
        recovery_plan_tested_on=datetime.date(2025, 6, 1),
        now=datetime.datetime(2025, 5, 1, 9, tzinfo=datetime.UTC),
    )
    assert profile_get().recovery_plan_test_months == 12
    with time_machine.travel(datetime.datetime(2026, 5, 20, 9, tzinfo=datetime.UTC)):
        assert recovery_plans_remind() == 0
    with time_machine.travel(datetime.datetime(2026, 6, 2, 9, tzinfo=datetime.UTC)):
        assert recovery_plans_remind() == 1
        recovery_plans_remind()
        home = client_for(communications).get("/").content.decode()
    assert communications.notifications.filter(subject__contains="Recovery").count() == 1
    assert "Test the recovery plan of Recovery" in home

    Account.objects.filter(pk=account.pk).update(recovery_plan_tested_on=datetime.date(2026, 6, 10))
    with time_machine.travel(datetime.datetime(2027, 6, 11, 9, tzinfo=datetime.UTC)):
        recovery_plans_remind()
    assert communications.notifications.filter(subject__contains="Recovery").count() == 2
