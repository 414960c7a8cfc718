"""Downloads as CSV (streamed) and Excel, with spreadsheet formula injection neutralised in
both. The register and the declarations compliance view each give their lines: headers first,
then one list of values a row."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A spreadsheet treats a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    # Judged without control characters: Excel files cannot hold them, so they are dropped
    # from an .xlsx cell, and "\x01=HYPERLINK(...)" would otherwise become a formula there.
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.sub("", value).startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _with_bom(lines: Iterator[str]) -> Iterator[str]:
    # Excel reads UTF-8 correctly only with a byte-order mark.
    yield "\ufeff"
    yield from lines


def csv_download(lines: Iterable[list[Any]], filename: str) -> StreamingHttpResponse:
    """``filename``.csv, written as the lines come: the first byte leaves before the last row
    is read."""
    writer = csv.writer(_Echo())
    rows = (writer.writerow([safe_cell(value) for value in line]) for line in lines)
    response = StreamingHttpResponse(_with_bom(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_cell(value: Any) -> Any:
    # Excel files cannot hold control characters (text pasted from Word often has some).
    value = safe_cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_download(lines: Iterable[list[Any]], filename: str, sheet_name: str) -> FileResponse:
    """``filename``.xlsx with one sheet, written row by row to a file that stays in memory up
    to 8 MB and spills to disk beyond."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    for line in lines:
        sheet.append([_xlsx_cell(value) for value in line])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by the response
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
