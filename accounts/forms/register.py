from __future__ import annotations

import re
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from accounts.models import (
    AccessModel,
    Account,
    Platform,
    ReviewOutcome,
    TwoFactorMethod,
)
from accounts.rules import NOT_PUBLISHABLE, can_be_published
from accounts.transitions import ACCOUNT, KEEP_OPEN, STATUS_CHANGES
from accounts.validation import handle_problem
from governance.forms import GOVUKDateField, GOVUKForm, LimitedText, OneLineText, WebAddressField
from governance.models import ServiceArea, User

WHERE_NOT_WHAT = "Do not type a password here: say where in the password manager it is kept"
UK_PHONE = re.compile(r"^(\+44\s?|0)[0-9 ]{9,13}$")


def council_domain(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].lower()
    return any(domain == d or domain.endswith("." + d) for d in settings.COUNCIL_EMAIL_DOMAINS)


def staff_by_email(email: str, message: str) -> User | None:
    email = (email or "").strip()
    if not email:
        return None
    person = User.objects.filter(email__iexact=email, is_active=True).first()
    if person is None or person.has_left:
        raise ValidationError(message)
    return person


class AccountFormMixin:
    """Checks shared by the edit form and the unapproved-account form."""

    cleaned_data: dict[str, Any]
    instance_pk: int | None = None

    def clean_handle(self) -> str:
        handle = self.cleaned_data.get("handle", "").strip()
        if message := handle_problem(handle):
            raise ValidationError(message)
        return handle

    def clean_responsible_officer_email(self) -> User | None:
        return staff_by_email(
            self.cleaned_data.get("responsible_officer_email", ""),
            "There is no member of staff with this email address",
        )

    def check_handle_unique(self, platform: str, handle: str) -> None:
        taken = Account.objects.holding_handle(platform, handle).exclude(pk=self.instance_pk or 0)
        if taken.exists():
            raise ValidationError(
                {
                    "handle": "An account with this handle on this platform is already in "
                    "the register"
                }
            )


URL_MESSAGE = "Enter the web address in the correct format, like https://x.com/LeisureEvents"


# Password changes are recorded on their own page (moderation), never typed here.
ACCESS_MODEL_CHOICES = [
    (
        AccessModel.INDIVIDUAL_ROLES.value,
        "Each moderator has their own role on the platform (as on Facebook, Instagram and "
        "LinkedIn pages)",
    ),
    (AccessModel.SHARED_LOGIN.value, "Moderators share one sign-in and password"),
]


