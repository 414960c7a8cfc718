"""The questions of the lost or stolen device journey (MOD-4): short enough for a phone.

Each form turns its answers into plain values for the session and back, so a person can go back
and change one step without answering the others again.
"""

from __future__ import annotations

import datetime
from typing import Any

from crispy_forms_gds.layout import HTML, Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from governance.forms import GOVUKDateField, GOVUKForm
from moderation.models import DeviceKind, DeviceLoss

YES_NO = [("yes", "Yes"), ("no", "No")]
DEVICE_QUESTIONS = ("device_kind", "device_description", "loss", "lost_on")


def _small_legend() -> dict[str, str]:
    return {"legend_size": Size.for_legend(Size.SMALL)}


class DeviceForm(GOVUKForm):
    """Step 1: what went missing, how and when."""

    device_kind = forms.ChoiceField(
        label="What kind of device is it?",
        choices=DeviceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of device it is"},
    )
    device_description = forms.CharField(
        label="Describe it (optional)",
        help_text="For example, council iPhone 13",
        max_length=100,
        required=False,
    )
    loss = forms.ChoiceField(
        label="Was it lost or stolen?",
        choices=DeviceLoss.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it was lost or stolen"},
    )
    lost_on = GOVUKDateField(
        label="When did it go missing?",
        help_text="If you are not sure, the last day you had it. For example, 27 3 2026",
        error_messages={
            "required": "Enter the date it went missing",
            "incomplete": "Enter the date it went missing",
        },
    )

    def layout_fields(self) -> list[Any]:
        return [
            Field.radios("device_kind", legend_size=Size.SMALL, small=True),
            Field.text("device_description", field_width=20),
            Field.radios("loss", legend_size=Size.SMALL, small=True, inline=True),
            Field("lost_on", context=_small_legend()),
        ]

    def clean_lost_on(self) -> datetime.date:
        # Said here, on the page that asks; the service refuses the same date if it gets one.
        lost_on: datetime.date = self.cleaned_data["lost_on"]
        if lost_on > timezone.localdate():
            raise forms.ValidationError("The date it went missing must be today or in the past")
        return lost_on

    def answers(self) -> dict[str, str]:
        """The cleaned answers as the session keeps them."""
        data = self.cleaned_data
        return {
            "device_kind": data["device_kind"],
            "device_description": data["device_description"],
            "loss": data["loss"],
            "lost_on": data["lost_on"].isoformat(),
        }

    @staticmethod
    def initial_from(answers: dict[str, Any]) -> dict[str, Any]:
        initial = {name: answers[name] for name in DEVICE_QUESTIONS if name in answers}
        if "lost_on" in initial:
            initial["lost_on"] = datetime.date.fromisoformat(initial["lost_on"])
        return initial


class AccountChoices(forms.ModelMultipleChoiceField):
    """Account numbers only: anything else is not one of the accounts listed (and never reaches
    the database, where a number too large for it would fail)."""

    def clean(self, value: Any) -> Any:
        for pk in value or []:
            text = str(pk)
            if not (text.isascii() and text.isdigit() and len(text) <= 18):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().clean(value)


class AccountsForm(GOVUKForm):
    """Step 2: which accounts the device could open, and what it held for them."""

    accounts = AccountChoices(
        label="Which council accounts could it open?",
        help_text="We have ticked every account you moderate. Untick any it could not open.",
        queryset=Account.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "Select only accounts from the list",
            "invalid_pk_value": "Select only accounts from the list",
        },
    )
    held_second_factor = forms.ChoiceField(
        label="Did the device receive two-step verification codes for any of them?",
        help_text="A text message or an authenticator app that signs in to the account.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if the device received two-step verification codes"
        },
    )
    held_recovery_phone = forms.ChoiceField(
        label="Is it the recovery phone for any of them?",
        help_text="The number the platform texts to get back into a locked account.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if it is the recovery phone for any of them"},
    )

    def __init__(self, *args: Any, could_open: QuerySet[Account], **kwargs: Any) -> None:
        self.moderates_nothing = not could_open.exists()
        super().__init__(*args, **kwargs)
        field = self.fields["accounts"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = could_open
        if self.moderates_nothing:
            del self.fields["accounts"]
            self.fields[
                "held_second_factor"
            ].label = "Did the device receive two-step verification codes for any council account?"
            self.fields[
                "held_recovery_phone"
            ].label = "Is it the recovery phone for any council account?"
            self.helper.layout.fields[0] = HTML(
                '<div class="govuk-inset-text">You do not moderate any council accounts, so '
                "there is nothing to tick here. Answer the questions below and Communications "
                "will check with you.</div>"
            )

    def layout_fields(self) -> list[Any]:
        return [
            Field.checkboxes("accounts", legend_size=Size.SMALL, small=True),
            Field.radios("held_second_factor", legend_size=Size.SMALL, small=True, inline=True),
            Field.radios("held_recovery_phone", legend_size=Size.SMALL, small=True, inline=True),
        ]

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "accounts": [account.pk for account in data.get("accounts", [])],
            "held_second_factor": data["held_second_factor"] == "yes",
            "held_recovery_phone": data["held_recovery_phone"] == "yes",
        }

    @staticmethod
    def initial_from(answers: dict[str, Any], could_open: QuerySet[Account]) -> dict[str, Any]:
        """What the person said before, or every account they could lose (MOD-4: preselected)."""
        if "accounts" not in answers:
            return {"accounts": list(could_open.values_list("pk", flat=True))}
        yes_no = {True: "yes", False: "no"}
        return {
            "accounts": answers["accounts"],
            "held_second_factor": yes_no[answers["held_second_factor"]],
            "held_recovery_phone": yes_no[answers["held_recovery_phone"]],
        }
