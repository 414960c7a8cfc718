"""The demo council's moderators: who moderated each account from the day it was recorded, and
one who moved on (seed_demo; runs after the register's accounts exist)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Account
from governance import seeding
from governance.models import User
from moderation.models import ModeratorAssignment
from moderation.services.assignments import assignment_end, assignment_record_existing

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
    moved = ModeratorAssignment.objects.get(
        account=accounts["DemoLibraries"], person=_person("owen.price")
    )
    assignment_end(
        assignment=moved,
        actor=comms,
        reason="Moved to the museums team",
        now=timezone.now() - datetime.timedelta(days=140),
    )
    return [f"Demo moderators: {ModeratorAssignment.objects.count()} assignments."]