class AccountEditForm(OneLineText, LimitedText, AccountFormMixin, forms.ModelForm):
    url = WebAddressField(
        label="Web address",
        required=False,
        assume_scheme="https",
        max_length=300,
        help_text="For example, https://x.com/LeisureEvents",
        error_messages={"invalid": URL_MESSAGE},
    )
    responsible_officer_email = forms.EmailField(
        label="Responsible officer's email address", required=False
    )
    second_factor_holder_email = forms.EmailField(
        label="Email address of the person who holds the second factor",
        help_text="The person whose phone, key or mailbox receives the code.",
        required=False,
    )
    recovery_plan_tested_on = GOVUKDateField(
        label="When was the recovery plan last tested?", required=False, require_all_fields=False
    )
    next_review_due = GOVUKDateField(
        label="Next review due", required=False, require_all_fields=False
    )
    reason = forms.CharField(
        label="Why are you making these changes?",
        help_text="This is kept in the account's timeline.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are making these changes"},
    )

    class Meta:
        model = Account
        fields = [
            "name",
            "handle",
            "url",
            "service_area",
            "secure_sessions_enabled",
            "access_model",
            "credentials_location",
            "recovery_email",
            "recovery_phone",
            "recovery_phone_council_owned",
            "two_factor_method",
            "recovery_plan_tested_on",
            "review_cadence_months",
            "next_review_due",
            "licence",
            "published",
        ]
        widgets = {"two_factor_method": forms.RadioSelect, "access_model": forms.RadioSelect}
        labels = {"published": "Show it on the public register of official accounts"}
        help_texts = {
            "published": "Residents can then check that it is the council's. Leave it off for an "
            "account used only inside the council. Only an active account is shown."
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance_pk = self.instance.pk
        fields = self.fields
        fields["name"].error_messages["required"] = "Enter the name of the account"
        fields["handle"].error_messages["required"] = "Enter the handle"
        fields["service_area"].queryset = ServiceArea.objects.order_by("name")  # type: ignore[attr-defined]
        fields["service_area"].error_messages["required"] = "Select the service area"
        # Every answer refuses a password (governance.forms.OneLineText); this one says what
        # belongs here instead.
        fields["credentials_location"].error_messages["password"] = WHERE_NOT_WHAT
        fields["credentials_location"].help_text = (
            "Where in the council's password manager the sign-in details are kept, for example "
            "'Keeper > Communications > Leisure Events'. Never type the password here."
        )
        fields["recovery_email"].help_text = (
            "Must be a council mailbox ("
            + ", ".join(f"@{domain}" for domain in settings.COUNCIL_EMAIL_DOMAINS)
            + ")."
        )
        fields["recovery_email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like social@council.gov.uk"
        )
        fields["recovery_phone"].help_text = "A council-owned phone, for example 01234 567890."
        fields["recovery_phone_council_owned"].label = "The recovery phone belongs to the council"
        fields["two_factor_method"].choices = TwoFactorMethod.choices  # type: ignore[attr-defined]
        fields["access_model"].label = "How do moderators sign in?"
        fields["access_model"].choices = ACCESS_MODEL_CHOICES  # type: ignore[attr-defined]
        fields["access_model"].error_messages["required"] = "Select how moderators sign in"
        cadence = fields["review_cadence_months"]
        cadence.error_messages["invalid"] = "Enter a whole number, like 3"
        cadence.validators = [
            MinValueValidator(1, "Enter a number of months from 1 to 24"),
            MaxValueValidator(24, "Enter a number of months from 1 to 24"),
        ]
        fields[
            "secure_sessions_enabled"
        ].label = "Secure sessions or two-step verification are turned on at the platform"
        for name in ("responsible_officer", "second_factor_holder"):
            person = getattr(self.instance, name)
            if person is not None:
                self.initial[f"{name}_email"] = person.email
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                Field.text("name"),
                Field.text("handle", field_width=20),
                Field.text("url"),
                Field.select("service_area"),
                Field.text("responsible_officer_email", field_width=20),
                Field.text("licence", field_width=20),
                Field.checkbox("published"),
                legend="The account",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkbox("secure_sessions_enabled"),
                Field.radios("access_model", legend_size=Size.SMALL, small=True),
                Field.text("credentials_location"),
                Field.text("recovery_email", field_width=20),
                Field.text("recovery_phone", field_width=20),
                Field.checkbox("recovery_phone_council_owned"),
                Field.radios("two_factor_method", legend_size=Size.SMALL, small=True),
                Field.text("second_factor_holder_email", field_width=20),
                Field("recovery_plan_tested_on"),
                legend="Security and recovery",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("review_cadence_months", field_width=3),
                Field("next_review_due"),
                legend="Reviews",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("reason", rows=3),
            Submit("submit", "Save the changes"),
        )

    def clean_recovery_email(self) -> str:
        email: str = self.cleaned_data.get("recovery_email", "").strip().lower()
        if email and not council_domain(email):
            raise ValidationError(
                "The recovery email address must be a council mailbox, not a personal one"
            )
        return email

    def clean_recovery_phone(self) -> str:
        phone: str = self.cleaned_data.get("recovery_phone", "").strip()
        if phone and not UK_PHONE.match(phone):
            raise ValidationError("Enter a UK phone number, like 01234 567890 or +44 1234 567890")
        return phone

    def clean_second_factor_holder_email(self) -> User | None:
        return staff_by_email(
            self.cleaned_data.get("second_factor_holder_email", ""),
            "There is no member of staff with this email address",
        )

    def clean_published(self) -> bool:
        published = bool(self.cleaned_data.get("published"))
        if published and not can_be_published(self.instance):
            raise ValidationError(NOT_PUBLISHABLE)
        return published

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        past_only = {"recovery_plan_tested_on": "The date the recovery plan was last tested"}
        for name, what in past_only.items():
            day = cleaned.get(name)
            if day and day > timezone.localdate():
                self.add_error(name, f"{what} must be today or in the past")
        if cleaned.get("recovery_phone") and not cleaned.get("recovery_phone_council_owned"):
            self.add_error(
                "recovery_phone_council_owned",
                "Confirm the recovery phone belongs to the council, or remove the number",
            )
        handle = cleaned.get("handle")
        if handle:
            try:
                self.check_handle_unique(self.instance.platform, handle)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["responsible_officer"] = self.cleaned_data["responsible_officer_email"]
        values["second_factor_holder"] = self.cleaned_data["second_factor_holder_email"]
        return values


