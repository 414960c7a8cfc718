from django import template

from accounts.validation import field_anchor

register = template.Library()


@register.filter
def anchor(field: str) -> str:
    """The id of the input a 'Change' link or an error should take the requester to."""
    return field_anchor(field)
