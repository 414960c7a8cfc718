"""Staff incident reports, public abuse cases with their ladder of steps, and the evidence images
kept for both (SPEC INC-1 to INC-3)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class IncidentKind(models.TextChoices):
    MISTAKEN_POST = "mistaken_post", "Something was posted by mistake"
    DATA_BREACH = "data_breach", "Personal or confidential information was shared (a data breach)"
    INAPPROPRIATE_CONTENT = "inappropriate_content", "Inappropriate content on a council account"
    SUSPICIOUS_CONTENT = "suspicious_content", "Suspicious content or links"
    COMPROMISED_ACCOUNT = "compromised_account", "Someone else may have control of the account"
    IMPERSONATION = "impersonation", "An account pretending to be the council's"


class IncidentAction(models.TextChoices):
    """What the reporter has already done (MSM 5.12: remove it, tell the line manager,
    Communications and the platform)."""

    REMOVED = "removed", "Removed the content"
    TOLD_LINE_MANAGER = "line_manager", "Told my line manager"
    TOLD_COMMUNICATIONS = "communications", "Told Communications"
    REPORTED_TO_PLATFORM = "platform", "Reported it to the social media platform"


class BreachRisk(models.TextChoices):
    """Whether a data breach must be reported to the ICO within 72 hours (UK GDPR article 33):
    unless it is unlikely to put people at risk."""

    LIKELY = "likely", "Yes, or it might"
    UNLIKELY = "unlikely", "No, it is unlikely to harm anyone"
    UNSURE = "unsure", "I do not know"


class IncidentState(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


# A reportable data breach goes to the ICO within 72 hours of being found (UK GDPR art. 33).
BREACH_REPORTING_HOURS = 72


class Incident(models.Model):
    """Something a member of staff saw go wrong on a council account (INC-1; MDM 10.1-10.2,
    MSM 5.12, 5.15-5.16)."""

    kind = models.CharField("what happened", max_length=30, choices=IncidentKind.choices)
    # Empty for a report from a member of the public (an impersonation, from the public
    # register of official accounts): they may leave a contact address instead.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Their line manager when they reported it: the one told, and the one who may read it.
    reporter_line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    account = models.ForeignKey(
        "accounts.Account",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    # The account as the reporter described it, when it was not in their list.
    account_described = models.CharField("the account", max_length=200, blank=True)
    contact_email = models.EmailField("the reporter's email address", blank=True)
    post_url = models.URLField("web address of the post", max_length=500, blank=True)
    happened_on = models.DateField("when it happened")
    what_happened = models.TextField("what happened")
    actions = models.JSONField("what you have done", default=list, blank=True)
    # A data breach: what the council's data protection officer needs (MDM 6.3, 10.2).
    personal_data = models.TextField("what personal or confidential information", blank=True)
    people_affected = models.PositiveIntegerField("how many people", null=True, blank=True)
    found_at = models.DateTimeField("when it was found", null=True, blank=True)
    risk = models.CharField(
        "could it harm the people whose information it is",
        max_length=10,
        choices=BreachRisk.choices,
        blank=True,
    )
    state = models.CharField(
        max_length=10, choices=IncidentState.choices, default=IncidentState.OPEN, db_index=True
    )
    reported_at = models.DateTimeField(default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.TextField(blank=True)
    # The token of the form that sent it: the same page sent twice makes one report.
    started_with = models.CharField(max_length=32, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "started_with"],
                condition=~models.Q(started_with=""),
                name="one_incident_per_form",
            ),
            # A member of the public's report has no reporter: its form token alone is unique.
            models.UniqueConstraint(
                fields=["started_with"],
                condition=models.Q(reporter__isnull=True) & ~models.Q(started_with=""),
                name="one_public_report_per_form",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="data_breach") | models.Q(found_at__isnull=False),
                name="data_breach_has_found_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        return f"INC-{self.pk:05d}"

    @property
    def reported_by(self) -> str:
        """Who reported it, in words: a member of staff, or a member of the public."""
        return self.reporter.full_name if self.reporter else "a member of the public"

    @property
    def is_data_breach(self) -> bool:
        return self.kind == IncidentKind.DATA_BREACH

    @property
    def report_to_ico_by(self) -> datetime.datetime | None:
        """The end of the 72 hours for a breach that may have to go to the ICO."""
        if not self.is_data_breach or self.found_at is None or self.risk == BreachRisk.UNLIKELY:
            return None
        return self.found_at + datetime.timedelta(hours=BREACH_REPORTING_HOURS)

    def action_labels(self) -> list[str]:
        labels = dict(IncidentAction.choices)
        return [labels[action] for action in self.actions if action in labels]


class AbuseCategory(models.TextChoices):
    """DER, "What is and isn't acceptable"."""

    ABUSIVE = "abusive", "Abusive"
    HARASSING = "harassing", "Harassing"
    THREATENING = "threatening", "Threatening"
    DISCRIMINATORY = "discriminatory", "Sexist, racist or other discriminatory language"
    DEFAMATORY = "defamatory", "Defamatory or libellous"
    CONTEMPT = "contempt_of_court", "May be in contempt of court"
    UNLAWFUL = "other_unlawful", "Breaks another law (such as hate crime)"
    SPAM = "spam", "Spam"
    INAPPROPRIATE_MEDIA = "inappropriate_media", "Inappropriate images or video"
    INCITEMENT = "incitement", "Incites people to break the law"


class CaseState(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class AbuseCase(models.Model):
    """A post by a member of the public on a council feed that breaks the council's rules for
    residents (INC-2; DER "The acceptable use of social media by customers and residents")."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="abuse_cases"
    )
    # What links cases about the same author: the platform and the handle, normalised.
    platform_key = models.CharField(max_length=80)
    author_handle = models.CharField("the author's name or handle", max_length=200)
    author_key = models.CharField(max_length=200)
    post_url = models.URLField("web address of the post", max_length=500)
    categories = models.JSONField("what makes it unacceptable", default=list)
    description = models.TextField("what the post says or shows", blank=True)
    state = models.CharField(
        max_length=10, choices=CaseState.choices, default=CaseState.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.TextField(blank=True)
    started_with = models.CharField(max_length=32, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["platform_key", "author_key"], name="abuse_case_author")]
        constraints = [
            models.UniqueConstraint(
                fields=["opened_by", "started_with"],
                condition=~models.Q(started_with=""),
                name="one_abuse_case_per_form",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.author_handle}"

    @property
    def reference(self) -> str:
        return f"PA-{self.pk:05d}"

    def category_labels(self) -> list[str]:
        labels = dict(AbuseCategory.choices)
        return [labels[category] for category in self.categories if category in labels]


class StepKind(models.TextChoices):
    """The ladder of DER "How we will deal with unacceptable behaviour"."""

    SCREENSHOT = "screenshot", "Screenshot evidence captured"
    WARNING = "warning", "Written warning sent to the author"
    REMOVED = "removed", "Content removed from the council's feed"
    ASKED_TO_REMOVE = "asked_to_remove", "Author asked to remove the content"
    BLOCKED = "blocked", "Author blocked"
    BLOCK_LIFTED = "block_lifted", "Block lifted"
    LEGAL_CONSULTED = "legal_consulted", "Legal Services consulted"
    LEGAL_ADVICE = "legal_advice", "Advice from Legal Services"
    POLICE_REFERRAL = "police_referral", "Referred to the police"


class CaseStep(models.Model):
    """One dated step of a case, with who recorded it. Steps are never changed or removed."""

    case = models.ForeignKey(AbuseCase, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    happened_on = models.DateField("when")
    note = models.TextField(blank=True)
    block_ends_on = models.DateField("when the block ends", null=True, blank=True)
    police_reference = models.CharField("police reference", max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # A block is settled when it is lifted or renewed; until then its end is a reminder,
    # sent once (reminded_at).
    settled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["happened_on", "recorded_at", "id"]
        indexes = [
            models.Index(
                fields=["block_ends_on"],
                condition=models.Q(kind="blocked", settled_at__isnull=True),
                name="abuse_block_open",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(block_ends_on__isnull=True)
                | models.Q(block_ends_on__gt=models.F("happened_on")),
                name="block_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(police_reference="") | models.Q(kind="police_referral"),
                name="police_reference_only_on_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.happened_on})"


def evidence_storage() -> Any:
    """The storage evidence is kept in (settings.STORAGES["evidence"]): a council may point it
    at its own object store. It is never served by the web server."""
    return storages["evidence"]


def evidence_name(instance: Evidence, filename: str) -> str:
    """A name the server makes: nothing of the uploaded name reaches the storage."""
    extension = filename.rsplit(".", 1)[-1]
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Evidence(models.Model):
    """An image kept as evidence (INC-3): re-encoded without its metadata; the SHA-256 of the
    file as it was uploaded is recorded and shown with it."""

    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    case = models.ForeignKey(
        AbuseCase, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    step = models.ForeignKey(
        CaseStep, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(storage=evidence_storage, upload_to=evidence_name, max_length=200)
    original_sha256 = models.CharField("SHA-256 of the file as uploaded", max_length=64)
    stored_sha256 = models.CharField("SHA-256 of the file as kept", max_length=64)
    original_name = models.CharField(max_length=120)
    original_size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # Empty for a screenshot sent with a report from a member of the public.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(incident__isnull=True, case__isnull=False)
                | models.Q(incident__isnull=False, case__isnull=True),
                name="evidence_belongs_to_one_record",
            )
        ]

    def __str__(self) -> str:
        return f"Evidence {self.pk} ({self.original_name})"

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1]
