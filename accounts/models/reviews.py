"""Reviews of official accounts by their moderators (SPEC REG-5; MSM 5.12, MDM 8.9, MEL 6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReviewOutcome(models.TextChoices):
    KEEP = "keep", "Keep the account open"
    CLOSE = "close", "Close this account"


class AccountReview(models.Model):
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_reviews"
    )
    reviewed_on = models.DateField()
    found_inappropriate = models.BooleanField("inappropriate content was found")
    content_removed = models.BooleanField("the content was removed", default=False)
    reported_to_platform = models.BooleanField("reported to the platform", default=False)
    notes = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.account} on {self.reviewed_on}"
