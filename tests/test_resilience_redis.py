"""Redis down (issue 12). With the broker unreachable, a hundred requests are sent and decided
through the pages: every page answers as usual, every request and decision is kept, and every
notification waits in the database; when the broker is back, the scheduled sweep e-mails each
one exactly once. With the cache's Redis down, the pages that need no cache still answer; the
ones that count sign-ins and lookups in it fail (a known fault, marked below).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import Client

from accounts import events as request_events
from accounts.models import AccountRequest, RequestStatus
from accounts.rules import step_approvers
from accounts.selectors import current_step
from governance import settings as portal_settings
from governance.models import Event, Notification, User
from governance.tasks import deliver_pending_notifications
from tests.brokers import broker_down
from tests.conftest import PASSWORD, REQUIRE_SERVICES
from tests.requests_helpers import complete_draft
from tests.test_resilience_jobs import at_once

REQUESTS = 100
DECISIONS = ("approve", "return", "reject")
AFTER = {
    "approve": RequestStatus.SUBMITTED,  # on to the next step
    "return": RequestStatus.RETURNED,
    "reject": RequestStatus.REJECTED,
}
STEP_EVENTS = {
    "approve": request_events.REQUEST_STEP_APPROVED,
    "return": request_events.REQUEST_STEP_RETURNED,
    "reject": request_events.REQUEST_STEP_REJECTED,
}
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def page(client: Client, url: str, form: dict[str, Any] | None = None) -> int:
    """The status a person sees: a server error is a 500 here, not an exception."""
    response = client.get(url) if form is None else client.post(url, form)
    return response.status_code


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_requests_are_sent_and_decided_and_mailed_once_it_is_back(
    requester: User, colleague: User, line_manager: User, communications: User
) -> None:
    if not str(settings.CELERY_BROKER_URL).startswith("redis"):
        # The file broker's settings keep kombu's retries: a dead Redis would hang each page.
        if REQUIRE_SERVICES:
            pytest.fail("PORTAL_TEST_REQUIRE_SERVICES=1 needs CELERY_BROKER_URL=redis://")
        pytest.skip("the Redis broker's settings: CI runs this with CELERY_BROKER_URL=redis://")
    with transaction.atomic():
        drafts = [
            complete_draft(
                requester, [colleague], proposed_name=f"Parks {n}", proposed_handle=f"@Parks{n}"
            )
            for n in range(REQUESTS)
        ]
    people: dict[int, Client] = {}

    def client_of(person: User) -> Client:
        if person.pk not in people:
            people[person.pk] = Client(raise_request_exception=False)
            people[person.pk].force_login(person)
        return people[person.pk]

    statuses: Counter[int] = Counter()
    with broker_down():
        for number, draft in enumerate(drafts):
            statuses[page(client_of(requester), f"/requests/{draft.pk}/check/", {})] += 1
            draft.refresh_from_db()
            step = current_step(draft)
            assert step is not None
            approver = client_of(step_approvers(draft, step.kind)[0])
            decision = DECISIONS[number % 3]
            form = {
                "step": step.pk,
                "decision": decision,
                "comment": "Seen",
                "branding_confirmed": "on",
            }
            statuses[page(approver, f"/requests/{draft.pk}/decide/", form)] += 1
            statuses[page(client_of(requester), f"/requests/{draft.pk}/")] += 1
        for url in ("/", "/requests/", "/healthz"):
            statuses[page(client_of(line_manager), url)] += 1
        assert mail.outbox == []  # nothing reached a worker

    assert statuses == {302: 2 * REQUESTS, 200: REQUESTS + 2, 503: 1}  # healthz says "down"
    for number, draft in enumerate(drafts):
        decision = DECISIONS[number % 3]
        request = AccountRequest.objects.get(pk=draft.pk)
        assert request.status == AFTER[decision], request.reference
        decided = Event.objects.filter(
            action=STEP_EVENTS[decision], data__round=1, subject_id=draft.pk
        )
        assert decided.count() == 1, request.reference
    waiting = Notification.objects.filter(sent_at__isnull=True)
    assert waiting.count() == Notification.objects.count() >= 2 * REQUESTS

    if connection.vendor == "postgresql":
        at_once(lambda: deliver_pending_notifications.apply(throw=True))
    else:
        deliver_pending_notifications.apply(throw=True)
    deliver_pending_notifications.apply(throw=True)

    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    sent = Counter((tuple(m.to), m.subject, str(m.body)) for m in mail.outbox)
    assert [message for message, times in sent.items() if times > 1] == []
    assert len(mail.outbox) == Notification.objects.count()


@pytest.fixture
def cache_down(settings: Any) -> None:
    """The cache's Redis refuses connections, with the sign-in limits the portal runs with."""
    settings.ACCOUNT_RATE_LIMITS = portal_settings.ACCOUNT_RATE_LIMITS
    settings.CACHES = {
        "default": {
            "BACKEND": "governance.cache.ForgivingRedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "url", "expected"),
    [
        ("sign-in page", "get", "/auth/login/", 200),
        ("public register page", "get", "/official-accounts/check/", 200),
        ("signed-in home page", "home", "/", 200),
        pytest.param(
            "signing in",
            "sign-in",
            "/auth/login/",
            302,
        ),
        pytest.param(
            "a wrong password",
            "wrong",
            "/auth/login/",
            200,
        ),
        pytest.param(
            "checking an address",
            "get",
            "/official-accounts/check/?address=%40parks",
            200,
        ),
    ],
)
def test_with_the_cache_down_pages_still_answer(
    name: str, method: str, url: str, expected: int, requester: User, cache_down: None
) -> None:
    client = Client(raise_request_exception=False)
    if method == "home":
        client.force_login(requester)
    if method in ("sign-in", "wrong"):
        password = PASSWORD if method == "sign-in" else "not-the-password"
        status = page(client, url, {"login": requester.email, "password": password})
    else:
        status = page(client, url)

    assert status == expected, name
