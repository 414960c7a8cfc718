"""Bad configuration stops start-up with a message that names the variable."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from governance.env import env_bool, env_int, env_list, env_url
from governance.models import User

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "Jk3-pQ9v_Lm2Zr8Wt5Yb1Xc7Hs4Nd6Fg0Ve9Ua3Ko2Ip8Oh5Mj1Gl7Tq4Ry6Ew2Sz",
    "ALLOWED_HOSTS": "portal.council.example",
    "DATABASE_URL": "postgres://portal:secret@db/portal",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "CACHE_URL": "redis://redis:6379/1",
    "SITE_URL": "https://portal.council.example",
    "EMAIL_HOST": "smtp.council.example",
    "EVENT_LOG_KEY": "a-real-event-log-key-of-forty-two-characters",
    "EVENT_CHECKPOINT_RECIPIENTS": "internal-audit@audit.example",
}


def clean_environment() -> dict[str, str]:
    """This process's environment without the test run's own settings."""
    dropped = {
        *PRODUCTION,
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "EMAIL_BACKEND",
        "BEHIND_PROXY",
        "TRUSTED_PROXY_COUNT",
        "DEMO_TOTP_SECRET",
        "ACCESSIBILITY_CONTACT_EMAIL",
    }
    return {key: value for key, value in os.environ.items() if key not in dropped}


def start(env: dict[str, str], command: str = "check") -> subprocess.CompletedProcess[str]:
    clean = clean_environment()
    return subprocess.run(
        [sys.executable, "manage.py", command],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SECRET_KEY", "", "Environment variable SECRET_KEY must be set."),
        ("SECRET_KEY", "short", "SECRET_KEY must be at least 50 characters long."),
        ("ALLOWED_HOSTS", "", "ALLOWED_HOSTS must be set when DEBUG is off."),
        ("DATABASE_URL", "mysql://db/portal", "DATABASE_URL must be a URL starting with"),
        ("CELERY_BROKER_URL", "amqp://rabbit", "CELERY_BROKER_URL must be a URL starting"),
        ("SESSION_IDLE_MINUTES", "half an hour", "SESSION_IDLE_MINUTES must be a whole number"),
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("MICROSOFT_CLIENT_ID", "abc", "also set MICROSOFT_CLIENT_SECRET, MICROSOFT_TENANT_ID"),
        ("DATABASE_URL", "", "Environment variable DATABASE_URL must be set when DEBUG is off."),
        ("CELERY_BROKER_URL", "", "CELERY_BROKER_URL must be set when DEBUG is off."),
        ("CACHE_URL", "", "Environment variable CACHE_URL must be set when DEBUG is off."),
        ("SITE_URL", "", "Environment variable SITE_URL must be set when DEBUG is off."),
        ("EMAIL_HOST", "", "EMAIL_HOST (an SMTP server) or EMAIL_BACKEND must be set"),
        ("TRUSTED_PROXY_COUNT", "one", "TRUSTED_PROXY_COUNT must be a whole number"),
        ("DEMO_TOTP_SECRET", "not-base32!", "DEMO_TOTP_SECRET must be base32"),
        # Base32 that allauth cannot decode: 34 characters is not a multiple of 8.
        ("DEMO_TOTP_SECRET", "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ", "must be base32"),
        ("ACCESSIBILITY_CONTACT_EMAIL", "accessibility", "must be an e-mail address"),
    ],
)
def test_production_start_up_stops_and_names_the_bad_variable(
    name: str, value: str, message: str
) -> None:
    result = start({**PRODUCTION, name: value})

    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" in result.stderr or "ImproperlyConfigured" in result.stderr


def test_a_bad_setting_prints_one_line_not_a_traceback() -> None:
    result = start({**PRODUCTION, "DATABASE_URL": ""})

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "ImproperlyConfigured: Environment variable DATABASE_URL must be set when DEBUG is off."
    ]
    assert result.stdout == ""


def test_a_laptop_needs_none_of_the_production_variables() -> None:
    result = start({})

    assert result.returncode == 0, result.stderr


def test_an_explicit_email_backend_is_enough_for_production() -> None:
    console = "django.core.mail.backends.console.EmailBackend"
    result = setting({**PRODUCTION, "EMAIL_HOST": "", "EMAIL_BACKEND": console}, "EMAIL_BACKEND")

    assert result == console


def setting(env: dict[str, str], name: str) -> str:
    """The value a setting takes when the portal starts with this environment."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; "
            f"print(settings.{name})",
        ],
        cwd=ROOT,
        env={**clean_environment(), "DJANGO_SETTINGS_MODULE": "governance.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "count"),
    [
        ({}, "0"),  # a laptop: no proxy in front
        (PRODUCTION, "1"),  # behind one TLS proxy by default
        ({**PRODUCTION, "BEHIND_PROXY": "false"}, "0"),
        ({**PRODUCTION, "TRUSTED_PROXY_COUNT": "2"}, "2"),  # a load balancer and nginx
    ],
)
def test_sign_in_limits_count_the_client_behind_the_proxies(
    env: dict[str, str], count: str
) -> None:
    assert setting(env, "ALLAUTH_TRUSTED_PROXY_COUNT") == count