class UnapprovedAccountForm(LimitedText, AccountFormMixin, GOVUKForm):
    submit_label = "Record the account"

    platform = forms.ChoiceField(
        label="Platform",
        choices=[("", "Select a platform"), *Platform.choices],
        error_messages={"required": "Select the platform"},
    )
    platform_other = forms.CharField(
        label="If another platform, which one?", required=False, max_length=100
    )
    name = forms.CharField(
        label="Name of the account",
        max_length=150,
        error_messages={"required": "Enter the name of the account"},
    )
    handle = forms.CharField(
        label="Handle", max_length=100, error_messages={"required": "Enter the handle"}
    )
    url = WebAddressField(
        label="Web address",
        required=False,
        assume_scheme="https",
        max_length=300,
        error_messages={"invalid": URL_MESSAGE},
    )
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.order_by("name"),
        empty_label="Select a service area",
        error_messages={"required": "Select the service area it belongs to"},
    )
    responsible_officer_email = forms.EmailField(
        label="Email address of the officer who runs it (optional)",
        help_text="They will be asked to bring it through a request.",
        required=False,
    )
    discovered_how = forms.CharField(
        label="How was it found?",
        help_text="For example, 'social media monitoring alert, 3 March'.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter how the account was found"},
    )

    def layout_fields(self) -> list[Any]:
        return [
            Field.select("platform"),
            Field.text("platform_other", field_width=20),
            Field.text("name"),
            Field.text("handle", field_width=20),
            Field.text("url"),
            Field.select("service_area"),
            Field.text("responsible_officer_email", field_width=20),
            Field.textarea("discovered_how", rows=3),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("platform") == Platform.OTHER and not cleaned.get("platform_other"):
            self.add_error("platform_other", "Enter the name of the platform")
        if cleaned.get("platform") and cleaned.get("handle"):
            try:
                self.check_handle_unique(cleaned["platform"], cleaned["handle"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "platform": data["platform"],
            "platform_other": data["platform_other"].strip(),
            "name": data["name"].strip(),
            "handle": data["handle"],
            "url": data["url"],
            "service_area": data["service_area"],
            "responsible_officer": data["responsible_officer_email"],
        }


class AccountStatusForm(LimitedText, GOVUKForm):
    submit_label = "Save"

    action = forms.ChoiceField(
        label="What do you want to do?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you want to do with the account"},
    )
    reason = forms.CharField(
        label="Why?",
        help_text="This is kept in the account's timeline.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The moves the table allows for this account now; the view lets only Communications in.
        choices = [
            (name, ACCOUNT[name].label)
            for name in (*STATUS_CHANGES, KEEP_OPEN)
            if ACCOUNT.state_allows(name, account)
        ]
        self.fields["action"].choices = choices  # type: ignore[attr-defined]
        self.fields["action"].error_messages["invalid_choice"] = (
            "Select one of the changes offered for this account"
        )

    def layout_fields(self) -> list[Any]:
        return [Field.radios("action", legend_size=Size.MEDIUM), Field.textarea("reason", rows=3)]


YES_NO = [("yes", "Yes"), ("no", "No")]


class ReviewForm(LimitedText, GOVUKForm):
    submit_label = "Record the review"

    reviewed_on = GOVUKDateField(
        label="When did you review the account?",
        help_text="For example, 27 3 2026",
        error_messages={
            "required": "Enter the date of the review",
            "incomplete": "Enter the date of the review",
        },
    )
    found_inappropriate = forms.ChoiceField(
        label="Did you find inappropriate content?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you found inappropriate content"},
    )
    content_removed = forms.ChoiceField(
        label="If you did, was it removed?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    reported_to_platform = forms.ChoiceField(
        label="If you did, did you report it to the platform?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    notes = forms.CharField(
        label="What did you find?",
        help_text=(
            "Needed if you found inappropriate content. We send this to your line manager and "
            "Communications, as the policy asks (MSM 5.12)."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome = forms.ChoiceField(
        label="What should happen to the account?",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        help_text="Inactive accounts get closed, not forgotten.",
        error_messages={"required": "Select what should happen to the account"},
    )

    def layout_fields(self) -> list[Any]:
        return [
            Field("reviewed_on"),
            Field.radios("found_inappropriate", legend_size=Size.SMALL, inline=True),
            Field.radios("content_removed", legend_size=Size.SMALL, inline=True),
            Field.radios("reported_to_platform", legend_size=Size.SMALL, inline=True),
            Field.textarea("notes", rows=4),
            Field.radios("outcome", legend_size=Size.SMALL),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("found_inappropriate") == "yes":
            if not cleaned.get("content_removed"):
                self.add_error("content_removed", "Select yes if the content was removed")
            if not cleaned.get("reported_to_platform"):
                self.add_error(
                    "reported_to_platform", "Select yes if you reported it to the platform"
                )
            if not (cleaned.get("notes") or "").strip():
                self.add_error("notes", "Say what you found")
        return cleaned
