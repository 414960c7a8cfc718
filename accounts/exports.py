"""The register as CSV and Excel, streamed, with spreadsheet formula injection neutralised
(governance/spreadsheets.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet

from accounts.models import AccessModel, AccountStatus, TwoFactorMethod, platform_label
from accounts.moderators import moderators
from governance.formatting import date_and_time
from governance.periods import end_of_day
from governance.spreadsheets import csv_download, xlsx_download


def _name(user: Any) -> str:
    return user.full_name if user is not None else ""


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


Column = tuple[str, Callable[[Any, dict[int, str]], Any]]

COLUMNS: list[Column] = [
    ("Account number", lambda row, _: row.id),
    ("Name", lambda row, _: row.name),
    ("Platform", lambda row, _: platform_label(row.platform, row.platform_other)),
    ("Handle", lambda row, _: row.handle),
    ("Web address", lambda row, _: row.url),
    ("Service area", lambda row, _: row.service_area.name),
    ("Responsible officer", lambda row, _: _name(row.responsible_officer)),
    ("Status", lambda row, _: _label(AccountStatus, row.status)),
    ("Active moderators", lambda row, _: row.active_moderators),
    ("Moderators", lambda row, moderators: moderators.get(row.id, "")),
    ("Moderators without a current declaration", lambda row, _: row.unsigned_moderators),
    (
        "Branding approved",
        lambda row, _: row.branding_approved_at and date_and_time(row.branding_approved_at),
    ),
    ("Branding approved by", lambda row, _: _name(row.branding_approved_by)),
    ("Approved through request", lambda row, _: row.request.reference if row.request else ""),
    (
        "Secure sessions or two-step verification on",
        lambda row, _: "Yes" if row.secure_sessions_enabled else "No",
    ),
    ("How moderators sign in", lambda row, _: _label(AccessModel, row.access_model)),
    ("Sign-in details kept at", lambda row, _: row.credentials_location),
    ("Password last changed", lambda row, _: row.password_last_changed),
    ("Recovery email", lambda row, _: row.recovery_email),
    ("Recovery phone", lambda row, _: row.recovery_phone),
    (
        "Recovery phone council-owned",
        lambda row, _: "Yes" if row.recovery_phone_council_owned else "No",
    ),
    (
        "Two-step method",
        lambda row, _: row.two_factor_method and _label(TwoFactorMethod, row.two_factor_method),
    ),
    ("Second factor held by", lambda row, _: _name(row.second_factor_holder)),
    ("Open credential tasks", lambda row, _: row.open_credential_tasks),
    ("Recovery plan last tested", lambda row, _: row.recovery_plan_tested_on),
    ("Months between reviews", lambda row, _: row.review_cadence_months),
    ("Next review due", lambda row, _: row.next_review_due),
    ("Management-platform licence", lambda row, _: row.licence),
    ("A review recommends closing it", lambda row, _: "Yes" if row.closure_recommended else "No"),
    ("How the account was found", lambda row, _: row.discovered_how),
]
HEADERS = [header for header, _ in COLUMNS]


# The moderators of this many accounts are read at once: one query a chunk, never one an
# account, and never every account's at the start.
CHUNK = 500


def table(rows: QuerySet[Any], as_of: datetime.date | None) -> Iterator[list[Any]]:
    moment = end_of_day(as_of) if as_of is not None else None
    yield HEADERS
    related = ("second_factor_holder", "branding_approved_by", "request")
    found = rows.select_related(*related).iterator(chunk_size=CHUNK)
    while chunk := list(islice(found, CHUNK)):
        # 'Riya Patel (active); Tom Fletcher (awaiting declaration)' for each account.
        names = moderators().names_by_account([row.id for row in chunk], moment)
        for row in chunk:
            yield [getter(row, names) for _, getter in COLUMNS]


def csv_response(rows: QuerySet[Any], as_of: datetime.date | None, filename: str) -> Any:
    return csv_download(table(rows, as_of), filename)


def xlsx_response(rows: QuerySet[Any], as_of: datetime.date | None, filename: str) -> Any:
    return xlsx_download(table(rows, as_of), filename, "Register")
