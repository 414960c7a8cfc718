"""Import service areas and staff from the HR system's CSV export (SPEC ORG-2).

The whole file is checked before anything is written: one bad row and nothing is imported, and
the report lists every bad row with its line number and what is wrong with it. Rows are matched
on the HR employee number, so importing the same file again changes nothing. A complete feed
that would record many people as leavers waits for their number to be confirmed.
docs/staff-import.md describes the columns and the rules.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
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
# A complete feed may record this many people as leavers, or this share of current staff,
# without anybody confirming the number: beyond that it is more likely a partial file.
LEAVERS_WITHOUT_CONFIRMATION = 20
LEAVERS_SHARE_WITHOUT_CONFIRMATION = 0.10
LEAVERS_NAMED = 20


@dataclass
class RowProblem:
    line: int
    message: str


class ImportRejected(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class LeaversNeedConfirmation(ImportRejected):
    """A complete feed would record more leavers than it may without their number confirmed."""

    def __init__(self, *, leavers: int, staff: int, names: list[str], confirmed: int | None):
        message = (
            f"The file is marked as the complete staff list, so the {leavers:,} people in the "
            f"portal who are not in it (of {staff:,} current staff) would be recorded as leavers "
            "today."
        )
        if confirmed is not None:
            message += f" You confirmed {confirmed:,}, so nothing was imported."
        super().__init__([RowProblem(0, message)])
        self.leavers = leavers
        self.staff = staff
        self.names = names
        self.more = leavers - len(names)
        self.confirmed = confirmed


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
    heads_changed: int = 0
    addresses_fixed: int = 0
    record: StaffImport | None = field(default=None, repr=False)

    @property
    def changed_anything(self) -> bool:
        return any(
            (
                self.created,
                self.updated,
                self.leavers,
                self.areas_created,
                self.areas_updated,
                self.heads_changed,
                self.addresses_fixed,
            )
        )


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
    """Read and check every row; raise ImportRejected listing every problem found.

    The rows come back in an order in which they can be saved one by one (see _save_order).
    """
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
    ordered = _check_across_rows(rows, problems)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda problem: problem.line))
    return ordered


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


def _check_across_rows(rows: list[StaffRow], problems: list[RowProblem]) -> list[StaffRow]:
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

    # Everybody in the portal: (pk, employee number, email, line manager's pk).
    portal = list(User.objects.values_list("pk", "employee_number", "email", "line_manager_id"))
    numbered = {number for _, number, _, _ in portal if number}
    owners = {email.lower(): number for _, number, email, _ in portal if email.lower() in by_email}
    # Employee number -> the employee number whose email address they take over in this file.
    taking: dict[str, str] = {}
    for row in rows:
        if row.email in owners:
            owner = owners[row.email]
            if owner is None and row.employee_number in numbered:
                problem(
                    row,
                    f"The email address {row.email} already belongs to somebody in the portal "
                    "who has no employee number.",
                )
            elif owner is not None and owner != row.employee_number:
                moving = by_number.get(owner)
                if moving is None or moving.email == row.email:
                    problem(
                        row,
                        f"The email address {row.email} already belongs to employee number "
                        f"{owner} in the portal.",
                    )
                else:
                    taking[row.employee_number] = owner
        manager = row.manager_number
        if manager and manager not in by_number and manager not in numbered:
            problem(
                row,
                f"The line manager's employee number {manager} is not in the file or the portal.",
            )

    before = len(problems)
    _check_cycles(by_number, _managers_after_import(portal, by_number, by_email), problems)
    if len(problems) > before:
        return rows
    return _save_order(by_number, taking, numbered, problems)


def _managers_after_import(
    portal: Sequence[tuple[int, str | None, str, int | None]],
    by_number: dict[str, StaffRow],
    by_email: dict[str, StaffRow],
) -> dict[str, str]:
    """Everybody's line manager once the file is in: the file's where it has a line for them,
    the portal's for everyone else. People without an employee number go by email address."""
    key: dict[int, str] = {}
    for pk, number, email, _ in portal:
        adopted = by_email.get(email.lower()) if number is None else None
        key[pk] = number or (adopted.employee_number if adopted else email.lower())
    managers = {key[pk]: key.get(manager, "") for pk, _, _, manager in portal if manager}
    managers.update({number: row.manager_number for number, row in by_number.items()})
    return managers


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
            message = f"Line managers go round in a circle: {circle}."
            stored = [number for number in seen if number not in by_number]
            if stored:
                # The file is partial: the rest of the circle is already in the portal.
                links = " and ".join(
                    f"{number}'s line manager is {managers[number]}" for number in stored
                )
                message += (
                    f" In the portal, {links}: give a new line manager in the same file, or "
                    "correct this line."
                )
            problems.append(RowProblem(row.line, message))


