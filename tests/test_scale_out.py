"""Two real Celery workers on one Redis broker, every scheduled job enqueued twice (as two beats,
or a beat restarted mid-minute, would): every reminder is e-mailed exactly once (issue 12).

The workers are separate processes (`celery -A governance worker`, one process each, their own
host names) reading this test's database, on a Redis database of their own so that nothing of
the suite's queue is touched. They print each e-mail to their standard output (Django's console
backend), which is read here: an e-mail sent by both would show twice.
"""

from __future__ import annotations

import datetime
import email
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
import redis
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.services.requests import request_submit
from governance import roles
from governance.celery import app as celery_app
from governance.models import Notification, ServiceArea, User
from governance.services.notifications import notifications_deliver_pending
from moderation.models import StepKind
from moderation.services.abuse import case_open, case_step_record
from moderation.services.assignments import assignment_end
from tests.conftest import REQUIRE_SERVICES, make_person
from tests.register_helpers import make_account
from tests.requests_helpers import complete_draft

BASE_DIR = Path(__file__).resolve().parent.parent
QUEUE_DB = 12  # a Redis database no other test uses
SEPARATOR = "-" * 79  # how Django's console backend ends each e-mail


@pytest.fixture
def redis_broker() -> Iterator[str]:
    configured = str(settings.CELERY_BROKER_URL)
    if connection.vendor != "postgresql" or not configured.startswith("redis"):
        if REQUIRE_SERVICES:
            pytest.fail("PORTAL_TEST_REQUIRE_SERVICES=1 needs CELERY_BROKER_URL=redis://")
        pytest.skip("two workers on one broker: CI runs this on PostgreSQL and Redis")
    url = f"{configured.rsplit('/', 1)[0]}/{QUEUE_DB}"
    queue = redis.Redis.from_url(url)
    queue.flushdb()
    yield url
    queue.flushdb()
    queue.close()


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    """Tasks from this process go to ``url`` instead of running inline."""
    keys = ("broker_url", "broker_read_url", "broker_write_url", "task_always_eager")
    previous = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(
        broker_url=url, broker_read_url=url, broker_write_url=url, task_always_eager=False
    )
    vars(celery_app)["_pool"] = None  # made again from conf on next use (see tests/brokers.py)
    vars(celery_app.amqp)["_producer_pool"] = None
    try:
        yield
    finally:
        celery_app.conf.update(previous)
        vars(celery_app)["_pool"] = None
        vars(celery_app.amqp)["_producer_pool"] = None


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Worker:
    def __init__(self, name: str, broker: str, folder: Path) -> None:
        self.name = name
        self.out = folder / f"{name}.out"
        self.err = folder / f"{name}.err"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "DJANGO_SETTINGS_MODULE": "governance.settings",
            "PYTHONUNBUFFERED": "1",
        }
        command = [sys.executable, "-m", "celery", "-A", "governance", "worker"]
        options = ["--concurrency=1", f"--hostname={name}@%h", "--loglevel=INFO"]
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.process = subprocess.Popen(
                [*command, *options, "--without-gossip", "--without-mingle"],
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=err,
            )

    def log(self) -> str:
        return self.err.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown: finish the task in hand
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def mails(self) -> list[tuple[str, str, str]]:
        """Each e-mail it printed, as (to, subject, body)."""
        found = []
        for block in self.out.read_text(errors="replace").split(SEPARATOR):
            if "Message-ID:" not in block:
                continue
            # Each e-mail starts with its headers; the first follows the start-up banner.
            message = email.message_from_string(block[block.index("Content-Type:") :])
            payload: Any = message.get_payload(decode=True)
            subject = " ".join(str(make_header(decode_header(message["Subject"]))).split())
            found.append((message["To"], subject, payload.decode()))
        return found


def wait_for(what: str, check: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}")
        time.sleep(0.25)


@pytest.fixture
def reminders_due(
    communications: User, requester: User, colleague: User, line_manager: User, leisure: ServiceArea
) -> None:
    """Reminders due now (the workers' clock is the real one): a request waiting six days, a
    password change nine days late, a block ended yesterday, a recovery plan tested over a
    year ago and a review due three weeks ago, for two members of Communications."""
    make_person("comms2@council.example", "Cara Jones", groups=(roles.COMMUNICATIONS,))
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(days=6), tick=False):
        request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    with time_machine.travel(now - datetime.timedelta(days=9), tick=False):
        shared = make_account(
            communications,
            leisure,
            moderators=(requester, colleague),
            name="Parks News",
            responsible_officer=line_manager,
        )
        assignment_end(
            assignment=shared.assignments.get(person=requester),
            actor=communications,
            reason="Moved to Housing",
            now=timezone.now(),
        )
        case, _new = case_open(
            actor=communications,
            account=shared,
            author_handle="@Troll",
            post_url="https://x.com/Troll/status/1",
            categories=["abusive"],
        )
        case_step_record(
            actor=communications, case=case, kind=StepKind.BLOCKED, happened_on=timezone.localdate()
        )
    make_account(
        communications,
        leisure,
        name="Leisure Events",
        recovery_plan_tested_on=timezone.localdate(now) - datetime.timedelta(days=400),
    )
    with time_machine.travel(now - datetime.timedelta(days=115), tick=False):
        make_account(communications, leisure, moderators=(colleague,), name="Museum News")
    notifications_deliver_pending()  # what the setup itself told people is not counted


REMINDERS = (
    ":reminder:",  # an approval step waiting
    ":overdue",  # a password change late: the responsible officer
    ":escalated",  # and later Communications
    ":ended",  # a block on a public author ended
    "recovery-plan:",
    "review:account:",
)


@pytest.mark.django_db(transaction=True)
def test_two_workers_sent_every_job_twice_email_each_reminder_once(
    redis_broker: str, reminders_due: None, tmp_path: Path
) -> None:
    before = set(Notification.objects.values_list("pk", flat=True))
    workers = [Worker(name, redis_broker, tmp_path) for name in ("first", "second")]
    queue = redis.Redis.from_url(redis_broker)
    try:
        for worker in workers:
            wait_for(f"{worker.name} to start", lambda w=worker: " ready." in w.log(), 90)
        with publishing_to(redis_broker):
            for entry in [*settings.CELERY_BEAT_SCHEDULE.values()] * 2:
                celery_app.send_task(str(entry["task"]))
        wait_for(
            "the queue to empty and every notification to be sent",
            lambda: (
                queue.llen("celery") == 0
                and not queue.hlen("unacked")
                and not Notification.objects.filter(sent_at__isnull=True).exists()
                and Notification.objects.exclude(pk__in=before).exists()
            ),
            90,
        )
        time.sleep(1)  # a task still running sends its e-mail before the workers stop
    finally:
        for worker in workers:
            worker.stop()
        queue.close()

    reminders = Notification.objects.exclude(pk__in=before)
    keys = list(reminders.values_list("key", flat=True))
    assert all(any(kind in key for key in keys) for kind in REMINDERS), keys
    mails = [mail for worker in workers for mail in worker.mails()]
    twice = [mail for mail, times in Counter(mails).items() if times > 1]
    assert twice == []
    expected = Counter(
        (recipient, f"[{settings.SERVICE_NAME}] {subject}")
        for recipient, subject in reminders.values_list("recipient__email", "subject")
    )
    assert Counter((to, subject) for to, subject, _body in mails) == expected
    for worker in workers:  # both took jobs from the queue: the work was shared
        assert re.search(r"Task [\w.]+\[[\w-]+\] received", worker.log()), worker.name
