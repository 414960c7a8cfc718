"""The questions on the moderation pages. They check only what was typed; whether a move is
allowed, and what a date must be, is the services' to say (moderation/services)."""

from __future__ import annotations

import re
import secrets
from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from governance.forms import GOVUKDateField, GOVUKForm, LimitedText
from governance.models import User
from moderation.models import PasswordChangeReason

# The formats moderation/services/evidence.py accepts; the content decides, this only helps the
# file picker.
IMAGE_TYPES = "image/png,image/jpeg,image/webp"
# The token a page gives a form that must not be acted on twice (a report, a case).
TOKEN = re.compile(r"[0-9a-f]{32}")


def new_token() -> str:
    """Goes with the form to the service, so the form sent twice is acted on once."""
    return secrets.token_hex(16)


def account_label(account: Any) -> str:
    """An account as the pages' lists name it."""
    return f"{account.name} ({account.platform_name} {account.handle})"


# Said on every page that records something about a password (MOD-3).
NEVER_TYPED_HERE = (
    "Do not type the password anywhere in this form. The portal never stores passwords."
)


def reason_field(label: str, missing: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": missing},
    )


class TeamMemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}, {obj.job_title}" if obj.job_title else obj.full_name


class AssignmentAddForm(LimitedText, GOVUKForm):
    """Who should moderate the account, and why: the person is asked differently by role."""

    submit_label = "Add the moderator"
    field_order = ["person", "reason"]
    nobody_to_add = False

    reason = reason_field(
        "Why should they moderate the account?",
        "Enter why they should moderate the account",
        "This is kept in the account's timeline.",
    )


class AssignmentByEmailForm(AssignmentAddForm):
    """Communications adds any member of staff, by their work email address."""

    person = forms.EmailField(
        label="Work email address of the member of staff",
        help_text="For example, priya.shah@council.gov.uk",
        error_messages={
            "required": "Enter the work email address of the member of staff",
            "invalid": "Enter an email address in the correct format, like name@council.gov.uk",
        },
    )

    def layout_fields(self) -> list[Any]:
        return [Field.text("person", field_width=30), Field.textarea("reason", rows=3)]

    def clean_person(self) -> User:
        email = self.cleaned_data["person"].strip()
        found = User.objects.filter(email__iexact=email).first()
        if found is None:
            raise ValidationError("There is no member of staff with this email address")
        return found


class AssignmentFromTeamForm(AssignmentAddForm):
    """A line manager picks from their own team: the only people they may add (MSM 7.2)."""

    person = TeamMemberChoice(
        queryset=User.objects.none(),
        label="Who in your team should moderate the account?",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select who should moderate the account",
            "invalid_choice": "You can only add people in your own team. Ask Communications "
            "to add anyone else",
        },
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people.order_by("full_name")  # type: ignore[attr-defined]
        self.nobody_to_add = not people.exists()

    def layout_fields(self) -> list[Any]:
        return [Field.radios("person", legend_size=Size.SMALL), Field.textarea("reason", rows=3)]


class AssignmentEndForm(LimitedText, GOVUKForm):
    submit_label = "Stop them moderating"

    reason = reason_field(
        "Why are they no longer moderating the account?",
        "Enter why they are no longer moderating the account",
        "For example, 'moved to the Housing team'. This is kept in the account's timeline.",
    )

    def layout_fields(self) -> list[Any]:
        return [Field.textarea("reason", rows=3)]


PASSWORD_CHANGE_REASONS = [
    (value, label)
    for value, label in PasswordChangeReason.choices
    if value != PasswordChangeReason.BEFORE_PORTAL
]


class PasswordChangeForm(LimitedText, GOVUKForm):
    submit_label = "Record the password change"

    changed_on = GOVUKDateField(
        label="When was the password changed?",
        help_text="For example, 27 3 2026",
        error_messages={
            "required": "Enter the date the password was changed",
            "incomplete": "Enter the date the password was changed",
        },
    )
    reason = forms.ChoiceField(
        label="Why was the password changed?",
        choices=PASSWORD_CHANGE_REASONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select why the password was changed",
            "invalid_choice": "Select why the password was changed",
        },
    )
    details = forms.CharField(
        label="Tell us more",
        help_text="Needed if you chose another reason. Never the password itself.",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"changed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def layout_fields(self) -> list[Any]:
        return [
            Field("changed_on"),
            Field.radios("reason", legend_size=Size.SMALL),
            Field.textarea("details", rows=3),
        ]


class CompromiseForm(LimitedText, GOVUKForm):
    submit_label = "Ask for the password to be changed"

    reason = reason_field(
        "What makes you think the account is compromised?",
        "Enter what makes you think the account is compromised",
        "For example, 'a post we did not write', or 'a sign-in alert from another country'.",
    )

    def layout_fields(self) -> list[Any]:
        return [Field.textarea("reason", rows=4)]


class TaskDoneForm(LimitedText, GOVUKForm):
    submit_label = "Mark as done"

    note = forms.CharField(
        label="What did you do?",
        help_text="For example, 'Removed their role in Meta Business Suite'. It is kept as the "
        "record that the task was done, so the next person knows what happened.",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def layout_fields(self) -> list[Any]:
        return [Field.textarea("note", rows=3)]


class TaskCancelForm(LimitedText, GOVUKForm):
    submit_label = "It is no longer needed"

    reason = reason_field(
        "Why is the task no longer needed?",
        "Enter why the task is no longer needed",
        "For example, 'the account was deleted at the platform'.",
    )

    def layout_fields(self) -> list[Any]:
        return [Field.textarea("reason", rows=3)]