def _save_order(
    by_number: dict[str, StaffRow],
    taking: dict[str, str],
    numbered: set[str],
    problems: list[RowProblem],
) -> list[StaffRow]:
    """The rows in an order that saves each person once, after anyone they depend on.

    A line manager new to the portal is saved before the people who report to them (who need
    the manager's primary key), and a person giving up an email address before the person who
    takes it over (addresses are unique). Rows that depend on each other in a circle are
    reported: no order can save them.
    """
    needs: dict[str, set[str]] = {number: set() for number in by_number}
    for number, row in by_number.items():
        if row.manager_number in by_number and row.manager_number not in numbered:
            needs[number].add(row.manager_number)
        if number in taking:
            needs[number].add(taking[number])
    dependants: dict[str, list[str]] = {number: [] for number in by_number}
    for number, before in needs.items():
        for other in before:
            dependants[other].append(number)
    ready = deque(number for number, before in needs.items() if not before)
    ordered: list[StaffRow] = []
    while ready:
        number = ready.popleft()
        ordered.append(by_number[number])
        for other in dependants[number]:
            needs[other].discard(number)
            if not needs[other]:
                ready.append(other)
    stuck = [row for number, row in by_number.items() if needs[number]]
    if stuck:
        _report_stuck(stuck, by_number, taking, problems)
    return ordered


def _report_stuck(
    stuck: list[StaffRow],
    by_number: dict[str, StaffRow],
    taking: dict[str, str],
    problems: list[RowProblem],
) -> None:
    reported: set[str] = set()
    for row in stuck:
        ring = [row.employee_number]
        current = taking.get(row.employee_number, "")
        while current in by_number and current not in ring:
            ring.append(current)
            current = taking.get(current, "")
        if current != row.employee_number or row.employee_number in reported:
            continue
        reported.update(ring)
        numbers = _listed(ring)
        lines = _listed([str(by_number[number].line) for number in ring])
        what = "swap" if len(ring) == 2 else "pass round in a circle"
        problems.append(
            RowProblem(
                row.line,
                f"Employee numbers {numbers} {what} their email addresses (lines {lines}), so "
                "neither address can be given up first. Import a file that gives one of them "
                "a temporary address, then this file.",
            )
        )
    if not reported:
        # A new line manager takes the address of somebody who is to report to them.
        lines = _listed([str(row.line) for row in stuck])
        problems.append(
            RowProblem(
                stuck[0].line,
                f"Lines {lines} depend on each other: a new line manager takes over the email "
                "address of somebody in their team. Import a file that only gives that person "
                "their new address, then this file.",
            )
        )


def _listed(items: list[str], *, most: int = 10) -> str:
    """'2, 3 and 4'; a long list ends 'and 40 more'."""
    if len(items) > most:
        return f"{', '.join(items[:most])} and {len(items) - most:,} more"
    return f"{', '.join(items[:-1])} and {items[-1]}" if len(items) > 1 else items[0]


def import_staff(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    complete_feed: bool = False,
    confirm_leavers: int | None = None,
    record_unchanged: bool = True,
    now: datetime.datetime | None = None,
    max_rows: int = MAX_ROWS,
) -> ImportReport:
    """Check the whole file, then import it in one transaction, or raise ImportRejected.

    A complete feed that would record more people as leavers than leavers_need_confirmation
    allows raises LeaversNeedConfirmation unless confirm_leavers is exactly that number.
    Each import is kept as a StaffImport with an event, even one that changed nothing (HR ran
    it); record_unchanged=False leaves no trace of an import that changed nothing (seed_demo).
    """
    now = now or timezone.now()
    rows = parse_staff_csv(data, max_rows=max_rows)
    report = ImportReport(rows=len(rows))
    try:
        with transaction.atomic():
            if complete_feed:
                _check_leavers_confirmed(rows, confirm_leavers)
            _apply(rows, report, actor=actor, complete_feed=complete_feed, now=now)
            if not record_unchanged and not report.changed_anything:
                return report
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
        # The checks found nothing wrong, so something changed the portal meanwhile.
        raise ImportRejected(
            [
                RowProblem(
                    0,
                    "The file could not be saved: the portal's records changed while it was "
                    "being imported. Nothing was imported. Upload it again.",
                )
            ]
        ) from None
    return report


