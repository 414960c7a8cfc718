"""People and organisation (SPEC ORG-1).

Line manager and Head of Service are facts of the organisation data: a person is somebody's line
manager because a staff record names them, and Head of Service because a service area does.
Neither is a checkbox or a group.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.validators import one_line_text


class ServiceArea(models.Model):
    code = models.SlugField(max_length=40, unique=True, help_text="The HR system's code.")
    # The admin's forms refuse line breaks and hidden characters as the portal's forms do.
    name = models.CharField(max_length=200, validators=[one_line_text])
    head = models.ForeignKey(
        "governance.User",
        verbose_name="Head of Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_areas",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("full_name", "Administrator")
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff who can sign in; also their staff record from the HR feed."""

    email = models.EmailField("work email address", unique=True)
    full_name = models.CharField(max_length=200, validators=[one_line_text])
    employee_number = models.CharField(
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        help_text="The HR system's identifier, used to match rows on re-import.",
    )
    job_title = models.CharField(max_length=200, blank=True, validators=[one_line_text])
    service_area = models.ForeignKey(
        ServiceArea, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    leaving_date = models.DateField(null=True, blank=True)
    # When the portal acted on the leaving date (ORG-3); null until the date has passed.
    leaver_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_staff = models.BooleanField("can use the Django admin site", default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(line_manager=models.F("pk")),
                name="user_not_own_line_manager",
            ),
        ]
        # The few leavers, found without reading every member of staff: who must hold a
        # declaration is the moderators less them (moderation/declaration_holders.py).
        indexes = [
            models.Index(fields=["leaving_date"], include=["id"], name="user_leaving_date_idx")
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def has_left(self) -> bool:
        """True once the leaving date has passed: leavers work their last day."""
        return self.leaving_date is not None and self.leaving_date < timezone.localdate()


class StaffImport(models.Model):
    """One successful import of the HR feed, kept as the subject of its event row."""

    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        "governance.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256 of the file", max_length=64)
    complete_feed = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    leavers = models.PositiveIntegerField(default=0)
    areas_created = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.imported_at:%Y-%m-%d %H:%M})"
