"""Writing the event log, checking it, and the signed checkpoints that are kept outside it.

Every row is chained by SHA-256 and sealed with an HMAC keyed outside the database
(``governance.models.events``). What a seal cannot show is that the newest rows were removed
and the chain head wound back: the remaining chain is still whole. So the portal signs a
checkpoint (the newest event's number, hash and seal, how many events there are, and when) and
e-mails it to the auditors every day; ``manage.py verify_events --checkpoint FILE`` then proves
that the log still holds everything the checkpoint saw.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from governance import roles
from governance.emails import render_email
from governance.formatting import date_and_time, long_date
from governance.models import Event, EventChainHead, User
from governance.models.events import GENESIS_HASH, GENESIS_MAC, derived_key
from governance.services.notifications import mail_subject, notify

logger = logging.getLogger(__name__)


def event_record(
    *,
    actor: User | None,
    action: str,
    subject: models.Model,
    summary: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    now: datetime.datetime | None = None,
) -> Event:
    """Append one row to the event log, chained and sealed to the row before it."""
    with transaction.atomic():
        head, _ = EventChainHead.objects.select_for_update().get_or_create(pk=1)
        event = Event(
            seq=head.seq + 1,
            occurred_at=now or timezone.now(),
            actor=actor,
            action=action,
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            summary=summary[:300],
            reason=reason,
            data=data or {},
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.mac = event.compute_mac(head.last_mac)
        event.save()
        head.seq = event.seq
        head.last_hash = event.hash
        head.last_mac = event.mac
        head.save(update_fields=["seq", "last_hash", "last_mac"])
    return event


def events_verify_chain(*, batch_size: int = 2000) -> list[str]:
    """Return a description of each break in the chain; an empty list means it is intact.

    A row whose content no longer gives its hash was edited. A row whose seal is wrong was
    edited, or the chain was recomputed, by someone without ``EVENT_LOG_KEY``; every row must
    carry a seal, so nobody can turn sealed rows into unsealed ones. Newest rows removed
    together with the chain head are only found against a checkpoint
    (``events_verify_checkpoint``).
    """
    problems: list[str] = []
    expected_prev = GENESIS_HASH
    expected_prev_mac = GENESIS_MAC
    expected_seq = 1
    last: Event | None = None
    sealed = 0
    for event in Event.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            problems.append(f"Event #{expected_seq} to #{event.seq - 1} are missing.")
        if event.prev_hash != expected_prev:
            problems.append(f"Event #{event.seq} does not follow the event before it.")
        if event.compute_hash() != event.hash:
            problems.append(f"Event #{event.seq} was changed after it was written.")
        if not event.mac:
            problems.append(f"Event #{event.seq} has no seal: its seal was removed.")
        elif not hmac.compare_digest(event.compute_mac(expected_prev_mac), event.mac):
            problems.append(
                f"Event #{event.seq} does not carry the portal's seal: it was changed, or the "
                "log was rewritten, by someone without the event log key."
            )
        else:
            sealed += 1
        expected_prev = event.hash
        expected_prev_mac = event.mac
        expected_seq = event.seq + 1
        last = event
    if last is not None and not sealed:
        # Said first: it explains every line after it.
        problems.insert(
            0,
            "No event carries a seal made with this EVENT_LOG_KEY: the whole log was rewritten, "
            "or the portal runs with a different key from the one that sealed it.",
        )
    head = EventChainHead.objects.filter(pk=1).first()
    if head and last is not None:
        if head.seq != last.seq:
            problems.append(f"The newest events after #{last.seq} were removed.")
        elif head.last_hash != last.hash or head.last_mac != last.mac:
            problems.append(f"The chain head does not match the newest event, #{last.seq}.")
    elif head and head.seq:
        problems.append(f"All {head.seq} events were removed.")
    return problems


class CheckpointInvalid(ValueError):
    """A checkpoint file that is not one, or whose signature is wrong. The message says which."""


CHECKPOINT_FIELDS = ("about", "council", "seq", "hash", "mac", "count", "taken_at")


@dataclass(frozen=True)
class Checkpoint:
    """What the event log held at one moment, signed with a key kept outside the database."""

    council: str
    seq: int
    hash: str
    mac: str
    count: int
    taken_at: datetime.datetime

    @property
    def when(self) -> str:
        return date_and_time(self.taken_at)

    @property
    def filename(self) -> str:
        day = timezone.localtime(self.taken_at).strftime("%Y-%m-%d-%H%M")
        return f"event-log-checkpoint-{day}-event-{self.seq}.json"

    def content(self) -> dict[str, Any]:
        return {
            "about": f"Event log checkpoint of the {settings.SERVICE_NAME} portal",
            "council": self.council,
            "seq": self.seq,
            "hash": self.hash,
            "mac": self.mac,
            "count": self.count,
            "taken_at": self.taken_at.astimezone(datetime.UTC).isoformat(),
        }

    def signature(self) -> str:
        return _sign(self.content())

    def document(self) -> str:
        """The checkpoint as a small JSON document, signature included, for people to keep."""
        return json.dumps({**self.content(), "signature": self.signature()}, indent=2) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint document and check its signature, or raise CheckpointInvalid."""
        try:
            document = json.loads(text)
        except ValueError:
            raise CheckpointInvalid("This file is not an event log checkpoint.") from None
        if not isinstance(document, dict) or not set(CHECKPOINT_FIELDS) <= document.keys():
            raise CheckpointInvalid("This file is not an event log checkpoint.")
        content = {name: document[name] for name in CHECKPOINT_FIELDS}
        signature = document.get("signature")
        if not isinstance(signature, str) or not hmac.compare_digest(_sign(content), signature):
            raise CheckpointInvalid(
                "The checkpoint's signature is wrong: it was changed after the portal signed "
                "it, or it was not signed with this portal's EVENT_LOG_KEY."
            )
        try:
            return cls(
                council=str(content["council"]),
                seq=int(content["seq"]),
                hash=str(content["hash"]),
                mac=str(content["mac"]),
                count=int(content["count"]),
                taken_at=datetime.datetime.fromisoformat(content["taken_at"]),
            )
        except (TypeError, ValueError):
            raise CheckpointInvalid("This file is not an event log checkpoint.") from None


