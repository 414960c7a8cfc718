"""Scheduled reminders about requests and reviews; each is safe to run any number of times."""

from celery import shared_task

from accounts.services.decisions import requests_remind_waiting
from accounts.services.reviews import reviews_remind


@shared_task
def remind_waiting_approvals() -> int:
    return requests_remind_waiting()


@shared_task
def remind_reviews() -> int:
    return reviews_remind()
