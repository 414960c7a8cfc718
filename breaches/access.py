"""Fetch a breach record or a person's breach history for HR, or answer 404 to anyone else,
administrators included (HR-2). Every read that succeeds is logged (BreachRead)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from breaches.models import BreachRecord
from breaches.rules import handles_breaches
from governance.models import User


def access_breaches(user: Any) -> None:
    if not handles_breaches(user):
        raise Http404


def access_breach(user: Any, pk: int) -> BreachRecord:
    access_breaches(user)
    return get_object_or_404(
        BreachRecord.objects.select_related(
            "person",
            "person__line_manager",
            "reported_by",
            "closed_by",
            "policy_version",
            "incident",
            "abuse_case",
        ),
        pk=pk,
    )


def access_person(user: Any, pk: int) -> User:
    access_breaches(user)
    return get_object_or_404(User.objects.select_related("line_manager", "service_area"), pk=pk)