def leavers_need_confirmation(*, leavers: int, staff: int) -> bool:
    """More than 20 leavers, or more than a tenth of current staff, but never a single one."""
    return leavers > 1 and (
        leavers > LEAVERS_WITHOUT_CONFIRMATION
        or leavers > staff * LEAVERS_SHARE_WITHOUT_CONFIRMATION
    )


def _check_leavers_confirmed(rows: list[StaffRow], confirmed: int | None) -> None:
    absent = _absent_from_feed(rows)
    leavers = absent.count()
    if confirmed is None:
        staff = User.objects.filter(
            employee_number__isnull=False, leaver_recorded_at__isnull=True
        ).count()
        if not leavers_need_confirmation(leavers=leavers, staff=staff):
            return
    elif confirmed == leavers:
        return
    else:
        staff = User.objects.filter(
            employee_number__isnull=False, leaver_recorded_at__isnull=True
        ).count()
    names = [
        f"{person.full_name} ({person.employee_number})"
        for person in absent.order_by("full_name", "employee_number")[:LEAVERS_NAMED]
    ]
    raise LeaversNeedConfirmation(leavers=leavers, staff=staff, names=names, confirmed=confirmed)


def _absent_from_feed(rows: list[StaffRow]) -> QuerySet[User]:
    """Current staff a complete feed leaves out: they are recorded as leavers today."""
    return User.objects.filter(employee_number__isnull=False, leaving_date__isnull=True).exclude(
        employee_number__in=[row.employee_number for row in rows]
    )


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
    # The rows come in save order (_save_order): each person is saved once, with their line
    # manager, and has one history row per import; only people with a change are saved.
    for row in rows:
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
        try:
            if person is None:
                person = User(**values)
                person.set_unusable_password()
                person.save()
                new_addresses.append(
                    EmailAddress(user=person, email=person.email, primary=True, verified=True)
                )
                report.created += 1
            else:
                _update_person(person, values, report)
                if _sync_email_address(person, addresses.get(person.pk)):
                    report.addresses_fixed += 1
        except IntegrityError:
            raise _not_saved(row) from None
        people[row.employee_number] = person
        area = areas[row.area_code]
        if row.is_head and area.head_id != person.pk:
            area.head = person
            area.save(update_fields=["head"])
            report.heads_changed += 1
    _create_addresses(new_addresses, rows)
    people = {row.employee_number: people[row.employee_number] for row in rows}

    leavers = [person for person in people.values() if person.leaving_date is not None]
    if complete_feed:
        for person in _absent_from_feed(rows):
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


def _update_person(person: User, values: dict[str, object], report: ImportReport) -> None:
    """Save the fields that differ, and only those: an unchanged person gets no history row."""
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    if values["leaving_date"] is None and person.leaver_recorded_at is not None:
        # Back from leaving (a re-hire or a corrected date): clear the leaver record.
        person.leaver_recorded_at = None
        changed.append("leaver_recorded_at")
    if not changed:
        report.unchanged += 1
        return
    for name in changed:
        if name in values:
            setattr(person, name, values[name])
    person.save(update_fields=[name.removesuffix("_id") for name in changed])
    report.updated += 1


def _not_saved(row: StaffRow) -> ImportRejected:
    return ImportRejected(
        [
            RowProblem(
                row.line,
                f"Employee number {row.employee_number} could not be saved: the database "
                "refused it as a duplicate. Check that nobody else in the portal has the "
                f"email address {row.email}, then upload the file again.",
            )
        ]
    )


def _create_addresses(addresses: list[EmailAddress], rows: list[StaffRow]) -> None:
    """Sign-in addresses for new people; one already verified for somebody else is refused."""
    taken = set(
        EmailAddress.objects.filter(
            verified=True, email__in=[address.email for address in addresses]
        ).values_list("email", flat=True)
    )
    if taken:
        raise ImportRejected(
            [
                RowProblem(
                    row.line,
                    f"The email address {row.email} is already a sign-in address of somebody "
                    "else in the portal.",
                )
                for row in rows
                if row.email in taken
            ]
        )
    EmailAddress.objects.bulk_create(addresses)


def _sync_email_address(person: User, address: EmailAddress | None) -> bool:
    """Keep allauth's address book in step with the HR feed, so sign-in and SSO match."""
    if address is None:
        EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
        return True
    if address.email != person.email or not address.verified:
        address.email = person.email
        address.verified = True
        address.save(update_fields=["email", "verified"])
        return True
    return False
