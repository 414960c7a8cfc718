from __future__ import annotations

import datetime
import re
from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.text import capfirst

from governance.errors import DomainError
from governance.models import BusinessCaseField, PolicyProfile, Preset
from governance.presets import PRESETS
from governance.validators import not_a_password, one_line_text, visible_text, web_address

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def question_subject(label: Any) -> str:
    """How a message names the question: 'Handle', or 'The answer to "Why?"'."""
    text = str(label or "This answer").strip()
    if text.endswith("?"):
        return f"The answer to “{text}”"
    return capfirst(text)


LONG_TEXT = 5000


def shown_at_its_question(form: forms.BaseForm, error: DomainError) -> bool:
    """Show a service's refusal at the question it names, keeping the answers; False when it
    names none of this form's questions (the page then says it as a message)."""
    if error.field not in form.fields:
        return False
    form.add_error(error.field, error.message)
    return True


def _shown_or_empty(to_python: Any) -> Any:
    """Wrap a text field's conversion so that an answer with nothing visible in it is empty."""

    def convert(value: Any) -> Any:
        value = to_python(value)
        if isinstance(value, str) and value and not visible_text(value):
            return ""
        return value

    convert.visible_only = True  # type: ignore[attr-defined]
    return convert


class OneLineText:
    """Mix into a form: the portal's rules for what people type, on every text field.

    - A text box that is not a Textarea takes one line of visible text. A name with a line break
      in it would add headers to every e-mail about the account; a bidirectional override or a
      zero-width space makes one handle look like another.
    - No answer holds something that looks like a password ("password: ..."): the portal never
      stores one, not even in a note.
    - An answer with nothing visible in it (only spaces, zero-width or control characters)
      counts as no answer, so a required question is still asked.
    - Django's own messages for a missing answer, a too-long answer or an unknown choice are
      worded the GOV.UK way, naming the question.

    The rules are added when the form is cleaned, so that they also cover fields a form adds,
    relabels or gives another widget in its own __init__.
    """

    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        for field in self.fields.values():
            subject = question_subject(field.label)
            _plain_english_defaults(field, subject)
            if not isinstance(field, forms.CharField):
                continue
            if not getattr(field.to_python, "visible_only", False):
                field.to_python = _shown_or_empty(field.to_python)  # type: ignore[method-assign]
            if not_a_password not in field.validators:
                field.validators.append(not_a_password)
            if isinstance(field.widget, forms.Textarea):
                continue
            if one_line_text not in field.validators:
                field.validators.append(one_line_text)
            field.error_messages["one_line"] = (
                f"{subject} must be on one line, with no line breaks, tabs or hidden characters"
            )
        super().full_clean()  # type: ignore[misc]


DJANGO_DEFAULTS = {
    "required": forms.Field.default_error_messages["required"],
    "invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"],
}


def _plain_english_defaults(field: forms.Field, subject: str) -> None:
    messages = field.error_messages
    if messages.get("required") == DJANGO_DEFAULTS["required"]:
        messages["required"] = f"{subject}: enter an answer"
    if messages.get("invalid_choice") == DJANGO_DEFAULTS["invalid_choice"]:
        messages["invalid_choice"] = f"{subject}: select one of the options shown"
    if isinstance(field, forms.CharField) and field.max_length is not None:
        default = forms.CharField.default_error_messages.get("max_length")
        if "max_length" not in messages or messages["max_length"] == default:
            messages["max_length"] = f"{subject} must be {field.max_length:,} characters or fewer"


class LimitedText:
    """Mix into a form: every multi-line text box without its own limit gets LONG_TEXT.

    A comment pasted with a whole e-mail thread would otherwise be stored, logged in the
    event chain and e-mailed to every approver.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField) or field.max_length is not None:
                continue
            if not isinstance(field.widget, forms.Textarea):
                continue
            field.max_length = LONG_TEXT
            field.validators.append(MaxLengthValidator(LONG_TEXT))


class WebAddressField(forms.URLField):
    """A web page's address: http or https only, never ftp:, javascript: or data:."""

    default_validators = [web_address]


class GOVUKForm(OneLineText, forms.Form):
    """A form that crispy-forms-gds renders with GOV.UK markup and an error summary."""

    submit_label = "Continue"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.layout_fields(), Submit("submit", self.submit_label))

    def layout_fields(self) -> list[Any]:
        return list(self.fields)


