"""Days and periods in the council's time zone: "as it stood on 1 April", "from 1 April 2025 to
31 March 2026".

A period travels in a list's address as ``from`` and ``to`` (ISO dates, both days included), so
that a figure of the compliance statement links to exactly the records it counted, and the
list says which period it shows.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q

from governance.formatting import long_date


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment of ``day`` in the council's time zone."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(day, datetime.time(), zone)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight after ``day`` in the council's time zone: 'as it stood on 1 April'."""
    return start_of_day(day + datetime.timedelta(days=1))


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # included

    @property
    def label(self) -> str:
        return f"{long_date(self.start)} to {long_date(self.end)}"

    @property
    def query(self) -> str:
        return urlencode({"from": self.start.isoformat(), "to": self.end.isoformat()})

    def moments(self, field: str) -> Q:
        """Records whose date and time ``field`` falls in the period."""
        return Q(
            **{f"{field}__gte": start_of_day(self.start), f"{field}__lt": end_of_day(self.end)}
        )

    def days(self, field: str) -> Q:
        """Records whose date ``field`` falls in the period."""
        return Q(**{f"{field}__gte": self.start, f"{field}__lte": self.end})

    def __contains__(self, moment: Any) -> bool:
        if isinstance(moment, datetime.datetime):
            return start_of_day(self.start) <= moment < end_of_day(self.end)
        return self.start <= moment <= self.end


def period_from_query(query: Mapping[str, Any]) -> Period | None:
    """The period a list was asked for (``?from=2025-04-01&to=2026-03-31``), or None when the
    address holds none, or one that is not a pair of dates in order (the list then shows
    everything, and says nothing about a period)."""
    try:
        start = datetime.date.fromisoformat(str(query.get("from", "")))
        end = datetime.date.fromisoformat(str(query.get("to", "")))
    except ValueError:
        return None
    if end < start:
        return None
    return Period(start, end)
