from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone

from governance.models import Event, Notification, User

logger = logging.getLogger(__name__)

# A mail server can be down for hours. After each failed send the next try waits twice as long
# (2, 4, 8 ... minutes, then every hour), so sweeps every minute do not use up the tries; an
# e-mail still failing three days after the notification was written is given up and logged.
RETRY_FOR = datetime.timedelta(days=3)
LONGEST_WAIT = datetime.timedelta(hours=1)


def notify(
    *,
    recipients: Iterable[User | None],
    key: str,
    subject: str,
    body: str,
    url: str = "",
    event: Event | None = None,
    now: datetime.datetime | None = None,
) -> None:
    """Tell people about something, in the portal now and by email after commit.

    Call inside the transaction that makes the change. A person who already holds a
    notification with this key is not told again.
    """
    rows = notification_rows(
        reachable(recipients),
        key=key,
        subject=subject,
        body=body,
        url=url,
        event=event,
        now=now or timezone.now(),
    )
    if not rows:
        return
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(enqueue_delivery)


def reachable(recipients: Iterable[User | None]) -> list[User]:
    """The people a notification may go to, each once: nobody who cannot sign in or has
    left."""
    people = {person.pk: person for person in recipients if person is not None}
    return [person for person in people.values() if person.is_active and not person.has_left]


def notification_rows(
    people: Iterable[User],
    *,
    key: str,
    subject: str,
    body: str,
    url: str,
    event: Event | None,
    now: datetime.datetime,
) -> list[Notification]:
    return [
        Notification(
            recipient=person,
            key=key,
            event=event,
            subject=subject,
            body=body,
            url=url,
            created_at=now,
        )
        for person in people
    ]


def held(keys: Iterable[str], *, chunk: int = 5000) -> set[tuple[int, str]]:
    """(recipient id, key) of every notification already written with one of these keys: a
    sweep asks once, then renders only what is new."""
    wanted = list(dict.fromkeys(keys))
    found: set[tuple[int, str]] = set()
    for start in range(0, len(wanted), chunk):
        found.update(
            Notification.objects.filter(key__in=wanted[start : start + chunk])
            .order_by()
            .values_list("recipient_id", "key")
        )
    return found


def enqueue_delivery() -> None:
    """Ask a worker to send pending email now; the beat sweep catches up if this fails."""
    from governance.tasks import deliver_pending_notifications

    try:
        deliver_pending_notifications.apply_async(retry=False)
    except Exception:  # the broker being down must not undo or fail the user's change
        logger.warning("Could not reach the broker; the scheduled sweep will send the email.")


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """A plain-text template, without HTML escaping: "O'Brien" stays "O'Brien"."""
    template = get_template(template_name).template  # type: ignore[attr-defined]
    return str(template.render(Context(context, autoescape=False))).strip()


def mail_subject(subject: str) -> str:
    """The portal's name before the subject, on one line: a line break in a subject (an account
    named before forms refused them) would make Django refuse the e-mail."""
    return " ".join(f"[{settings.SERVICE_NAME}] {subject}".split())


FRAME = "governance/email/frame.txt"


def _message(notification: Notification, frame: Any | None = None) -> EmailMessage:
    """The e-mail for a notification; ``frame``, the compiled frame template, is passed in by a
    sweep that renders many, so that it is looked up once."""
    recipient = notification.recipient
    frame = frame or get_template(FRAME).template  # type: ignore[attr-defined]
    # The greeting, the link and the signature around every notification's own words.
    body = str(
        frame.render(
            Context(
                {
                    "recipient": recipient,
                    "body": notification.body.strip(),
                    "url": notification.absolute_url if notification.url else "",
                    "council_name": settings.COUNCIL_NAME,
                    "service_name": settings.SERVICE_NAME,
                    "site_url": settings.SITE_URL,
                },
                autoescape=False,
            )
        )
    ).strip()
    return EmailMessage(
        subject=mail_subject(notification.subject), body=body + "\n", to=[recipient.email]
    )


