"""The declaration pages' forms. They check only what was typed: whether every statement is
ticked and the name is right is the signing service's to say (declarations/services)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.utils.html import escape, format_html

from declarations.markdown import section_anchor
from declarations.models import PolicyVersion, Question
from declarations.receipts import normalise_code
from governance.forms import GOVUKForm

CODE_EXAMPLE = "ABCD-EFGH-IJKL-MNOP-QRST"
ENTER_CODE = f"Enter the verification code from the receipt, like {CODE_EXAMPLE}"


def answers_in_order(question: Question) -> list[str]:
    """The right answer among the wrong ones, sorted by their words: the same order on every
    visit, and not always first."""
    return sorted([question.correct_answer, *question.wrong_answers], key=str.casefold)


def wrong_answer(question: Question) -> str:
    return f"That is not right. Reread section “{question.clause}” of the policy"


class QuestionsForm(GOVUKForm):
    """One set of radios per question of the version (DEC-2: understanding, not just a tick).
    A wrong answer is refused at its question, with a link to the section to reread."""

    submit_label = "Continue"

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        self.questions = {f"question_{question.pk}": question for question in questions}
        # The questions are the version's, so the fields are made before the form copies them.
        self.base_fields = {  # type: ignore[misc]
            name: self._field(number, question)
            for number, (name, question) in enumerate(self.questions.items(), start=1)
        }
        super().__init__(*args, **kwargs)

    @staticmethod
    def _field(number: int, question: Question) -> forms.ChoiceField:
        missing = f"Select an answer to question {number}"
        return forms.ChoiceField(
            # crispy-forms-gds writes a legend unescaped: the Policy owner's words are escaped here.
            label=escape(f"{number}. {question.text}"),
            choices=[(answer, answer) for answer in answers_in_order(question)],
            widget=forms.RadioSelect,
            error_messages={"required": missing, "invalid_choice": missing},
        )

    def layout_fields(self) -> list[Any]:
        return [Field.radios(name, legend_size=Size.SMALL) for name in self.questions]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, question in self.questions.items():
            answer = cleaned.get(name)
            if answer is None or answer == question.correct_answer:
                continue
            self.add_error(name, wrong_answer(question))
            # The bound field copied the hint when it was made: the link goes on it.
            self[name].help_text = format_html(
                '<a class="govuk-link" href="#{}">Read section “{}” again</a>',
                section_anchor(question.clause),
                question.clause,
            )
        return cleaned


class StatementsField(forms.MultipleChoiceField):
    """The indexes of the ticked statements, as numbers. Whatever arrives is passed on for the
    signing service to judge: an index that is not one of the statements becomes -1, which
    never matches, so a tampered form is told to tick every statement, never a server error."""

    def validate(self, value: Any) -> None:
        """Which statements must be ticked is the service's rule, not the form's."""

    def clean(self, value: Any) -> list[int]:
        raw = self.to_python(value)
        return [
            int(item) if item.isascii() and item.isdigit() and len(item) <= 4 else -1
            for item in raw
        ]


class SignForm(GOVUKForm):
    submit_label = "Sign the declaration"

    statements = StatementsField(
        label="Tick each statement to confirm you accept it",
        help_text="If you cannot accept one of them, talk to your line manager before you sign.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    typed_name = forms.CharField(
        label="Type your full name",
        help_text="As it is on the council's staff list. Typing it is your signature.",
        max_length=150,
        required=False,
    )

    def __init__(self, *args: Any, version: PolicyVersion, **kwargs: Any) -> None:
        self.has_statements = bool(version.statements)
        super().__init__(*args, **kwargs)
        if not self.has_statements:
            del self.fields["statements"]
            return
        statements = self.fields["statements"]
        assert isinstance(statements, StatementsField)
        statements.choices = [(str(index), text) for index, text in enumerate(version.statements)]

    def layout_fields(self) -> list[Any]:
        name = Field.text("typed_name", field_width=20, autocomplete="name", spellcheck="false")
        if not self.has_statements:
            return [name]
        return [Field.checkboxes("statements", legend_size=Size.MEDIUM), name]

    def ticked(self) -> list[int]:
        return self.cleaned_data.get("statements", [])


class VerifyForm(GOVUKForm):
    """One code, asked by GET so that a result can be linked to."""

    code = forms.CharField(
        label="Verification code",
        help_text=f"It is on the receipt, in five groups of four letters and numbers, like "
        f"{CODE_EXAMPLE}.",
        max_length=60,
        error_messages={"required": ENTER_CODE, "max_length": ENTER_CODE},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page draws its own button: a named one would add "&submit=" to the address.
        self.helper.layout = Layout(*self.layout_fields())

    def layout_fields(self) -> list[Any]:
        return [Field.text("code", field_width=20, spellcheck="false", autocomplete="off")]

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(ENTER_CODE)
        return code
