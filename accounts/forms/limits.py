"""A ceiling on the free text people type, with a message in plain English."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator

LONG_TEXT = 5000


class LimitedText:
    """Mix into a form: every multi-line text box without its own limit gets LONG_TEXT.

    A comment pasted with a whole e-mail thread would otherwise be stored, logged in the
    event chain and e-mailed to every approver.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField) or field.max_length is not None:
                continue
            if not isinstance(field.widget, forms.Textarea):
                continue
            field.max_length = LONG_TEXT
            field.validators.append(MaxLengthValidator(LONG_TEXT))

    def full_clean(self) -> None:
        # Worded here, once the form has given each field its final label.
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length == LONG_TEXT:
                label = str(field.label or "This answer").rstrip("?")
                field.error_messages["max_length"] = (
                    f"{label[:1].upper()}{label[1:]} must be {LONG_TEXT:,} characters or fewer"
                )
        super().full_clean()  # type: ignore[misc]
