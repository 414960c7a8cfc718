"""The questions of the staff incident pages (INC-1): one page a person can fill in on a phone,
and Communications' pages for linking, evidence and closing.

The report form asks everything at once and says every problem at once. What a report needs
(the breach questions for a breach, a date that is not in the future) is the service's rule
(moderation/services/incidents.py); the form says the same in the same words so that a person
sees all of it on the first try, and shows whatever else the service refuses at its question.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from crispy_forms.layout import LayoutObject
from crispy_forms.utils import TEMPLATE_PACK, render_field
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from accounts.models import Account
from governance.errors import DomainError
from governance.forms import (
    GOVUKDateField,
    GOVUKForm,
    LimitedText,
    WebAddressField,
    shown_at_its_question,
)
from moderation.forms import IMAGE_TYPES, TOKEN, account_label, new_token, reason_field
from moderation.models import BreachRisk, IncidentAction, IncidentKind
from moderation.services.evidence import CheckedImage, evidence_check

NOT_LISTED = "not_listed"
BREACH_QUESTIONS = ("personal_data", "people_affected", "found_on", "found_time", "risk")
MOST_PEOPLE = 100_000_000
# 9:30am, 9.30 am, 9am, 14:30, 1430, 14
TIME = re.compile(r"(?P<hour>[0-9]{1,2})(?:[:.]?(?P<minute>[0-9]{2}))?(?P<half>am|pm)?")
TIME_EXAMPLE = "Enter the time it was found, like 9:30am or 14:30"


class TokenField(forms.Field):
    """The hidden token that goes with the form to the service. One the page did not make (an
    old or edited form) cannot match an earlier report: a fresh one makes the report once. It is
    never refused, because nobody could see why."""

    widget = forms.HiddenInput

    def __init__(self) -> None:
        super().__init__(required=False)

    def clean(self, value: Any) -> str:
        return value if isinstance(value, str) and TOKEN.fullmatch(value) else new_token()


class RevealUnder(LayoutObject):
    """Radios where one option reveals more questions (the GOV.UK conditional reveal), in the
    markup of GOV.UK Frontend 6 (``data-aria-controls``), which crispy-forms-gds's
    ConditionalRadios predates. Without JavaScript the questions are simply shown."""

    template = "moderation/incident_reveal_radios.html"

    def __init__(self, field: str, value: str, *revealed: Any, legend_size: str = "") -> None:
        self.field = field
        self.value = value
        self.revealed = list(revealed)
        self.fields = [field, *revealed]
        self.legend_size = legend_size

    def render(
        self, form: forms.BaseForm, context: Any, template_pack: Any = TEMPLATE_PACK, **kwargs: Any
    ) -> str:
        revealed = SafeString(
            "".join(
                render_field(item, form, context, template_pack=template_pack, **kwargs)
                for item in self.revealed
            )
        )
        return render_to_string(
            self.template,
            {
                "field": form[self.field],
                "reveal_value": self.value,
                "revealed": revealed,
                "legend_size": self.legend_size,
                "form_show_errors": True,
            },
        )


def parse_time(text: str) -> datetime.time | None:
    """A time of day as people type it, or None if it is not one."""
    found = TIME.fullmatch(text.lower().replace(" ", ""))
    if found is None:
        return None
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    if found["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if found["half"] == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


def checked_image(upload: UploadedFile | None) -> CheckedImage | None:
    """The upload checked as evidence.py checks it (the content, not the name), or the reason
    it is refused, said at the question."""
    if upload is None:
        return None
    try:
        return evidence_check(upload)
    except DomainError as error:
        raise ValidationError(error.message) from error


class IncidentForm(LimitedText, GOVUKForm):
    submit_label = "Send the report"

    kind = forms.ChoiceField(
        label="What happened?",
        choices=IncidentKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what happened",
            "invalid_choice": "Select what happened",
        },
    )
    personal_data = forms.CharField(
        label="What personal or confidential information was shared?",
        help_text="For example, the names and addresses of residents who complained. Describe "
        "it: do not copy the information here.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": "What information was shared must be 5,000 characters or fewer"
        },
    )
    people_affected = forms.CharField(
        label="How many people is the information about?",
        help_text="Your best estimate, as a number.",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"max_length": "Enter how many people as a whole number, like 25"},
    )
    found_on = GOVUKDateField(
        label="When was it found?",
        help_text="The day you or someone else noticed it. For example, 27 3 2026",
        required=False,
        require_all_fields=False,
    )
    found_time = forms.CharField(
        label="At what time was it found?",
        help_text="For example, 9:30am or 14:30. The council may have to tell the Information "
        "Commissioner's Office (ICO) within 72 hours of this time.",
        required=False,
        max_length=12,
    )
    risk = forms.ChoiceField(
        label="Could it harm the people whose information it is?",
        help_text="For example, by causing them distress, embarrassment or financial loss.",
        choices=BreachRisk.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={
            "invalid_choice": "Select whether it could harm the people whose information it is"
        },
    )
    account = forms.ChoiceField(
        label="Which council account was it on?",
        help_text="The accounts you moderate or are responsible for.",
        required=False,
        error_messages={"invalid_choice": "Select an account from the list"},
    )
    account_described = forms.CharField(
        label="If it is not in the list, enter the account's name or web address",
        help_text="For example, Leisure Centre Offers, or https://x.com/LeisureOffers",
        required=False,
        max_length=200,
    )
    post_url = WebAddressField(
        label="Web address of the post (optional)",
        help_text="Open the post and copy the address from the browser, or use the platform's "
        "'Copy link'.",
        assume_scheme="https",
        required=False,
        max_length=500,
        # A text box, so that GOV.UK's styles (and its error styles) apply.
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the web address in the correct format, like "
            "https://x.com/name/status/123"
        },
    )
    happened_on = GOVUKDateField(
        label="When did it happen?",
        help_text="If you are not sure, the day you first saw it. For example, 27 3 2026",
        error_messages={
            "required": "Enter the date it happened",
            "incomplete": "Enter the date it happened",
        },
    )
    what_happened = forms.CharField(
        label="Tell us what happened",
        help_text="What you saw, and when. Do not include any passwords.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter what happened",
            "max_length": "What happened must be 5,000 characters or fewer",
        },
    )
    actions = forms.MultipleChoiceField(
        label="What have you done so far?",
        help_text="Select all that apply.",
        choices=IncidentAction.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select only what is in the list"},
    )
    evidence = forms.FileField(
        label="Upload a screenshot (optional)",
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES, "class": "govuk-file-upload"}),
        error_messages={"empty": "The selected file is empty"},
    )
    started_with = TokenField()

    def __init__(self, *args: Any, accounts: QuerySet[Account], max_megabytes: str, **kwargs: Any):
        self.checked: CheckedImage | None = None
        self.accounts = {str(account.pk): account for account in accounts}
        self.has_accounts = bool(self.accounts)
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = (
            f"A PNG, JPEG or WebP image, up to {max_megabytes}. The portal keeps a copy without "
            "its hidden details (such as where it was taken)."
        )
        if self.has_accounts:
            field = self.fields["account"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [
                ("", "Select an account"),
                *((pk, account_label(account)) for pk, account in self.accounts.items()),
                (NOT_LISTED, "It is not in this list"),
            ]
        else:
            # Nothing to pick from: the person names the account in words.
            del self.fields["account"]
            self.fields["account_described"].label = "Which council account was it on?"
            self.fields["account_described"].help_text = (
                "Its name or web address. For example, Leisure Centre Offers, or "
                "https://x.com/LeisureOffers"
            )
        self.helper.form_tag = False

    def layout_fields(self) -> list[Any]:
        return [
            RevealUnder(
                "kind",
                IncidentKind.DATA_BREACH,
                Field.textarea("personal_data", rows=3),
                Field.text("people_affected", field_width=10),
                Field("found_on"),
                Field.text("found_time", field_width=10),
                Field.radios("risk", legend_size=Size.SMALL, small=True),
                legend_size=Size.for_legend(Size.MEDIUM),
            ),
            *([Field.select("account")] if self.has_accounts else []),
            Field.text("account_described"),
            Field.text("post_url"),
            Field("happened_on"),
            Field.textarea("what_happened", rows=5),
            Field.checkboxes("actions", legend_size=Size.SMALL, small=True),
            Field("evidence"),
            Field("started_with"),
        ]

    def clean_happened_on(self) -> datetime.date:
        # Said here, on the page that asks; the service refuses the same date if it gets one.
        happened_on: datetime.date = self.cleaned_data["happened_on"]
        if happened_on > timezone.localdate():
            raise ValidationError("The date it happened must be today or in the past")
        return happened_on

    def clean_people_affected(self) -> int | None:
        text = self.cleaned_data["people_affected"].replace(",", "").replace(" ", "")
        if not text:
            return None
        if not (text.isascii() and text.isdigit()) or int(text) > MOST_PEOPLE:
            raise ValidationError("Enter how many people as a whole number, like 25")
        return int(text)

    def clean_found_time(self) -> datetime.time | None:
        text = self.cleaned_data["found_time"]
        if not text:
            return None
        found = parse_time(text)
        if found is None:
            raise ValidationError(TIME_EXAMPLE)
        return found

    def clean_evidence(self) -> UploadedFile | None:
        upload = self.cleaned_data["evidence"]
        self.checked = checked_image(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.has_errors("account", "account_described"):
            self._clean_account(data)
        if data.get("kind") == IncidentKind.DATA_BREACH:
            self._clean_breach(data)
        return data

    def has_errors(self, *names: str) -> bool:
        return any(name in self.errors for name in names)

    def _clean_account(self, data: dict[str, Any]) -> None:
        chosen = data.get("account", "")
        data["account"] = None
        if chosen and chosen != NOT_LISTED:
            data["account"] = self.accounts[chosen]
        elif not data.get("account_described"):
            self.add_error(
                "account_described",
                "Select the account, or enter its name or web address"
                if self.has_accounts
                else "Enter the account's name or web address",
            )

    def _clean_breach(self, data: dict[str, Any]) -> None:
        if not data.get("personal_data") and "personal_data" not in self.errors:
            self.add_error("personal_data", "Enter what personal or confidential information")
        if data.get("people_affected") is None and "people_affected" not in self.errors:
            self.add_error(
                "people_affected",
                "Enter how many people the information is about (your best estimate)",
            )
        if not self.has_errors("found_on", "found_time"):
            self._clean_found_at(data)
        if not data.get("risk") and "risk" not in self.errors:
            self.add_error(
                "risk", "Select whether it could harm the people whose information it is"
            )

    def _clean_found_at(self, data: dict[str, Any]) -> None:
        day, time = data.get("found_on"), data.get("found_time")
        if day is None:
            self.add_error("found_on", "Enter the date the breach was found")
        if time is None:
            self.add_error("found_time", "Enter the time the breach was found")
        if day is None or time is None:
            return
        found_at = timezone.make_aware(datetime.datetime.combine(day, time))
        if found_at > timezone.now():
            self.add_error("found_on", "The time it was found must be in the past")
        data["found_at"] = found_at

    def report(self) -> dict[str, Any]:
        """The answers as incident_report takes them."""
        data = self.cleaned_data
        breach = data["kind"] == IncidentKind.DATA_BREACH
        return {
            "kind": data["kind"],
            "happened_on": data["happened_on"],
            "what_happened": data["what_happened"],
            "account": data.get("account"),
            "account_described": data["account_described"],
            "post_url": data["post_url"],
            "actions": data["actions"],
            "personal_data": data["personal_data"] if breach else "",
            "people_affected": data["people_affected"] if breach else None,
            "found_at": data.get("found_at") if breach else None,
            "risk": data["risk"] if breach else "",
            # Checked when the form was (clean_evidence): not checked a second time.
            "evidence": self.checked,
            "started_with": data["started_with"],
        }

    def show(self, error: DomainError) -> None:
        """A refusal from the service, at its question (the breach's time is asked as a date and
        a time), or at the top of the page."""
        field = "found_on" if error.field == "found_at" else error.field
        if not shown_at_its_question(self, DomainError(error.message, field=field)):
            self.add_error(None, error.message)

    def ask_again_for_evidence(self) -> None:
        """A browser never sends a file again: after a problem elsewhere on the page, say that
        the screenshot must be chosen again."""
        upload = self.cleaned_data.get("evidence") if hasattr(self, "cleaned_data") else None
        if upload is not None and "evidence" not in self.errors:
            again = (
                f"You chose {self.checked.original_name if self.checked else 'a screenshot'}. "
                "Choose it again: a file is not kept when a page has a problem."
            )
            # The bound field keeps its own copy of the hint once the form is cleaned.
            self.fields["evidence"].help_text = self["evidence"].help_text = again


class AccountLinkForm(GOVUKForm):
    """Communications picks the register account from the accounts its search found."""

    submit_label = "Link this account"

    account = forms.ChoiceField(
        label="Which account in the register is it?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the account in the register",
            "invalid_choice": "Select an account from the list",
        },
    )

    def __init__(self, *args: Any, candidates: list[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(account.pk), account_label(account)) for account in candidates]
        self.candidates = {str(account.pk): account for account in candidates}

    def layout_fields(self) -> list[Any]:
        return [Field.radios("account", legend_size=Size.MEDIUM)]

    def chosen(self) -> Account:
        return self.candidates[self.cleaned_data["account"]]


class EvidenceForm(GOVUKForm):
    submit_label = "Add the screenshot"

    screenshot = forms.FileField(
        label="Upload a screenshot",
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES, "class": "govuk-file-upload"}),
        error_messages={
            "required": "Select the screenshot to upload",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args: Any, max_megabytes: str, **kwargs: Any) -> None:
        self.checked: CheckedImage | None = None
        super().__init__(*args, **kwargs)
        self.fields["screenshot"].help_text = (
            f"A PNG, JPEG or WebP image, up to {max_megabytes}. The portal records the file's "
            "SHA-256 fingerprint and keeps a copy without its hidden details."
        )

    def layout_fields(self) -> list[Any]:
        return [Field("screenshot")]

    def clean_screenshot(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["screenshot"]
        self.checked = checked_image(upload)
        return upload


class CloseForm(LimitedText, GOVUKForm):
    submit_label = "Close the incident"

    outcome = reason_field(
        "What was the outcome?",
        "Enter the outcome",
        "What was done and what came of it. It is kept on the incident, and a member of staff "
        "who reported it and their line manager are told.",
    )

    def layout_fields(self) -> list[Any]:
        return [Field.textarea("outcome", rows=5)]
