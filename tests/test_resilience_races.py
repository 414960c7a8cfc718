"""Twenty people press the same button at the same moment, fifty times over (issue 12): one
approval step, one password rotation and one declaration each end with exactly one decision,
and every page answers (a redirect or the form again, never a server error).

Each round gets a fresh step, task or signer, so that fifty rounds stay cheap; the twenty
threads live for the whole test, each with its own database connection, and a barrier
releases them together. PostgreSQL only: SQLite serialises writers, so it cannot race.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from accounts import events as request_events
from accounts.models import Account, AccountRequest, ApprovalStep, RequestStatus, StepStatus
from accounts.selectors import current_step
from accounts.services.requests import request_submit
from declarations.models import Declaration, PolicyVersion
from governance import roles
from governance.models import Event, Notification, ServiceArea, StepKind, User
from moderation import events as moderation_events
from moderation.models import (
    AssignmentState,
    CredentialTask,
    ModeratorAssignment,
    PasswordChange,
    TaskState,
)
from moderation.services.assignments import assignment_add
from moderation.services.credentials import rotation_request
from tests.conftest import make_person
from tests.declaration_helpers import publish
from tests.register_helpers import make_account
from tests.requests_helpers import complete_draft, decide_current

ROUNDS = 50
PEOPLE = 20


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; CI runs this on PostgreSQL")


@dataclass(frozen=True)
class Answer:
    """What one press of the button showed: the status, where it went, the messages given."""

    status: int
    location: str
    said: tuple[str, ...]


def answer(response: Any) -> Answer:
    # Only what this press added: messages of earlier rounds wait, unread, in the cookie.
    added: Any = get_messages(response.wsgi_request)
    said = tuple(str(message) for message in added._queued_messages)
    return Answer(response.status_code, response.get("Location", ""), said)


Press = tuple[Client, str, dict[str, Any]]  # who posts, where, what


class Crowd:
    """Twenty threads kept for the whole test (one database connection each), pressing at once.

    A server error raises inside the test client, so it comes back as the exception's text.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.pool = ThreadPoolExecutor(max_workers=size)

    def press(self, presses: list[Press]) -> list[Answer | str]:
        assert len(presses) == self.size
        barrier = threading.Barrier(self.size, timeout=60)

        def run(press: Press) -> Answer | str:
            client, url, form = press
            barrier.wait()
            try:
                return answer(client.post(url, form))
            except Exception as error:  # a 500: the test client re-raises what the view raised
                return f"{type(error).__name__}: {error}"

        return list(self.pool.map(run, presses))

    def close(self) -> None:
        """Each thread closes its own connection: the barrier makes every thread take one."""
        barrier = threading.Barrier(self.size, timeout=60)

        def close_own() -> None:
            barrier.wait()
            connection.close()

        list(self.pool.map(lambda _: close_own(), range(self.size)))
        self.pool.shutdown()


@pytest.fixture
def crowd() -> Iterator[Crowd]:
    pool = Crowd(PEOPLE)
    yield pool
    pool.close()


@pytest.fixture
def communications_team(db: None) -> list[User]:
    return [
        make_person(
            f"comms{n}@council.example", f"Comms Officer {n}", groups=(roles.COMMUNICATIONS,)
        )
        for n in range(PEOPLE)
    ]


