"""Declarations done twice at the same moment, on PostgreSQL with a connection per thread: two
tabs signing the same version keep one declaration, and every scheduled job run by two workers
at once tells each person once (DEC-2 to DEC-5)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection

from accounts.models import AccessModel, Account
from declarations.models import Declaration, PolicyVersion
from declarations.services.reminders import (
    declarations_lapse,
    declarations_remind,
    obligations_digest,
    policy_review_remind,
)
from declarations.services.signing import declaration_sign
from governance.models import Event, Notification, ServiceArea, User
from moderation.models import AssignmentState, CredentialTask, ModeratorAssignment
from moderation.services.assignments import assignment_add
from tests.declaration_helpers import publish, sign
from tests.register_helpers import make_account
from tests.test_credential_concurrency import at_once

START = datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC)
LAPSES = datetime.datetime(2027, 2, 2, 6, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; CI runs this on PostgreSQL")


@pytest.fixture(autouse=True)
def _stopped_clock() -> Iterator[None]:
    with time_machine.travel(START, tick=False):
        yield


def told(person: User, subject: str) -> int:
    return Notification.objects.filter(recipient=person, subject=subject).count()


@pytest.fixture
def version(policy_owner: User) -> PolicyVersion:
    return publish(policy_owner)


@pytest.mark.django_db(transaction=True)
def test_two_tabs_signing_the_same_version_at_once_keep_one_declaration(
    version: PolicyVersion, communications: User, leisure: ServiceArea, outsider: User
) -> None:
    account = make_account(communications, leisure, name="Parks News")
    waiting = assignment_add(actor=communications, account=account, person=outsider, reason="x")

    def tab() -> Any:
        return declaration_sign(
            person=outsider,
            version=version,
            ticked=range(len(version.statements)),
            typed_name="Owen Price",
            questions_answered=True,
        )

    outcomes = at_once(tab, tab)

    assert sorted(created for _declaration, created in outcomes) == [False, True], outcomes
    assert outcomes[0][0].pk == outcomes[1][0].pk
    assert Declaration.objects.filter(person=outsider).count() == 1
    assert Event.objects.filter(action="declaration.signed").count() == 1
    waiting.refresh_from_db()
    assert waiting.state == AssignmentState.ACTIVE
    assert Event.objects.filter(action="assignment.activated", subject_id=waiting.pk).count() == 1
    assert told(outsider, "You are now an active moderator") == 1


@pytest.fixture
def moderator(
    version: PolicyVersion, communications: User, leisure: ServiceArea, requester: User
) -> list[Account]:
    """Riya signs on 2 February 2026 and moderates a shared login and a page with roles."""
    sign(requester, version)
    return [
        make_account(communications, leisure, moderators=(requester,), name="Parks News"),
        make_account(
            communications,
            leisure,
            moderators=(requester,),
            name="Leisure Facebook",
            access_model=AccessModel.INDIVIDUAL_ROLES,
        ),
    ]


def twice_at(moment: datetime.datetime, job: Callable[[], Any]) -> list[Any]:
    with time_machine.travel(moment, tick=False):
        return at_once(job, job)


@pytest.mark.django_db(transaction=True)
def test_two_workers_lapsing_at_once_suspend_once_and_tell_once(
    moderator: list[Account], requester: User, line_manager: User, communications: User
) -> None:
    outcomes = twice_at(LAPSES, declarations_lapse)

    assert sorted(outcomes) == [0, 1], outcomes
    assert set(
        ModeratorAssignment.objects.filter(person=requester).values_list("state", flat=True)
    ) == {AssignmentState.SUSPENDED}
    assert Event.objects.filter(action="assignment.suspended").count() == 2
    assert CredentialTask.objects.filter(person=requester).count() == 2
    lapsed = "Your social media declaration has lapsed: you are suspended as a moderator"
    assert told(requester, lapsed) == 1
    assert told(line_manager, "Riya Patel's social media declaration has lapsed") == 1
    raised = Notification.objects.filter(recipient=communications, key__endswith=":raised")
    assert raised.count() == 2  # one for each access task


@pytest.mark.django_db(transaction=True)
def test_two_workers_reminding_at_once_send_one_reminder(
    moderator: list[Account], requester: User
) -> None:
    twice_at(datetime.datetime(2027, 1, 26, 7, 20, tzinfo=datetime.UTC), declarations_remind)

    assert told(requester, "Sign the social media declaration again by 2 February 2027") == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_digest_at_once_send_one(
    moderator: list[Account], requester: User
) -> None:
    twice_at(datetime.datetime(2026, 4, 1, 7, 25, tzinfo=datetime.UTC), obligations_digest)

    assert told(requester, "Your social media responsibilities: a reminder") == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_reminding_the_policy_owner_at_once_send_one(
    version: PolicyVersion, policy_owner: User
) -> None:
    twice_at(datetime.datetime(2027, 1, 10, 7, 35, tzinfo=datetime.UTC), policy_review_remind)
    twice_at(datetime.datetime(2027, 2, 3, 7, 35, tzinfo=datetime.UTC), policy_review_remind)

    assert told(policy_owner, "The social media policy is due for review on 2 February 2027") == 1
    assert told(policy_owner, "The social media policy's review is overdue") == 1