class StaffImportForm(GOVUKForm):
    submit_label = "Import staff"

    file = forms.FileField(
        label="Upload the staff CSV file",
        help_text="A CSV file exported from the HR system, up to 5 MB.",
        error_messages={
            "required": "Select the CSV file to import",
            "empty": "The selected file is empty",
        },
    )
    complete_feed = forms.BooleanField(
        label="This file lists everyone who works for the council",
        help_text=(
            "Anyone in the portal with an employee number who is not in the file will be "
            "recorded as having left today. If that is more than 20 people, or more than a "
            "tenth of staff, you will be asked to confirm the number first."
        ),
        required=False,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV file")
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5 MB")
        return upload

    def layout_fields(self) -> list[Any]:
        return [Field("file"), Field.checkbox("complete_feed")]


class StaffImportConfirmForm(OneLineText, forms.Form):
    """The second step of a complete feed with many leavers: the number the administrator saw."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    leavers = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PresetForm(GOVUKForm):
    submit_label = "Apply this council's rules"

    preset = forms.ChoiceField(
        label="Which council's policy should the portal apply?",
        choices=[(key, Preset(key).label) for key in PRESETS],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a council's policy"},
    )

    def layout_fields(self) -> list[Any]:
        return [Field.radios("preset", legend_size=Size.MEDIUM)]


class DaysListField(forms.CharField):
    """'30, 7, 1': whole numbers of days, largest first, none twice (DEC-4 reminders)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(day) for day in value)
        return value

    def clean(self, value: Any) -> list[int]:
        text = super().clean(value)
        if not text:
            return []
        parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise ValidationError("Enter whole numbers of days separated by commas, like 30, 7, 1")
        days = sorted({int(part) for part in parts}, reverse=True)
        if len(days) > 5:
            raise ValidationError("Enter no more than 5 reminder days")
        if days[0] > 90 or days[-1] < 1:
            raise ValidationError("Enter days from 1 to 90")
        return days


class ProfileForm(LimitedText, OneLineText, forms.ModelForm):
    declaration_reminder_days = DaysListField(
        label="Days before a declaration lapses that its moderator is reminded",
        help_text="Whole numbers separated by commas, like 30, 7, 1. Each reminder is sent once.",
        required=False,
    )
    required_business_case_fields = forms.MultipleChoiceField(
        label="Business case questions the requester must answer",
        choices=BusinessCaseField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label="Why are you changing the profile?",
        help_text="This is kept in the profile's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are changing the profile"},
    )

    class Meta:
        model = PolicyProfile
        fields = [
            "require_line_manager_approval",
            "require_head_of_service_approval",
            "required_business_case_fields",
            "require_budget_code",
            "require_data_protection_training",
            "facebook_purpose_rule",
            "approval_reminder_days",
            "declaration_interval_months",
            "declaration_reminder_days",
            "reacknowledgement_grace_days",
            "obligations_digest_months",
            "ask_declaration_questions",
            "require_requester_declaration",
            "policy_review_reminder_days",
            "review_cadence_months",
            "review_reminder_days",
            "review_escalation_days",
            "credential_task_days",
            "lost_device_task_days",
            "credential_escalation_days",
            "recovery_plan_test_months",
            "public_block_days",
            "breach_retention_years",
        ]

    number_limits = {
        "approval_reminder_days": (1, 60),
        "declaration_interval_months": (1, 36),
        "reacknowledgement_grace_days": (1, 90),
        "obligations_digest_months": (1, 12),
        "policy_review_reminder_days": (1, 180),
        "review_cadence_months": (1, 24),
        "review_reminder_days": (1, 90),
        "review_escalation_days": (1, 90),
        "credential_task_days": (1, 60),
        "lost_device_task_days": (1, 14),
        "credential_escalation_days": (1, 60),
        "recovery_plan_test_months": (1, 36),
        "public_block_days": (1, 365),
        "breach_retention_years": (1, 20),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (low, high) in self.number_limits.items():
            field = self.fields[name]
            assert isinstance(field, forms.IntegerField)
            field.min_value, field.max_value = low, high
            field.validators = [
                MinValueValidator(low, f"Enter a number from {low} to {high}"),
                MaxValueValidator(high, f"Enter a number from {low} to {high}"),
            ]
            field.error_messages["required"] = "Enter a number"
            field.error_messages["invalid"] = "Enter a whole number, like 6"
            field.label = capfirst(str(field.label))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                Field.checkbox("require_line_manager_approval"),
                Field.checkbox("require_head_of_service_approval"),
                Field.checkboxes("required_business_case_fields"),
                Field.checkbox("require_budget_code"),
                Field.checkbox("require_data_protection_training"),
                Field.checkbox("facebook_purpose_rule"),
                Field.checkbox("require_requester_declaration"),
                Field.text("approval_reminder_days", field_width=3),
                legend="New account requests",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("declaration_interval_months", field_width=3),
                Field.text("declaration_reminder_days", field_width=10),
                Field.text("reacknowledgement_grace_days", field_width=3),
                Field.text("obligations_digest_months", field_width=3),
                Field.checkbox("ask_declaration_questions"),
                Field.text("policy_review_reminder_days", field_width=3),
                Field.text("review_cadence_months", field_width=3),
                Field.text("review_reminder_days", field_width=3),
                Field.text("review_escalation_days", field_width=3),
                legend="Declarations and reviews",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("credential_task_days", field_width=3),
                Field.text("lost_device_task_days", field_width=3),
                Field.text("credential_escalation_days", field_width=3),
                Field.text("recovery_plan_test_months", field_width=3),
                legend="Passwords, lost devices and recovery",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("public_block_days", field_width=3),
                Field.text("breach_retention_years", field_width=3),
                legend="Public abuse and breaches",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("reason"),
            Submit("submit", "Save the profile"),
        )
        for name in (
            "require_line_manager_approval",
            "require_head_of_service_approval",
            "require_budget_code",
            "require_data_protection_training",
            "facebook_purpose_rule",
            "ask_declaration_questions",
            "require_requester_declaration",
        ):
            self.fields[name].label = capfirst(str(self.fields[name].label))


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form with GOV.UK labels; the reset link sits beside the button."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Work email address"
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["login"].widget.attrs["spellcheck"] = "false"
        self.fields["password"].label = "Password"
        self.fields["password"].help_text = ""
        self.fields["password"].widget.attrs.pop("placeholder", None)


