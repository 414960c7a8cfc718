"""The compliance statement as CSV: one line for each part of each figure, or one for a control
with no figure (switched off, or counted by nobody but HR), each carrying the statement's date,
period and event-log checkpoint so that a line copied into a working paper still says where it
came from. Written through governance/spreadsheets.py, which neutralises formula-like cells."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from compliance.statement import Row, Statement
from governance.spreadsheets import csv_download

HEADERS = [
    "Council",
    "As at",
    "Period start",
    "Period end",
    "Policy",
    "Clauses",
    "Control key",
    "Control",
    "How the portal enforces it",
    "On or off",
    "Count",
    "What is counted",
    "Link",
    "Note",
    "Checkpoint event",
    "Checkpoint events in the log",
    "Checkpoint head hash",
    "Built at",
]


def _row_lines(row: Row, *, links: bool) -> Iterator[list[Any]]:
    on = "On" if row.on else "Switched off in this council's policy profile"
    common = [", ".join(row.clauses), row.control.key, row.control.title, row.sentence, on]
    if row.figure is None or not row.figure.parts:
        note = row.figure.note if row.figure is not None else ""
        yield [*common, "", "", "", note]
        return
    for part in row.figure.parts:
        yield [*common, part.count, part.words, part.url if links else "", row.figure.note]


def statement_lines(statement: Statement, *, links: bool) -> Iterator[list[Any]]:
    """``links``: whether this reader may follow the figures to their records; for anyone else
    the link column is left empty, as the page shows them no links."""
    checkpoint = statement.checkpoint
    before = [
        statement.council,
        statement.as_at.isoformat(),
        statement.period.start.isoformat(),
        statement.period.end.isoformat(),
        statement.policy + (" (custom: adjusted by an administrator)" if statement.custom else ""),
    ]
    after = [
        checkpoint.seq,
        checkpoint.count,
        checkpoint.hash,
        timezone.localtime(statement.built_at).isoformat(timespec="seconds"),
    ]
    yield HEADERS
    for row in statement.rows:
        for line in _row_lines(row, links=links):
            yield [*before, *line, *after]


def csv_response(statement: Statement, *, links: bool) -> Any:
    return csv_download(
        statement_lines(statement, links=links),
        f"compliance-statement-{statement.as_at.isoformat()}",
    )
