"""Import service areas and staff from the HR system's CSV export (SPEC ORG-2).

The whole file is checked before anything is written: one bad row and nothing is imported, and
the report lists every bad row with its line number and what is wrong with it. Rows are matched
on the HR employee number, so importing the same file again changes nothing.
docs/staff-import.md describes the columns.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.models import ServiceArea, StaffImport, User
from governance.services.events import event_record
from governance.services.leavers import staff_record_leaver

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
class RowProblem:
    line: int
    message: str


class ImportRejected(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


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


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    leavers: int = 0
    areas_created: int = 0
    areas_updated: int = 0
    record: StaffImport | None = field(default=None, repr=False)


def _parse_date(text: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise ValueError(text)


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


def parse_staff_csv(data: bytes, *, max_rows: int = MAX_ROWS) -> list[StaffRow]:
    """Read and check every row; raise ImportRejected listing every problem found."""
    text = _decode(data)
    if not text.strip():
        raise ImportRejected([RowProblem(0, "The file is empty.")])
    reader = csv.reader(io.StringIO(text, newline=""))
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

    problems: list[RowProblem] = []
    rows: list[StaffRow] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
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
            if len(values) > len(header):
                problems.append(
                    RowProblem(
                        line,
                        f"This line has {len(values)} values but the first line names "
                        f"{len(header)} columns. Check for a stray comma.",
                    )
                )
                continue
            record = {name: value.strip() for name, value in zip(header, values, strict=False)}
            row = _check_row(line, record, problems)
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        problems.append(RowProblem(reader.line_num, f"This line is not valid CSV: {error}."))
    if not rows and not problems:
        raise ImportRejected([RowProblem(0, "The file has a header line but no staff.")])
    _check_across_rows(rows, problems)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda problem: problem.line))
    return rows


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


def _check_across_rows(rows: list[StaffRow], problems: list[RowProblem]) -> None:
    def problem(row: StaffRow, message: str) -> None:
        problems.append(RowProblem(row.line, message))

    by_number: dict[str, StaffRow] = {}
    by_email: dict[str, StaffRow] = {}
    area_names: dict[str, StaffRow] = {}
    heads: dict[str, StaffRow] = {}
    for row in rows:
        if (other := by_number.get(row.employee_number)) is not None:
            problem(row, f"Employee number {row.employee_number} is also on line {other.line}.")
        else:
            by_number[row.employee_number] = row
        if (other := by_email.get(row.email)) is not None:
            problem(row, f"The email address {row.email} is also on line {other.line}.")
        else:
            by_email[row.email] = row
        if row.area_name:
            named = area_names.setdefault(row.area_code, row)
            if named.area_name != row.area_name:
                problem(
                    row,
                    f"Service area '{row.area_code}' is called '{named.area_name}' on line "
                    f"{named.line} but '{row.area_name}' here.",
                )
        if row.is_head:
            head = heads.setdefault(row.area_code, row)
            if head is not row:
                problem(
                    row,
                    f"Service area '{row.area_code}' already has its Head of Service on "
                    f"line {head.line}.",
                )

    known_areas = set(ServiceArea.objects.values_list("code", flat=True))
    for row in rows:
        if row.area_code not in known_areas and row.area_code not in area_names:
            problem(
                row,
                f"Service area '{row.area_code}' is new, so the service_area_name column "
                "must give its name.",
            )

    existing = {
        user.employee_number: user
        for user in User.objects.filter(employee_number__isnull=False).only(
            "employee_number", "email"
        )
    }
    owners = {
        user.email.lower(): user.employee_number
        for user in User.objects.filter(email__in=list(by_email)).only("email", "employee_number")
    }
    for row in rows:
        owner = owners.get(row.email)
        if owner is not None and owner != row.employee_number:
            moving = by_number.get(owner)
            if moving is None or moving.email == row.email:
                problem(
                    row,
                    f"The email address {row.email} already belongs to employee number "
                    f"{owner} in the portal.",
                )
        manager = row.manager_number
        if manager and manager not in by_number and manager not in existing:
            problem(
                row,
                f"The line manager's employee number {manager} is not in the file or the portal.",
            )

    managers = {number: row.manager_number for number, row in by_number.items()}
    for user in existing.values():
        if user.employee_number not in managers:
            managers[user.employee_number or ""] = ""
    _check_cycles(by_number, managers, problems)


def _check_cycles(
    by_number: dict[str, StaffRow], managers: dict[str, str], problems: list[RowProblem]
) -> None:
    reported: set[str] = set()
    for start, row in by_number.items():
        seen = [start]
        current = managers.get(start, "")
        while current and current not in seen and len(seen) <= len(managers):
            seen.append(current)
            current = managers.get(current, "")
        if current == start and start not in reported:
            reported.update(seen)
            circle = " → ".join([*seen, start])
            problems.append(RowProblem(row.line, f"Line managers go round in a circle: {circle}."))


def import_staff(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    complete_feed: bool = False,
    now: datetime.datetime | None = None,
    max_rows: int = MAX_ROWS,
) -> ImportReport:
    """Check the whole file, then import it in one transaction, or raise ImportRejected."""
    now = now or timezone.now()
    rows = parse_staff_csv(data, max_rows=max_rows)
    report = ImportReport(rows=len(rows))
    try:
        with transaction.atomic():
            _apply(rows, report, actor=actor, complete_feed=complete_feed, now=now)
            record = StaffImport.objects.create(
                imported_at=now,
                imported_by=actor,
                filename=filename[:255],
                sha256=hashlib.sha256(data).hexdigest(),
                complete_feed=complete_feed,
                rows=report.rows,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
                leavers=report.leavers,
                areas_created=report.areas_created,
            )
            event_record(
                actor=actor,
                action="staff.imported",
                subject=record,
                summary=(
                    f"Imported {filename}: {report.created} new, {report.updated} changed, "
                    f"{report.unchanged} unchanged, {report.leavers} leavers"
                ),
                data={"sha256": record.sha256, "complete_feed": complete_feed},
                now=now,
            )
            report.record = record
    except IntegrityError:
        raise ImportRejected(
            [
                RowProblem(
                    0,
                    "Two people in the file swap email addresses with each other. Import the "
                    "file once with one of them removed, then again in full.",
                )
            ]
        ) from None
    return report


def _apply(
    rows: list[StaffRow],
    report: ImportReport,
    *,
    actor: User | None,
    complete_feed: bool,
    now: datetime.datetime,
) -> None:
    areas = {area.code: area for area in ServiceArea.objects.all()}
    for row in rows:
        area = areas.get(row.area_code)
        if area is None:
            area = ServiceArea.objects.create(code=row.area_code, name=row.area_name)
            areas[row.area_code] = area
            report.areas_created += 1
        elif row.area_name and area.name != row.area_name:
            area.name = row.area_name
            area.save(update_fields=["name"])
            report.areas_updated += 1

    numbers = {row.employee_number for row in rows} | {row.manager_number for row in rows}
    people: dict[str | None, User] = {
        user.employee_number: user
        for user in User.objects.filter(employee_number__in=numbers - {""})
    }
    unnumbered = {
        user.email.lower(): user
        for user in User.objects.filter(
            employee_number__isnull=True, email__in=[row.email for row in rows]
        )
    }
    addresses = {
        address.user_id: address
        for address in EmailAddress.objects.filter(
            primary=True, user__in=[*people.values(), *unnumbered.values()]
        )
    }
    new_addresses = []
    # Managers are saved before the people who report to them, so that each person is
    # saved once, with their line manager, and has one history row per import.
    for row in _managers_first(rows):
        person = people.get(row.employee_number) or unnumbered.get(row.email)
        manager = people.get(row.manager_number) if row.manager_number else None
        values = {
            "employee_number": row.employee_number,
            "email": row.email,
            "full_name": row.full_name,
            "job_title": row.job_title,
            "service_area_id": areas[row.area_code].pk,
            "line_manager_id": manager.pk if manager else None,
            "leaving_date": row.leaving_date,
        }
        if person is None:
            person = User(**values)
            person.set_unusable_password()
            person.save()
            new_addresses.append(
                EmailAddress(user=person, email=person.email, primary=True, verified=True)
            )
            report.created += 1
        else:
            changed = [name for name, value in values.items() if getattr(person, name) != value]
            if row.leaving_date is None and person.leaver_recorded_at is not None:
                # Back from leaving (a re-hire or a corrected date): clear the leaver record.
                person.leaver_recorded_at = None
                changed.append("leaver_recorded_at")
            if changed:
                for name in changed:
                    if name in values:
                        setattr(person, name, values[name])
                person.save(update_fields=[name.removesuffix("_id") for name in changed])
                report.updated += 1
            else:
                report.unchanged += 1
            _sync_email_address(person, addresses.get(person.pk))
        people[row.employee_number] = person
        area = areas[row.area_code]
        if row.is_head and area.head_id != person.pk:
            area.head = person
            area.save(update_fields=["head"])
    EmailAddress.objects.bulk_create(new_addresses)
    people = {row.employee_number: people[row.employee_number] for row in rows}

    leavers = [person for person in people.values() if person.leaving_date is not None]
    if complete_feed:
        absent = User.objects.filter(
            employee_number__isnull=False, leaving_date__isnull=True
        ).exclude(employee_number__in=list(people))
        for person in absent:
            person.leaving_date = timezone.localdate(now)
            person.save(update_fields=["leaving_date"])
            leavers.append(person)

    today = timezone.localdate(now)
    for person in leavers:
        if (
            person.leaver_recorded_at is None
            and person.leaving_date
            and person.leaving_date <= today
        ):
            staff_record_leaver(person=person, actor=actor, now=now)
            report.leavers += 1


def _managers_first(rows: list[StaffRow]) -> list[StaffRow]:
    """The rows ordered so that everyone comes after their line manager (no circles: checked)."""
    by_number = {row.employee_number: row for row in rows}
    depth: dict[str, int] = {}
    for row in rows:
        chain: list[StaffRow] = []
        current: StaffRow | None = row
        while current is not None and current.employee_number not in depth:
            chain.append(current)
            current = by_number.get(current.manager_number)
        level = depth[current.employee_number] + 1 if current is not None else 0
        for item in reversed(chain):
            depth[item.employee_number] = level
            level += 1
    return sorted(rows, key=lambda row: depth[row.employee_number])


def _sync_email_address(person: User, address: EmailAddress | None) -> None:
    """Keep allauth's address book in step with the HR feed, so sign-in and SSO match."""
    if address is None:
        EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
    elif address.email != person.email or not address.verified:
        address.email = person.email
        address.verified = True
        address.save(update_fields=["email", "verified"])
