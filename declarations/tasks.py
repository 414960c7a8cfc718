"""Scheduled declaration jobs (settings.CELERY_BEAT_SCHEDULE). Each is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from declarations.services.reminders import (
    declarations_lapse,
    declarations_remind,
    obligations_digest,
    policy_review_remind,
)


@shared_task
def lapse_declarations() -> int:
    return declarations_lapse()


@shared_task
def remind_declarations() -> int:
    return declarations_remind()


@shared_task
def send_obligations_digest() -> int:
    return obligations_digest()


@shared_task
def remind_policy_review() -> int:
    return policy_review_remind()
