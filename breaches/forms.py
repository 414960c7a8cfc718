"""The questions on the concern and breach record pages. They check only what was typed: who may
raise a concern about whom, and which moves a record allows, are for breaches/rules.py and the
transition table to say, through the services."""

from __future__ import annotations

import re
from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from breaches.models import BreachOutcome, BreachRecord
from declarations.models import PolicyVersion, VersionState
from governance.forms import GOVUKForm, LimitedText
from governance.models import User
from moderation.models import AbuseCase, Incident
from moderation.rules import can_view_abuse_case, can_view_incident

EMAIL_HINT = "For example, priya.shah@council.gov.uk"


def what_happened_field(hint: str) -> forms.CharField:
    return forms.CharField(
        label="What happened?",
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what happened"},
    )


def person_by_email(email: str) -> User:
    found = User.objects.filter(email__iexact=email.strip()).first()
    if found is None:
        raise ValidationError("There is no member of staff with this email address")
    return found


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}, {obj.job_title}" if obj.job_title else obj.full_name


# ---------------------------------------------------------------------------------------------
# Raising a concern (line managers and Communications)


class ConcernForm(LimitedText, GOVUKForm):
    """Who and what; the person is asked differently by role."""

    submit_label = "Send the concern to HR"
    field_order = ["person", "what_happened"]
    nobody_in_team = False

    what_happened = what_happened_field(
        "Say what was posted or done, where and when. Include the web address of a post if you "
        "have it. Only HR will read this."
    )
    # The page's own token: the same page sent twice (a double tap) raises one concern.
    started = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def layout_fields(self) -> list[Any]:
        return [self.person_field(), Field.textarea("what_happened", rows=6), Field("started")]

    def person_field(self) -> Any:
        return Field.text("person", field_width=30)


class ConcernByEmailForm(ConcernForm):
    """Communications may raise a concern about any member of staff."""

    person = forms.EmailField(
        label="Work email address of the member of staff",
        help_text=EMAIL_HINT,
        error_messages={
            "required": "Enter the work email address of the member of staff",
            "invalid": "Enter an email address in the correct format, like name@council.gov.uk",
        },
    )

    def clean_person(self) -> User:
        return person_by_email(self.cleaned_data["person"])


class ConcernFromTeamForm(ConcernForm):
    """A line manager raises a concern about someone in their own team."""

    person = PersonChoice(
        queryset=User.objects.none(),
        label="Who in your team is the concern about?",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select who in your team the concern is about",
            "invalid_choice": "You can raise a concern only about someone in your team. For "
            "anyone else, contact HR",
        },
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people.order_by("full_name", "pk")  # type: ignore[attr-defined]
        self.nobody_in_team = not people.exists()

    def person_field(self) -> Any:
        return Field.radios("person", legend_size=Size.SMALL)


# ---------------------------------------------------------------------------------------------
# HR's breach records

REFERENCE = re.compile(r"(?:(?P<prefix>[A-Za-z]+)\s*-?\s*)?0*(?P<number>[0-9]{1,9})")


def found_by_reference(
    text: str, *, prefix: str, what: str, queryset: QuerySet[Any], visible: Any, viewer: User
) -> Any:
    """The incident or case a person typed as its portal reference (INC-00012) or number (12),
    if they may see it; otherwise a message saying how to write it."""
    text = text.strip()
    if not text:
        return None
    example = f"{prefix}-00012"
    match = REFERENCE.fullmatch(text)
    if match is None or (match["prefix"] and match["prefix"].upper() != prefix):
        raise ValidationError(
            f"Enter the {what}'s reference as the portal shows it, like {example}, or its number"
        )
    number = int(match["number"])
    found = queryset.filter(pk=number).first() if number else None
    if found is None or not visible(viewer, found):
        raise ValidationError(
            f"There is no {what} {prefix}-{number:05d}. Check the reference on the {what}'s page"
        )
    return found


