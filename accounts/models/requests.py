"""Requests for new official accounts and their approval steps (SPEC REQ-1 to REQ-6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models.platforms import Platform, platform_label
from governance.models import StepKind


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for a decision"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class FacebookPurpose(models.TextChoices):
    """MEL Procedure 3: Facebook pages are for these, never for the council as a whole."""

    EVENT = "event", "An event"
    ACTIVITY = "activity", "An activity"
    PROJECT = "project", "A project"
    GROUP = "group", "An established group"
    WHOLE_COUNCIL = "whole_council", "The council as a whole"


class AccountRequest(models.Model):
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_requests"
    )
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT, db_index=True
    )
    # Bumped on each submission; a resubmitted request starts a new round of steps.
    round = models.PositiveSmallIntegerField(default=0)

    platform = models.CharField(max_length=20, choices=Platform.choices, blank=True)
    platform_other = models.CharField("name of the platform", max_length=100, blank=True)
    proposed_name = models.CharField("name of the account", max_length=150, blank=True)
    proposed_handle = models.CharField("handle or web address", max_length=100, blank=True)
    service_area = models.ForeignKey(
        "governance.ServiceArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account_requests",
    )

    # The business case (TW "Starting a Social Media Network?").
    purpose_audience = models.TextField("what it will communicate and to whom", blank=True)
    aims = models.TextField("its aims and why this platform", blank=True)
    other_channels = models.TextField("other channels that will support it", blank=True)
    update_frequency = models.TextField(
        "how often it will be updated and checked each day", blank=True
    )
    record_keeping = models.TextField("how records of what is posted will be kept", blank=True)
    backup_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="backup_for_requests",
        help_text="Officers who can edit the account during sickness or leave.",
    )

    # Derby's prerequisites (REQ-2).
    budget_code = models.CharField(
        "budget code for the management-platform licence", max_length=50, blank=True
    )
    training_completed_on = models.DateField(
        "date you completed the data protection e-learning", null=True, blank=True
    )
    training_evidence = models.FileField(
        "evidence of the data protection e-learning",
        upload_to="evidence/training/",
        blank=True,
    )
    training_evidence_sha256 = models.CharField(max_length=64, blank=True)

    # Melton's rule (REQ-4).
    facebook_purpose = models.CharField(
        "what the Facebook page is for", max_length=20, choices=FacebookPurpose.choices, blank=True
    )
    facebook_purpose_name = models.CharField(
        "name of the event, activity, project or group", max_length=150, blank=True
    )

    # An account found outside the process (REG-4) that this request brings through it.
    regularises = models.ForeignKey(
        "accounts.Account",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regularisation_requests",
    )

    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The token of the "new request" page it was started from: the same page sent twice (a
    # double click, the back button, two tabs) continues this draft instead of starting another.
    started_with = models.UUIDField(null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[backup_officers])

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "started_with"], name="one_draft_per_new_request_page"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return self.reference_of(self.pk) if self.pk else "New request"

    @staticmethod
    def reference_of(pk: int) -> str:
        """The reference of the request with this key, without reading it."""
        return f"REQ-{pk:05d}"

    @property
    def platform_name(self) -> str:
        return platform_label(self.platform, self.platform_other) if self.platform else ""

    @property
    def title(self) -> str:
        name = self.proposed_name or "Untitled account"
        return f"{self.platform_name} account '{name}'" if self.platform else name

    @property
    def is_open(self) -> bool:
        return self.status in {RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.RETURNED}

    @property
    def is_editable(self) -> bool:
        return self.status in {RequestStatus.DRAFT, RequestStatus.RETURNED}


class StepStatus(models.TextChoices):
    WAITING = "waiting", "Not reached yet"
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RETURNED = "returned", "Returned for changes"
    CANCELLED = "cancelled", "Not needed"


class ApprovalStep(models.Model):
    """One approver's step in one round of a request's chain."""

    request = models.ForeignKey(AccountRequest, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    status = models.CharField(
        max_length=20, choices=StepStatus.choices, default=StepStatus.WAITING, db_index=True
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_steps",
    )
    comment = models.TextField(blank=True)
    branding_confirmed = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "round", "position"], name="one_step_per_place"
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status="pending"),
                name="one_pending_step_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} {self.get_kind_display()} (round {self.round})"
