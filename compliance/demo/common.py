"""What the demo's past year is told with: its people, and moments counted back from today."""

from __future__ import annotations

import datetime

from django.utils import timezone

from governance.models import User

DOMAIN = "demo.council.example"
# The incidents added here (and the abuse cases) start their ``started_with`` with this: what a
# second run looks for.
MARK = "demo-history"


def person(local: str) -> User:
    return User.objects.get(email=f"{local}@{DOMAIN}")


def on(days: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment in working hours, ``days`` days before today."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def day(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)
