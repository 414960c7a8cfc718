from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.text import capfirst

from accounts.models import AccountRequest, FacebookPurpose, Platform
from accounts.transitions import APPROVE, REJECT, RETURN, STEP
from accounts.validation import REGULARISED_FIELDS, Problem, evidence_type, handle_problem
from governance.errors import DomainError
from governance.forms import GOVUKDateField, GOVUKForm, LimitedText, OneLineText
from governance.models import BusinessCaseField, PolicyProfile, ServiceArea, User

BACKUP_FIELDS = ("backup_officer_1", "backup_officer_2", "backup_officer_3")
BUSINESS_CASE = [choice.value for choice in BusinessCaseField if choice != "backup_officers"]
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024

HINTS = {
    "purpose_audience": "For example, news about summer events for families in the borough.",
    "aims": "What you want the account to achieve, and why this platform rather than another.",
    "other_channels": "For example, the council website, newsletters, posters.",
    "update_frequency": "For example, posts twice a day, replies checked at 9am, 1pm and 4pm.",
    "record_keeping": "For example, a monthly export kept in the team's SharePoint site.",
}


def evidence_kind(upload: UploadedFile) -> tuple[str, str] | None:
    head = upload.read(8)
    upload.seek(0)
    return evidence_type(head)


class RequestForm(OneLineText, LimitedText, forms.ModelForm):
    """Every answer is optional here, so a draft can be saved at any point; what must be
    answered before submitting comes from the policy profile (accounts.validation)."""

    backup_officer_1 = forms.EmailField(label="Backup officer", required=False)
    backup_officer_2 = forms.EmailField(label="Second backup officer (optional)", required=False)
    backup_officer_3 = forms.EmailField(label="Third backup officer (optional)", required=False)
    training_completed_on = GOVUKDateField(
        label="When did you complete the data protection e-learning?",
        help_text="For example, 27 3 2026",
        required=False,
        require_all_fields=False,
    )

    class Meta:
        model = AccountRequest
        fields = [
            "platform",
            "platform_other",
            "proposed_name",
            "proposed_handle",
            "service_area",
            "facebook_purpose",
            "facebook_purpose_name",
            *BUSINESS_CASE,
            "budget_code",
            "training_completed_on",
            "training_evidence",
        ]
        widgets = {
            "platform": forms.RadioSelect,
            "facebook_purpose": forms.RadioSelect,
            **{name: forms.Textarea(attrs={"rows": 3}) for name in BUSINESS_CASE},
        }

    def __init__(self, *args: Any, profile: PolicyProfile, requester: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.requester = requester
        for field in self.fields.values():
            field.required = False
        for name in self._not_asked():
            del self.fields[name]
        self._set_labels()
        if self.instance.pk:
            for name, person in zip(
                BACKUP_FIELDS, self.instance.backup_officers.all(), strict=False
            ):
                self.initial[name] = person.email
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self._layout())

    def _not_asked(self) -> set[str]:
        """Questions the council's policy profile does not ask."""
        unused = set()
        if self.instance.regularises_id:
            unused |= set(REGULARISED_FIELDS)
        if not self.profile.facebook_purpose_rule:
            unused |= {"facebook_purpose", "facebook_purpose_name"}
        if not self.profile.require_budget_code:
            unused.add("budget_code")
        if not self.profile.require_data_protection_training:
            unused |= {"training_completed_on", "training_evidence"}
        return unused

    def _set_labels(self) -> None:
        fields = self.fields
        if "platform" in fields:
            fields["platform"].label = "Which platform is the account on?"
            fields["platform"].choices = Platform.choices  # type: ignore[attr-defined]
            fields["platform_other"].label = "If another platform, which one?"
            fields["proposed_name"].label = "Name of the account"
            fields["proposed_name"].help_text = "As people will see it, for example Leisure Events."
            fields["proposed_handle"].label = "Handle or web address"
            fields["proposed_handle"].help_text = "For example @LeisureEvents. No spaces."
            fields["service_area"].label = "Which service area will the account belong to?"
            fields["service_area"].help_text = "Its Head of Service approves the request."
            areas = ServiceArea.objects.order_by("name")
            fields["service_area"].queryset = areas  # type: ignore[attr-defined]
            fields["service_area"].empty_label = "Select a service area"  # type: ignore[attr-defined]
        if "facebook_purpose" in fields:
            fields["facebook_purpose"].choices = FacebookPurpose.choices  # type: ignore[attr-defined]
            fields["facebook_purpose"].label = "What is the Facebook page for?"
            fields["facebook_purpose"].help_text = (
                "Answer only if the account is on Facebook. The council's policy allows "
                "Facebook pages for an event, activity, project or established group only."
            )
            fields["facebook_purpose_name"].label = "Name of the event, activity, project or group"
        for name in BUSINESS_CASE:
            model_field = AccountRequest._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            label = capfirst(str(model_field.verbose_name))
            optional = "" if self.profile.requires_business_case_field(name) else " (optional)"
            fields[name].label = f"{label}{optional}"
            fields[name].help_text = HINTS.get(name, "")
        backups_optional = not self.profile.requires_business_case_field("backup_officers")
        if backups_optional:
            fields["backup_officer_1"].label = "Backup officer (optional)"
        for name in BACKUP_FIELDS:
            fields[name].error_messages["invalid"] = (
                "Enter an email address in the correct format, like name@council.gov.uk"
            )
        if "budget_code" in fields:
            fields["budget_code"].help_text = "The code that will pay for the licence."
        if "training_evidence" in fields:
            fields["training_evidence"].label = "Upload your certificate or a screenshot"
            fields["training_evidence"].help_text = "A PDF, PNG or JPG file, up to 5 MB."
            if self.instance.training_evidence:
                fields[
                    "training_evidence"
                ].help_text += (
                    " You have uploaded a file already: upload another only to replace it."
                )

    def _layout(self) -> list[Any]:
        layout: list[Any] = []
        if "platform" in self.fields:
            layout.append(
                Fieldset(
                    Field.radios("platform", legend_size=Size.SMALL, small=True),
                    Field.text("platform_other", field_width=20),
                    Field.text("proposed_name", field_width=20),
                    Field.text("proposed_handle", field_width=20),
                    Field.select("service_area"),
                    legend="The account",
                    legend_size=Size.MEDIUM,
                )
            )
        if self.profile.facebook_purpose_rule:
            layout.append(
                Fieldset(
                    Field.radios("facebook_purpose", legend_size=Size.SMALL, small=True),
                    Field.text("facebook_purpose_name", field_width=20),
                    legend="Facebook pages",
                    legend_size=Size.MEDIUM,
                )
            )
        layout.append(
            Fieldset(
                *(Field.textarea(name, rows=3) for name in BUSINESS_CASE),
                legend="The business case",
                legend_size=Size.MEDIUM,
            )
        )
        layout.append(
            Fieldset(
                HTML(
                    '<p class="govuk-body">Who can edit the account when you are off sick or on '
                    "leave? Enter their work email addresses. They will become moderators of "
                    "the account.</p>"
                ),
                *(Field.text(name, field_width=20) for name in BACKUP_FIELDS),
                legend="Cover for sickness and leave",
                legend_size=Size.MEDIUM,
            )
        )
        extra = []
        if self.profile.require_budget_code:
            extra.append(Field.text("budget_code", field_width=10))
        if self.profile.require_data_protection_training:
            extra += [Field("training_completed_on"), Field("training_evidence")]
        if extra:
            layout.append(Fieldset(*extra, legend="Licence and training", legend_size=Size.MEDIUM))
        layout += [
            HTML('<div class="govuk-button-group">'),
            Button("continue", "Continue", data_prevent_double_click="true"),
            Button.secondary("save", "Save as draft", data_prevent_double_click="true"),
            HTML("</div>"),
        ]
        return layout

    def clean_proposed_handle(self) -> str:
        handle: str = self.cleaned_data.get("proposed_handle", "").strip()
        if handle and (message := handle_problem(handle)):
            raise ValidationError(message)
        return handle

    def clean_training_evidence(self) -> Any:
        upload = self.cleaned_data.get("training_evidence")
        if isinstance(upload, UploadedFile):
            if upload.size and upload.size > MAX_EVIDENCE_BYTES:
                raise ValidationError("The selected file must be smaller than 5 MB")
            if evidence_kind(upload) is None:
                raise ValidationError("The selected file must be a PDF, PNG or JPG")
        return upload

    def _clean_backup(self, name: str) -> User | None:
        email = (self.cleaned_data.get(name) or "").strip().lower()
        if not email:
            return None
        if email == self.requester.email.lower():
            raise ValidationError("You cannot be your own backup officer: name a colleague")
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None or person.has_left:
            raise ValidationError(f"There is no member of staff with the email address {email}")
        return person

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        officers: list[User] = []
        for name in BACKUP_FIELDS:
            try:
                person = self._clean_backup(name)
            except ValidationError as error:
                self.add_error(name, error)
                continue
            if person is None:
                continue
            if person in officers:
                self.add_error(name, "You have already named this officer")
                continue
            officers.append(person)
        cleaned["backup_officers"] = officers
        return cleaned

    def draft_values(self) -> dict[str, Any]:
        """The answers that passed their own checks, to keep in the draft."""
        names = [name for name in self.Meta.fields if name != "training_evidence"]
        values = {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}
        for text in ("platform_other", "proposed_name", "facebook_purpose_name", "budget_code"):
            if text in values:
                values[text] = values[text].strip()
        return values

    def has_answers(self) -> bool:
        """Whether anything valid was entered beyond what a new draft starts with."""
        blank = AccountRequest(requester=self.requester, service_area=self.requester.service_area)
        if any(
            value not in (None, "", [], False) and value != getattr(blank, name, None)
            for name, value in self.draft_values().items()
            if name != "backup_officers"
        ):
            return True
        return bool(self.cleaned_data.get("backup_officers")) or bool(
            self.cleaned_data.get("training_evidence")
        )

    def add_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            field = None if problem.field == "__all__" else problem.field
            if field is not None and field not in self.fields:
                field = None
            if field is not None and field in self.errors:
                continue
            self.add_error(field, problem.message)


