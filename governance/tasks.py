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


# A mail server that is down at 6:45 would otherwise cost the day's checkpoint: try again
# (SMTP errors are OSErrors) 1, 2, 4 ... 32 minutes later. A retry after the e-mail went sends
# nothing.
@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=False,
    max_retries=6,
)
def publish_event_checkpoint() -> int:
    """E-mail today's signed checkpoint of the event log to the auditors' own mailbox and tell
    the Auditor group in the portal; once a day at most."""
    return events_checkpoint_publish().seq