class BreachDetailsForm(LimitedText, GOVUKForm):
    """What HR records about a breach, and may change while the record is open."""

    field_order = [
        "person",
        "what_happened",
        "policy_version",
        "clauses",
        "incident",
        "abuse_case",
        "hr_case_reference",
    ]

    what_happened = what_happened_field("What was posted or done, where and when.")
    policy_version = forms.ModelChoiceField(
        label="Which version of the policy applies? (optional)",
        queryset=PolicyVersion.objects.none(),
        required=False,
        empty_label="Not known yet",
        error_messages={"invalid_choice": "Select a version of the policy from the list"},
    )
    clauses = forms.CharField(
        label="Which clauses? (optional)",
        help_text="For example, MSM 5.12, MSM 8.1",
        max_length=BreachRecord._meta.get_field("clauses").max_length,
        required=False,
    )
    incident = forms.CharField(
        label="Linked incident (optional)",
        help_text="Its reference as the portal shows it, for example INC-00012",
        max_length=20,
        required=False,
    )
    abuse_case = forms.CharField(
        label="Linked public abuse case (optional)",
        help_text="Its reference as the portal shows it, for example PA-00003",
        max_length=20,
        required=False,
    )
    hr_case_reference = forms.CharField(
        label="HR case reference (optional)",
        help_text="The reference of the case in HR's own case system.",
        max_length=BreachRecord._meta.get_field("hr_case_reference").max_length,
        required=False,
    )

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        self.viewer = viewer
        super().__init__(*args, **kwargs)
        versions = PolicyVersion.objects.filter(
            state__in=[VersionState.PUBLISHED, VersionState.RETIRED]
        ).order_by("-published_at", "-pk")
        self.fields["policy_version"].queryset = versions  # type: ignore[attr-defined]

    def layout_fields(self) -> list[Any]:
        return [
            Field.textarea("what_happened", rows=6),
            Field.select("policy_version"),
            Field.text("clauses", field_width=20),
            Field.text("incident", field_width=10),
            Field.text("abuse_case", field_width=10),
            Field.text("hr_case_reference", field_width=20),
        ]

    def clean_incident(self) -> Incident | None:
        return found_by_reference(
            self.cleaned_data["incident"],
            prefix="INC",
            what="incident",
            queryset=Incident.objects.all(),
            visible=can_view_incident,
            viewer=self.viewer,
        )

    def clean_abuse_case(self) -> AbuseCase | None:
        return found_by_reference(
            self.cleaned_data["abuse_case"],
            prefix="PA",
            what="public abuse case",
            queryset=AbuseCase.objects.all(),
            visible=can_view_abuse_case,
            viewer=self.viewer,
        )

    def details(self) -> dict[str, Any]:
        """The answers as breach_record and breach_update take them."""
        return {name: self.cleaned_data[name] for name in self.field_order if name != "person"}

    @staticmethod
    def initial_from(record: BreachRecord) -> dict[str, Any]:
        return {
            "what_happened": record.what_happened,
            "policy_version": record.policy_version_id,
            "clauses": record.clauses,
            "incident": record.incident.reference if record.incident else "",
            "abuse_case": record.abuse_case.reference if record.abuse_case else "",
            "hr_case_reference": record.hr_case_reference,
        }


class BreachNewForm(BreachDetailsForm):
    submit_label = "Record the breach"

    person = forms.EmailField(
        label="Work email address of the member of staff",
        help_text=EMAIL_HINT,
        error_messages={
            "required": "Enter the work email address of the member of staff",
            "invalid": "Enter an email address in the correct format, like name@council.gov.uk",
        },
    )

    def layout_fields(self) -> list[Any]:
        return [Field.text("person", field_width=30), *super().layout_fields()]

    def clean_person(self) -> User:
        return person_by_email(self.cleaned_data["person"])


class BreachEditForm(BreachDetailsForm):
    submit_label = "Save the changes"


class BreachCloseForm(LimitedText, GOVUKForm):
    submit_label = "Close the record"

    outcome = forms.ChoiceField(
        label="What was the outcome?",
        choices=BreachOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    outcome_note = forms.CharField(
        label="About the outcome (optional)",
        help_text="For example, the date of the hearing or what was agreed.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def layout_fields(self) -> list[Any]:
        return [
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("outcome_note", rows=4),
        ]
