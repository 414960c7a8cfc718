"""Fetch policy versions and declarations for a person, or answer 404. Each helper asks the
predicates in declarations/rules.py."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from declarations.models import Declaration, PolicyVersion, Question
from declarations.rules import can_manage_policy, can_view_declaration, can_view_version


def access_version(user: Any, pk: int) -> PolicyVersion:
    version = get_object_or_404(PolicyVersion, pk=pk)
    if not can_view_version(user, version):
        raise Http404
    return version


def access_version_to_manage(user: Any, pk: int) -> PolicyVersion:
    """Editing, questions and publishing: the Policy owner only; anyone else 404."""
    if not can_manage_policy(user):
        raise Http404
    return get_object_or_404(PolicyVersion, pk=pk)


def access_question_to_manage(user: Any, version_pk: int, pk: int) -> Question:
    version = access_version_to_manage(user, version_pk)
    return get_object_or_404(Question, version=version, pk=pk)


def access_declaration(user: Any, pk: int) -> Declaration:
    declaration = get_object_or_404(Declaration.objects.select_related("person", "version"), pk=pk)
    if not can_view_declaration(user, declaration):
        raise Http404
    return declaration
