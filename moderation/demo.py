"""The demo council's moderators in every state, password changes, credential tasks open and
done, and a lost phone waiting for Communications (seed_demo; runs after the register's
accounts exist)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Account, AccountStatus
from governance import seeding
from governance.models import User
from moderation.models import DeviceKind, DeviceLoss, ModeratorAssignment, PasswordChangeReason
from moderation.services.assignments import (
    assignment_add,
    assignment_end,
    assignment_record_existing,
    assignment_suspend,
)
from moderation.services.credentials import password_change_record, task_complete
from moderation.services.devices import device_report_submit

DOMAIN = "demo.council.example"
MODERATORS = {
    "@DemoCouncil": ["comms", "priya.shah"],
    "DemoLibraries": ["grace.hughes", "owen.price"],
    "@RecycleDemo": ["kieran.doyle", "fiona.baker"],
    "demoparks": ["fiona.baker", "marcus.bell"],
    "@DemoHousing": ["ellie.ward", "rory.campbell"],
    "museum-stories": ["owen.price"],
    "demo-borough-careers": ["kwame.mensah", "hr"],
    "DemoLeisureOffers": ["requester", "tom.fletcher"],
}


def _person(local: str) -> User:
    return User.objects.get(email=f"{local}@{DOMAIN}")


@seeding.register(order=20)
def seed_moderators() -> list[str]:
    if ModeratorAssignment.objects.filter(account__handle="@DemoCouncil").exists():
        return ["Demo moderators: already there."]
    comms = _person("comms")
    accounts = {
        account.handle: account for account in Account.objects.filter(handle__in=MODERATORS)
    }
    for handle, people in MODERATORS.items():
        account = accounts[handle]
        for local in people:
            assignment_record_existing(
                account=account, person=_person(local), actor=comms, now=account.created_at
            )
    for handle, people in MODERATORS.items():
        account = accounts[handle]
        if account.status == AccountStatus.CLOSED:
            continue
        changed = account.created_at + datetime.timedelta(days=10)
        password_change_record(
            actor=_person(people[0]),
            account=account,
            changed_on=changed.date(),
            reason=PasswordChangeReason.ROUTINE,
            now=changed,
        )
    _moves(comms, accounts)
    return [f"Demo moderators: {ModeratorAssignment.objects.count()} assignments."]


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _moves(comms: User, accounts: dict[str, Account]) -> None:
    """One moderator in each state, a task done and tasks open, and a lost phone."""
    moved = ModeratorAssignment.objects.get(
        account=accounts["DemoLibraries"], person=_person("owen.price")
    )
    assignment_end(assignment=moved, actor=comms, reason="Moved to the museums team", now=_ago(140))
    # Libraries gives each moderator a page role: a colleague removed Owen's.
    for task in moved.tasks.all():
        task_complete(
            actor=_person("grace.hughes"),
            task=task,
            note="Removed Owen's editor role in Page settings.",
            now=_ago(139),
        )
    assignment_add(
        actor=comms,
        account=accounts["@DemoCouncil"],
        person=_person("marcus.bell"),
        reason="Covers the corporate account during the elections",
        now=_ago(3),
    )
    suspended = ModeratorAssignment.objects.get(
        account=accounts["demoparks"], person=_person("marcus.bell")
    )
    assignment_suspend(
        assignment=suspended,
        reason="Their declaration lapsed and was not signed again",
        now=_ago(9),
    )
    device_report_submit(
        reporter=_person("kieran.doyle"),
        device_kind=DeviceKind.PHONE,
        device_description="council iPhone",
        loss=DeviceLoss.LOST,
        lost_on=timezone.localdate(_ago(1)),
        account_ids=[accounts["@RecycleDemo"].pk],
        held_second_factor=True,
        held_recovery_phone=False,
        now=_ago(1),
    )
