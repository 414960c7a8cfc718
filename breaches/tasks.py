"""The retention purge (HR-3): safe to run any number of times, and on two workers at once."""

from celery import shared_task

from breaches.services import breaches_purge


@shared_task
def purge_breach_records() -> int:
    return breaches_purge()