DECISIONS = [(move, STEP[move].label) for move in (APPROVE, RETURN, REJECT)]


class DecisionForm(LimitedText, GOVUKForm):
    submit_label = "Record your decision"

    step = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Your decision",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select your decision"},
    )
    comment = forms.CharField(
        label="Comment",
        help_text=(
            "Needed if you return or reject the request: say what to change, or why it is "
            "rejected. The requester sees this."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    branding_confirmed = forms.BooleanField(
        label="The account's name, picture and banner follow the council's branding",
        help_text="Communications approves each account's branding (MSM 5.5, MDM 8.7).",
        required=False,
    )

    def __init__(self, *args: Any, asks_branding: bool, **kwargs: Any) -> None:
        self.asks_branding = asks_branding
        super().__init__(*args, **kwargs)
        if not asks_branding:
            del self.fields["branding_confirmed"]

    def layout_fields(self) -> list[Any]:
        fields: list[Any] = [
            Field("step"),
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("comment", rows=4),
        ]
        if self.asks_branding:
            fields.append(Field.checkbox("branding_confirmed"))
        return fields

    def show_refusal(self, error: DomainError) -> None:
        """The decision service's refusal, shown at the question it is about."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


class WithdrawForm(LimitedText, GOVUKForm):
    submit_label = "Withdraw the request"

    reason = forms.CharField(
        label="Why are you withdrawing it? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def layout_fields(self) -> list[Any]:
        return [Field.textarea("reason", rows=3)]
