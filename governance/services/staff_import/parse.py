"""Reading the HR system's CSV: the columns, and each line's values on their own.

Problems that need more than one line (duplicates, circles of line managers, people already in
the portal) are found by check.py.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug

from governance.validators import hidden_character

from .report import ImportRejected, RowProblem

REQUIRED_COLUMNS = ("employee_number", "email", "full_name", "service_area_code")
OPTIONAL_COLUMNS = (
    "job_title",
    "service_area_name",
    "line_manager_employee_number",
    "leaving_date",
    "head_of_service",
)
MAX_ROWS = 50_000
# An upload is imported while the page waits; larger feeds go through the command.
MAX_UPLOAD_ROWS = 20_000
# The longest value each column may hold, as the database stores it.
LIMITS = {
    "employee_number": 50,
    "email": 254,
    "full_name": 200,
    "job_title": 200,
    "service_area_code": 40,
    "service_area_name": 200,
}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


@dataclass
class StaffRow:
    line: int
    employee_number: str
    email: str
    full_name: str
    job_title: str
    area_code: str
    area_name: str
    manager_number: str
    leaving_date: datetime.date | None
    is_head: bool


def read_staff_rows(data: bytes, *, max_rows: int, problems: list[RowProblem]) -> list[StaffRow]:
    """The lines whose values are right; the others are added to problems.

    A file that cannot be read as staff at all (not UTF-8, no header, too many lines) raises
    ImportRejected at once.
    """
    text = _decode(data)
    if not text.strip():
        raise ImportRejected([RowProblem(0, "The file is empty.")])
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _read_header(reader)
    rows: list[StaffRow] = []
    line = reader.line_num + 1
    try:
        # line_num counts the lines read so far, so a record starts on the line after the last
        # one read: the line a person sees in their editor, even when a value spans lines.
        for values in reader:
            if not any(value.strip() for value in values):
                line = reader.line_num + 1
                continue
            if len(rows) >= max_rows:
                raise ImportRejected(
                    [
                        RowProblem(
                            line,
                            f"The file has more than {max_rows:,} staff. Import it with the "
                            "import_staff command, or split it.",
                        )
                    ]
                )
            if (broken := _line_break(header, values)) is not None:
                problems.append(RowProblem(line, broken))
            elif len(values) > len(header):
                problems.append(
                    RowProblem(
                        line,
                        f"This line has {len(values)} values but the first line names "
                        f"{len(header)} columns. Check for a stray comma.",
                    )
                )
            else:
                record = {name: value.strip() for name, value in zip(header, values, strict=False)}
                row = _check_row(line, record, problems)
                if row is not None:
                    rows.append(row)
            line = reader.line_num + 1
    except csv.Error as error:
        problems.append(RowProblem(line, f"This line is not valid CSV: {error}."))
    if not rows and not problems:
        raise ImportRejected([RowProblem(0, "The file has a header line but no staff.")])
    return rows


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(
            [
                RowProblem(
                    0,
                    "The file is not UTF-8 text. In Excel, save it as "
                    "'CSV UTF-8 (comma delimited)' and upload it again.",
                )
            ]
        ) from None


def _read_header(reader: Iterator[list[str]]) -> list[str]:
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as error:
        raise ImportRejected(
            [RowProblem(1, f"The first line is not valid CSV: {error}.")]
        ) from None
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        names = ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
        return_missing = ", ".join(f"'{name}'" for name in missing)
        raise ImportRejected(
            [
                RowProblem(
                    1,
                    f"The first line must name the columns. These are missing: {return_missing}. "
                    f"The columns are: {names}.",
                )
            ]
        )
    duplicates = sorted({name for name in header if header.count(name) > 1 and name})
    if duplicates:
        raise ImportRejected(
            [RowProblem(1, f"These columns appear twice: {', '.join(duplicates)}.")]
        )
    return header


def _parse_date(text: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise ValueError(text)


def _line_break(header: list[str], values: list[str]) -> str | None:
    """A value that runs onto the next line is almost always a quotation mark left open."""
    for index, value in enumerate(values):
        if "\n" in value or "\r" in value:
            name = header[index] if index < len(header) else "with no name"
            return (
                f"The value in column {index + 1} ({name}) runs onto the next line. Check it "
                'for a quotation mark (") that is not closed or a line break inside the value.'
            )
    return None


def _check_row(line: int, record: dict[str, str], problems: list[RowProblem]) -> StaffRow | None:
    before = len(problems)

    def problem(message: str) -> None:
        problems.append(RowProblem(line, message))

    if any(CONTROL.search(value) for value in record.values()):
        problem("This line contains a control character. Remove it and save the file again.")
        return None
    for column, limit in LIMITS.items():
        if len(record.get(column, "")) > limit:
            label = column.replace("_", " ")
            problem(f"The {label} is longer than {limit} characters.")
    number = record.get("employee_number", "")
    email = record.get("email", "").lower()
    name = record.get("full_name", "")
    area_code = record.get("service_area_code", "")
    if not number:
        problem("The employee number is missing.")
    if not email:
        problem("The email address is missing.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            problem(f"'{email}' is not a valid email address.")
    if not name:
        problem("The full name is missing.")
    for column in ("full_name", "job_title", "service_area_name"):
        if hidden_character(record.get(column, "")) is not None:
            label = column.replace("_", " ")
            problem(f"The {label} has a tab or a hidden character in it. Retype it in the file.")
    if not area_code:
        problem("The service area code is missing.")
    else:
        try:
            validate_slug(area_code)
        except ValidationError:
            problem(
                f"The service area code '{area_code}' may only contain letters, numbers, "
                "hyphens and underscores."
            )
    leaving_date = None
    if leaving_text := record.get("leaving_date", ""):
        try:
            leaving_date = _parse_date(leaving_text)
        except ValueError:
            problem(
                f"The leaving date '{leaving_text}' is not a real date. "
                "Write it as 2026-03-31 or 31/03/2026."
            )
    head_text = record.get("head_of_service", "").lower()
    if head_text not in YES | NO:
        problem(f"Head of service must be 'yes' or 'no', not '{record['head_of_service']}'.")
    manager = record.get("line_manager_employee_number", "")
    if manager and manager == number:
        problem("A person cannot be their own line manager.")
    if len(problems) > before:
        return None
    return StaffRow(
        line=line,
        employee_number=number,
        email=email,
        full_name=name,
        job_title=record.get("job_title", ""),
        area_code=area_code,
        area_name=record.get("service_area_name", ""),
        manager_number=manager,
        leaving_date=leaving_date,
        is_head=head_text in YES,
    )
