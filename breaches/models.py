"""Breach records (SPEC HR-1 to HR-3; MSM 8.1, MDM 12.1, MEL Policy 9): what HR keeps about a
breach of the social media policy by a member of staff.

Only HR reads these (breaches/rules.py). Every link from here to other records is one-way
(``related_name="+"``), so no other app can reach a breach record through the records it owns,
and nothing outside this app imports it (the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class BreachState(models.TextChoices):
    RECEIVED = "received", "Concern received"
    INVESTIGATING = "investigating", "Being looked into"
    CLOSED = "closed", "Closed"


class BreachOutcome(models.TextChoices):
    """MSM 8.1, MDM 12.1, MEL Policy 9: from no action to dismissal, civil or criminal action."""

    NO_ACTION = "no_action", "No action"
    INFORMAL = "informal", "Informal action"
    FORMAL_WARNING = "formal_warning", "Formal warning"
    FINAL_WARNING = "final_warning", "Final warning"
    DISMISSAL = "dismissal", "Dismissal"
    CIVIL = "civil_referral", "Referred for civil action"
    CRIMINAL = "criminal_referral", "Referred to the police"


class BreachRecord(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what_happened = models.TextField("what happened")
    policy_version = models.ForeignKey(
        "declarations.PolicyVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="policy version",
    )
    clauses = models.CharField("which clauses", max_length=200, blank=True)
    incident = models.ForeignKey(
        "moderation.Incident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="linked incident",
    )
    abuse_case = models.ForeignKey(
        "moderation.AbuseCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="linked public abuse case",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Raised by a line manager or Communications, rather than recorded by HR itself.
    raised_as_concern = models.BooleanField(default=False)
    hr_case_reference = models.CharField("HR case reference", max_length=50, blank=True)
    state = models.CharField(
        max_length=15, choices=BreachState.choices, default=BreachState.RECEIVED, db_index=True
    )
    outcome = models.CharField(max_length=20, choices=BreachOutcome.choices, blank=True)
    outcome_note = models.TextField("about the outcome", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="closed") | ~models.Q(outcome=""),
                name="closed_breach_has_outcome",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"BR-{self.pk:05d}"


class ReadKind(models.TextChoices):
    RECORD = "record", "Breach record"
    HISTORY = "history", "A person's breach history"


class BreachRead(models.Model):
    """Who read a breach record or a person's breach history, and when (HR-2). Kept here, not
    in the event log, because who looked at whose history is itself for HR only."""

    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=10, choices=ReadKind.choices)
    record = models.ForeignKey(
        BreachRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="reads"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-read_at", "-id"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.get_kind_display()} read at {self.read_at:%Y-%m-%d %H:%M}"
