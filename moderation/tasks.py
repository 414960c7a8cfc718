"""Scheduled reminders about credentials and about blocks on public authors; each is safe to
run any number of times, and at once."""

from celery import shared_task

from moderation.services.abuse import blocks_remind
from moderation.services.credentials import credential_tasks_escalate, recovery_plans_remind


@shared_task
def escalate_credential_tasks() -> int:
    return credential_tasks_escalate()


@shared_task
def remind_recovery_plan_tests() -> int:
    return recovery_plans_remind()


@shared_task
def remind_abuse_blocks() -> int:
    return blocks_remind()
