"""The past year's covers, leaver and lost devices, with the access and passwords changed."""

from __future__ import annotations

import csv
import datetime
import io

from django.utils import timezone

from accounts.models import Account
from compliance.demo.common import DOMAIN, day, on, person
from declarations.models import PolicyVersion
from declarations.services.signing import declaration_sign
from governance.models import User
from governance.services.staff_import import import_staff
from moderation.models import (
    CredentialTask,
    DeviceKind,
    DeviceLoss,
    DeviceReport,
    PasswordChangeReason,
    TaskCause,
    TaskKind,
)
from moderation.services.assignments import assignment_add, assignment_end
from moderation.services.credentials import password_change_record, task_complete
from moderation.services.devices import device_report_submit

COVERS = [
    ("grace.hughes", "Leisure Centre Offers", 305, 275,
     "Covers the offers while the leisure team recruits", "requester"),
    ("marcus.bell", "Recycle Right", 255, 196,
     "Helps with the recycling campaign", "kieran.doyle"),
    ("tom.fletcher", "Demo Parks", 178, 110,
     "Posts the events in the parks", "fiona.baker"),
    ("owen.price", "Demo Borough Council", 34, 21,
     "Covers the corporate account while Priya Shah is on leave", "comms"),
]  # fmt: skip


def past_covers(comms: User, accounts: dict[str, Account]) -> None:
    for local, name, start, end, reason, remover in COVERS:
        assignment = assignment_add(
            actor=comms, account=accounts[name], person=person(local), reason=reason,
            now=on(start, 11),
        )  # fmt: skip
        assignment_end(
            assignment=assignment, actor=comms, reason="The cover came to an end",
            now=on(end, 16, 30),
        )  # fmt: skip
        task = CredentialTask.objects.get(assignment=assignment)
        finish_task(task, person(remover), on(end - 2, 10, 20), PasswordChangeReason.MODERATOR_LEFT)


def finish_task(
    task: CredentialTask, actor: User, now: datetime.datetime, reason: str = ""
) -> None:
    """Do a task as it is done: a password change is recorded, anything else is marked done."""
    if task.kind == TaskKind.ROTATE:
        password_change_record(
            actor=actor,
            account=task.account,
            changed_on=timezone.localdate(now),
            reason=reason,
            for_task=task,
            now=now,
        )
        return
    notes = {
        TaskKind.REMOVE_ACCESS: "Removed their role in the page's settings.",
        TaskKind.SIGN_OUT: "Signed the device out of every session at the platform.",
        TaskKind.CUSTODY: "Moved the two-step codes and the recovery phone to a colleague's "
        "council phone.",
    }
    task_complete(actor=actor, task=task, note=notes[TaskKind(task.kind)], now=now)


# A colleague who left the council --------------------------------------------------------------

LEAVER = ("D0041", "natalie.fox", "Natalie Fox", "Sports Development Assistant", "leisure", "D0003")


def _staff_row(leaving_date: datetime.date | None) -> bytes:
    number, local, name, title, area, manager = LEAVER
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["employee_number", "email", "full_name", "job_title", "service_area_code",
         "line_manager_employee_number", "leaving_date"]
    )  # fmt: skip
    writer.writerow(
        [number, f"{local}@{DOMAIN}", name, title, area, manager,
         leaving_date.isoformat() if leaving_date else ""]
    )  # fmt: skip
    return out.getvalue().encode()


def past_leaver(comms: User, accounts: dict[str, Account]) -> None:
    """Natalie Fox joined about six months ago, moderated two leisure accounts and left two
    months ago: HR's feed recorded her leaving, which ended her assignments and raised the tasks
    that removed her access, done within three days."""
    hr = person("hr")
    import_staff(data=_staff_row(None), filename="hr-feed.csv", actor=hr, now=on(172, 7))
    natalie = person(LEAVER[1])
    version = PolicyVersion.objects.get(version="2.0")
    declaration_sign(
        person=natalie,
        version=version,
        ticked=range(len(version.statements)),
        typed_name=natalie.full_name,
        questions_answered=True,
        now=on(146, 15),
    )
    for name in ("Leisure Centre Offers", "Demo Libraries"):
        assignment_add(
            actor=comms, account=accounts[name], person=natalie,
            reason="Posts the sports sessions and the reading challenge", now=on(145, 11),
        )  # fmt: skip
    import_staff(data=_staff_row(day(64)), filename="hr-feed.csv", actor=hr, now=on(62, 7))
    tasks = CredentialTask.objects.filter(person=natalie, cause=TaskCause.LEAVER)
    for task in tasks.order_by("pk"):
        if task.kind == TaskKind.ROTATE:
            finish_task(task, comms, on(59, 15), PasswordChangeReason.MODERATOR_LEFT)
        else:
            finish_task(task, person("grace.hughes"), on(61, 9, 30))


# Lost and stolen devices -----------------------------------------------------------------------

# Whose device, what kind, lost or stolen, the accounts it could open, how many days ago it was
# reported, and after how many days each of its tasks was done (in the order they were raised).
DEVICES = [
    ("ellie.ward", DeviceKind.PHONE, "council Samsung", DeviceLoss.LOST, ["Housing News"], 300,
     [1, 3]),
    ("kwame.mensah", DeviceKind.LAPTOP, "council laptop", DeviceLoss.STOLEN, ["Demo Careers"],
     212, [1, 2]),
    ("fiona.baker", DeviceKind.TABLET, "council iPad", DeviceLoss.STOLEN,
     ["Demo Parks", "Recycle Right"], 88, [1, 2, 1]),
]  # fmt: skip


def past_lost_devices(comms: User, accounts: dict[str, Account]) -> None:
    for local, kind, description, loss, names, days, done_after in DEVICES:
        report, _ = device_report_submit(
            reporter=person(local),
            device_kind=kind,
            device_description=description,
            loss=loss,
            lost_on=day(days + 1),
            account_ids=[accounts[name].pk for name in names],
            held_second_factor=False,
            held_recovery_phone=False,
            now=on(days, 8, 45),
        )
        tasks = list(report.tasks.order_by("pk"))
        assert len(tasks) == len(done_after), [task.title for task in tasks]
        for task, after in zip(tasks, done_after, strict=True):
            remover = comms
            if task.kind == TaskKind.SIGN_OUT and task.account.name == "Recycle Right":
                remover = person("kieran.doyle")
            finish_task(task, remover, on(days - after, 14), PasswordChangeReason.LOST_DEVICE)
        report = DeviceReport.objects.get(pk=report.pk)
        assert report.closed_at is not None


# Staff incidents -------------------------------------------------------------------------------