class GOVUKDateField(DateInputField):
    """crispy-forms-gds's day-month-year field with the GOV.UK pattern's plain messages.

    Every message names the question, so that it still makes sense in the error summary at the
    top of a page with several dates. Whatever arrives (spaces, letters, a year of a thousand
    digits, 31 February), the field gives a message or a real date: never a server error, and
    never anything but a date (or None for an optional date left empty) in cleaned_data.
    """

    parts = ("day", "month", "year")
    longest = (2, 2, 4)

    def __init__(self, *, example: str = "27 3 2026", **kwargs: Any) -> None:
        self.example = example
        messages = kwargs.pop("error_messages", {})
        super().__init__(**kwargs)
        self.error_messages.pop("required", None)
        self.error_messages.update(messages)

    def about(self) -> str:
        return f"“{self.label}”" if self.label else "the date"

    def real_date(self) -> str:
        return f"The date must be a real date, like {self.example}, for {self.about()}"

    def clean(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):  # a disabled field keeps its initial date
            return value
        given = list(value) if isinstance(value, list | tuple) else []
        # Spaces alone count as nothing typed; str() because a part may arrive as a number.
        parts = [("" if part is None else str(part)).strip() for part in given[:3]]
        parts += [""] * (3 - len(parts))
        for subfield in self.fields:
            subfield.widget.errors = []
        if not any(parts):
            if self.required:
                message = self.error_messages.get("required") or (
                    f"Enter the day, month and year for {self.about()}"
                )
                raise ValidationError(message, code="required")
            return None
        missing = [part for part, text in zip(self.parts, parts, strict=True) if not text]
        if missing:
            wanted = " and a ".join(missing)
            self._point_at(parts.index(""), f"The date must include a {wanted}, for {self.about()}")
        for index, text in enumerate(parts):
            if not re.fullmatch(r"[0-9]+", text, flags=re.ASCII):
                self._point_at(index, self.real_date())
            if index == 2 and len(text) != 4:
                self._point_at(index, f"Enter the year in full, like 2026, for {self.about()}")
            if len(text) > self.longest[index]:
                self._point_at(index, self.real_date())
        day, month, year = (int(text) for text in parts)
        if year < 1900:
            self._point_at(2, self.real_date())
        try:
            out = datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(self.real_date(), code="invalid") from None
        self.run_validators(out)
        return out

    def _point_at(self, index: int, message: str) -> None:
        """Refuse the date, with the error summary's link pointing at the part to correct."""
        self.fields[index].widget.errors = [message]
        raise ValidationError(message, code="invalid")


class AsOfForm(forms.Form):
    as_of = forms.CharField(required=False)

    def clean_as_of(self) -> datetime.date | None:
        text = (self.cleaned_data.get("as_of") or "").strip()
        if not text:
            return None
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise ValidationError("Enter the date as year-month-day, like 2026-04-01") from None
        if day > timezone.localdate():
            raise ValidationError("The date must be today or in the past")
        return day