def signed_in(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


def no_server_error(answers: list[Answer | str]) -> list[Answer]:
    errors = [item for item in answers if isinstance(item, str)]
    assert errors == [], errors
    pages = [item for item in answers if isinstance(item, Answer)]
    assert {page.status for page in pages} <= {200, 302}, pages
    return pages


def said_once(pages: list[Answer], words: str) -> Answer:
    """The one page that said ``words``: exactly one person was told it was theirs."""
    winners = [page for page in pages if any(words in text for text in page.said)]
    assert len(winners) == 1, pages
    return winners[0]


def no_mail_twice() -> None:
    sent = Counter((tuple(m.to), m.subject, str(m.body)) for m in mail.outbox)
    assert [item for item, times in sent.items() if times > 1] == []


# --- One approval step --------------------------------------------------------------------------

DECISIONS = ("approve", "return", "reject")
STEP_EVENTS = {
    request_events.REQUEST_STEP_APPROVED,
    request_events.REQUEST_STEP_RETURNED,
    request_events.REQUEST_STEP_REJECTED,
}
OUTCOME = {
    "approve": (StepStatus.APPROVED, RequestStatus.APPROVED),
    "return": (StepStatus.RETURNED, RequestStatus.RETURNED),
    "reject": (StepStatus.REJECTED, RequestStatus.REJECTED),
}


def at_communications_step(
    requester: User, colleague: User, number: int
) -> tuple[AccountRequest, ApprovalStep]:
    """A request its managers approved: Communications decides. Each for its own account name,
    as one approved earlier holds the name."""
    draft = complete_draft(
        requester, [colleague], proposed_name=f"Parks {number}", proposed_handle=f"@Parks{number}"
    )
    request = request_submit(actor=requester, request=draft)
    step = current_step(request)
    while step is not None and step.kind != StepKind.COMMUNICATIONS:
        request = decide_current(request)
        step = current_step(request)
    assert step is not None
    return request, step


@pytest.mark.django_db(transaction=True)
def test_twenty_officers_deciding_the_same_step_at_once_make_one_decision(
    requester: User,
    colleague: User,
    head_of_service: User,
    communications_team: list[User],
    crowd: Crowd,
) -> None:
    clients = [signed_in(person) for person in communications_team]

    with transaction.atomic():  # one commit for all the rounds' requests: quicker
        rounds = [at_communications_step(requester, colleague, n) for n in range(ROUNDS)]

    for request, step in rounds:
        url = f"/requests/{request.pk}/decide/"

        # Some approve, some return, some reject: whichever lands first is the decision.
        forms = [
            {
                "step": step.pk,
                "decision": DECISIONS[n % 3],
                "comment": f"Officer {n}",
                "branding_confirmed": "on",
            }
            for n in range(PEOPLE)
        ]
        pages = no_server_error(crowd.press(list(zip(clients, [url] * PEOPLE, forms, strict=True))))

        winner = said_once(pages, "Your decision was recorded.")
        assert {page.location for page in pages} == {f"/requests/{request.pk}/"}, pages
        step.refresh_from_db()
        request.refresh_from_db()
        decided_by = step.decided_by
        assert decided_by is not None and decided_by in communications_team
        decision = DECISIONS[communications_team.index(decided_by) % 3]
        assert (step.status, request.status) == OUTCOME[decision]
        assert step.comment == f"Officer {communications_team.index(decided_by)}"
        assert winner is pages[communications_team.index(decided_by)]
        decisions = Event.objects.filter(action__in=STEP_EVENTS, data__step=step.pk)
        assert decisions.count() == 1
        decided = (StepStatus.APPROVED, StepStatus.RETURNED, StepStatus.REJECTED)
        assert step.history.filter(status__in=decided).count() == 1  # changed once
        assert request.history.filter(status=request.status).count() == 1  # moved once
        assert Account.objects.filter(request=request).count() == (decision == "approve")
        assert (
            Notification.objects.filter(
                key__startswith=f"request:{request.pk}:step:{step.pk}:decided"
            ).count()
            == 1
        )
    no_mail_twice()


# --- One password rotation ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_people_recording_the_same_rotation_at_once_close_it_once(
    communications_team: list[User], leisure: ServiceArea, crowd: Crowd
) -> None:
    clients = [signed_in(person) for person in communications_team]
    reporter = communications_team[0]
    today = timezone.localdate()
    answers = {
        "changed_on_0": str(today.day),
        "changed_on_1": str(today.month),
        "changed_on_2": str(today.year),
        "reason": "compromise",
    }

    with transaction.atomic():
        accounts = [make_account(reporter, leisure, name=f"Parks {n}") for n in range(ROUNDS)]
        tasks = [rotation_request(actor=reporter, account=a, reason="Odd post") for a in accounts]

    for account, task in zip(accounts, tasks, strict=True):
        url = f"/register/{account.pk}/password-changes/new/?task={task.pk}"

        pages = no_server_error(crowd.press([(client, url, answers) for client in clients]))

        winner = said_once(pages, "The password change was recorded")
        assert {page.location for page in pages} == {f"/credential-tasks/{task.pk}/"}, pages
        task.refresh_from_db()
        change = PasswordChange.objects.get(account=account)  # one change, not twenty
        recorder = change.recorded_by
        assert recorder is not None
        assert (task.state, task.password_change, task.done_by) == (
            TaskState.DONE,
            change,
            recorder,
        )
        assert winner is pages[communications_team.index(recorder)]
        refused = f"This task is already closed: {recorder.full_name} did it."
        assert all(refused in page.said for page in pages if page is not winner), pages
        assert task.history.filter(state=TaskState.DONE).count() == 1
        assert (
            Event.objects.filter(
                action=moderation_events.PASSWORD_CHANGED, data__account=account.pk
            ).count()
            == 1
        )
        assert Notification.objects.filter(key=f"password-change:{change.pk}").count() == PEOPLE
    assert not CredentialTask.objects.filter(state=TaskState.OPEN).exists()
    no_mail_twice()


# --- One declaration ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_tabs_signing_the_same_declaration_at_once_keep_one(
    communications: User, leisure: ServiceArea, policy_owner: User, crowd: Crowd
) -> None:
    version: PolicyVersion = publish(policy_owner)
    account = make_account(communications, leisure, name="Parks News")
    url = f"/declarations/versions/{version.pk}/sign/"

    with transaction.atomic():
        people = [
            make_person(f"mod{n}@council.example", f"Moderator {n}", area=leisure)
            for n in range(ROUNDS)
        ]
        assignments = [
            assignment_add(actor=communications, account=account, person=person, reason="Cover")
            for person in people
        ]

    for person, waiting in zip(people, assignments, strict=True):
        # Twenty tabs of one browser: one session, signed in once.
        first = signed_in(person)
        tabs = [first]
        for _ in range(PEOPLE - 1):
            tab = Client()
            tab.cookies = first.cookies
            tabs.append(tab)
        form = {"statements": ["0", "1", "2"], "typed_name": person.full_name}

        pages = no_server_error(crowd.press([(tab, url, form) for tab in tabs]))

        said_once(pages, "You have signed the declaration")
        declaration = Declaration.objects.get(person=person)
        assert {page.location for page in pages} == {f"/declarations/{declaration.pk}/receipt/"}
        already = [page for page in pages if "You had already signed this version." in page.said]
        assert len(already) == PEOPLE - 1, pages
        assert (
            Event.objects.filter(action="declaration.signed", subject_id=declaration.pk).count()
            == 1
        )
        waiting.refresh_from_db()
        assert waiting.state == AssignmentState.ACTIVE
        assert (
            Event.objects.filter(action="assignment.activated", subject_id=waiting.pk).count() == 1
        )
        assert (
            Notification.objects.filter(
                recipient=person, subject="You are now an active moderator"
            ).count()
            == 1
        )
    assert (
        ModeratorAssignment.objects.filter(account=account, state=AssignmentState.ACTIVE).count()
        == ROUNDS
    )
    no_mail_twice()