def _sign(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hmac.new(derived_key("event-checkpoint"), canonical.encode(), hashlib.sha256).hexdigest()


def events_checkpoint(
    *, now: datetime.datetime | None = None, until: datetime.datetime | None = None
) -> Checkpoint:
    """A signed checkpoint of the event log as it stands now, or as it stood at ``until`` (the
    events that had happened by then: a compliance statement for a past date)."""
    events = Event.objects.all() if until is None else Event.objects.filter(occurred_at__lt=until)
    newest = events.order_by("-seq").only("seq", "hash", "mac").first()
    if newest is None:
        seq, event_hash, mac, count = 0, GENESIS_HASH, GENESIS_MAC, 0
    else:
        seq, event_hash, mac = newest.seq, newest.hash, newest.mac
        # Counted up to the newest event read, not past events written since.
        count = Event.objects.filter(seq__lte=seq).count()
    return Checkpoint(
        council=settings.COUNCIL_NAME,
        seq=seq,
        hash=event_hash,
        mac=mac,
        count=count,
        taken_at=now or timezone.now(),
    )


def events_verify_checkpoint(checkpoint: Checkpoint) -> list[str]:
    """What is wrong with the log against a checkpoint whose signature was already checked."""
    problems: list[str] = []
    of = f"the checkpoint of {checkpoint.when}"
    newest = Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    if newest < checkpoint.seq:
        problems.append(
            f"The log has {Event.objects.count()} events but {of} says {checkpoint.count} were "
            f"written: events were removed (the newest is #{newest}, the checkpoint saw "
            f"#{checkpoint.seq})."
        )
        return problems
    if checkpoint.seq:
        event = Event.objects.filter(seq=checkpoint.seq).only("hash", "mac").first()
        if event is None:
            problems.append(f"Event #{checkpoint.seq}, which {of} saw, was removed.")
        elif event.hash != checkpoint.hash or not hmac.compare_digest(event.mac, checkpoint.mac):
            problems.append(
                f"Event #{checkpoint.seq} is not the event {of} saw: the log was rewritten."
            )
    up_to = Event.objects.filter(seq__lte=checkpoint.seq).count()
    if up_to < checkpoint.count:
        problems.append(
            f"The log has {up_to} events up to #{checkpoint.seq} but {of} says "
            f"{checkpoint.count} were written: events were removed."
        )
    elif up_to > checkpoint.count:
        problems.append(
            f"The log has {up_to} events up to #{checkpoint.seq} but {of} says "
            f"{checkpoint.count} were written: events were added."
        )
    return problems


def auditors() -> models.QuerySet[User]:
    return User.objects.filter(groups__name=roles.AUDITOR, is_active=True)


CHECKPOINT_TEMPLATE = "governance/email/checkpoint.txt"
# How long the "already e-mailed today" mark is kept: past the end of the day it is about.
CHECKPOINT_MAILED_FOR = int(datetime.timedelta(days=2).total_seconds())


def events_checkpoint_publish(*, now: datetime.datetime | None = None) -> Checkpoint:
    """Send today's checkpoint where the database cannot reach it, once a day at most.

    It is e-mailed straight to ``EVENT_CHECKPOINT_RECIPIENTS`` (the auditors' own mailbox):
    that e-mail depends on no row in the database, which someone who can write to it could
    change (removing the auditors from their group, marking the day's notifications as sent,
    writing tomorrow's in advance). Each member of the Auditor group is also told in the
    portal. A second run that day, or a second worker, sends nothing again: the notifications
    are keyed by the date, and the direct e-mail by a mark in the shared cache.
    """
    now = now or timezone.now()
    checkpoint = events_checkpoint(now=now)
    day = timezone.localdate(now)
    subject, body = render_email(
        CHECKPOINT_TEMPLATE,
        {"checkpoint": checkpoint, "document": checkpoint.document(), "day": long_date(day)},
    )
    with transaction.atomic():
        notify(
            recipients=auditors(),
            key=f"event-checkpoint:{day.isoformat()}",
            subject=subject,
            body=body,
            url=reverse("event_checkpoint"),
            now=now,
        )
    _mail_checkpoint(checkpoint, day=day, subject=subject, body=body)
    return checkpoint


def _mail_checkpoint(
    checkpoint: Checkpoint, *, day: datetime.date, subject: str, body: str
) -> None:
    recipients = settings.EVENT_CHECKPOINT_RECIPIENTS
    if not recipients:
        logger.warning(
            "EVENT_CHECKPOINT_RECIPIENTS is not set: the event log checkpoint of %s was only "
            "sent to the Auditor group through the portal.",
            day.isoformat(),
        )
        return
    # cache.add is atomic in Redis: of two runs, or two workers, only one sets the mark.
    mark = f"event-checkpoint-mailed:{day.isoformat()}"
    if not cache.add(mark, checkpoint.seq, timeout=CHECKPOINT_MAILED_FOR):
        return
    message = EmailMessage(
        subject=mail_subject(subject),
        body=body + "\n",
        to=recipients,
    )
    message.attach(checkpoint.filename, checkpoint.document(), "application/json")
    try:
        message.send()
    except Exception:
        # Unmarked, so that the task's retry (or a run by hand) sends it.
        cache.delete(mark)
        raise
