"""Temporary: replaced by the real pages."""

from typing import Any

from django.http import Http404, HttpResponse


def _missing(*args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


policy_versions = policy_version_new = policy_version = policy_version_edit = _missing
policy_version_publish = policy_question_new = policy_question_edit = _missing
policy_question_delete = _missing
