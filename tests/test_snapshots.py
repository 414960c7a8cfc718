"""Figures kept between changes (governance/snapshots.py) and sessions saved at most once a
minute (governance.middleware.IdleTimeoutMiddleware): fewer queries a page, never a stale figure
after a change made in the portal, and the pages still answer when the cache cannot."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache import cache

from accounts.services.register import account_record_unapproved
from governance.models import ServiceArea, User
from governance.snapshots import Snapshot

UTC = datetime.UTC
UNAPPROVED_CARD = "Unapproved accounts"


def unapproved_card(response: Any) -> int:
    return next(c["count"] for c in response.context["cards"] if c["label"] == UNAPPROVED_CARD)


def record_unapproved(actor: User, area: ServiceArea, number: int) -> None:
    account_record_unapproved(
        actor=actor,
        discovered_how="Monitoring",
        values={
            "platform": "x", "platform_other": "", "name": f"Found {number}", "url": "",
            "handle": f"@found{number}", "service_area": area, "responsible_officer": None,
        },
    )  # fmt: skip


@pytest.mark.django_db
def test_a_change_made_in_the_portal_shows_on_the_dashboard_at_once(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    client = client_for(communications)
    record_unapproved(communications, leisure, 1)
    assert unapproved_card(client.get("/register/dashboard/")) == 1
    assert unapproved_card(client.get("/register/dashboard/")) == 1  # kept

    record_unapproved(communications, leisure, 2)

    assert unapproved_card(client.get("/register/dashboard/")) == 2


class Counted:
    """A figure that says how many times it has been worked out."""

    def __init__(self) -> None:
        self.times = 0

    def __call__(self) -> int:
        self.times += 1
        return self.times


def cache_unreachable(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "governance.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }


@pytest.mark.django_db
def test_figures_are_worked_out_again_when_the_day_turns(
    communications: User, leisure: ServiceArea
) -> None:
    compute = Counted()

    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        assert Snapshot().get("figure", compute) == 1
        assert Snapshot().get("figure", compute) == 1
        assert Snapshot().get("figure", compute, "someone else") == 2
    with time_machine.travel(datetime.datetime(2026, 6, 2, 12, tzinfo=UTC), tick=False):
        assert Snapshot().get("figure", compute) == 3


@pytest.mark.django_db
def test_with_the_cache_unreachable_the_dashboard_and_statement_still_answer(
    communications: User, leisure: ServiceArea, client_for: Any, settings: Any
) -> None:
    client = client_for(communications)
    record_unapproved(communications, leisure, 1)
    cache_unreachable(settings)

    dashboard = client.get("/register/dashboard/")
    statement = client.get("/compliance/")

    assert dashboard.status_code == 200 and unapproved_card(dashboard) == 1
    assert statement.status_code == 200


def expiry() -> datetime.datetime:
    return Session.objects.get().expire_date


@pytest.mark.django_db
def test_a_session_is_saved_at_most_once_a_minute_and_ends_after_30_idle_minutes(
    communications: User, client_for: Any
) -> None:
    start = datetime.datetime(2026, 6, 1, 9, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        client = client_for(communications)
        client.get("/")
        first = expiry()
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        assert client.get("/").status_code == 200
        quiet = expiry()
    with time_machine.travel(start + datetime.timedelta(seconds=90), tick=False):
        assert client.get("/").status_code == 200
        touched = expiry()
    # Active every 20 minutes for an hour: still signed in.
    for minutes in (20, 40, 60):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=91), tick=False):
        idle = client.get("/")

    assert first == start + datetime.timedelta(minutes=30)
    assert quiet == first  # not saved again within the minute
    assert touched == first + datetime.timedelta(seconds=90)
    assert idle.status_code == 302 and "/auth/login/" in idle["Location"]


@pytest.mark.django_db
def test_portals_sharing_one_cache_keep_their_own_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    # Event numbers start again in every database: another council's portal (or another test
    # run) on the same Redis has the same numbers, and must not be shown our figures.
    from django.db import connection

    assert Snapshot().get("shared-figure", lambda: "ours") == "ours"
    monkeypatch.setitem(connection.settings_dict, "NAME", "another_council")
    assert Snapshot().get("shared-figure", lambda: "theirs") == "theirs"


@pytest.mark.django_db
def test_a_figure_held_in_the_process_follows_the_cache_and_each_change(
    communications: User, leisure: ServiceArea
) -> None:
    # ``held`` keeps a large figure in the process between requests. Until the next change it
    # is not worked out or fetched again; a change, or a cleared cache (the token goes with
    # it), brings a fresh one: never an answer from memory the cache no longer vouches for.
    figure = Counted()

    assert Snapshot().held("held-figure", figure) == 1
    assert Snapshot().held("held-figure", figure) == 1
    assert figure.times == 1

    cache.clear()
    assert Snapshot().held("held-figure", figure) == 2

    record_unapproved(communications, leisure, 1)  # a change in the portal: a new event
    assert Snapshot().held("held-figure", figure) == 3
    assert Snapshot().held("held-figure", figure) == 3


@pytest.mark.django_db
def test_with_the_cache_unreachable_a_held_figure_is_worked_out_each_time(settings: Any) -> None:
    cache_unreachable(settings)
    answers = iter(["first", "second"])

    assert Snapshot().held("held-unreachable", lambda: next(answers)) == "first"
    assert Snapshot().held("held-unreachable", lambda: next(answers)) == "second"
