from __future__ import annotations

import datetime
from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.text import capfirst

from governance.models import BusinessCaseField, PolicyProfile, Preset
from governance.presets import PRESETS

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class GOVUKForm(forms.Form):
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


class StaffImportConfirmForm(forms.Form):
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


class ProfileForm(forms.ModelForm):
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
            "review_cadence_months",
            "review_reminder_days",
            "review_escalation_days",
            "public_block_days",
            "breach_retention_years",
        ]

    number_limits = {
        "approval_reminder_days": (1, 60),
        "declaration_interval_months": (1, 36),
        "review_cadence_months": (1, 24),
        "review_reminder_days": (1, 90),
        "review_escalation_days": (1, 90),
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
                Field.text("approval_reminder_days", field_width=3),
                legend="New account requests",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("declaration_interval_months", field_width=3),
                Field.text("review_cadence_months", field_width=3),
                Field.text("review_reminder_days", field_width=3),
                Field.text("review_escalation_days", field_width=3),
                legend="Declarations and reviews",
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
    """crispy-forms-gds's day-month-year field with the GOV.UK pattern's plain messages."""

    def __init__(self, *, example: str = "27 3 2026", **kwargs: Any) -> None:
        self.example = example
        messages = kwargs.pop("error_messages", {})
        super().__init__(**kwargs)
        self.error_messages.update(messages)
        for subfield, part in zip(self.fields, ("day", "month", "year"), strict=True):
            subfield.error_messages["incomplete"] = f"The date must include a {part}"
            subfield.validators = [
                RegexValidator(r"^[0-9]+$", f"Enter the {part} as a number, like {example}")
            ]

    def compress(self, data_list: Any) -> datetime.date | None:
        day, month, year = data_list
        if not (day and month and year):
            return None
        if not 1900 <= int(year) <= 9999:
            raise ValidationError("Enter the year in full, like 2026")
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValidationError(f"The date must be a real date, like {self.example}") from None
