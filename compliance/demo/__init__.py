"""The demo council's last twelve months, for the dashboard's trend charts (issue 13; seed_demo).

The other apps' demo records mostly happen today: one request in each state, the tasks and
incidents still open. This adds what had happened before, spread over the year and all of it
finished, so that a Communications manager opening the dashboard sees months with something in
them: requests sent and turned down, returned, resent or withdrawn (none approved, since an
approval would add an account to today's register), moderators who covered an account for a
while and whose access was then removed, a colleague who left the council, lost devices, staff
incidents and public abuse cases, each closed some days later.

Everything goes through the services with their ``now``, as it would have happened on the day.
Today's figures stay as the other apps' demos leave them: nothing added here is still open, and
no password change recorded here is late enough to close one of today's tasks.

The story is told back from today, around the demo's records of today: a demo council seeded
weeks ago has moved on since (declarations lapsed, tasks raised), so it is left as it is.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Account
from compliance.demo.common import MARK, person
from compliance.demo.credentials import past_covers, past_leaver, past_lost_devices
from compliance.demo.incidents import past_abuse_cases, past_incidents
from compliance.demo.requests import past_requests
from governance import seeding
from moderation.models import CredentialTask, Incident


def _seeded_recently() -> bool:
    """Whether the demo's records of today are from this week (its data breach was found this
    morning when it was seeded)."""
    breach = Incident.objects.filter(started_with="demo-breach").first()
    return breach is not None and timezone.now() - breach.reported_at < datetime.timedelta(days=7)


@seeding.register(order=50)
def seed_past_year() -> list[str]:
    if Incident.objects.filter(started_with__startswith=MARK).exists():
        return ["Demo history of the past year: already there."]
    if not _seeded_recently():
        return [
            "Demo history of the past year: not added, since the demo council was seeded more "
            "than a week ago. Seed it into an empty database to see a year of trends."
        ]
    comms = person("comms")
    accounts = {account.name: account for account in Account.objects.all()}
    sent = past_requests()
    tasks = CredentialTask.objects.count()
    past_covers(comms, accounts)
    past_leaver(comms, accounts)
    past_lost_devices(comms, accounts)
    incidents = past_incidents(comms, accounts)
    cases = past_abuse_cases(comms, accounts)
    tasks = CredentialTask.objects.count() - tasks
    return [
        f"Demo history of the past year: {sent} requests sent and decided, {tasks} password "
        f"changes and access removals done, {incidents} incidents and {cases} public abuse cases "
        "closed."
    ]
