"""Every scheduled job, run twice and run by two workers at once, tells each person once
(issue 12). The jobs are read from settings.CELERY_BEAT_SCHEDULE, so a job added later is tried
too: it fails here until it has a setup below that gives it something to send, or is listed in
NO_MAIL with the reason it sends nothing.

A job is run as a worker runs it (the registered task, with its after-commit e-mail delivery),
at a moment when its setup made something due. The clock is stopped: every thread sees it.
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection

from accounts.models import AccessModel
from accounts.services.requests import request_submit
from declarations.services.signing import declaration_sign
from governance import roles
from governance.celery import app as celery_app
from governance.models import Notification, ServiceArea, User
from governance.services.notifications import notifications_deliver_pending
from moderation.models import StepKind
from moderation.services.abuse import case_open, case_step_record
from moderation.services.assignments import assignment_end
from tests.conftest import make_person
from tests.declaration_helpers import publish
from tests.register_helpers import make_account
from tests.requests_helpers import complete_draft

START = datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC)
AUDIT_MAILBOX = "internal-audit@audit.example"

NO_MAIL = {
    "purge-breach-records": "deletes breach records past their retention period and tells "
    "nobody: a purge leaves only an event that names no one (HR-3)",
}


@dataclass(frozen=True)
class Council:
    requester: User
    colleague: User
    line_manager: User
    communications: list[User]
    policy_owner: User
    area: ServiceArea


@pytest.fixture
def council(
    requester: User,
    colleague: User,
    line_manager: User,
    communications: User,
    policy_owner: User,
    auditor: User,
    leisure: ServiceArea,
    settings: Any,
) -> Council:
    settings.EVENT_CHECKPOINT_RECIPIENTS = [AUDIT_MAILBOX]
    second = make_person("comms2@council.example", "Cara Jones", groups=(roles.COMMUNICATIONS,))
    return Council(
        requester, colleague, line_manager, [communications, second], policy_owner, leisure
    )


# Each setup runs at START and returns the moment its job has something to send.


def pending_notifications(c: Council) -> datetime.datetime:
    """Claimed for five minutes by a worker that died before sending them: the next sweep after
    the claim runs out sends them."""
    for person in (c.requester, c.line_manager):
        Notification.objects.create(
            recipient=person,
            key="resilience:pending",
            subject="Pending",
            body="Waiting.",
            claimed_until=START + datetime.timedelta(minutes=5),
        )
    return START + datetime.timedelta(minutes=6)


def approval_waiting(c: Council) -> datetime.datetime:
    request_submit(actor=c.requester, request=complete_draft(c.requester, [c.colleague]))
    return START + datetime.timedelta(days=6)  # the profile reminds after 5 days


def review_overdue(c: Council) -> datetime.datetime:
    """Due on 2 May 2026; by 20 May the moderator, their manager and Communications hear."""
    make_account(
        c.communications[0],
        c.area,
        moderators=(c.requester,),
        name="Parks News",
        responsible_officer=c.line_manager,
    )
    return datetime.datetime(2026, 5, 20, 7, 30, tzinfo=datetime.UTC)


def block_ended(c: Council) -> datetime.datetime:
    account = make_account(c.communications[0], c.area, name="Parks News")
    case, _new = case_open(
        actor=c.communications[0],
        account=account,
        author_handle="@Troll",
        post_url="https://x.com/Troll/status/1",
        categories=["abusive"],
    )
    case_step_record(
        actor=c.communications[0], case=case, kind=StepKind.BLOCKED, happened_on=START.date()
    )
    return START + datetime.timedelta(days=8)  # the block ended on 9 February


def rotation_overdue(c: Council) -> datetime.datetime:
    account = make_account(
        c.communications[0],
        c.area,
        moderators=(c.requester, c.colleague),
        name="Parks News",
        responsible_officer=c.line_manager,
    )
    assignment_end(
        assignment=account.assignments.get(person=c.requester),
        actor=c.communications[0],
        reason="Moved to Housing",
        now=START,
    )
    return START + datetime.timedelta(days=9)  # overdue, and past the escalation days


def recovery_plan_untested(c: Council) -> datetime.datetime:
    make_account(c.communications[0], c.area, name="Parks News")  # tested on 10 January 2026
    return datetime.datetime(2027, 1, 20, 7, 50, tzinfo=datetime.UTC)


def moderator_signed(c: Council) -> None:
    """Riya signs on 2 February 2026 and moderates a shared login and a page with roles."""
    version = publish(c.policy_owner)
    declaration_sign(
        person=c.requester,
        version=version,
        ticked=range(len(version.statements)),
        typed_name=c.requester.full_name,
        questions_answered=True,
    )
    make_account(c.communications[0], c.area, moderators=(c.requester,), name="Parks News")
    make_account(
        c.communications[0],
        c.area,
        moderators=(c.requester,),
        name="Leisure Facebook",
        access_model=AccessModel.INDIVIDUAL_ROLES,
    )


def declaration_lapsing(c: Council) -> datetime.datetime:
    moderator_signed(c)
    return datetime.datetime(2027, 2, 2, 6, 10, tzinfo=datetime.UTC)


def declaration_due(c: Council) -> datetime.datetime:
    moderator_signed(c)
    return datetime.datetime(2027, 1, 26, 7, 20, tzinfo=datetime.UTC)


def digest_due(c: Council) -> datetime.datetime:
    moderator_signed(c)
    return datetime.datetime(2026, 4, 1, 7, 25, tzinfo=datetime.UTC)


def policy_review_due(c: Council) -> datetime.datetime:
    publish(c.policy_owner)  # its review is due on 2 February 2027
    return datetime.datetime(2027, 1, 10, 7, 35, tzinfo=datetime.UTC)


def leaver_due(c: Council) -> datetime.datetime:
    make_account(
        c.communications[0], c.area, moderators=(c.requester, c.colleague), name="Parks News"
    )
    c.requester.leaving_date = START.date()
    c.requester.save(update_fields=["leaving_date"])
    return datetime.datetime(2026, 2, 3, 0, 5, tzinfo=datetime.UTC)


def checkpoint_due(c: Council) -> datetime.datetime:
    make_account(c.communications[0], c.area, name="Parks News")  # a few events to seal
    return datetime.datetime(2026, 2, 3, 6, 45, tzinfo=datetime.UTC)


def nothing_due(c: Council) -> datetime.datetime:
    return START + datetime.timedelta(days=1)


SETUPS: dict[str, Callable[[Council], datetime.datetime]] = {
    "deliver-pending-notifications": pending_notifications,
    "remind-waiting-approvals": approval_waiting,
    "remind-reviews": review_overdue,
    "remind-abuse-blocks": block_ended,
    "escalate-credential-tasks": rotation_overdue,
    "remind-recovery-plan-tests": recovery_plan_untested,
    "lapse-declarations": declaration_lapsing,
    "remind-declarations": declaration_due,
    "send-obligations-digest": digest_due,
    "remind-policy-review": policy_review_due,
    "record-leavers": leaver_due,
    "publish-event-checkpoint": checkpoint_due,
}
JOBS = sorted(settings.CELERY_BEAT_SCHEDULE)


def prepared(job: str, council: Council) -> tuple[Callable[[], Any], datetime.datetime]:
    """The job's task and the moment it has something due, with the setup's own e-mails sent
    and forgotten."""
    if job in NO_MAIL:
        setup: Callable[[Council], datetime.datetime] = nothing_due
    elif job in SETUPS:
        setup = SETUPS[job]
    else:
        pytest.fail(
            f"The scheduled job {job!r} has no setup that makes it send something: add one to "
            "SETUPS, or list it in NO_MAIL with the reason it sends no e-mail."
        )
    with time_machine.travel(START, tick=False):
        moment = setup(council)
        notifications_deliver_pending()
    mail.outbox.clear()
    celery_app.loader.import_default_modules()
    task = celery_app.tasks[str(settings.CELERY_BEAT_SCHEDULE[job]["task"])]
    return lambda: task.apply(throw=True), moment


def at_once(job: Callable[[], Any]) -> None:
    """Two workers run the job at the same moment; either one's failure fails the test."""
    barrier = threading.Barrier(2, timeout=30)
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            job()
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    if failures:
        raise failures[0]


