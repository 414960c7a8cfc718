"""Many people press "approve" on the same step at the same moment: one decision stands."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from accounts.models import Account, AccountRequest, RequestStatus, StepStatus
from accounts.selectors import current_step
from accounts.services.decisions import step_decide
from accounts.services.requests import request_submit
from governance.errors import DomainError
from governance.models import Event, User
from tests.conftest import make_person
from tests.requests_helpers import complete_draft, decide_current

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_many_threads_approving_the_same_step_make_exactly_one_decision(
    requester: User, colleague: User, head_of_service: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; CI runs this on PostgreSQL")
    team = [
        make_person(f"comms{n}@council.example", f"Comms Officer {n}", groups=("Communications",))
        for n in range(THREADS)
    ]
    assert Group.objects.get(name="Communications").user_set.count() == THREADS
    request = decide_current(
        request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    )
    step = current_step(request)
    assert step is not None
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def press_approve(person: User) -> None:
        try:
            barrier.wait()
            step_decide(
                actor=person,
                request=AccountRequest(pk=request.pk),
                step_id=step.pk,
                decision="approve",
                branding_confirmed=True,
            )
            result = "decided"
        except DomainError as error:
            result = error.message
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=press_approve, args=(person,)) for person in team]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("decided") == 1
    refused = [outcome for outcome in outcomes if outcome != "decided"]
    assert len(refused) == THREADS - 1
    assert all("has already decided this step" in message for message in refused)
    step.refresh_from_db()
    assert step.status == StepStatus.APPROVED
    assert step.decided_by in team
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert Account.objects.count() == 1
    assert Event.objects.filter(action="request.approved").count() == 1
    assert Event.objects.filter(action="request.step_approved").count() == 2
