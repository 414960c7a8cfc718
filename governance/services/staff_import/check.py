"""Checks across the whole file and the people already in the portal.

Duplicate numbers and addresses, new service areas without a name, line managers nobody knows,
circles of line managers (the portal's included), and addresses handed from one person to
another in an order that can be saved.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from governance.models import ServiceArea, User

from .parse import MAX_ROWS, StaffRow, read_staff_rows
from .report import ImportRejected, RowProblem, listed


def parse_staff_csv(data: bytes, *, max_rows: int = MAX_ROWS) -> list[StaffRow]:
    """Read and check every row; raise ImportRejected listing every problem found.

    The rows come back in an order in which they can be saved one by one (see _save_order).
    """
    problems: list[RowProblem] = []
    rows = read_staff_rows(data, max_rows=max_rows, problems=problems)
    ordered = _check_across_rows(rows, problems)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda problem: problem.line))
    return ordered


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
        numbers = listed(ring)
        lines = listed([str(by_number[number].line) for number in ring])
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
        lines = listed([str(row.line) for row in stuck])
        problems.append(
            RowProblem(
                stuck[0].line,
                f"Lines {lines} depend on each other: a new line manager takes over the email "
                "address of somebody in their team. Import a file that only gives that person "
                "their new address, then this file.",
            )
        )
