"""Sessions through the real sign-in (password, then the two-step code) (issue 12).

A new session key at sign-in, a dead session after sign-out, leavers signed out at their next
request and the 30-minute idle timeout. The idle tests move the clock by whole minutes, so they
hold whether the session is saved on every request or at most about once a minute.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django.utils.module_loading import import_string

from governance.models import User
from governance.services.leavers import record_due_leavers
from governance.services.staff_import import import_staff
from tests.conftest import PASSWORD, TOTP_SECRET
from tests.totp import totp_code

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MINUTE = datetime.timedelta(minutes=1)


def session_store(key: str | None = None) -> SessionBase:
    store: SessionBase = import_string(settings.SESSION_ENGINE).SessionStore(key)
    return store


def sign_in(client: Client, email: str) -> None:
    """Password, then the authenticator code, as a person does it."""
    asked = client.post("/auth/login/", {"login": email, "password": PASSWORD})
    if asked["Location"] == "/auth/2fa/authenticate/":
        assert "_auth_user_id" not in client.session  # not signed in on the password alone
        done = client.post("/auth/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
        assert done.status_code == 302
    assert signed_in(client)


def signed_in(client: Client) -> bool:
    response = client.get("/")
    if response.status_code == 302:
        assert response["Location"].startswith("/auth/login/")
        return False
    assert response.status_code == 200
    return True


def with_cookie(key: str) -> Client:
    """A second browser presenting a session cookie that someone copied or planted."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# Session fixation ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["communications", "requester"])
def test_signing_in_gives_a_new_session_key_and_the_planted_one_stays_anonymous(
    who: str, request: pytest.FixtureRequest
) -> None:
    person: User = request.getfixturevalue(who)
    client = Client()
    planted = client.session  # a session an attacker made and got the victim's browser to use
    planted["planted"] = True
    planted.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = str(planted.session_key)
    assert client.get("/auth/login/").status_code == 200
    before = session_key(client)

    sign_in(client, person.email)

    after = session_key(client)
    assert planted.session_key == before
    assert after != before
    assert not session_store().exists(before)
    assert not signed_in(with_cookie(before))  # the attacker's copy opens nothing
    assert signed_in(with_cookie(after))


def test_the_password_step_alone_gives_no_signed_in_session(communications: User) -> None:
    client = Client()
    client.post("/auth/login/", {"login": communications.email, "password": PASSWORD})
    halfway = session_key(client)

    assert not signed_in(with_cookie(halfway))
    client.post("/auth/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
    assert session_key(client) != halfway


# Signing out ---------------------------------------------------------------------------------


def test_after_signing_out_the_old_session_opens_nothing(communications: User) -> None:
    client = Client()
    sign_in(client, communications.email)
    old = session_key(client)

    response = client.post("/auth/logout/")

    assert response.status_code == 302
    assert not signed_in(client)
    assert not session_store().exists(old)
    copied = with_cookie(old)
    assert not signed_in(copied)
    assert copied.get("/register/").status_code == 302


# Leavers -------------------------------------------------------------------------------------

FEED_HEADER = "employee_number,email,full_name,service_area_code,service_area_name,leaving_date\n"


def import_feed(*lines: str) -> None:
    import_staff(data=(FEED_HEADER + "".join(lines)).encode(), filename="hr.csv", actor=None)


def test_a_leaver_from_the_hr_feed_is_signed_out_at_their_next_request(db: Any) -> None:
    import_feed("E1,dana.moss@council.example,Dana Moss,leisure,Leisure,\n")
    person = User.objects.get(email="dana.moss@council.example")
    person.set_password(PASSWORD)
    person.save()
    client = Client()
    sign_in(client, person.email)
    key = session_key(client)

    yesterday = datetime.date.today() - datetime.timedelta(days=1)  # noqa: DTZ011 - a date only
    import_feed(f"E1,dana.moss@council.example,Dana Moss,leisure,Leisure,{yesterday:%Y-%m-%d}\n")

    person.refresh_from_db()
    assert person.leaver_recorded_at is not None
    assert not signed_in(client)
    assert not signed_in(with_cookie(key))


def test_someone_still_working_at_midnight_on_their_last_day_is_signed_out_after_it(
    requester: User, time_machine: Any
) -> None:
    last_day = datetime.date(2026, 11, 30)
    requester.leaving_date = last_day
    requester.save()
    clock = datetime.datetime(2026, 11, 30, 23, 20, tzinfo=LONDON)
    time_machine.move_to(clock, tick=False)
    client = Client()
    sign_in(client, requester.email)

    time_machine.move_to(clock + 20 * MINUTE, tick=False)  # 23:40 on the last day
    assert signed_in(client)
    time_machine.move_to(clock + 41 * MINUTE, tick=False)  # 00:01 the day after
    record_due_leavers()

    assert not signed_in(client)
    requester.refresh_from_db()
    assert requester.leaver_recorded_at is not None
    assert client.post("/auth/login/", {"login": requester.email, "password": PASSWORD})[
        "Location"
    ] == ("/auth/inactive/")


# Idle timeout --------------------------------------------------------------------------------

MONDAY_MORNING = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)


@pytest.fixture
def idle_minutes() -> int:
    minutes = settings.SESSION_COOKIE_AGE // 60
    assert minutes == 30  # the default the tests below are written around
    return minutes


def test_a_page_every_20_minutes_keeps_someone_signed_in_for_hours(
    communications: User, time_machine: Any, idle_minutes: int
) -> None:
    time_machine.move_to(MONDAY_MORNING, tick=False)
    client = Client()
    sign_in(client, communications.email)

    for step in range(1, 10):  # three hours, never idle for 30 minutes
        time_machine.move_to(MONDAY_MORNING + step * 20 * MINUTE, tick=False)
        assert signed_in(client), f"signed out after {step * 20} minutes"


def test_activity_just_inside_the_idle_window_keeps_the_session(
    communications: User, time_machine: Any, idle_minutes: int
) -> None:
    time_machine.move_to(MONDAY_MORNING, tick=False)
    client = Client()
    sign_in(client, communications.email)

    time_machine.move_to(MONDAY_MORNING + (idle_minutes - 2) * MINUTE, tick=False)
    assert signed_in(client)
    time_machine.move_to(MONDAY_MORNING + (2 * idle_minutes - 4) * MINUTE, tick=False)
    assert signed_in(client)  # the first request pushed the expiry forward


@pytest.mark.parametrize("idle_for", [31, 45, 240])
def test_no_activity_for_longer_than_the_timeout_signs_someone_out(
    idle_for: int, communications: User, time_machine: Any, idle_minutes: int
) -> None:
    time_machine.move_to(MONDAY_MORNING, tick=False)
    client = Client()
    sign_in(client, communications.email)
    time_machine.move_to(MONDAY_MORNING + 10 * MINUTE, tick=False)
    assert signed_in(client)
    key = session_key(client)

    time_machine.move_to(MONDAY_MORNING + (10 + idle_for) * MINUTE, tick=False)

    assert not signed_in(client)
    assert not signed_in(with_cookie(key))


def test_the_session_cookie_is_not_kept_after_the_browser_closes(communications: User) -> None:
    client = Client()
    sign_in(client, communications.email)

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
