"""Scheduled reminders about credentials; each is safe to run any number of times, and at once."""

from celery import shared_task

from moderation.services.credentials import credential_tasks_escalate, recovery_plans_remind


@shared_task
def escalate_credential_tasks() -> int:
    return credential_tasks_escalate()


@shared_task
def remind_recovery_plan_tests() -> int:
    return recovery_plans_remind()
