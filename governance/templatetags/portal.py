from __future__ import annotations

import datetime
from typing import Any

from django import forms, template

from governance.formatting import date_and_time, long_date

register = template.Library()


@register.filter
def error_anchor(bound_field: forms.BoundField) -> str:
    """The id the error summary links to: the first option of a radio or checkbox list."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{bound_field.html_name}_1"
    return bound_field.auto_id or ""


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def business_case_label(key: str) -> str:
    from governance.models import BusinessCaseField

    try:
        return str(BusinessCaseField(key).label)
    except ValueError:
        return key


@register.filter
def when(value: datetime.datetime | None) -> str:
    return date_and_time(value) if value is not None else ""


@register.filter
def day(value: datetime.date | datetime.datetime | None) -> str:
    return long_date(value) if value is not None else ""
