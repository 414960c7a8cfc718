"""Policy versions and the declarations moderators sign (SPEC DEC-1 to DEC-4).

A published version is frozen: its text and statements never change again and their SHA-256
is stored. A declaration keeps who signed which version, that version's hash, when, the name
they typed, and the day it lapses; the portal never edits what was signed.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class VersionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class PolicyVersion(models.Model):
    title = models.CharField(max_length=200)
    version = models.CharField(max_length=20)
    effective_on = models.DateField("effective date", null=True, blank=True)
    review_due_on = models.DateField("review due date", null=True, blank=True)
    text = models.TextField("policy text (Markdown)")
    statements = models.JSONField("statements a moderator affirms", default=list)
    state = models.CharField(
        max_length=20, choices=VersionState.choices, default=VersionState.DRAFT, db_index=True
    )
    content_hash = models.CharField("SHA-256 of the text and statements", max_length=64, blank=True)
    requires_reacknowledgement = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state="published"),
                name="one_published_policy_version",
            ),
            models.UniqueConstraint(fields=["version"], name="policy_version_numbers_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title}, version {self.version}"


class Question(models.Model):
    """A question asked before signing (DEC-2 "understanding, not just a tick"); frozen with
    its version. A wrong answer points at the clause to reread."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField("question", max_length=300)
    correct_answer = models.CharField(max_length=200)
    wrong_answers = models.JSONField(default=list)
    clause = models.CharField("section to reread", max_length=200)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class Declaration(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations"
    )
    version = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="declarations"
    )
    # A paper declaration signed before the portal (moderators carried over from the old
    # register) has no version, hash or code: it stands until it lapses.
    on_paper = models.BooleanField(default=False)
    content_hash = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    typed_name = models.CharField(max_length=150, blank=True)
    statements = models.JSONField(default=list)
    questions_answered = models.BooleanField(default=False)
    verification_code = models.CharField(max_length=40, blank=True, db_index=True)
    lapses_on = models.DateField(db_index=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    lapsed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_live_declaration_per_person",
            )
        ]
        indexes = [models.Index(fields=["person", "lapses_on"])]

    def __str__(self) -> str:
        return f"{self.person} signed {self.version or 'on paper'}"

    def is_current(self, today: datetime.date | None = None) -> bool:
        return self.lapses_on > (today or timezone.localdate())