def each_told_once(job: str) -> None:
    """Each e-mail went out once and every notification was e-mailed; a job that should send
    something did."""
    sent = Counter((tuple(m.to), m.subject, str(m.body)) for m in mail.outbox)
    assert [message for message, times in sent.items() if times > 1] == []
    written = Counter(Notification.objects.values_list("recipient_id", "subject", "body"))
    assert [notification for notification, times in written.items() if times > 1] == []
    assert not Notification.objects.filter(sent_at__isnull=True, gave_up_at__isnull=True).exists()
    if job in NO_MAIL:
        assert mail.outbox == []
    else:
        assert mail.outbox, f"{job} sent nothing: its setup no longer makes anything due"


@pytest.mark.django_db
@pytest.mark.parametrize("job", JOBS)
def test_every_scheduled_job_run_twice_tells_each_person_once(
    job: str, council: Council, django_capture_on_commit_callbacks: Any
) -> None:
    run, moment = prepared(job, council)

    with time_machine.travel(moment, tick=False):
        for _time in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                run()

    each_told_once(job)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("job", JOBS)
def test_every_scheduled_job_run_by_two_workers_at_once_tells_each_person_once(
    job: str, council: Council
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; CI runs this on PostgreSQL")
    run, moment = prepared(job, council)

    with time_machine.travel(moment, tick=False):
        at_once(run)
        run()  # and the next run, after both, sends nothing new

    each_told_once(job)
