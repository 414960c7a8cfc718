"""Temporary: replaced by the real pages."""

from typing import Any

from django.http import Http404, HttpResponse


def _missing(*args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


declaration_home = declaration_verify = declaration_questions = _missing
declaration_sign_view = declaration_receipt = _missing
