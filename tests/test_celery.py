from __future__ import annotations

import time
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from governance.celery import app as celery_app
from governance.models import Notification, User
from governance.services.notifications import notify


def test_every_scheduled_job_is_a_registered_task() -> None:
    celery_app.loader.import_default_modules()

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in celery_app.tasks, name


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_through_the_configured_broker(
    line_manager: User, settings: Any
) -> None:
    """Runs against Redis in CI and the file transport on a laptop: no eager shortcut."""
    celery_app.conf.task_always_eager = False
    try:
        # Committed at once (no test transaction): the task goes to the broker, not inline.
        notify(recipients=[line_manager], key="worker:1", subject="Real worker", body="Hello")
        assert Notification.objects.get().sent_at is None
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=10):
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if Notification.objects.filter(sent_at__isnull=False).exists():
                    break
                time.sleep(0.2)
    finally:
        celery_app.conf.task_always_eager = True

    assert Notification.objects.get().sent_at is not None
    assert [message.subject for message in mail.outbox] == ["[Social media governance] Real worker"]
