"""The demo council's public register: which accounts it publishes, and a report from a
resident of an account pretending to be the council's.

The accounts are published with the register's history (accounts/demo.py), since the museum
blog had to be published before it closed; this adds the resident's report, after the staff
incidents (seed_demo).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Account
from governance import seeding
from moderation.services.impersonation import impersonation_report

# The council's own X account is @DemoCouncil: this one ends in a one, not an "l".
LOOKALIKE = "https://x.com/DemoCounci1"


@seeding.register(order=45)
def seed_impersonation_report() -> list[str]:
    """A resident's report of a lookalike of the corporate X account, sent from the public
    register a few days ago; the service's own check on a form sent twice keeps it to one."""
    report, new = impersonation_report(
        address=LOOKALIKE,
        details="It replied to people asking about missed bin collections with a link to pay a "
        "'collection fee' by bank transfer. It uses the council's logo.",
        contact_email="j.morgan@example.org",
        looks_like=Account.objects.get(handle="@DemoCouncil"),
        started_with="demo-impersonation",
        now=timezone.now() - datetime.timedelta(days=3),
    )
    if not new:
        return ["Demo impersonation report: already there."]
    return [f"Demo impersonation report: {report.reference}, from a resident, for Communications."]
