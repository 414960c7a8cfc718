"""The questions of the public abuse case pages (INC-2). They check only what was typed: what a
step needs (a screenshot, an end after the start, a reference only for a referral) is the
service's to say (moderation/services/abuse.py), and the page shows it at the question."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from governance.forms import GOVUKDateField, GOVUKForm, LimitedText, WebAddressField
from moderation.forms import IMAGE_TYPES, TOKEN, account_label, new_token, reason_field
from moderation.models import AbuseCategory, StepKind
from moderation.services.abuse import COMMUNICATIONS_STEPS


class AccountChoice(forms.ModelChoiceField):
    """Account numbers only: anything else is not one of the accounts listed (and never reaches
    the database, where a number too large for it would fail)."""

    def label_from_instance(self, obj: Any) -> str:
        return account_label(obj)

    def to_python(self, value: Any) -> Any:
        text = str(value or "")
        if text and not (text.isascii() and text.isdigit() and len(text) <= 18):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class CaseForm(LimitedText, GOVUKForm):
    submit_label = "Open the case"

    account = AccountChoice(
        queryset=Account.objects.none(),
        label="Which council account was it posted on?",
        empty_label="Select an account",
        error_messages={
            "required": "Select the account it was posted on",
            "invalid_choice": "Select an account from the list",
        },
    )
    author_handle = forms.CharField(
        label="The author's name or handle",
        help_text="As the platform shows it, for example @name, or the address of their profile.",
        max_length=200,
        error_messages={"required": "Enter the author's name or handle"},
    )
    post_url = WebAddressField(
        label="Web address of the post",
        help_text="Open the post and copy the address from the browser, or use the platform's "
        "'Copy link'.",
        assume_scheme="https",
        max_length=500,
        # A text box: crispy-forms-gds gives GOV.UK styling to text inputs, not to url ones.
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "required": "Enter the web address of the post",
            "invalid": "Enter the web address in the correct format, like "
            "https://x.com/name/status/123",
        },
    )
    categories = forms.MultipleChoiceField(
        label="What makes the post unacceptable?",
        help_text="Select all that apply.",
        choices=AbuseCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select what makes the post unacceptable",
            "invalid_choice": "Select only what is in the list",
        },
    )
    description = forms.CharField(
        label="What does the post say or show? (optional)",
        help_text="Do not rely on this alone: record a screenshot as the case's first step.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    started_with = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, accounts: QuerySet[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts  # type: ignore[attr-defined]

    def layout_fields(self) -> list[Any]:
        return [
            Field.select("account"),
            Field.text("author_handle", field_width=20),
            Field.text("post_url"),
            Field.checkboxes("categories", legend_size=Size.SMALL, small=True),
            Field.textarea("description", rows=4),
            Field("started_with"),
        ]

    def clean_started_with(self) -> str:
        # A token the page did not make (an old or edited form) cannot match an earlier case:
        # a fresh one opens the case once.
        given: str = self.cleaned_data["started_with"]
        return given if TOKEN.fullmatch(given) else new_token()


STEP_CHOICES = [(kind, StepKind(kind).label) for kind in COMMUNICATIONS_STEPS]


class StepForm(LimitedText, GOVUKForm):
    submit_label = "Record the step"

    kind = forms.ChoiceField(
        label="Which step did you take?",
        choices=STEP_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the step you took",
            "invalid_choice": "Select the step you took",
        },
    )
    happened_on = GOVUKDateField(
        label="When did you take it?",
        help_text="For example, 27 3 2026",
        error_messages={
            "required": "Enter the date you took the step",
            "incomplete": "Enter the date you took the step",
        },
    )
    note = forms.CharField(
        label="Notes (optional)",
        help_text="For example, what the warning said, or why the author was blocked.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    block_ends_on = GOVUKDateField(
        label="Only for a block: when does it end?",
        required=False,
        require_all_fields=False,
    )
    police_reference = forms.CharField(
        label="Only for a police referral: the police reference",
        help_text="For example, the crime or incident number the police gave you.",
        required=False,
        max_length=60,
    )
    screenshot = forms.FileField(
        label="Only for screenshot evidence: upload the screenshot",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
        error_messages={"empty": "The selected file is empty"},
    )

    def __init__(self, *args: Any, block_days: int, max_megabytes: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("happened_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["block_ends_on"].help_text = (
            f"Leave empty for {block_days} days from the day the block starts. "
            "For example, 27 3 2026"
        )
        self.fields["screenshot"].help_text = (
            f"A PNG, JPEG or WebP image, up to {max_megabytes}. Take it before the post is "
            "removed. The portal records the file's SHA-256 fingerprint and keeps a copy "
            "without its metadata."
        )

    def layout_fields(self) -> list[Any]:
        return [
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field("happened_on"),
            Field.textarea("note", rows=4),
            Field("block_ends_on"),
            Field.text("police_reference", field_width=20),
            Field("screenshot"),
        ]


class AdviceForm(LimitedText, GOVUKForm):
    submit_label = "Record your advice"

    advice = reason_field(
        "Your advice to Communications",
        "Enter your advice",
        "Communications is told as soon as you record it. It is kept on the case.",
    )

    def layout_fields(self) -> list[Any]:
        return [Field.textarea("advice", rows=6)]


class CloseForm(LimitedText, GOVUKForm):
    submit_label = "Close the case"

    outcome = reason_field(
        "What was the outcome?",
        "Enter the outcome",
        "For example, 'post removed, author has not posted again'. It is kept on the case.",
    )

    def layout_fields(self) -> list[Any]:
        return [Field.textarea("outcome", rows=4)]


class ReopenForm(LimitedText, GOVUKForm):
    submit_label = "Reopen the case"

    reason = reason_field(
        "Why are you reopening the case?",
        "Enter why the case is reopened",
        "For example, 'the author posted again after the block ended'.",
    )

    def layout_fields(self) -> list[Any]:
        return [Field.textarea("reason", rows=4)]
