"""The register's own rules: status changes, edits, unapproved accounts, reviews, reminders."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.events import WRITTEN_BEFORE
from accounts.models import Account, AccountStatus, ReviewOutcome
from accounts.services.decisions import requests_remind_waiting
from accounts.services.register import (
    STATUS_EVENTS,
    account_change_status,
    account_record_unapproved,
    account_update,
)
from accounts.services.requests import (
    request_create_draft,
    request_save_draft,
    request_submit,
)
from accounts.services.reviews import review_record, reviews_remind
from accounts.transitions import ACCOUNT, STATUS_CHANGES
from governance.errors import DomainError
from governance.formatting import add_months
from governance.models import Event, Notification, ServiceArea, User
from moderation.models import AssignmentState, ModeratorAssignment
from tests.register_helpers import account_in, make_account
from tests.requests_helpers import ANSWERS, PDF, complete_draft, decide_current

ALL_STATUSES = [status.value for status in AccountStatus]


@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("action", STATUS_CHANGES)
@pytest.mark.django_db
def test_every_status_change_follows_the_table(
    action: str, status: str, communications: User, leisure: ServiceArea, requester: User
) -> None:
    account = account_in(status, communications, leisure, (requester,))
    events = Event.objects.count()
    transition = ACCOUNT[action]

    if status in transition.sources:
        changed = account_change_status(
            actor=communications, account=account, action=action, reason="Because"
        )
        # Reopening leads back to active (an account never approved is reopened as unapproved).
        assert changed.status == (transition.target or AccountStatus.ACTIVE)
        event = Event.objects.get(action=STATUS_EVENTS[action], subject_id=account.pk)
        assert event.reason == "Because"
        assert WRITTEN_BEFORE[f"account.{action}"] == event.action  # past tense, as written now
    else:
        with pytest.raises(DomainError):
            account_change_status(
                actor=communications, account=account, action=action, reason="Because"
            )
        account.refresh_from_db()
        assert account.status == status
        assert Event.objects.count() == events


@pytest.mark.django_db
def test_only_communications_change_the_register(
    communications: User, auditor: User, leisure: ServiceArea
) -> None:
    account = account_in(AccountStatus.ACTIVE, communications, leisure, ())

    with pytest.raises(DomainError, match="Only Communications"):
        account_change_status(actor=auditor, account=account, action="suspend", reason="x")
    with pytest.raises(DomainError, match="Only Communications"):
        account_update(actor=auditor, account=account, values={"name": "Mine"}, reason="x")


@pytest.mark.django_db
def test_a_status_change_needs_a_reason(communications: User, leisure: ServiceArea) -> None:
    account = account_in(AccountStatus.ACTIVE, communications, leisure, ())

    with pytest.raises(DomainError, match="reason"):
        account_change_status(actor=communications, account=account, action="suspend", reason=" ")


@pytest.mark.django_db
def test_closing_an_account_ends_its_moderators(
    communications: User, leisure: ServiceArea, requester: User, colleague: User
) -> None:
    account = account_in(AccountStatus.ACTIVE, communications, leisure, (requester, colleague))

    account_change_status(actor=communications, account=account, action="close", reason="Idle")

    assert set(ModeratorAssignment.objects.values_list("state", flat=True)) == {
        AssignmentState.ENDED
    }
    assert Event.objects.filter(action="assignment.ended").count() == 2


@pytest.mark.django_db
def test_a_closed_account_cannot_reopen_over_a_newer_one_with_its_handle(
    communications: User, leisure: ServiceArea
) -> None:
    old = account_in(AccountStatus.CLOSED, communications, leisure, ())
    make_account(communications, leisure, handle=old.handle.upper())

    with pytest.raises(DomainError, match="Another open account"):
        account_change_status(actor=communications, account=old, action="reopen", reason="x")


@pytest.mark.django_db
def test_closing_and_reopening_an_unapproved_account_leaves_it_unapproved(
    communications: User, leisure: ServiceArea
) -> None:
    found = account_in(AccountStatus.UNAPPROVED, communications, leisure, ())
    account_change_status(actor=communications, account=found, action="close", reason="Mistake")

    reopened = account_change_status(
        actor=communications, account=found, action="reopen", reason="Closed in error"
    )

    assert reopened.status == AccountStatus.UNAPPROVED
    assert reopened.next_review_due is None
    event = Event.objects.get(action="account.reopened", subject_id=found.pk)
    assert event.summary == "Chris Evans reopened the account, which is still unapproved"
    assert event.data == {"from": "closed", "to": "unapproved"}


@pytest.mark.django_db
def test_going_live_sets_the_first_review_from_the_cadence(
    communications: User, leisure: ServiceArea
) -> None:
    account = make_account(
        communications, leisure, status=AccountStatus.BEING_SET_UP, review_cadence_months=6
    )

    with time_machine.travel(datetime.datetime(2026, 8, 31, 10, tzinfo=datetime.UTC)):
        account = account_change_status(
            actor=communications, account=account, action="activate", reason="Branding done"
        )

    assert account.next_review_due == datetime.date(2027, 2, 28)


def test_adding_months_keeps_to_the_end_of_short_months() -> None:
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)


@pytest.mark.django_db
def test_edits_keep_every_change_and_the_reason(communications: User, leisure: ServiceArea) -> None:
    account = make_account(communications, leisure, recovery_email="old@council.example")

    account_update(
        actor=communications,
        account=account,
        values={"recovery_email": "new@council.example", "licence": "Hootsuite seat 4"},
        reason="New shared mailbox",
    )

    event = Event.objects.get(action="account.updated")
    assert event.reason == "New shared mailbox"
    assert event.data == {
        "changes": {
            "recovery email address": ["old@council.example", "new@council.example"],
            "management-platform licence": ["nothing", "Hootsuite seat 4"],
        }
    }
    assert account.history.first().history_change_reason == "event:account.updated"


@pytest.mark.django_db
def test_an_unapproved_account_is_flagged_until_a_request_brings_it_through(
    communications: User,
    requester: User,
    colleague: User,
    head_of_service: User,
    leisure: ServiceArea,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        found = account_record_unapproved(
            actor=communications,
            values={
                "platform": "facebook",
                "platform_other": "",
                "name": "Summer Fun",
                "handle": "SummerFunDemo",
                "url": "",
                "service_area": leisure,
                "responsible_officer": requester,
            },
            discovered_how="Monitoring alert",
        )
    assert found.status == AccountStatus.UNAPPROVED
    assert [m.to[0] for m in mail.outbox] == ["requester@council.example"]

    draft = request_create_draft(actor=requester, regularises=found)
    draft = request_save_draft(
        actor=requester,
        request=draft,
        values={**ANSWERS, "proposed_handle": "@elsewhere", "service_area": None},
        backup_officers=[colleague],
        evidence=SimpleUploadedFile("certificate.pdf", PDF),
    )
    assert (draft.proposed_handle, draft.service_area) == ("SummerFunDemo", leisure)
    request = request_submit(actor=requester, request=draft)
    while request.status == "submitted":
        request = decide_current(request)

    found.refresh_from_db()
    assert found.status == AccountStatus.ACTIVE
    assert found.request == request
    assert Account.objects.count() == 1
    assert Event.objects.filter(action="account.regularised").count() == 1


@pytest.mark.django_db
def test_a_review_moves_the_next_review_on_and_can_recommend_closing(
    communications: User, leisure: ServiceArea, requester: User
) -> None:
    account = account_in(AccountStatus.ACTIVE, communications, leisure, (requester,))

    review_record(
        actor=requester,
        account=account,
        reviewed_on=datetime.date(2026, 11, 1),
        found_inappropriate=False,
        content_removed=False,
        reported_to_platform=False,
        notes="Quiet since the summer",
        outcome=ReviewOutcome.CLOSE,
    )

    account.refresh_from_db()
    assert account.next_review_due == datetime.date(2027, 2, 1)
    assert account.closure_recommended
    assert Notification.objects.filter(recipient=communications, key__endswith=":close").exists()


@pytest.mark.django_db
def test_inappropriate_content_is_reported_to_line_manager_and_communications(
    communications: User, leisure: ServiceArea, requester: User, line_manager: User
) -> None:
    account = account_in(AccountStatus.ACTIVE, communications, leisure, (requester,))

    review_record(
        actor=requester,
        account=account,
        reviewed_on=datetime.date(2026, 11, 1),
        found_inappropriate=True,
        content_removed=True,
        reported_to_platform=True,
        notes="A spam link in a reply",
        outcome=ReviewOutcome.KEEP,
    )

    told = set(
        Notification.objects.filter(key__endswith=":inappropriate").values_list(
            "recipient__email", flat=True
        )
    )
    assert told == {"manager@council.example", "comms@council.example"}


@pytest.mark.django_db
def test_only_moderators_review_and_not_in_the_future(
    communications: User, leisure: ServiceArea, requester: User, outsider: User
) -> None:
    account = account_in(AccountStatus.ACTIVE, communications, leisure, (requester,))
    review: dict[str, Any] = {
        "found_inappropriate": False,
        "content_removed": False,
        "reported_to_platform": False,
        "notes": "",
        "outcome": ReviewOutcome.KEEP,
    }

    with pytest.raises(DomainError, match="Only the account's moderators"):
        review_record(
            actor=outsider, account=account, reviewed_on=datetime.date(2026, 1, 1), **review
        )
    with pytest.raises(DomainError, match="today or in the past"):
        review_record(
            actor=requester, account=account, reviewed_on=datetime.date(2999, 1, 1), **review
        )


@pytest.mark.django_db
def test_review_reminders_go_to_moderators_then_managers_then_communications_once_each(
    communications: User, leisure: ServiceArea, requester: User, line_manager: User
) -> None:
    account = make_account(
        communications,
        leisure,
        moderators=(requester,),
        next_review_due=datetime.date(2026, 6, 30),
    )

    def recipients() -> list[tuple[str, str]]:
        return sorted(
            (n.recipient.email, n.key.rsplit(":", 1)[-1])
            for n in Notification.objects.filter(key__startswith=f"review:account:{account.pk}")
        )

    at = datetime.datetime
    with time_machine.travel(at(2026, 6, 10, 8, tzinfo=datetime.UTC)):
        reviews_remind()
    assert recipients() == []
    with time_machine.travel(at(2026, 6, 20, 8, tzinfo=datetime.UTC)):
        reviews_remind()
        reviews_remind()
    assert recipients() == [("requester@council.example", "moderators")]
    with time_machine.travel(at(2026, 7, 2, 8, tzinfo=datetime.UTC)):
        reviews_remind()
        reviews_remind()
    assert recipients() == [
        ("manager@council.example", "line_managers"),
        ("requester@council.example", "moderators"),
    ]
    with time_machine.travel(at(2026, 7, 20, 8, tzinfo=datetime.UTC)):
        reviews_remind()
        reviews_remind()
    assert recipients() == [
        ("comms@council.example", "communications"),
        ("manager@council.example", "line_managers"),
        ("requester@council.example", "moderators"),
    ]


@pytest.mark.parametrize("with_moderator", [True, False])
@pytest.mark.django_db
def test_every_review_reminder_links_to_a_page_its_recipient_can_open(
    communications: User,
    leisure: ServiceArea,
    requester: User,
    line_manager: User,
    client_for: Any,
    with_moderator: bool,
) -> None:
    account = make_account(
        communications,
        leisure,
        moderators=(requester,) if with_moderator else (),
        next_review_due=datetime.date(2026, 6, 30),
    )
    account.responsible_officer = requester
    account.save()

    with time_machine.travel(datetime.datetime(2026, 8, 1, 8, tzinfo=datetime.UTC)):
        reviews_remind()
        notifications = list(Notification.objects.select_related("recipient"))
        assert {n.recipient.email for n in notifications} == {
            "requester@council.example",
            "manager@council.example",
            "comms@council.example",
        }
        for notification in notifications:
            response = client_for(notification.recipient).get(notification.url)
            assert response.status_code == 200, (notification.recipient, notification.url)
    if not with_moderator:
        told = Notification.objects.get(recipient=requester)
        assert told.subject.endswith("is due for review and has no moderators")
        assert "Ask Communications to add a moderator" in told.body


@pytest.mark.django_db
def test_review_reminders_run_twice_send_one_mail_each(
    communications: User,
    leisure: ServiceArea,
    requester: User,
    line_manager: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_account(
        communications, leisure, moderators=(requester,), next_review_due=datetime.date(2026, 6, 30)
    )

    with time_machine.travel(datetime.datetime(2026, 8, 1, 8, tzinfo=datetime.UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            reviews_remind()
        with django_capture_on_commit_callbacks(execute=True):
            reviews_remind()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "comms@council.example",
        "manager@council.example",
        "requester@council.example",
    ]


@pytest.mark.django_db
def test_a_regularisation_stops_when_the_account_was_closed_meanwhile(
    communications: User,
    requester: User,
    colleague: User,
    head_of_service: User,
    leisure: ServiceArea,
) -> None:
    found = account_in(AccountStatus.UNAPPROVED, communications, leisure, ())
    draft = request_create_draft(actor=requester, regularises=found)
    request_save_draft(
        actor=requester,
        request=draft,
        values=dict(ANSWERS),
        backup_officers=[colleague],
        evidence=SimpleUploadedFile("certificate.pdf", PDF),
    )
    request = decide_current(request_submit(actor=requester, request=draft))
    account_change_status(actor=communications, account=found, action="close", reason="Gone")

    with pytest.raises(DomainError, match="no longer waiting for approval"):
        decide_current(request)

    found.refresh_from_db()
    assert (found.status, found.request) == (AccountStatus.CLOSED, None)
    with pytest.raises(DomainError, match="no longer waiting to be brought through"):
        request_create_draft(actor=requester, regularises=found)


@pytest.mark.django_db
def test_a_review_older_than_the_last_one_is_refused(
    communications: User, leisure: ServiceArea, requester: User
) -> None:
    account = account_in(AccountStatus.ACTIVE, communications, leisure, (requester,))
    review: dict[str, Any] = {
        "found_inappropriate": False,
        "content_removed": False,
        "reported_to_platform": False,
        "notes": "",
        "outcome": ReviewOutcome.KEEP,
    }
    review_record(actor=requester, account=account, reviewed_on=datetime.date(2026, 9, 1), **review)

    with pytest.raises(DomainError, match="A later review, on 1 September 2026"):
        review_record(
            actor=requester, account=account, reviewed_on=datetime.date(2026, 3, 1), **review
        )
    account.refresh_from_db()
    assert account.next_review_due == datetime.date(2026, 12, 1)


@pytest.mark.django_db
def test_a_step_nobody_can_decide_any_more_is_reported_to_communications(
    requester: User,
    colleague: User,
    head_of_service: User,
    communications: User,
    leisure: ServiceArea,
) -> None:
    start = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start):
        request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    head_of_service.is_active = False
    head_of_service.save()

    with time_machine.travel(start + datetime.timedelta(days=6)):
        assert requests_remind_waiting() == 1
        requests_remind_waiting()

    stuck = Notification.objects.filter(key__contains=":stuck:")
    assert [n.recipient.email for n in stuck] == ["comms@council.example"]
    assert "nobody can decide it" in stuck.get().subject


@pytest.mark.django_db
def test_the_database_holds_one_open_account_per_handle_with_or_without_its_at(
    communications: User, leisure: ServiceArea
) -> None:
    from django.db import IntegrityError, transaction

    make_account(communications, leisure, handle="@Leisure")

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(platform="x", name="Copy", handle="LEISURE", service_area=leisure)


@pytest.mark.django_db
def test_communications_can_keep_open_an_account_a_review_would_close(
    communications: User, leisure: ServiceArea, requester: User, auditor: User
) -> None:
    from accounts.services.register import account_keep_open

    account = make_account(communications, leisure, moderators=(requester,))
    with pytest.raises(DomainError, match="No review is asking"):
        account_keep_open(actor=communications, account=account, reason="Fine")
    review_record(
        actor=requester,
        account=account,
        reviewed_on=timezone.localdate(),
        found_inappropriate=False,
        content_removed=False,
        reported_to_platform=False,
        notes="Quiet for a year",
        outcome=ReviewOutcome.CLOSE,
    )
    with pytest.raises(DomainError, match="Only Communications"):
        account_keep_open(actor=auditor, account=account, reason="No")

    kept = account_keep_open(actor=communications, account=account, reason="Winter campaign")

    assert kept.status == AccountStatus.ACTIVE
    assert kept.closure_recommended is False
    event = Event.objects.get(action="account.kept_open")
    assert event.reason == "Winter campaign"
    assert event.summary == "Chris Evans kept the account open against a review's recommendation"


@pytest.mark.django_db
def test_review_reminders_already_sent_are_not_rendered_again(
    communications: User,
    leisure: ServiceArea,
    requester: User,
    line_manager: User,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    for index in range(3):
        make_account(
            communications,
            leisure,
            name=f"Leisure page {index}",
            moderators=(requester,),
            next_review_due=datetime.date(2026, 6, 30),
        )

    with time_machine.travel(datetime.datetime(2026, 8, 1, 8, tzinfo=datetime.UTC)):
        reviews_remind()
        told = Notification.objects.count()
        assert told == 9

        def render_email(*args: Any, **kwargs: Any) -> None:
            raise AssertionError("rendered a reminder already sent")

        monkeypatch.setattr("governance.emails.render_email", render_email)
        with django_assert_max_num_queries(8):
            assert reviews_remind() == 3
    assert Notification.objects.count() == told
