"""Notifications: what the portal tells a person, in the portal and by email (SPEC REM-2/3).

A notification is written in the same transaction as the change that causes it. Its ``key``
names what it is about (``request:12:step:30:decided``, ``review:4:2026-05-01:overdue``), and a
person holds at most one notification per key, so a job that runs twice, or on two workers at
once, tells nobody anything twice. Email goes out after commit; ``sent_at`` stays empty until
it has, so a sweep catches up after the broker or the mail server was down. A failed send is
tried again later and later, and given up (``gave_up_at``) three days after the notification
was written.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=200)
    event = models.ForeignKey(
        "governance.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A worker sending this e-mail holds it until then; after that another may try.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # After a failed send, nobody tries again before this (the wait doubles, up to an hour).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set when the e-mail is given up for good; the notification stays in the portal.
    gave_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_key")
        ]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(sent_at__isnull=True), name="notification_unsent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"

    @property
    def absolute_url(self) -> str:
        return f"{settings.SITE_URL}{self.url}" if self.url else settings.SITE_URL
