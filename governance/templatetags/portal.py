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
def error_links(bound_field: forms.BoundField) -> list[tuple[str, str]]:
    """(anchor, message) pairs for the error summary, pointing at the input to correct.

    Errors of a day-month-year field point at the part that is wrong, or at the day.
    """
    subfields = getattr(bound_field.field, "fields", None)
    if not subfields:
        return [(error_anchor(bound_field), str(error)) for error in bound_field.errors]
    links: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, subfield in enumerate(subfields):
        for error in getattr(subfield.widget, "errors", []):
            links.append((f"{bound_field.auto_id}_{index}", str(error)))
            seen.add(str(error))
    links += [
        (f"{bound_field.auto_id}_0", str(error))
        for error in bound_field.errors
        if str(error) not in seen
    ]
    return links


@register.filter
def with_extra(form: Any, extra: Any) -> list[Any]:
    """The page's forms that exist, for one error summary covering them all."""
    return [item for item in (form, extra) if item]


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


TAG_COLOURS = {
    "draft": "grey",
    "submitted": "blue",
    "pending": "blue",
    "returned": "orange",
    "approved": "green",
    "active": "green",
    "rejected": "red",
    "unapproved": "red",
    "suspended": "orange",
    "withdrawn": "grey",
    "cancelled": "grey",
    "closed": "grey",
    "waiting": "grey",
    "being_set_up": "light-blue",
    "awaiting_declaration": "yellow",
    "ended": "grey",
    "open": "blue",
    "done": "green",
}


@register.filter
def tag_colour(status: str) -> str:
    return f"govuk-tag--{TAG_COLOURS.get(str(status), 'grey')}"


@register.filter
def page_items(page: Any) -> list[int | None]:
    """The page numbers the pagination shows, None for an ellipsis: the first and the last, two
    either side of the current one, and an ellipsis where the second or the second-to-last is
    left out. Only these are looked at, however many pages there are."""
    last = page.paginator.num_pages
    shown = {1, last, *range(max(1, page.number - 2), min(last, page.number + 2) + 1)}
    gaps = {number for number in (2, last - 1) if 1 < number < last} - shown
    return [number if number in shown else None for number in sorted(shown | gaps)]
