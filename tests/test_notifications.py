from __future__ import annotations

import datetime
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from governance.models import Notification, ServiceArea, User
from governance.services.events import event_record
from governance.services.notifications import notifications_deliver_pending, notify
from governance.tasks import deliver_pending_notifications
from tests.brokers import broker_down


def tell(people: list[User], key: str = "thing:1:happened", **extra: Any) -> None:
    notify(
        recipients=people,
        key=key,
        subject="A request needs your decision",
        body="Riya Patel asked for a Facebook page.",
        url="/requests/1/",
        **extra,
    )


@pytest.mark.django_db
def test_notification_is_emailed_after_the_change_commits(
    requester: User, line_manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        tell([line_manager])
        assert mail.outbox == []

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["manager@council.example"]
    assert message.subject == "[Social media governance] A request needs your decision"
    assert "Dear Sam Okafor," in message.body
    assert "Open it in the portal: https://portal.example/requests/1/" in message.body
    assert Notification.objects.get().sent_at is not None


@pytest.mark.django_db
def test_a_rolled_back_change_tells_nobody(
    line_manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    class Undo(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Undo),
        transaction.atomic(),
    ):
        tell([line_manager])
        raise Undo

    assert Notification.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_same_event_told_twice_sends_one_mail_per_person(
    line_manager: User, head_of_service: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        tell([line_manager, head_of_service, line_manager])
    with django_capture_on_commit_callbacks(execute=True):
        tell([line_manager, head_of_service])
    deliver_pending_notifications()
    notifications_deliver_pending()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "head@council.example",
        "manager@council.example",
    ]
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_leavers_are_not_told(line_manager: User, django_capture_on_commit_callbacks: Any) -> None:
    line_manager.leaving_date = datetime.date(2020, 1, 31)
    line_manager.save()

    with django_capture_on_commit_callbacks(execute=True):
        tell([line_manager])

    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_mail_is_sent_after_the_broker_comes_back(
    line_manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        tell([line_manager])

    assert mail.outbox == []
    assert Notification.objects.get().sent_at is None

    # The beat schedule runs the sweep every minute once the broker is back.
    assert deliver_pending_notifications() == 1
    assert len(mail.outbox) == 1


def refuse(*args: Any, **kwargs: Any) -> int:
    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


MAIL_SERVER = "django.core.mail.backends.locmem.EmailBackend.send_messages"
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_a_mail_server_fault_is_retried_after_a_short_wait(
    line_manager: User, monkeypatch: pytest.MonkeyPatch, time_machine: Any
) -> None:
    time_machine.move_to(START, tick=False)
    tell([line_manager])

    monkeypatch.setattr(MAIL_SERVER, refuse)
    assert notifications_deliver_pending() == 0
    failed = Notification.objects.get()
    assert (failed.attempts, failed.sent_at) == (1, None)
    assert "Connection unexpectedly closed" in failed.last_error

    monkeypatch.undo()
    time_machine.shift(datetime.timedelta(minutes=1))
    assert notifications_deliver_pending() == 0  # the first wait is two minutes
    time_machine.shift(datetime.timedelta(minutes=1))
    assert notifications_deliver_pending() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_mail_goes_out_exactly_once_after_the_mail_server_was_down_for_hours(
    line_manager: User, monkeypatch: pytest.MonkeyPatch, time_machine: Any
) -> None:
    """Beat sweeps every minute; every user action adds a sweep of its own."""
    time_machine.move_to(START, tick=False)
    tell([line_manager])
    monkeypatch.setattr(MAIL_SERVER, refuse)
    for _ in range(5 * 60):
        deliver_pending_notifications()
        notifications_deliver_pending()
        time_machine.shift(datetime.timedelta(minutes=1))

    waiting = Notification.objects.get()
    assert (waiting.sent_at, waiting.gave_up_at) == (None, None)
    # 2, 4, 8, 16, 32 minutes, then hourly: 9 tries in five hours, not 600.
    assert waiting.attempts == 9

    monkeypatch.undo()
    for _ in range(61):
        deliver_pending_notifications()
        time_machine.shift(datetime.timedelta(minutes=1))

    assert [message.to for message in mail.outbox] == [["manager@council.example"]]
    assert Notification.objects.get().sent_at is not None


@pytest.mark.django_db
def test_mail_failing_for_three_days_is_given_up_with_an_error_and_stays_in_the_portal(
    line_manager: User,
    monkeypatch: pytest.MonkeyPatch,
    time_machine: Any,
    caplog: pytest.LogCaptureFixture,
    client_for: Any,
) -> None:
    time_machine.move_to(START, tick=False)
    tell([line_manager])
    monkeypatch.setattr(MAIL_SERVER, refuse)
    for _ in range(3 * 24 - 1):
        time_machine.shift(datetime.timedelta(hours=1))
        notifications_deliver_pending()
    assert Notification.objects.get().gave_up_at is None
    assert not [r for r in caplog.records if r.levelname == "ERROR"]

    time_machine.shift(datetime.timedelta(hours=1, minutes=1))
    notifications_deliver_pending()

    given_up = Notification.objects.get()
    assert given_up.gave_up_at is not None
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert f"Gave up e-mailing notification {given_up.pk}" in errors[0]
    assert "manager@council.example" in errors[0]
    assert "Connection unexpectedly closed" in errors[0]

    monkeypatch.undo()
    time_machine.shift(datetime.timedelta(days=1))
    assert notifications_deliver_pending() == 0
    assert mail.outbox == []
    page = client_for(line_manager).get("/notifications/").content.decode()
    assert "A request needs your decision" in page
    assert "Could not be sent: the portal stopped trying 5 November 2026" in page


@pytest.mark.django_db
def test_notification_can_point_at_the_event_that_caused_it(
    requester: User, line_manager: User, leisure: ServiceArea
) -> None:
    event = event_record(actor=requester, action="test.done", subject=leisure, summary="Done")

    tell([line_manager], event=event)

    assert Notification.objects.get().event == event


@pytest.mark.django_db
def test_notifications_page_lists_only_my_notifications(
    requester: User, line_manager: User, client_for: Any
) -> None:
    tell([line_manager], key="a")
    notify(recipients=[requester], key="b", subject="Secret to Riya", body="x")

    page = client_for(line_manager).get("/notifications/").content.decode()

    assert "A request needs your decision" in page
    assert "Secret to Riya" not in page


@pytest.mark.django_db
def test_a_notification_claimed_by_another_worker_is_left_to_it_until_the_claim_expires(
    line_manager: User,
) -> None:
    import datetime

    from django.utils import timezone

    tell([line_manager])
    Notification.objects.update(claimed_until=timezone.now() + datetime.timedelta(minutes=5))

    assert notifications_deliver_pending() == 0
    Notification.objects.update(claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    assert notifications_deliver_pending() == 1
    assert Notification.objects.get().claimed_until is None


@pytest.mark.django_db
def test_a_refused_mail_in_a_batch_is_retried_and_the_others_are_sent_and_marked(
    requester: User, line_manager: User, communications: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("a", "b", "c"):
        tell([requester, line_manager, communications], key=key)
    from django.core.mail.backends.locmem import EmailBackend

    send = EmailBackend.send_messages

    def refuse_the_manager(self: EmailBackend, messages: Any) -> int:
        if any("manager@council.example" in message.to for message in messages):
            raise smtplib.SMTPRecipientsRefused({})
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_the_manager)
    assert notifications_deliver_pending(batch_size=4) == 6

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        ["requester@council.example", "comms@council.example"] * 3
    )
    refused = Notification.objects.filter(recipient=line_manager)
    assert {(n.sent_at, n.attempts, n.claimed_until) for n in refused} == {(None, 1, None)}
    assert all(n.next_attempt_at for n in refused)
    sent = Notification.objects.exclude(recipient=line_manager)
    assert all(n.sent_at and n.claimed_until is None for n in sent)


@pytest.mark.django_db
def test_a_batch_of_mail_costs_the_same_queries_however_many_it_holds(
    requester: User, line_manager: User, django_assert_max_num_queries: Any
) -> None:
    for index in range(40):
        tell([requester, line_manager], key=f"thing:{index}")

    # Claim, mark claimed, mark sent; then a claim that finds nothing, and the savepoints.
    with django_assert_max_num_queries(8):
        assert notifications_deliver_pending() == 80
    assert len(mail.outbox) == 80
