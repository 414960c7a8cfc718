"""Security headers on every page, the deployment checklist and bandit (issue 12).

Every page of the project is opened as someone allowed to see it (the permission matrix's cast
and objects) and anonymously; every answer, page or redirect, must carry the portal's security
headers, and no page may need inline script. Production's own settings, read from
governance/settings.py with production's environment, must send HSTS over https. The Django
deployment checklist and bandit run as CI runs them.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from governance.models import User
from tests import test_permission_matrix as matrix

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGES = ["governance", "accounts", "moderation", "declarations", "breaches", "official",
                "compliance"]  # fmt: skip
REVIEWED = Path(__file__).with_name("bandit_reviewed.toml")

url_arguments = matrix.url_arguments

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def policy_of(response: Any) -> dict[str, list[str]]:
    return {
        name: sources
        for name, *sources in (
            directive.split() for directive in response["Content-Security-Policy"].split(";")
        )
    }


def header_problems(url: str, response: Any, *, signed_in: bool) -> list[str]:
    problems = []
    if "Content-Security-Policy" not in response:
        problems.append("no Content-Security-Policy")
    else:
        policy = policy_of(response)
        scripts = policy.get("script-src", policy.get("default-src", []))
        if not scripts or {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(scripts):
            problems.append(f"script-src {scripts}")
        if policy.get("object-src", policy.get("default-src")) != ["'none'"]:
            problems.append(f"object-src {policy.get('object-src')}")
        # frame-ancestors has no fallback to default-src: either it or X-Frame-Options forbids
        if policy.get("frame-ancestors") != ["'none'"] and response.get("X-Frame-Options") != (
            "DENY"
        ):
            problems.append(f"framing allowed: {response.get('X-Frame-Options')}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options {response.get('X-Content-Type-Options')}")
    if response.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy {response.get('Referrer-Policy')}")
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"Cache-Control {response.get('Cache-Control')} while signed in")
    if "html" in response.get("Content-Type", "") and not response.streaming:
        page = response.content.decode()
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script>"),
            (EVENT_HANDLER, "inline event handler"),
            (SCRIPT_URL, "javascript: address"),
        ):
            if found := pattern.search(page):
                problems.append(f"{what}: {found.group(0)[:80]}")
    return [f"{url} ({response.status_code}): {problem}" for problem in problems]


def test_the_header_check_catches_inline_script_and_missing_headers() -> None:
    from django.http import HttpResponse

    page = HttpResponse('<p onclick="go()">x</p><script>go()</script><a href="javascript:x">')
    page["Content-Security-Policy"] = "script-src 'self' 'unsafe-inline'; object-src 'none'"

    problems = "\n".join(header_problems("/x/", page, signed_in=True))

    expected = [
        "script-src",
        "framing allowed",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cache-Control",
        "inline <script>",
        "inline event handler",
        "javascript: address",
    ]
    assert [what for what in expected if what not in problems] == []


@pytest.mark.django_db
def test_every_page_sends_the_security_headers_and_needs_no_inline_script(
    cast: dict[str, User | None], client_for: Any, url_arguments: dict[str, str]
) -> None:
    clients = {role: client_for(person) for role, person in cast.items()}
    problems = []
    opened = 0
    for route in matrix.project_routes():
        url = matrix.url_for(route, url_arguments)
        expected = matrix.MATRIX[route.name]
        allowed = [role for role in matrix.CAST if expected[role] == matrix.OK]
        # as someone who may see it, and as someone who may not (anonymous or a 404)
        refused = [role for role in ("anonymous", "outsider") if role not in allowed]
        for role in allowed[:1] + refused[:1]:
            response = clients[role].get(url)
            opened += 1
            problems += header_problems(url, response, signed_in=role != "anonymous")
    for url in ("/no-such-page/", "/register/999999/"):
        problems += header_problems(url, clients["communications"].get(url), signed_in=True)
        problems += header_problems(url, clients["anonymous"].get(url), signed_in=False)

    assert opened > 150
    assert problems == []


@pytest.mark.django_db
def test_a_refused_form_and_the_sign_in_pages_send_the_headers_too(requester: User) -> None:
    anonymous = Client()
    pages = [
        ("/auth/login/", anonymous.post("/auth/login/", {"login": "x", "password": "y"}), False),
        ("/auth/2fa/authenticate/", anonymous.get("/auth/2fa/authenticate/"), False),
    ]
    signed_in = Client()
    signed_in.force_login(requester)
    pages.append(("/requests/new/", signed_in.post("/requests/new/", {"platform": "?"}), True))

    problems = [p for url, page, who in pages for p in header_problems(url, page, signed_in=who)]

    assert problems == []


# Production settings ---------------------------------------------------------------------------


def production_environment() -> dict[str, str]:
    """What .ci/run gives `check --deploy`: DEBUG off and every service named. Not the
    browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, which no deployment sets (async.E001)."""
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DEBUG": "false",
        "SECRET_KEY": "ci-" + secrets.token_urlsafe(64),
        "EVENT_LOG_KEY": "ci-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "portal.council.example",
        "SITE_URL": "https://portal.council.example",
        "EMAIL_HOST": "smtp.council.example",
        "EVENT_CHECKPOINT_RECIPIENTS": "internal-audit@audit.example",
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://portal:portal@127.0.0.1:5432/portal"
        ),
        "CACHE_URL": os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/1"),
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
        "DJANGO_SETTINGS_MODULE": "governance.settings",
    }


SECURITY_SETTINGS = [
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_REDIRECT_EXEMPT",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "ALLOWED_HOSTS",
]  # fmt: skip


@pytest.fixture(scope="module")
def production_settings() -> dict[str, Any]:
    """governance/settings.py's own answer with DEBUG off, read in a fresh interpreter."""
    script = (
        "import json, governance.settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {SECURITY_SETTINGS!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values: dict[str, Any] = json.loads(done.stdout)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.mark.django_db
def test_with_production_settings_https_answers_carry_hsts_and_http_is_redirected(
    production_settings: dict[str, Any], requester: User
) -> None:
    host = {"Host": "portal.council.example"}
    with override_settings(DEBUG=False, **production_settings):
        assert production_settings["SECURE_HSTS_SECONDS"] >= 31536000
        client = Client()  # a new client loads the middleware with these settings
        plain = client.get("/auth/login/", headers=host)
        secure = client.get("/auth/login/", secure=True, headers=host)
        proxied = client.get("/accessibility/", headers={**host, "X-Forwarded-Proto": "https"})
        probe = client.get("/healthz", headers=host)
        client.force_login(requester)
        signed_in = client.get("/", secure=True, headers=host)

    assert plain.status_code == 301
    assert plain["Location"] == "https://portal.council.example/auth/login/"
    hsts = "max-age=31536000; includeSubDomains; preload"
    for response in (secure, proxied, signed_in):
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == hsts
        assert header_problems("", response, signed_in=response is signed_in) == []
    assert "Strict-Transport-Security" not in plain  # never over http (RFC 6797)
    assert probe.status_code in {200, 503}  # load balancers probe over http
    cookie = client.cookies["sessionid"]
    assert cookie["secure"]
    assert cookie["httponly"]


def test_the_deployment_checklist_is_clean_with_production_settings() -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


# bandit ----------------------------------------------------------------------------------------


def bandit_findings() -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", *APP_PACKAGES,
         "--severity-level", "medium", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode in {0, 1}, done.stderr  # 1: findings, reported below
    report = json.loads(done.stdout)
    assert report["errors"] == []
    findings: list[dict[str, Any]] = report["results"]
    return findings


def is_reviewed(finding: dict[str, Any], review: dict[str, str]) -> bool:
    return (
        finding["test_id"] == review["test_id"]
        and finding["filename"] == review["file"]
        and review["code"] in finding["code"]
    )


def test_bandit_finds_nothing_medium_or_high_that_has_not_been_reviewed() -> None:
    reviewed = tomllib.loads(REVIEWED.read_text())["finding"]
    assert all(review["reason"].strip() for review in reviewed)
    findings = bandit_findings()

    unreviewed = [
        f"{f['filename']}:{f['line_number']} {f['test_id']} {f['issue_severity']}: "
        f"{f['issue_text']}"
        for f in findings
        if not any(is_reviewed(f, review) for review in reviewed)
    ]
    stale = [
        f"{review['file']} {review['test_id']}"
        for review in reviewed
        if not any(is_reviewed(f, review) for f in findings)
    ]

    assert unreviewed == [], "New bandit findings: fix them or review them in " + REVIEWED.name
    assert stale == [], "Reviewed findings bandit no longer reports: remove them"
