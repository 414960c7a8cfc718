"""``{{ version.text|policy_html }}``: a version's Markdown as sanitised HTML (DEC-1)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from declarations.markdown import render_policy

register = template.Library()


@register.filter
def policy_html(text: str) -> SafeString:
    return render_policy(text or "")
