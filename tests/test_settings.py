"""Bad configuration stops start-up with a message that names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from governance.env import env_bool, env_int, env_list, env_url

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "Jk3-pQ9v_Lm2Zr8Wt5Yb1Xc7Hs4Nd6Fg0Ve9Ua3Ko2Ip8Oh5Mj1Gl7Tq4Ry6Ew2Sz",
    "ALLOWED_HOSTS": "portal.council.example",
    "DATABASE_URL": "postgres://portal:secret@db/portal",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "CACHE_URL": "redis://redis:6379/1",
}


def clean_environment() -> dict[str, str]:
    """This process's environment without the test run's own settings."""
    dropped = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
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
    ],
)
def test_production_start_up_stops_and_names_the_bad_variable(
    name: str, value: str, message: str
) -> None:
    result = start({**PRODUCTION, name: value})

    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" in result.stderr or "ImproperlyConfigured" in result.stderr


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


def test_sessions_end_after_thirty_idle_minutes(settings: object) -> None:
    from django.conf import settings as live

    assert live.SESSION_COOKIE_AGE == 30 * 60
    assert live.SESSION_SAVE_EVERY_REQUEST is True


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
