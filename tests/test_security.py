"""What the portal sends and refuses to protect people signing in and reading pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

import governance.settings as configured
from governance.models import User

PROXY = "10.0.0.2"  # every request reaches the portal from the TLS proxy


def attempt(client: Client, client_ip: str | None = None) -> Any:
    headers = {"X-Forwarded-For": client_ip} if client_ip else {}
    return client.post(
        "/auth/login/",
        {"login": "requester@council.example", "password": "wrong"},
        REMOTE_ADDR=PROXY,
        headers=headers,
    )


@pytest.fixture
def sign_in_limits(settings: Any) -> None:
    """The production limits (test settings turn them off) behind one trusted proxy."""
    settings.ACCOUNT_RATE_LIMITS = configured.ACCOUNT_RATE_LIMITS
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("sign_in_limits")
def test_the_31st_sign_in_attempt_in_a_minute_gets_the_too_many_attempts_page(
    requester: User,
) -> None:
    client = Client()
    for _ in range(30):
        assert attempt(client, "203.0.113.7").status_code == 200

    blocked = attempt(client, "203.0.113.7")

    assert blocked.status_code == 429
    page = blocked.content.decode()
    assert "<title>Too many attempts \N{EN DASH} Social media governance" in page
    assert '<h1 class="govuk-heading-xl">Too many attempts</h1>' in page
    assert "Wait a minute, then try again." in page
    assert "govuk-frontend.min.css" in page


@pytest.mark.django_db
@pytest.mark.usefixtures("sign_in_limits")
def test_people_behind_the_same_proxy_are_counted_separately(requester: User) -> None:
    for _ in range(30):
        attempt(Client(), "203.0.113.7")

    assert attempt(Client(), "203.0.113.7").status_code == 429
    assert attempt(Client(), "198.51.100.23").status_code == 200
    # The proxy appends the address it saw; whatever the client claimed before it is ignored.
    assert attempt(Client(), "203.0.113.7, 198.51.100.23").status_code == 200


@pytest.mark.django_db
def test_content_security_policy_is_sent_and_forbids_inline_script(
    requester: User, client_for: Any
) -> None:
    for client, url in ((Client(), "/auth/login/"), (client_for(requester), "/")):
        response = client.get(url)
        assert response.status_code == 200

        policy = {
            name: sources
            for name, *sources in (
                directive.split() for directive in response["Content-Security-Policy"].split(";")
            )
        }
        assert policy["script-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "<script>" not in response.content.decode()  # the page needs no inline script
