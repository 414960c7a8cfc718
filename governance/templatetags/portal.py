from __future__ import annotations

import datetime
from typing import Any

from django import forms, template
from django.utils import timezone

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
    """GOV.UK style date and time in the council's time zone: 21 November 2026 at 2:05pm."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{suffix}"


@register.filter
def day(value: datetime.date | datetime.datetime | None) -> str:
    """GOV.UK style date: 21 November 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"
