"""The figures at each month's end, counted in one set-based query (governance.trends,
declarations.selectors.coverage_at), against the same figures worked out month by month in
plain Python from their definition, over a generated history: records changed several times in
a month, rows saved at the same instant, rows at a month's very end, deletions, leavers, people
with several declarations (superseded, overlapping, lapsed) and people with none."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db.models import Q

from declarations.models import Declaration
from declarations.selectors import Status, coverage_at
from governance.models import User
from governance.periods import Period
from governance.trends import Bucket, buckets_of, counts_at_ends
from moderation.models import AssignmentState, ModeratorAssignment
from moderation.rules import OPEN_STATES

UTC = datetime.UTC
PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 20))
STATES = [*OPEN_STATES, AssignmentState.ENDED]
WINDOW_DAYS = 30


def _instants(rng: random.Random, buckets: list[Bucket], count: int) -> list[datetime.datetime]:
    """Times over the period and a little before it, some of them exactly a month's end."""
    first = datetime.datetime(2025, 12, 1, tzinfo=UTC)
    span = (buckets[-1].moment - first).total_seconds()
    moments = [first + datetime.timedelta(seconds=rng.uniform(0, span)) for _ in range(count)]
    moments += [rng.choice(buckets).moment for _ in range(count // 8)]
    return sorted(moments)


@pytest.fixture
def council(db: Any) -> dict[str, Any]:
    rng = random.Random(12)
    buckets = buckets_of(PERIOD)
    people = [
        User.objects.create(email=f"p{n}@council.example", full_name=f"Person {n}")
        for n in range(12)
    ]
    for person in people[:3]:  # leavers: one before the period, one in it, one after it
        person.leaving_date = rng.choice(
            [datetime.date(2025, 12, 20), datetime.date(2026, 3, 15), datetime.date(2026, 9, 1)]
        )
        person.save(update_fields=["leaving_date"])
    rows = []
    Historical = ModeratorAssignment.history.model
    for assignment_id in range(1, 25):
        person = rng.choice(people)
        times = _instants(rng, buckets, rng.randint(1, 9))
        if rng.random() < 0.3:  # saved twice at the same instant
            times.insert(rng.randrange(len(times)), rng.choice(times))
            times.sort()
        for number, moment in enumerate(times):
            kind = "+" if number == 0 else rng.choice(["~", "~", "~", "-"])
            rows.append(
                Historical(
                    id=assignment_id,
                    account_id=1 + assignment_id % 4,
                    person_id=person.pk,
                    state=rng.choice(STATES),
                    starts_on=datetime.date(2025, 12, 1),
                    reason="",
                    created_at=times[0],
                    history_date=moment,
                    history_type=kind,
                )
            )
    Historical.objects.bulk_create(rows)
    for person in people[2:]:  # two people never signed
        signed = _instants(rng, buckets, rng.randint(2, 7))
        for number, moment in enumerate(signed):
            later = signed[number + 1] if number + 1 < len(signed) else None
            # Mostly superseded by the next signature; sometimes later or earlier than it.
            superseded = later and later + datetime.timedelta(days=rng.choice([0, 45, 60, -5]))
            Declaration.objects.create(
                person=person,
                on_paper=True,
                signed_at=moment,
                superseded_at=superseded,
                lapses_on=moment.date() + datetime.timedelta(days=rng.randint(20, 200)),
            )
    return {"buckets": buckets, "history": list(Historical.objects.all()), "people": people}


def _in_force(rows: list[Any], moment: datetime.datetime) -> list[Any]:
    """The rows in force at ``moment``: each record's rows of its latest date before it (all of
    them when saved at the same instant), a deletion's excepted."""
    latest: dict[int, datetime.datetime] = {}
    for row in rows:
        if row.history_date < moment:
            latest[row.id] = max(row.history_date, latest.get(row.id, row.history_date))
    return [
        row for row in rows if row.history_date == latest.get(row.id) and row.history_type != "-"
    ]


def _held(person: User, moment: datetime.datetime) -> list[Declaration]:
    return [
        declaration
        for declaration in Declaration.objects.filter(person=person)
        if declaration.signed_at <= moment
        and (declaration.superseded_at is None or declaration.superseded_at > moment)
    ]


def _live_lapse(person: User, moment: datetime.datetime) -> datetime.date | None:
    held = _held(person, moment)
    if not held:
        return None
    return max(held, key=lambda declaration: (declaration.signed_at, declaration.pk)).lapses_on


def _status(lapses_on: datetime.date | None, day: datetime.date) -> str:
    if lapses_on is None:
        return Status.NOT_SIGNED
    if lapses_on <= day:
        return Status.LAPSED
    if lapses_on <= day + datetime.timedelta(days=WINDOW_DAYS):
        return Status.DUE
    return Status.CURRENT


def test_declarations_held_at_each_months_end_are_counted_as_their_definition_says(
    council: dict[str, Any],
) -> None:
    people = {person.pk: person for person in User.objects.all()}
    expected: dict[str, list[int]] = {name: [] for name in ["total", "suspended", *Status]}
    overlapping = 0
    for bucket in council["buckets"]:
        rows = [
            row
            for row in _in_force(council["history"], bucket.moment)
            if row.state in OPEN_STATES
            and not (
                people[row.person_id].leaving_date
                and people[row.person_id].leaving_date <= bucket.end
            )
        ]
        obliged = {row.person_id for row in rows}
        statuses = [_status(_live_lapse(people[pk], bucket.moment), bucket.end) for pk in obliged]
        overlapping += sum(len(_held(people[pk], bucket.moment)) > 1 for pk in obliged)
        expected["total"].append(len(obliged))
        expected["suspended"].append(
            len({row.person_id for row in rows if row.state == AssignmentState.SUSPENDED})
        )
        for status in Status:
            expected[status].append(statuses.count(status))

    counted = coverage_at(council["buckets"], WINDOW_DAYS)

    assert counted == expected
    assert sum(expected["total"]) > 20 and sum(expected[Status.CURRENT]) > 5
    assert overlapping > 5  # people holding two declarations at a month's end


def _state_is(state: str, bucket: Bucket) -> Q:
    return Q(state=state)


def test_records_at_each_months_end_count_rows_left_out_of_the_history_as_ending_others(
    council: dict[str, Any],
) -> None:
    """A row the history leaves out (here, suspended ones) still ends the row before it."""
    shown = [row for row in council["history"] if row.state != AssignmentState.SUSPENDED]
    conditions: dict[str, Callable[[Bucket], Q]] = {
        str(state): partial(_state_is, state) for state in OPEN_STATES
    }
    expected = {
        str(state): [
            sum(
                1
                for row in _in_force(council["history"], bucket.moment)
                if row in shown and row.state == state
            )
            for bucket in council["buckets"]
        ]
        for state in OPEN_STATES
    }

    counted = counts_at_ends(
        ModeratorAssignment.history.filter(~Q(state=AssignmentState.SUSPENDED)),
        council["buckets"],
        conditions,
    )

    assert counted == expected
    assert sum(expected[AssignmentState.ACTIVE]) > 5