CLAIM = datetime.timedelta(minutes=5)


def retry_wait(attempts: int) -> datetime.timedelta:
    """How long to wait before the next try, after this many failed ones."""
    return min(datetime.timedelta(minutes=2 ** min(attempts, 6)), LONGEST_WAIT)


def _claim(batch_size: int, after: int, now: datetime.datetime) -> list[Notification]:
    """Take a batch for this worker in a short transaction; the e-mail goes out after it. Rows
    another worker holds locked are skipped, not waited for."""
    with transaction.atomic():
        batch = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(sent_at__isnull=True, gave_up_at__isnull=True, pk__gt=after)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("id")[:batch_size]
        )
        if batch:
            Notification.objects.filter(pk__in=[item.pk for item in batch]).update(
                claimed_until=now + CLAIM
            )
    return batch


def _record_failure(notification: Notification, error: Exception) -> None:
    """Schedule the next try, or give the e-mail up once it has been failing for too long."""
    now = timezone.now()
    attempts = notification.attempts + 1
    give_up = now - notification.created_at >= RETRY_FOR
    next_attempt_at = None if give_up else now + retry_wait(attempts)
    Notification.objects.filter(pk=notification.pk).update(
        attempts=F("attempts") + 1,
        last_error=str(error)[:2000],
        claimed_until=None,
        next_attempt_at=next_attempt_at,
        gave_up_at=now if give_up else None,
    )
    if next_attempt_at is None:
        logger.error(
            "Gave up e-mailing notification %s (%r) to %s after %s tries since %s: %s",
            notification.pk,
            notification.subject,
            notification.recipient.email,
            attempts,
            notification.created_at.isoformat(),
            error,
        )
    else:
        logger.warning(
            "Could not e-mail notification %s (try %s); trying again after %s: %s",
            notification.pk,
            attempts,
            next_attempt_at.isoformat(),
            error,
        )


def _open(connection: Any) -> None:
    """Open the connection for the batch, so it is not opened and closed for each e-mail; a
    server that refuses is found, and recorded, by each send."""
    with contextlib.suppress(Exception):
        connection.open()


def _send_batch(batch: list[Notification], connection: Any, frame: Any, sent: list[int]) -> None:
    """Send each e-mail over the one open connection, adding the ids that went to ``sent``. A
    refused one is scheduled for another try and the rest still go (over a fresh connection, in
    case the fault was the connection's)."""
    for notification in batch:
        try:
            connection.send_messages([_message(notification, frame)])
        except Exception as error:  # a mail server fault: try again later
            _record_failure(notification, error)
            connection.close()
            _open(connection)
            continue
        sent.append(notification.pk)


def notifications_deliver_pending(*, batch_size: int = 200) -> int:
    """Send every notification not yet e-mailed whose next try is due; return how many went out.

    A batch is claimed for a few minutes before sending, so two workers never send the same
    one, and no database lock is held while the mail server is slow. The batch goes over one
    connection to the mail server and is marked sent in one update, only the e-mails that went.
    A worker that dies mid-batch leaves its claims to expire, and the next sweep sends them. A
    failed send waits longer each time (``retry_wait``) and is given up after ``RETRY_FOR``.
    """
    sent = 0
    after = 0  # batches are claimed in id order: each after the last, so none is tried twice
    frame = get_template(FRAME).template  # type: ignore[attr-defined]
    connection = None
    try:
        while batch := _claim(batch_size, after, timezone.now()):
            after = batch[-1].pk
            if connection is None:
                connection = get_connection()
                _open(connection)
            went: list[int] = []
            try:
                _send_batch(batch, connection, frame, went)
            finally:
                # What went is marked even if something failed part-way through the batch.
                if went:
                    Notification.objects.filter(pk__in=went).update(
                        sent_at=timezone.now(), claimed_until=None
                    )
            sent += len(went)
    finally:
        if connection is not None:
            connection.close()
    return sent
