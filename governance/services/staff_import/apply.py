"""Writing a checked file: service areas, people and their sign-in addresses, leavers, and the
record of the import with its event.
"""

from __future__ import annotations

import datetime
import hashlib

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance import events
from governance.changes import record_change
from governance.models import ServiceArea, StaffImport, User
from governance.services.leavers import staff_record_leaver

from .check import parse_staff_csv
from .parse import MAX_ROWS, StaffRow
from .report import ImportRejected, ImportReport, RowProblem
from .safeguards import absent_from_feed, check_leavers_confirmed, check_roles_kept


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

    A file after which no administrator, or nobody in Communications or HR, could sign in is
    refused (check_roles_kept). A complete feed that would record more people as leavers than
    leavers_need_confirmation allows raises LeaversNeedConfirmation unless confirm_leavers is
    exactly that number.
    Each import is kept as a StaffImport with an event, even one that changed nothing (HR ran
    it); record_unchanged=False leaves no trace of an import that changed nothing (seed_demo).
    """
    now = now or timezone.now()
    rows = parse_staff_csv(data, max_rows=max_rows)
    report = ImportReport(rows=len(rows))
    try:
        with transaction.atomic():
            check_roles_kept(rows, complete_feed=complete_feed, today=timezone.localdate(now))
            if complete_feed:
                check_leavers_confirmed(rows, confirm_leavers)
            _apply(rows, report, actor=actor, complete_feed=complete_feed, now=now)
            if not record_unchanged and not report.changed_anything:
                return report
            record = StaffImport(
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
            record_change(
                record,
                actor=actor,
                action=events.STAFF_IMPORTED,
                summary=report.summary(filename),
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
        for person in absent_from_feed(rows):
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
