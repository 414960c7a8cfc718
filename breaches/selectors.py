"""Reads of breach records, for HR's pages and tasks only."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from breaches.models import BreachRead, BreachRecord, BreachState
from governance.models import User

RELATED = ("person", "reported_by", "policy_version")


def breach_list(state: str | None = None, query: str = "") -> QuerySet[BreachRecord]:
    """Every record, newest first; ``query`` finds a person by name or e-mail address, or a
    record by its HR case reference."""
    records = BreachRecord.objects.select_related(*RELATED)
    if state is not None:
        records = records.filter(state=state)
    if query.strip():
        words = query.strip()
        records = records.filter(
            Q(person__full_name__icontains=words)
            | Q(person__email__iexact=words)
            | Q(hr_case_reference__iexact=words)
        )
    return records.order_by("-created_at", "-pk")


def person_history(person: User) -> QuerySet[BreachRecord]:
    """A person's whole breach history (HR-2), newest first."""
    return (
        BreachRecord.objects.filter(person=person)
        .select_related("reported_by", "policy_version", "incident", "abuse_case")
        .order_by("-created_at", "-pk")
    )


def concerns_waiting() -> QuerySet[BreachRecord]:
    """Concerns nobody in HR has started on: HR's tasks."""
    return (
        BreachRecord.objects.filter(state=BreachState.RECEIVED)
        .select_related("person")
        .order_by("created_at", "pk")
    )


def reads() -> QuerySet[BreachRead]:
    """The log of who read which record or history (HR-2), newest first."""
    return BreachRead.objects.select_related("reader", "record", "person").order_by(
        "-read_at", "-pk"
    )


def people_matching(query: str, limit: int = 20) -> list[User]:
    """People HR looks up to see or start their history: by name or e-mail address."""
    words = query.strip()
    if len(words) < 2:
        return []
    return list(
        User.objects.filter(Q(full_name__icontains=words) | Q(email__iexact=words))
        .select_related("service_area")
        .order_by("full_name", "pk")[:limit]
    )
