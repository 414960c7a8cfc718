"""The register as CSV and Excel, streamed, with spreadsheet formula injection neutralised
(governance/spreadsheets.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet

from accounts.models import (
    AccessModel,
    AccountRequest,
    AccountStatus,
    TwoFactorMethod,
    platform_label,
)
from accounts.moderators import moderators
from governance.formatting import date_and_time
from governance.periods import end_of_day
from governance.spreadsheets import csv_download, xlsx_download


def _labels(choices: Any) -> Callable[[str], str]:
    """A choice's label, or the stored value itself when it is no longer a choice."""
    labels = {value: str(label) for value, label in choices.choices}
    return lambda value: labels.get(value, value)


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _same(value: Any) -> Any:
    return value


_status, _access, _two_factor = map(_labels, (AccountStatus, AccessModel, TwoFactorMethod))

# Each column: its header, the field it is read from (a value, not a model: the rows come
# back as tuples, with no model built for each account and its four related records) and how
# the value is written.
Column = tuple[str, str, Callable[[Any], Any]]

COLUMNS: list[Column] = [
    ("Account number", "id", _same),
    ("Name", "name", _same),
    ("Platform", "platform", _same),  # with "platform_other": see table()
    ("Handle", "handle", _same),
    ("Web address", "url", _same),
    ("Service area", "service_area__name", _same),
    ("Responsible officer", "responsible_officer__full_name", lambda name: name or ""),
    ("Status", "status", _status),
    ("Active moderators", "active_moderators", _same),
    ("Moderators", "id", _same),  # the moderators' names: see table()
    ("Moderators without a current declaration", "unsigned_moderators", _same),
    ("Branding approved", "branding_approved_at", lambda at: at and date_and_time(at)),
    ("Branding approved by", "branding_approved_by__full_name", lambda name: name or ""),
    (
        "Approved through request",
        "request_id",
        lambda pk: AccountRequest.reference_of(pk) if pk else "",
    ),
    ("Secure sessions or two-step verification on", "secure_sessions_enabled", _yes),
    ("How moderators sign in", "access_model", _access),
    ("Sign-in details kept at", "credentials_location", _same),
    ("Password last changed", "password_last_changed", _same),
    ("Recovery email", "recovery_email", _same),
    ("Recovery phone", "recovery_phone", _same),
    ("Recovery phone council-owned", "recovery_phone_council_owned", _yes),
    ("Two-step method", "two_factor_method", lambda method: method and _two_factor(method)),
    ("Second factor held by", "second_factor_holder__full_name", lambda name: name or ""),
    ("Open credential tasks", "open_credential_tasks", _same),
    ("Recovery plan last tested", "recovery_plan_tested_on", _same),
    ("Months between reviews", "review_cadence_months", _same),
    ("Next review due", "next_review_due", _same),
    ("Management-platform licence", "licence", _same),
    ("A review recommends closing it", "closure_recommended", _yes),
    ("How the account was found", "discovered_how", _same),
]
HEADERS = [header for header, _, _ in COLUMNS]
PLATFORM, MODERATORS = HEADERS.index("Platform"), HEADERS.index("Moderators")


# The moderators of this many accounts are read at once: one query a chunk, never one an
# account, and never every account's at the start.
CHUNK = 500


def table(rows: QuerySet[Any], as_of: datetime.date | None) -> Iterator[list[Any]]:
    moment = end_of_day(as_of) if as_of is not None else None
    yield HEADERS
    fields = [field for _, field, _ in COLUMNS]
    writers = [write for _, _, write in COLUMNS]
    found = rows.values_list(*fields, "platform_other").iterator(chunk_size=CHUNK)
    while chunk := list(islice(found, CHUNK)):
        # 'Riya Patel (active); Tom Fletcher (awaiting declaration)' for each account.
        names = moderators().names_by_account([row[0] for row in chunk], moment)
        for row in chunk:
            cells = [write(value) for write, value in zip(writers, row, strict=False)]
            cells[PLATFORM] = platform_label(row[PLATFORM], row[-1])
            cells[MODERATORS] = names.get(row[0], "")
            yield cells


def csv_response(rows: QuerySet[Any], as_of: datetime.date | None, filename: str) -> Any:
    return csv_download(table(rows, as_of), filename)


def xlsx_response(rows: QuerySet[Any], as_of: datetime.date | None, filename: str) -> Any:
    return xlsx_download(table(rows, as_of), filename, "Register")
