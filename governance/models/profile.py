"""The policy profile: the one place that holds a council's choices (SPEC ORG-4).

There is one profile row. An administrator picks a preset taken from one of the councils'
policies (governance.presets) and may then adjust single values; every later capability reads
its rules from here instead of hard-coding one council's policy.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class Preset(models.TextChoices):
    MANCHESTER = "manchester", "Manchester City Council"
    TELFORD = "telford", "Telford & Wrekin Council"
    MELTON = "melton", "Melton Borough Council"
    DERBY = "derby", "Derby City Council"
    CUSTOM = "custom", "Custom (adjusted by an administrator)"


class StepKind(models.TextChoices):
    """The approval steps a council's chain can contain (REQ-3), in the order they run."""

    LINE_MANAGER = "line_manager", "Line manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of Service"
    COMMUNICATIONS = "communications", "Communications"


class BusinessCaseField(models.TextChoices):
    """The questions of TW "Starting a Social Media Network?"."""

    PURPOSE_AUDIENCE = "purpose_audience", "What it will communicate and to whom"
    AIMS = "aims", "Its aims and why this platform"
    OTHER_CHANNELS = "other_channels", "Other channels that support it"
    UPDATE_FREQUENCY = "update_frequency", "How often it will be updated and checked each day"
    BACKUP_OFFICERS = "backup_officers", "Officers who can edit it during sickness or leave"
    RECORD_KEEPING = "record_keeping", "How records of what is posted will be kept"


def default_declaration_reminders() -> list[int]:
    return [30, 7, 1]


class PolicyProfile(models.Model):
    preset = models.CharField(max_length=20, choices=Preset.choices, default=Preset.MANCHESTER)
    # The council's policy the profile started from: a custom profile still answers for that
    # policy's clauses (the compliance statement quotes them).
    based_on = models.CharField(
        max_length=20,
        choices=[choice for choice in Preset.choices if choice[0] != "custom"],
        default=Preset.MANCHESTER,
    )

    # Approval chain for a new account (REQ-3). Communications always signs off last.
    require_line_manager_approval = models.BooleanField(
        "line manager approves first", default=False
    )
    require_head_of_service_approval = models.BooleanField(
        "Head of Service of the account's service area approves", default=True
    )
    required_business_case_fields = models.JSONField(
        "business case questions that must be answered", default=list
    )
    require_budget_code = models.BooleanField(
        "a budget code for the management-platform licence is required", default=False
    )
    require_data_protection_training = models.BooleanField(
        "the requester's data-protection e-learning (date and evidence) is required",
        default=False,
    )
    facebook_purpose_rule = models.BooleanField(
        "Facebook pages only for an event, activity, project or established group",
        default=False,
    )
    approval_reminder_days = models.PositiveSmallIntegerField(
        "days an approval step may wait before its approver is reminded", default=5
    )

    # Declarations (DEC-4).
    declaration_interval_months = models.PositiveSmallIntegerField(
        "months before a moderator's declaration lapses", default=12
    )
    declaration_reminder_days = models.JSONField(
        "days before a declaration lapses that its moderator is reminded",
        default=default_declaration_reminders,
    )
    reacknowledgement_grace_days = models.PositiveSmallIntegerField(
        "days moderators have to sign a version that requires everyone to sign again",
        default=30,
    )
    obligations_digest_months = models.PositiveSmallIntegerField(
        "months between reminders to each moderator of what the policy asks of them",
        default=3,
    )
    ask_declaration_questions = models.BooleanField(
        "moderators answer questions about the policy before they sign", default=True
    )
    require_requester_declaration = models.BooleanField(
        "the requester must hold a current declaration before sending a request", default=False
    )
    policy_review_reminder_days = models.PositiveSmallIntegerField(
        "days before the policy's review date that the Policy owner is reminded", default=30
    )

    # Account reviews (REG-5, REM-1).
    review_cadence_months = models.PositiveSmallIntegerField(
        "months between reviews of an account", default=3
    )
    review_reminder_days = models.PositiveSmallIntegerField(
        "days before a review is due that moderators are reminded", default=14
    )
    review_escalation_days = models.PositiveSmallIntegerField(
        "days after a review is overdue that Communications is told", default=14
    )

    # Credentials (MOD-3 to MOD-5, REG-1a).
    credential_task_days = models.PositiveSmallIntegerField(
        "days to change a password or remove access after a moderator stops", default=5
    )
    lost_device_task_days = models.PositiveSmallIntegerField(
        "days to change passwords after a device is lost or stolen", default=1
    )
    credential_escalation_days = models.PositiveSmallIntegerField(
        "days after a credential task is overdue that Communications is told", default=2
    )
    recovery_plan_test_months = models.PositiveSmallIntegerField(
        "months between tests of an account's recovery plan", default=12
    )

    # Public abuse (INC-2) and breaches (HR-3).
    public_block_days = models.PositiveSmallIntegerField(
        "days a public author is blocked for", default=7
    )
    breach_retention_years = models.PositiveSmallIntegerField(
        "years breach records are kept", default=6
    )

    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Policy profile ({self.get_preset_display()})"

    @property
    def approval_chain(self) -> list[StepKind]:
        """The step kinds a new request passes through, in order."""
        chain = []
        if self.require_line_manager_approval:
            chain.append(StepKind.LINE_MANAGER)
        if self.require_head_of_service_approval:
            chain.append(StepKind.HEAD_OF_SERVICE)
        chain.append(StepKind.COMMUNICATIONS)
        return chain

    def requires_business_case_field(self, field: str) -> bool:
        return field in self.required_business_case_fields
