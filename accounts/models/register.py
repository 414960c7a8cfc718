"""The register of official accounts (SPEC REG-1, REG-1a, REG-4).

No field here ever holds a social media password: `credentials_location` is a reference to
the council's password manager, nothing more.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, Replace
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models.platforms import Platform, platform_label


class AccountStatus(models.TextChoices):
    BEING_SET_UP = "being_set_up", "Being set up"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"
    UNAPPROVED = "unapproved", "Unapproved"


class TwoFactorMethod(models.TextChoices):
    AUTHENTICATOR_APP = "authenticator_app", "Authenticator app"
    SECURITY_KEY = "security_key", "Security key"
    SMS = "sms", "Text message to a council phone"
    EMAIL = "email", "Email to a council mailbox"
    NONE = "none", "None: the platform does not offer it"


def handle_key(handle: str) -> str:
    """What makes two handles the same account: "@Leisure" and "leisure" are one."""
    return handle.strip().lower().replace("@", "")


# The same, worked out by the database (an @ can only be the first character of a handle).
HANDLE_KEY = Replace(Lower("handle"), models.Value("@"), models.Value(""))


class AccessModel(models.TextChoices):
    """How moderators get in (NCSC: a unique login for each publisher where the platform
    allows it). It decides what the portal asks for when a moderator stops or a device is
    lost: removing one person's role, or changing the shared password."""

    INDIVIDUAL_ROLES = "individual_roles", "Individual roles"
    SHARED_LOGIN = "shared_login", "Shared login"


class AccountQuerySet(models.QuerySet["Account"]):
    def holding_handle(self, platform: str, handle: str) -> AccountQuerySet:
        """Open accounts (anything but closed) with this handle on this platform."""
        return (
            self.alias(handle_key=HANDLE_KEY)
            .filter(platform=platform, handle_key=handle_key(handle))
            .exclude(status=AccountStatus.CLOSED)
        )


class Account(models.Model):
    platform = models.CharField(max_length=20, choices=Platform.choices)
    platform_other = models.CharField("name of the platform", max_length=100, blank=True)
    name = models.CharField(max_length=150)
    handle = models.CharField(max_length=100)
    url = models.URLField("web address", max_length=300, blank=True)
    service_area = models.ForeignKey(
        "governance.ServiceArea", on_delete=models.PROTECT, related_name="accounts"
    )
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_for_accounts",
    )
    status = models.CharField(
        max_length=20,
        choices=AccountStatus.choices,
        default=AccountStatus.BEING_SET_UP,
        db_index=True,
    )
    request = models.OneToOneField(
        "accounts.AccountRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
        help_text="The request that approved this account.",
    )

    branding_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    branding_approved_at = models.DateTimeField(null=True, blank=True)
    secure_sessions_enabled = models.BooleanField(
        "secure sessions or two-step verification turned on at the platform", default=False
    )

    access_model = models.CharField(
        "how moderators sign in",
        max_length=20,
        choices=AccessModel.choices,
        default=AccessModel.SHARED_LOGIN,
    )

    # Credential custody (REG-1a). The date of the last password change is not kept here: it
    # is the latest password change that moderation recorded (moderation.PasswordChange).
    credentials_location = models.CharField(
        "where the sign-in details are kept",
        max_length=200,
        blank=True,
        help_text="A reference to the council's password manager, never the password itself.",
    )
    recovery_email = models.EmailField("recovery email address", blank=True)
    recovery_phone = models.CharField("recovery phone number", max_length=30, blank=True)
    recovery_phone_council_owned = models.BooleanField(default=False)
    two_factor_method = models.CharField(
        "two-step verification method", max_length=20, choices=TwoFactorMethod.choices, blank=True
    )
    second_factor_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="second_factor_accounts",
        verbose_name="who holds the second factor",
    )
    recovery_plan_tested_on = models.DateField("recovery plan last tested", null=True, blank=True)

    review_cadence_months = models.PositiveSmallIntegerField("months between reviews", default=3)
    next_review_due = models.DateField(null=True, blank=True, db_index=True)
    closure_recommended = models.BooleanField(
        default=False, help_text="A moderator's review says this account should be closed."
    )
    licence = models.CharField("management-platform licence", max_length=100, blank=True)
    published = models.BooleanField(
        "shown on the public register of official accounts",
        default=False,
        help_text="Only an active account is shown; a suspended or closed one drops off by itself.",
    )
    discovered_how = models.TextField(
        "how the account was found", blank=True, help_text="For accounts found outside the process."
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                HANDLE_KEY,
                "platform",
                condition=~models.Q(status="closed"),
                name="one_open_account_per_handle_and_platform",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.platform_name} {self.handle})"

    @property
    def platform_name(self) -> str:
        return platform_label(self.platform, self.platform_other)

    @property
    def is_review_overdue(self) -> bool:
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()

    def review_due_in(self, today: datetime.date | None = None) -> int | None:
        if self.next_review_due is None:
            return None
        return (self.next_review_due - (today or timezone.localdate())).days
