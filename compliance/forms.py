"""The date and period a compliance statement is built for (AUD-1).

The statement's address keeps them readable: ``?as_at=2026-03-31&from=2025-04-01&to=2026-03-31``
(the links the pages build, and what a bookmark or an auditor's working paper holds). The form
on the page asks for them as GOV.UK date inputs (``as_at_0``, ``as_at_1``, ``as_at_2`` for day,
month and year); either way the same checks run, and each problem is said at its question.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from crispy_forms_gds.layout import HTML, Field, Layout, Size
from django import forms
from django.http import QueryDict

from compliance.statement import default_period
from governance.formatting import add_months, long_date
from governance.forms import GOVUKDateField, GOVUKForm
from governance.periods import Period

# Each question, and the name its date has in the statement's address.
ISO_NAMES = {"as_at": "as_at", "start": "from", "end": "to"}
LONGEST_YEARS = 10


def _parts_given(query: Mapping[str, Any], name: str) -> bool:
    return any(f"{name}_{index}" in query for index in range(3))


def statement_query(as_at: datetime.date, period: Period | None = None) -> str:
    """The statement's address for this date and period (the twelve months up to the date when
    none is given)."""
    values = {"as_at": as_at.isoformat()}
    if period is not None:
        values |= {"from": period.start.isoformat(), "to": period.end.isoformat()}
    return urlencode(values)


class StatementForm(GOVUKForm):
    as_at = GOVUKDateField(
        label="Date of the statement",
        help_text="The register, the moderators and the policy profile as they stood at the end "
        "of this day. For example, 31 3 2026. Leave empty for today.",
        example="31 3 2026",
        required=False,
    )
    start = GOVUKDateField(
        label="Start of the period",
        help_text="For example, 1 4 2025",
        example="1 4 2025",
        required=False,
    )
    end = GOVUKDateField(
        label="End of the period",
        help_text="For example, 31 3 2026",
        example="31 3 2026",
        required=False,
    )

    def __init__(
        self, query: Mapping[str, Any], *, today: datetime.date, records_begin: datetime.date
    ) -> None:
        self.today = today
        self.records_begin = records_begin
        # Dates given in the address as year-month-day that are not real dates: said at their
        # question once the form is cleaned.
        self.unreadable: set[str] = set()
        names = [*ISO_NAMES.values(), *(f"{name}_{i}" for name in ISO_NAMES for i in range(3))]
        asked = any(str(query.get(name, "")).strip() for name in names)
        # The dates came from the form's boxes, not from a statement's address.
        self.typed_in = asked and any(_parts_given(query, name) for name in ISO_NAMES)
        super().__init__(self._as_date_parts(query) if asked else None)
        # No submit button of the form's own and no CSRF token (crispy adds one to a form it
        # thinks is posted): the address the form makes holds the dates and nothing else.
        self.helper.form_method = "get"
        self.helper.layout = Layout(*self.layout_fields())

    def _as_date_parts(self, query: Mapping[str, Any]) -> QueryDict:
        data = QueryDict(mutable=True)
        for name, iso_name in ISO_NAMES.items():
            if _parts_given(query, name):
                for index in range(3):
                    data[f"{name}_{index}"] = str(query.get(f"{name}_{index}", ""))
                continue
            text = str(query.get(iso_name, "")).strip()
            if not text:
                continue
            try:
                day = datetime.date.fromisoformat(text)
            except ValueError:
                self.unreadable.add(name)
                continue
            data[f"{name}_0"], data[f"{name}_1"], data[f"{name}_2"] = (
                str(day.day),
                str(day.month),
                str(day.year),
            )
        return data

    def layout_fields(self) -> list[Any]:
        legend = {"legend_size": Size.for_legend(Size.SMALL)}
        return [
            Field("as_at", context=legend),
            HTML(
                '<h3 class="govuk-heading-s govuk-!-margin-bottom-1">The period</h3>'
                '<p class="govuk-hint">What happened in it is counted: requests, password '
                "changes, lost devices, incidents and abuse cases. Leave both dates empty for "
                "the 12 months up to the date of the statement.</p>"
            ),
            Field("start", context=legend),
            Field("end", context=legend),
        ]

    def clean_as_at(self) -> datetime.date | None:
        return self._readable("as_at")

    def clean_start(self) -> datetime.date | None:
        return self._readable("start")

    def clean_end(self) -> datetime.date | None:
        return self._readable("end")

    def _readable(self, name: str) -> datetime.date | None:
        if name in self.unreadable:
            field = self.fields[name]
            assert isinstance(field, GOVUKDateField)
            raise forms.ValidationError(field.real_date(), code="invalid")
        day: datetime.date | None = self.cleaned_data.get(name)
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        begins = long_date(self.records_begin)
        as_at = cleaned.get("as_at") or self.today
        if "as_at" not in self.errors:
            if as_at > self.today:
                self.add_error("as_at", "The date of the statement must be today or in the past")
            elif as_at < self.records_begin:
                self.add_error(
                    "as_at",
                    f"The portal's records begin on {begins}: the statement can be built for "
                    "that date or a later one",
                )
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None and end is not None:
            self.add_error("start", "Enter the start of the period, or leave both dates empty")
        elif end is None and start is not None:
            self.add_error("end", "Enter the end of the period, or leave both dates empty")
        elif start is not None and end is not None:
            self._check_period(start, end, as_at, begins)
        return cleaned

    def _check_period(
        self, start: datetime.date, end: datetime.date, as_at: datetime.date, begins: str
    ) -> None:
        if end < start:
            self.add_error("end", "The end of the period must be the same as or after its start")
        elif end > self.today:
            self.add_error("end", "The end of the period must be today or in the past")
        elif end > as_at and "as_at" not in self.errors:
            self.add_error(
                "end",
                "The end of the period must be on or before the date of the statement "
                f"({long_date(as_at)})",
            )
        elif end < self.records_begin:
            self.add_error(
                "end",
                f"The portal's records begin on {begins}: the period must end on that date or "
                "a later one",
            )
        elif start <= add_months(end, -12 * LONGEST_YEARS):
            self.add_error("start", f"The period must be {LONGEST_YEARS} years or shorter")

    def chosen(self) -> tuple[datetime.date, Period]:
        """The statement's date and period: today and the twelve months up to it when nothing
        was asked for."""
        data = self.cleaned_data if self.is_bound else {}
        as_at = data.get("as_at") or self.today
        start, end = data.get("start"), data.get("end")
        period = Period(start, end) if start and end else default_period(as_at)
        return as_at, period

    def chosen_query(self) -> str:
        as_at, period = self.chosen()
        given = self.is_bound and self.cleaned_data.get("start") is not None
        return statement_query(as_at, period if given else None)


def quick_choices(
    today: datetime.date,
    records_begin: datetime.date,
    address: Callable[[Period], str] = lambda period: statement_query(period.end, period),
    last_twelve: Period | None = None,
) -> list[dict[str, str]]:
    """The periods an auditor asks for most, each as a statement at its last day (or another
    page's ``address``): the twelve months to today, the last financial year (1 April to 31
    March) and the last calendar year. A period that ended before the portal's records begin is
    left out."""
    last_march = datetime.date(today.year if today.month > 3 else today.year - 1, 3, 31)
    choices = [
        ("Last 12 months", last_twelve or default_period(today)),
        (
            "Last financial year (1 April to 31 March)",
            Period(datetime.date(last_march.year - 1, 4, 1), last_march),
        ),
        (
            "Last calendar year",
            Period(datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
        ),
    ]
    return [
        {"label": label, "period": period.label, "query": address(period)}
        for label, period in choices
        if period.end >= records_begin
    ]


class TrendsForm(StatementForm):
    """The dashboard's period: the same questions and checks as the statement's, without its
    date (the charts run to today)."""

    as_at = None  # type: ignore[assignment]

    def layout_fields(self) -> list[Any]:
        legend = {"legend_size": Size.for_legend(Size.SMALL)}
        return [Field("start", context=legend), Field("end", context=legend)]

    def chosen(self) -> tuple[datetime.date, Period]:
        data = self.cleaned_data if self.is_bound else {}
        start, end = data.get("start"), data.get("end")
        period = Period(start, end) if start and end else last_twelve_months(self.today)
        return self.today, period

    def chosen_query(self) -> str:
        return self.chosen()[1].query


def last_twelve_months(today: datetime.date) -> Period:
    """This month so far and the eleven before it: the dashboard's charts, month by month."""
    return Period(add_months(today.replace(day=1), -11), today)
