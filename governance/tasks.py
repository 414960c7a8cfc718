"""Scheduled and after-commit work. Each task loads by id or sweeps, calls a service, and is
safe to run twice."""

from celery import shared_task

from governance.services.events import events_checkpoint_publish
from governance.services.leavers import record_due_leavers as record_due_leavers_service
from governance.services.notifications import notifications_deliver_pending


@shared_task
def deliver_pending_notifications() -> int:
    return notifications_deliver_pending()


@shared_task
def record_due_leavers() -> int:
    return record_due_leavers_service()


@shared_task
def publish_event_checkpoint() -> int:
    """E-mail today's signed checkpoint of the event log to the auditors; once a day at most."""
    return events_checkpoint_publish().seq
