"""The demo council's breach records (seed_demo; runs after the policy versions exist): a concern
the demo line manager raised about someone in their team, waiting in HR's tasks, and a breach HR
recorded, looked into and closed with an outcome."""

from __future__ import annotations

import datetime

from django.utils import timezone

from breaches.concerns import concern_raise
from breaches.models import BreachOutcome, BreachRecord
from breaches.services import breach_close, breach_record
from declarations.models import PolicyVersion
from governance import seeding
from governance.models import User

DOMAIN = "demo.council.example"


def _person(local: str) -> User:
    return User.objects.get(email=f"{local}@{DOMAIN}")


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@seeding.register(order=40)
def seed_breaches() -> list[str]:
    if BreachRecord.objects.exists():
        return ["Demo breach records: already there."]
    hr = _person("hr")
    concern = concern_raise(
        raiser=_person("manager"),
        person=_person("tom.fletcher"),
        what_happened="Tom posted photos of a private party in the museum café on "
        "DemoLeisureOffers last Saturday, tagging two guests who had not agreed to it. He took "
        "the post down on Monday when I asked him to.",
        now=_ago(2),
    )
    closed = breach_record(
        actor=hr,
        person=_person("ben.walsh"),
        what_happened="Replied from the council's press account to a resident's complaint "
        "about bin collections with a sarcastic comment, which was shared widely before it "
        "was deleted.",
        policy_version=PolicyVersion.objects.filter(version="2.0").first(),
        clauses="MSM 5.12, MSM 8.1",
        hr_case_reference="HR-2026-014",
        now=_ago(60),
    )
    breach_close(
        actor=hr,
        record=closed,
        outcome=BreachOutcome.INFORMAL,
        outcome_note="Informal conversation with his line manager; refresher on the social "
        "media policy booked.",
        now=_ago(40),
    )
    return [f"Demo breach records: a concern waiting ({concern.reference}), one closed."]
