from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from governance.models import Event, ServiceArea, User
from governance.services.events import event_record, events_verify_chain


def record_three(actor: User, area: ServiceArea) -> list[Event]:
    return [
        event_record(actor=actor, action=f"test.step{n}", subject=area, summary=f"Step {n}")
        for n in range(3)
    ]


@pytest.mark.django_db
def test_events_are_numbered_and_chained(requester: User, leisure: ServiceArea) -> None:
    first, second, third = record_three(requester, leisure)

    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert events_verify_chain() == []
    assert list(Event.objects.for_subject(leisure)) == [first, second, third]


@pytest.mark.django_db
def test_the_orm_cannot_change_or_remove_an_event(requester: User, leisure: ServiceArea) -> None:
    event = record_three(requester, leisure)[0]

    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        Event.objects.filter(pk=event.pk).update(summary="changed")
    with pytest.raises(TypeError, match="append-only"):
        Event.objects.all().delete()


@pytest.mark.django_db
def test_editing_a_row_in_the_database_is_detected(requester: User, leisure: ServiceArea) -> None:
    record_three(requester, leisure)
    table = Event._meta.db_table

    if connection.vendor == "postgresql":
        # PostgreSQL refuses outright; the check below covers databases that do not.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET summary = 'forged' WHERE seq = 2")  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER governance_event_append_only")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET summary = 'forged' WHERE seq = 2")  # noqa: S608
        cursor.execute(f"DELETE FROM {table} WHERE seq = 3")  # noqa: S608

    assert events_verify_chain() == [
        "Event #2 was changed after it was written.",
        "The newest events after #2 were removed.",
    ]