def test_microsoft_sign_in_must_be_limited_to_the_councils_tenant() -> None:
    result = start(
        {
            **PRODUCTION,
            "MICROSOFT_CLIENT_ID": "id",
            "MICROSOFT_CLIENT_SECRET": "secret",
            "MICROSOFT_TENANT_ID": "common",
        }
    )

    assert result.returncode != 0
    assert "MICROSOFT_TENANT_ID must be the council's own tenant ID" in result.stderr


def test_production_settings_pass_the_deployment_checklist() -> None:
    result = start(PRODUCTION, command="check")
    deploy = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean_environment(), **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert "0 silenced" in deploy.stdout


def test_entra_sign_in_is_installed_for_the_councils_tenant_only_when_configured() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SOCIALACCOUNT_PROVIDERS['microsoft']['TENANT']); "
            "print('allauth.socialaccount.providers.microsoft' in s.INSTALLED_APPS)",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "governance.settings",
            "MICROSOFT_CLIENT_ID": "id",
            "MICROSOFT_CLIENT_SECRET": "secret",
            "MICROSOFT_TENANT_ID": "0b1c2d3e-aaaa-bbbb-cccc-123456789abc",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.stdout.split() == ["0b1c2d3e-aaaa-bbbb-cccc-123456789abc", "True"]


def test_the_laptop_broker_keeps_every_file_under_var() -> None:
    """kombu's file transport otherwise writes its exchange table to ./control."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.VAR_DIR); "
            "[print(v) for k, v in s.CELERY_BROKER_TRANSPORT_OPTIONS.items() if 'folder' in k]",
        ],
        cwd=ROOT,
        env={**clean_environment(), "DJANGO_SETTINGS_MODULE": "governance.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    var, *folders = result.stdout.split()

    assert len(folders) == 3
    assert all(Path(folder).is_relative_to(var) for folder in folders), folders


@pytest.mark.django_db
def test_sessions_end_after_thirty_idle_minutes(
    requester: User, client_for: Callable[[User | None], Client], time_machine: Any
) -> None:
    time_machine.move_to(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    client = client_for(requester)
    assert client.get("/").status_code == 200

    time_machine.shift(datetime.timedelta(minutes=31))
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/auth/login/?next=/"


@pytest.mark.django_db
def test_a_person_active_every_twenty_minutes_stays_signed_in(
    requester: User, client_for: Callable[[User | None], Client], time_machine: Any
) -> None:
    time_machine.move_to(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    client = client_for(requester)

    for _ in range(6):  # two hours in all
        time_machine.shift(datetime.timedelta(minutes=20))
        response = client.get("/")
        assert response.status_code == 200
        assert "Riya Patel" in response.content.decode()


@pytest.mark.django_db
def test_the_accessibility_statement_gives_the_councils_contact_address(settings: Any) -> None:
    settings.ACCESSIBILITY_CONTACT_EMAIL = "web.access@council.example"

    page = Client().get("/accessibility/").content.decode()

    assert page.count('<a class="govuk-link" href="mailto:web.access@council.example">') == 2
    assert "get back to you within 5 working days" in page
    assert "Equality Advisory and Support Service (EASS)" in page
    assert "This statement was prepared on" in page


def test_typed_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "yes")
    monkeypatch.setenv("COUNT", "7")
    monkeypatch.setenv("ITEMS", " a, b ,,c ")
    monkeypatch.setenv("BAD_COUNT", "-3")

    assert env_bool("FLAG", False) is True
    assert env_int("COUNT", 1) == 7
    assert env_list("ITEMS", []) == ["a", "b", "c"]
    assert env_url("MISSING_URL", "redis://x", schemes=("redis",)) == "redis://x"
    with pytest.raises(ImproperlyConfigured, match="BAD_COUNT must be at least 0"):
        env_int("BAD_COUNT", 1, minimum=0)


@pytest.mark.parametrize(
    ("env", "options"),
    [
        (PRODUCTION, "-c jit=off"),  # the portal's queries are short: no compiling them
        ({**PRODUCTION, "DATABASE_JIT": "true"}, "None"),  # the server's own setting
    ],
)
def test_postgresql_connections_turn_the_jit_compiler_off_unless_asked(
    env: dict[str, str], options: str
) -> None:
    assert setting(env, 'DATABASES["default"]["OPTIONS"].get("options")') == options


@pytest.mark.django_db
def test_the_test_database_runs_without_the_jit_compiler() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
