"""Checks on what a correct file would do to the council's staff as a whole.

A complete feed that leaves out many people may be a partial file sent by mistake, so their
number must be confirmed; and no feed may leave the portal without an administrator, or without
anybody in Communications or HR, able to sign in: nobody could then put it right.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from governance import roles
from governance.formatting import long_date
from governance.models import User

from .parse import StaffRow
from .report import ImportRejected, LeaversNeedConfirmation, RowProblem, listed

# A complete feed may record this many people as leavers, or this share of current staff,
# without anybody confirming the number: beyond that it is more likely a partial file.
LEAVERS_WITHOUT_CONFIRMATION = 20
LEAVERS_SHARE_WITHOUT_CONFIRMATION = 0.10
LEAVERS_NAMED = 20

# The roles somebody must still hold after an import, by how a message names the role-less
# state. Administrators are superusers (roles.is_administrator); the others are groups.
ROLES_KEPT: tuple[tuple[str, Q], ...] = (
    ("no administrator", Q(is_superuser=True)),
    (f"nobody in {roles.COMMUNICATIONS}", Q(groups__name=roles.COMMUNICATIONS)),
    (f"nobody in {roles.HR}", Q(groups__name=roles.HR)),
)


def leavers_need_confirmation(*, leavers: int, staff: int) -> bool:
    """More than 20 leavers, or more than a tenth of current staff, but never a single one."""
    return leavers > 1 and (
        leavers > LEAVERS_WITHOUT_CONFIRMATION
        or leavers > staff * LEAVERS_SHARE_WITHOUT_CONFIRMATION
    )


def check_leavers_confirmed(rows: list[StaffRow], confirmed: int | None) -> None:
    """Raise LeaversNeedConfirmation unless a complete feed's leavers may go ahead."""
    absent = absent_from_feed(rows)
    leavers = absent.count()
    if confirmed is None:
        staff = _current_staff()
        if not leavers_need_confirmation(leavers=leavers, staff=staff):
            return
    elif confirmed == leavers:
        return
    else:
        staff = _current_staff()
    names = [
        f"{person.full_name} ({person.employee_number})"
        for person in absent.order_by("full_name", "employee_number")[:LEAVERS_NAMED]
    ]
    raise LeaversNeedConfirmation(leavers=leavers, staff=staff, names=names, confirmed=confirmed)


def _current_staff() -> int:
    return User.objects.filter(
        employee_number__isnull=False, leaver_recorded_at__isnull=True
    ).count()


def absent_from_feed(rows: list[StaffRow]) -> QuerySet[User]:
    """Current staff a complete feed leaves out: they are recorded as leavers today."""
    return User.objects.filter(employee_number__isnull=False, leaving_date__isnull=True).exclude(
        employee_number__in=[row.employee_number for row in rows]
    )


def check_roles_kept(rows: list[StaffRow], *, complete_feed: bool, today: datetime.date) -> None:
    """Refuse a file after which no administrator, or nobody in Communications or HR, could sign in.

    Somebody can sign in when they are active and not a leaver: their leaving date is unset or
    still to come (a leaving date of today makes them a leaver today). A role that nobody able
    to sign in holds before the import (a new portal, say) does not stop it.
    """
    by_number = {row.employee_number: row for row in rows}
    by_email = {row.email: row for row in rows}
    problems = []
    for nobody, holds in ROLES_KEPT:
        holders = (
            User.objects.filter(holds, is_active=True)
            .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gt=today))
            .distinct()
            .order_by("full_name", "pk")
        )
        after = [(person, _row_of(person, by_number, by_email)) for person in holders]
        if after and not any(
            _can_sign_in(person, row, complete_feed=complete_feed, today=today)
            for person, row in after
        ):
            problems.append(RowProblem(0, _nobody_left(nobody, after)))
    if problems:
        raise ImportRejected(problems)


def _row_of(
    person: User, by_number: dict[str, StaffRow], by_email: dict[str, StaffRow]
) -> StaffRow | None:
    """The person's line in the file: by employee number, or by address for somebody without
    one, whom the import adopts (check.py refuses a file that gives that address to another)."""
    if person.employee_number:
        return by_number.get(person.employee_number)
    return by_email.get(person.email.lower())


def _can_sign_in(
    person: User, row: StaffRow | None, *, complete_feed: bool, today: datetime.date
) -> bool:
    """Whether somebody who can sign in now still can once the file is in."""
    if row is not None:
        date = row.leaving_date
    elif complete_feed and person.employee_number and person.leaving_date is None:
        date = today  # what the import gives those a complete feed leaves out (absent_from_feed)
    else:
        date = person.leaving_date
    return date is None or date > today


def _nobody_left(nobody: str, leaving: list[tuple[User, StaffRow | None]]) -> str:
    """'This feed would leave nobody in HR able to sign in: Harriet Lane is not in it. ...'"""
    absent = [person.full_name for person, row in leaving if row is None]
    dated = [
        f"{person.full_name} the leaving date {long_date(row.leaving_date)} (line {row.line})"
        for person, row in leaving
        if row is not None and row.leaving_date is not None
    ]
    reasons = []
    if absent:
        reasons.append(f"{listed(absent)} {'is' if len(absent) == 1 else 'are'} not in it")
    if dated:
        reasons.append(f"it gives {listed(dated)}")
    if absent and dated:
        fix = "Add them to the feed and correct the leaving dates"
    elif absent:
        fix = "Add them to the feed"
    else:
        fix = "Correct the leaving date" if len(dated) == 1 else "Correct the leaving dates"
    return (
        f"This feed would leave {nobody} able to sign in: {', and '.join(reasons)}. "
        f"{fix}, or give someone else the role first."
    )
