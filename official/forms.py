"""The questions of the public register's pages: "Is this an official account?" and the report
of an account pretending to be the council's (issue 11).

These are asked of residents, not staff, so they are not the portal's GOVUKForm: every message
is marked for translation (Welsh-ready), and the staff forms' rules do not fit. A resident
quoting a fake account's "send us your password: ..." must be able to report it, and an address
pasted with an invisible character is read as the address it looks like, not refused.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from governance.errors import DomainError
from governance.validators import LONGEST_TEXT
from moderation.incident_forms import TokenField, checked_image
from moderation.services.evidence import CheckedImage
from official.lookup import LONGEST_INPUT, clean

ADDRESS_MISSING = _("Enter the web address or handle of the account")
ADDRESS_TOO_LONG = format_lazy(
    _("The web address or handle must be {limit} characters or fewer"), limit=LONGEST_INPUT
)
HIDDEN_CHARACTERS = _("Enter the web address or handle on one line, without hidden characters")
# An e-mail address fits in the model's field (254, RFC 5321's longest path less its brackets).
LONGEST_EMAIL = 254


class AddressField(forms.CharField):
    """A handle or a web address as a resident pastes it: full-width letters read as plain
    ones, invisible characters dropped. A control character inside it is refused (it was not
    copied from a page). No maxlength on the box: a browser would cut a pasted address short
    without saying so; the length is said as a message instead."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", LONGEST_INPUT)
        kwargs.setdefault(
            "error_messages",
            {
                "required": ADDRESS_MISSING,
                "max_length": ADDRESS_TOO_LONG,
                "null_characters_not_allowed": HIDDEN_CHARACTERS,
            },
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"spellcheck": "false"}))
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def clean(self, value: Any) -> str:
        address: str = super().clean(value)
        address = clean(address)
        if any(unicodedata.category(char) == "Cc" for char in address):
            raise ValidationError(HIDDEN_CHARACTERS)
        if self.required and not address:
            raise ValidationError(ADDRESS_MISSING)
        return address


class CheckForm(forms.Form):
    address = AddressField(
        label=_("Is this an official account?"),
        help_text=_("Paste the web address or the handle, like @DemoCouncil"),
    )


class ReportForm(forms.Form):
    """What moderation's impersonation_report takes, and nothing more."""

    address = AddressField(
        label=_("Web address or handle of the account"),
        help_text=_(
            "Open the account's page and copy its address, or type its handle, like @DemoCouncil"
        ),
    )
    details = forms.CharField(
        label=_("What did you see? (optional)"),
        help_text=_("For example, what it posted, or what it asked people to do or pay for."),
        required=False,
        max_length=LONGEST_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": format_lazy(
                _("What you saw must be {limit} characters or fewer"), limit=f"{LONGEST_TEXT:,}"
            ),
            "null_characters_not_allowed": _("What you saw must not contain hidden characters"),
        },
    )
    screenshot = forms.FileField(
        label=_("Upload a screenshot (optional)"),
        required=False,
        error_messages={
            "empty": _("The selected file is empty"),
            "invalid": _("The selected file must be a PNG, JPEG or WebP image"),
            "missing": _("The selected file is empty"),
        },
    )
    contact_email = forms.EmailField(
        label=_("Your email address (optional)"),
        help_text=_("Only if you would like a reply. We use it for nothing else."),
        required=False,
        max_length=LONGEST_EMAIL,
        error_messages={
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
            "max_length": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    started_with = TokenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.checked: CheckedImage | None = None
        super().__init__(*args, **kwargs)
        for name in ("details", "contact_email"):
            self.fields[name].widget.attrs.pop("maxlength", None)

    def clean_screenshot(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data["screenshot"]
        self.checked = checked_image(upload)
        return upload

    def report(self) -> dict[str, Any]:
        """The answers as impersonation_report takes them."""
        data = self.cleaned_data
        return {
            "address": data["address"],
            "details": data["details"],
            "contact_email": data["contact_email"],
            # Checked when the form was (clean_screenshot): not checked a second time.
            "evidence": self.checked,
            "started_with": data["started_with"],
        }

    def show(self, error: DomainError) -> None:
        """A refusal from the service at its question, or at the top of the page."""
        field = "screenshot" if error.field == "evidence" else error.field
        if field in self.fields:
            self.add_error(field, error.message)
        else:
            self.add_error(None, error.message)

    def token(self) -> str:
        """The form's token for the page: after a problem, the one the report will be made
        with, so that the corrected form sent twice still makes one report."""
        cleaned = getattr(self, "cleaned_data", {}).get("started_with")
        return str(cleaned or self["started_with"].value() or "")

    def screenshot_again(self) -> str:
        """A browser never sends a file a second time: after a problem elsewhere on the page,
        the name of the screenshot that must be chosen again ("" when there is none)."""
        if not hasattr(self, "cleaned_data") or "screenshot" in self.errors:
            return ""
        upload = self.cleaned_data.get("screenshot")
        if upload is None:
            return ""
        return self.checked.original_name if self.checked else str(upload.name)
