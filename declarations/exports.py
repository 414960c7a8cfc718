"""The compliance view as CSV and Excel (issue 9 item 7): every person the page's filters
select, not one page of them, with the accounts each moderates."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from declarations.holders import holders
from declarations.selectors import status_of
from governance.models import User
from governance.spreadsheets import csv_download, xlsx_download

# The accounts of this many people are read at once: one query a chunk, never one a person.
CHUNK = 500


def version_signed(person: Any) -> str:
    if person.declaration_on_paper:
        return "On paper"
    return person.declaration_version or ""


def signed_on(person: Any) -> datetime.date | None:
    signed = person.declaration_signed_at
    return timezone.localdate(signed) if signed is not None else None


def accounts_text(accounts: list[tuple[str, str]]) -> str:
    """'Leisure Facebook (active); Libraries X (suspended)'."""
    return "; ".join(f"{name} ({state.lower()})" for name, state in accounts)


Column = tuple[str, Callable[[Any, list[tuple[str, str]]], Any]]

COLUMNS: list[Column] = [
    ("Name", lambda person, _: person.full_name),
    ("Email address", lambda person, _: person.email),
    ("Service area", lambda person, _: person.service_area.name if person.service_area else ""),
    ("Accounts moderated", lambda _, accounts: accounts_text(accounts)),
    ("Declaration", lambda person, _: str(status_of(person).status.label)),
    ("Version signed", lambda person, _: version_signed(person)),
    ("Signed on", lambda person, _: signed_on(person)),
    ("Lapses on", lambda person, _: person.declaration_lapses_on),
    ("Suspended", lambda person, _: "Yes" if person.is_suspended else "No"),
]
HEADERS = [header for header, _ in COLUMNS]


def table(people: QuerySet[User], moment: datetime.datetime | None = None) -> Iterator[list[Any]]:
    """Headers, then a line a person, from people annotated by selectors.with_status (as they
    stood at ``moment``, with the accounts they moderated then)."""
    yield HEADERS
    rows = people.select_related("service_area").iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        accounts = holders().accounts_by_person([person.pk for person in chunk], moment)
        for person in chunk:
            found = accounts.get(person.pk, [])
            yield [getter(person, found) for _, getter in COLUMNS]


def csv_response(
    people: QuerySet[User], filename: str, moment: datetime.datetime | None = None
) -> Any:
    return csv_download(table(people, moment), filename)


def xlsx_response(
    people: QuerySet[User], filename: str, moment: datetime.datetime | None = None
) -> Any:
    return xlsx_download(table(people, moment), filename, "Declarations")
