"""Credential work done twice at the same moment (MOD-5, REM-2): two workers chasing overdue
tasks send each e-mail once, and two people recording the same rotation close it once, the
second told who did it."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from accounts.models import Account
from governance.errors import DomainError
from governance.models import ServiceArea, User
from moderation.models import CredentialTask, PasswordChange, TaskState
from moderation.services.assignments import assignment_end
from moderation.services.credentials import credential_tasks_escalate, password_change_record
from tests.register_helpers import make_account

START = datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; CI runs this on PostgreSQL")


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each returns its result or its refusal."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = call()
        except DomainError as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def rotation(
    communications: User, line_manager: User, leisure: ServiceArea, requester: User, colleague: User
) -> tuple[Account, CredentialTask]:
    """Riya stopped moderating a shared-login account that Tom still moderates: its password
    must change by 7 February. Sam is the account's responsible officer."""
    account = make_account(
        communications,
        leisure,
        moderators=(requester, colleague),
        name="Parks News",
        responsible_officer=line_manager,
        now=START,
    )
    ended = assignment_end(
        assignment=account.assignments.get(person=requester),
        actor=communications,
        reason="Moved to Housing",
        now=START,
    )
    return account, ended.tasks.get()


def mails_to(person: User, subject: str) -> int:
    return sum(1 for m in mail.outbox if m.to == [person.email] and subject in m.subject)


@pytest.mark.django_db(transaction=True)
def test_two_escalation_runs_at_once_send_each_mail_once(
    communications: User, line_manager: User, rotation: tuple[Account, CredentialTask]
) -> None:
    mail.outbox.clear()
    late = START + datetime.timedelta(days=9)  # overdue, and past the escalation days

    at_once(
        lambda: credential_tasks_escalate(now=late), lambda: credential_tasks_escalate(now=late)
    )

    assert mails_to(line_manager, "Overdue: Change the password of Parks News") == 1
    assert mails_to(communications, "Still not done: Change the password of Parks News") == 1
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_two_people_recording_the_same_rotation_at_once_close_it_once(
    communications: User, colleague: User, rotation: tuple[Account, CredentialTask]
) -> None:
    account, task = rotation
    people = {communications.pk, colleague.pk}
    mail.outbox.clear()

    def record(person: User) -> Callable[[], Any]:
        return lambda: password_change_record(
            actor=person,
            account=account,
            changed_on=START.date(),
            reason="moderator_left",
            for_task=task,
            now=START + datetime.timedelta(hours=1),
        )

    outcomes = at_once(record(communications), record(colleague))

    recorded = [o for o in outcomes if isinstance(o, PasswordChange)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert (len(recorded), len(refused)) == (1, 1), outcomes
    winner = recorded[0].recorded_by
    assert winner is not None and winner.pk in people
    assert refused[0].message == f"This task is already closed: {winner.full_name} did it."
    task.refresh_from_db()
    assert (task.state, task.done_by, task.password_change) == (
        TaskState.DONE,
        winner,
        recorded[0],
    )
    assert PasswordChange.objects.filter(account=account, recorded_by__isnull=False).count() == 1
    assert mails_to(communications, "Password changed: Parks News") == 1
