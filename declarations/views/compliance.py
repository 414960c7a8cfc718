"""Temporary: replaced by the real pages."""

from typing import Any

from django.http import Http404, HttpResponse


def _missing(*args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


declaration_compliance = declaration_compliance_export = _missing
