"""The event log: one row for every state change (SPEC AUD-2).

Rows are append-only and chained: each carries the SHA-256 of its own content and of the row
before it, so that editing or removing a row in the database breaks the chain, which
``manage.py verify_events`` reports. simple-history keeps field-level history beside this; the
event log records who did what and why.

A SHA-256 chain alone does not stop someone who can write to the database: they can edit a row
and recompute every later hash. So each row also carries a seal (``mac``), an HMAC of the
previous row's seal and this row's hash, keyed with ``settings.EVENT_LOG_KEY``, which lives in the
environment and never in the database. Removing the newest rows and winding the chain head back
leaves a chain that still verifies; signed checkpoints kept outside the database catch that
(``governance.services.events``).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

GENESIS_HASH = "0" * 64
# The seal of the first row is made over this "previous seal", as its hash is over GENESIS_HASH.
GENESIS_MAC = "0" * 64


def derived_key(purpose: str) -> bytes:
    """A key for one purpose, so an event seal can never pass for a checkpoint signature."""
    return hmac.new(settings.EVENT_LOG_KEY.encode(), purpose.encode(), hashlib.sha256).digest()


def event_seal(prev_mac: str, event_hash: str) -> str:
    """The HMAC that chains a row to the one before it (the migration 0005 copy must match)."""
    message = f"{prev_mac}:{event_hash}".encode()
    return hmac.new(derived_key("event-seal"), message, hashlib.sha256).hexdigest()


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("The event log is append-only.")

    def delete(self) -> NoReturn:
        raise TypeError("The event log is append-only.")

    def for_subject(self, obj: models.Model) -> EventQuerySet:
        return self.filter(subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk)


class Event(models.Model):
    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the portal's own scheduled work.",
    )
    action = models.CharField(max_length=80, db_index=True)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    summary = models.CharField(max_length=300)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)
    mac = models.CharField(
        "seal",
        max_length=64,
        blank=True,
        editable=False,
        help_text="HMAC of the previous seal and this row's hash, keyed outside the database.",
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("The event log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("The event log is append-only.")

    def content(self) -> dict[str, Any]:
        """Everything the hash covers, in a stable form."""
        return {
            "seq": self.seq,
            "occurred_at": self.occurred_at.astimezone(datetime.UTC).isoformat(),
            "actor": self.actor_id,
            "action": self.action,
            "subject": [self.subject_type_id, self.subject_id],
            "summary": self.summary,
            "reason": self.reason,
            "data": self.data,
            "prev": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(self.content(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def compute_mac(self, prev_mac: str) -> str:
        return event_seal(prev_mac, self.hash)


class EventChainHead(models.Model):
    """One row, locked by each writer so that events are numbered and chained in order."""

    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    last_mac = models.CharField(max_length=64, default=GENESIS_MAC)

    def __str__(self) -> str:
        return f"event chain at #{self.seq}"
