"""Downloads as CSV and Excel, both streamed, with spreadsheet formula injection neutralised in
both. The register and the declarations compliance view each give their lines: headers first,
then one list of values a row."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any
from xml.sax.saxutils import escape

from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

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


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOCUMENT}" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_RELS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    # Style 1 shows a date as 2026-12-03, style 2 a date and time; both sort as dates.
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN}">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="3"><xf/><xf numFmtId="164" applyNumberFormat="1"/>'
        '<xf numFmtId="165" applyNumberFormat="1"/></cellXfs>'
        "</styleSheet>"
    ),
}


class _Pipe(io.RawIOBase):
    """Where zipfile writes: an unseekable stream whose bytes are handed on as they come."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _xml_cell(reference: str, value: Any) -> str:
    value = _xlsx_cell(value)
    if value is None or value == "":
        return f'<c r="{reference}"/>'  # so every line has all its columns
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f'<c r="{reference}" s="2"><v>{to_excel(value.replace(tzinfo=None))}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{reference}" s="1"><v>{to_excel(value)}</v></c>'
    text = escape(str(value))
    return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _xlsx_bytes(lines: Iterable[list[Any]], sheet_name: str) -> Iterator[bytes]:
    """An .xlsx workbook of one sheet, written as the lines come: each few hundred rows leave
    compressed before the next are read, so memory stays flat however long the sheet."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, xml in _PARTS.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + xml)
        workbook = (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
            f'<sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        )
        archive.writestr("xl/workbook.xml", workbook)
        yield pipe.take()
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
            for number, line in enumerate(lines, start=1):
                cells = "".join(
                    _xml_cell(f"{get_column_letter(index + 1)}{number}", value)
                    for index, value in enumerate(line)
                )
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
                if number % 500 == 0:
                    yield pipe.take()
            sheet.write(b"</sheetData></worksheet>")
    yield pipe.take()


def xlsx_download(
    lines: Iterable[list[Any]], filename: str, sheet_name: str
) -> StreamingHttpResponse:
    """``filename``.xlsx with one sheet, streamed: the first bytes leave before the last row
    is read."""
    response = StreamingHttpResponse(_xlsx_bytes(lines, sheet_name), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
