"""Dates and times written the GOV.UK way, in the council's time zone."""

from __future__ import annotations

import datetime

from django.utils import timezone


def long_date(value: datetime.date | datetime.datetime) -> str:
    """21 November 2026"""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


def date_and_time(value: datetime.datetime) -> str:
    """21 November 2026 at 2:05pm"""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{long_date(local)} at {hour}:{local:%M}{suffix}"
