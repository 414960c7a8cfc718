"""Moderator assignments (SPEC MOD-1): who may post on which official account, and since when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class AssignmentState(models.TextChoices):
    AWAITING_DECLARATION = "awaiting_declaration", "Awaiting declaration"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    ENDED = "ended", "Ended"


class ModeratorAssignment(models.Model):
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="assignments"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    state = models.CharField(
        max_length=30,
        choices=AssignmentState.choices,
        default=AssignmentState.AWAITING_DECLARATION,
        db_index=True,
    )
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["account", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "person"],
                condition=~models.Q(state="ended"),
                name="one_open_assignment_per_person_and_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.account} ({self.get_state_display()})"
