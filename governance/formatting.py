"""Dates and times written the GOV.UK way, in the council's time zone."""

from __future__ import annotations

import calendar
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


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), or the month's last day: 31 January + 1 is
    28 February."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
