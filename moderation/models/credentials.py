"""Moderator assignments (SPEC MOD-1): who may post on which official account, and since when;
their password changes, lost devices and credential tasks (MOD-2 to MOD-5)."""

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


class PasswordChangeReason(models.TextChoices):
    ROUTINE = "routine", "Routine change"
    MODERATOR_LEFT = "moderator_left", "A moderator stopped or left"
    LOST_DEVICE = "lost_device", "A device was lost or stolen"
    COMPROMISE = "compromise", "Suspected compromise"
    OTHER = "other", "Another reason"
    BEFORE_PORTAL = "before_portal", "Recorded before the portal"


class PasswordChange(models.Model):
    """That an account's password was changed, when and why (MOD-3). Never the password: the
    account's "password last changed" is the latest of these."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="password_changes"
    )
    changed_on = models.DateField()
    reason = models.CharField(max_length=20, choices=PasswordChangeReason.choices)
    details = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_on", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["account", "changed_on"], name="password_change_latest")]

    def __str__(self) -> str:
        return f"{self.account} password changed on {self.changed_on}"


class DeviceKind(models.TextChoices):
    PHONE = "phone", "Mobile phone"
    TABLET = "tablet", "Tablet"
    LAPTOP = "laptop", "Laptop or computer"
    OTHER = "other", "Something else"


class DeviceLoss(models.TextChoices):
    LOST = "lost", "Lost"
    STOLEN = "stolen", "Stolen"


class ReportState(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class DeviceReport(models.Model):
    """A lost or stolen device that could open council accounts (MOD-4, MSM 5.18, MDM 10.3).
    It stays open until every task it raised is done."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="device_reports"
    )
    device_kind = models.CharField("device", max_length=20, choices=DeviceKind.choices)
    device_description = models.CharField(max_length=100, blank=True)
    loss = models.CharField("lost or stolen", max_length=10, choices=DeviceLoss.choices)
    lost_on = models.DateField("when it went missing")
    held_second_factor = models.BooleanField(default=False)
    held_recovery_phone = models.BooleanField(default=False)
    accounts = models.ManyToManyField("accounts.Account", blank=True, related_name="+")
    state = models.CharField(
        max_length=10, choices=ReportState.choices, default=ReportState.OPEN, db_index=True
    )
    reported_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The token of the journey that sent it: the same answers sent twice make one report.
    started_with = models.CharField(max_length=32, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "started_with"],
                condition=~models.Q(started_with=""),
                name="one_device_report_per_journey",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_device_kind_display()} {self.get_loss_display().lower()} ({self.pk})"

    @property
    def reference(self) -> str:
        return f"LD-{self.pk:05d}"

    @property
    def device_name(self) -> str:
        kind = self.get_device_kind_display().lower()
        return f"{kind} ({self.device_description})" if self.device_description else kind


class TaskKind(models.TextChoices):
    ROTATE = "rotate", "Change the password"
    REMOVE_ACCESS = "remove_access", "Remove their access"
    SIGN_OUT = "sign_out", "Sign the device out"
    CUSTODY = "custody", "Hand over custody"


class TaskCause(models.TextChoices):
    ASSIGNMENT_ENDED = "assignment_ended", "A moderator stopped"
    SUSPENDED = "suspended", "A moderator was suspended"
    LEAVER = "leaver", "Someone left the council"
    LOST_DEVICE = "lost_device", "A device was lost or stolen"
    COMPROMISE = "compromise", "Suspected compromise"


class TaskState(models.TextChoices):
    OPEN = "open", "To do"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "No longer needed"


class CredentialTask(models.Model):
    """Something Communications or the account's moderators must do at the platform after a
    moderator stops, a device is lost or a compromise is suspected (MOD-5)."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="credential_tasks"
    )
    kind = models.CharField(max_length=20, choices=TaskKind.choices)
    cause = models.CharField(max_length=20, choices=TaskCause.choices)
    # Whose access, device or custody it is about.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(
        ModeratorAssignment, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    device_report = models.ForeignKey(
        DeviceReport, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(max_length=300)
    why = models.CharField(max_length=300)
    state = models.CharField(
        max_length=10, choices=TaskState.choices, default=TaskState.OPEN, db_index=True
    )
    raised_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    # What makes two tasks the same one: only one open task per key.
    key = models.CharField(max_length=120)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_note = models.CharField(max_length=300, blank=True)
    password_change = models.ForeignKey(
        PasswordChange, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    # The staff incident report that raised it (a compromised account, INC-1).
    incident = models.ForeignKey(
        "Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "raised_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(state="open"),
                name="one_open_credential_task_per_key",
            )
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="credential_task_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"CT-{self.pk:05d}"

    @property
    def is_overdue(self) -> bool:
        return self.state == TaskState.OPEN and self.due_on < timezone.localdate()
