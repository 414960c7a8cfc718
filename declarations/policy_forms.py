"""The Policy owner's questions about a version of the policy, its questions before signing and
its publication (DEC-1). They check what was typed; whether a version may change or be
published is the transition table's and the services' to say (declarations/services/versions.py).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from declarations.models import PolicyVersion, Question
from governance.forms import GOVUKDateField, GOVUKForm

MAX_POLICY_TEXT = 50_000
MAX_STATEMENT = 500
MAX_ANSWER = 200


def lines_of(text: str, *, longest: int, what: str) -> list[str]:
    """The non-blank lines of a text box, each with its spaces tidied."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        if len(line) > longest:
            raise ValidationError(f"{what} {number} must be {longest} characters or fewer")
    return lines


class VersionForm(GOVUKForm):
    """A draft's title, number, dates, text and statements."""

    submit_label = "Save the draft"

    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter the title of the policy"},
    )
    version = forms.CharField(
        label="Version number",
        max_length=20,
        help_text="For example, 2.1. Each version has its own number.",
        error_messages={"required": "Enter the version number"},
    )
    effective_on = GOVUKDateField(
        label="Effective date",
        help_text="The day this version takes effect. You can publish it on that day or after. "
        "For example, 1 4 2026",
        error_messages={"required": "Enter the date this version takes effect"},
    )
    review_due_on = GOVUKDateField(
        label="Review due date",
        help_text="When the policy must be looked at again: at least once a year. For example, "
        "1 4 2027",
        error_messages={"required": "Enter the date this version is due for review"},
    )
    text = forms.CharField(
        label="Policy text",
        help_text="Written in Markdown. Start each section on a line of its own with two hashes, "
        "its number and its title, like \u2018## 1. Purpose\u2019. Leave a blank line between "
        "paragraphs, and start each item of a list with \u2018- \u2019. Questions before "
        "signing send readers to these sections.",
        max_length=MAX_POLICY_TEXT,
        widget=forms.Textarea(attrs={"rows": 25, "spellcheck": "true"}),
        error_messages={"required": "Enter the text of the policy"},
    )
    statements = forms.CharField(
        label="Statements a moderator affirms",
        help_text="One statement per line. A moderator ticks every one before they sign.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter at least one statement a moderator affirms"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(self.initial.get("statements"), list):
            self.initial["statements"] = "\n".join(self.initial["statements"])

    @classmethod
    def initial_from(cls, version: PolicyVersion | None, *, with_number: bool) -> dict[str, Any]:
        if version is None:
            return {}
        initial: dict[str, Any] = {
            "title": version.title,
            "text": version.text,
            "statements": list(version.statements),
        }
        if with_number:
            initial |= {
                "version": version.version,
                "effective_on": version.effective_on,
                "review_due_on": version.review_due_on,
            }
        return initial

    def layout_fields(self) -> list[Any]:
        return [
            Field.text("title"),
            Field.text("version", field_width=5),
            Field("effective_on"),
            Field("review_due_on"),
            Field.textarea("text", rows=25),
            Field.textarea("statements", rows=6),
        ]

    def clean_version(self) -> str:
        label = self.cleaned_data["version"].strip()
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)*", label, flags=re.ASCII):
            raise ValidationError("Enter the version number as numbers and dots, like 2.1")
        return label

    def clean_review_due_on(self) -> datetime.date:
        review = self.cleaned_data["review_due_on"]
        if review <= timezone.localdate():
            raise ValidationError("The review due date must be in the future")
        return review

    def clean_text(self) -> str:
        """Browsers send a text box's lines ending CR LF: kept as the Markdown was typed, with
        plain line ends, so that the same text always has the same fingerprint."""
        return "\n".join(self.cleaned_data["text"].splitlines())

    def clean_statements(self) -> list[str]:
        return lines_of(self.cleaned_data["statements"], longest=MAX_STATEMENT, what="Statement")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        effective, review = cleaned.get("effective_on"), cleaned.get("review_due_on")
        if effective and review and review <= effective:
            self.add_error("review_due_on", "The review due date must be after the effective date")
        return cleaned

    def values(self) -> dict[str, Any]:
        """What the services take (version_draft, version_update)."""
        return {name: self.cleaned_data[name] for name in self.fields}


class QuestionForm(GOVUKForm):
    """A question asked before signing, its answers and the section a wrong answer points at."""

    submit_label = "Save the question"

    text = forms.CharField(
        label="Question",
        max_length=300,
        help_text="For example, \u2018A colleague's phone with the Facebook app on it is stolen. "
        "What do you do first?\u2019",
        error_messages={"required": "Enter the question"},
    )
    correct_answer = forms.CharField(
        label="The right answer",
        max_length=MAX_ANSWER,
        error_messages={"required": "Enter the right answer"},
    )
    wrong_answers = forms.CharField(
        label="Wrong answers",
        help_text="One per line. Moderators choose from these and the right answer.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter at least one wrong answer"},
    )
    clause = forms.ChoiceField(
        label="Section to reread",
        help_text="Someone who answers wrongly is sent to read this section again.",
        error_messages={
            "required": "Select the section to reread",
            "invalid_choice": "Select one of the sections of the policy text",
        },
    )

    def __init__(self, *args: Any, headings: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clause = self.fields["clause"]
        assert isinstance(clause, forms.ChoiceField)
        clause.choices = [("", "Select a section"), *((heading, heading) for heading in headings)]
        if isinstance(self.initial.get("wrong_answers"), list):
            self.initial["wrong_answers"] = "\n".join(self.initial["wrong_answers"])

    @staticmethod
    def initial_from(question: Question) -> dict[str, Any]:
        return {
            "text": question.text,
            "correct_answer": question.correct_answer,
            "wrong_answers": list(question.wrong_answers),
            "clause": question.clause,
        }

    def layout_fields(self) -> list[Any]:
        return [
            Field.text("text"),
            Field.text("correct_answer"),
            Field.textarea("wrong_answers", rows=4),
            Field.select("clause"),
        ]

    def clean_wrong_answers(self) -> list[str]:
        return lines_of(self.cleaned_data["wrong_answers"], longest=MAX_ANSWER, what="Wrong answer")

    def values(self) -> dict[str, Any]:
        """What question_save takes."""
        return {name: self.cleaned_data[name] for name in self.fields}


REACKNOWLEDGE = "Does everyone need to sign this version again?"


class PublishForm(GOVUKForm):
    """Whether the change requires everyone to re-acknowledge the policy (DEC-4)."""

    submit_label = "Publish this version"

    requires_reacknowledgement = forms.ChoiceField(
        label=REACKNOWLEDGE,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether everyone needs to sign this version again"},
    )

    def __init__(self, *args: Any, grace_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["requires_reacknowledgement"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            Choice(
                "yes",
                "Yes, everyone signs it again",
                hint=f"Everyone's declaration lapses {grace_days} days after it is published, "
                "unless they sign this version first. Choose this when what moderators must do "
                "has changed.",
            ),
            Choice(
                "no",
                "No, people sign it when their declaration is next due",
                hint="Declarations already signed stand until they lapse. Choose this for "
                "corrections and clearer wording.",
            ),
        ]

    def layout_fields(self) -> list[Any]:
        return [Field.radios("requires_reacknowledgement", legend_size=Size.MEDIUM)]

    def reacknowledge(self) -> bool:
        return bool(self.cleaned_data["requires_reacknowledgement"] == "yes")
