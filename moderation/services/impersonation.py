"""Reports from the public of an account pretending to be the council's (issue 11): they arrive
from the public register of official accounts as an incident of their own kind, for
Communications to handle with the staff reports (INC-1).

A resident gives the suspicious address, and may add what they saw, a screenshot (checked as
every evidence image is) and an address to reply to. Nothing else is asked or kept.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account
from accounts.rules import communications_team
from governance.changes import record_change
from governance.emails import notify_from
from governance.errors import DomainError
from governance.validators import required_text
from moderation import events
from moderation.models import Incident, IncidentKind
from moderation.services.evidence import CheckedImage, evidence_checked, evidence_keep
from moderation.services.incidents import incident_url

LONGEST_ADDRESS = 500
LONGEST_EMAIL = 254
WRONG_EMAIL = "Enter an email address in the correct format, like name@example.com"
NOTHING_DESCRIBED = "No description was given."


def impersonation_report(
    *,
    address: str,
    details: str = "",
    contact_email: str = "",
    evidence: UploadedFile | CheckedImage | None = None,
    looks_like: Account | None = None,
    started_with: str = "",
    now: datetime.datetime | None = None,
) -> tuple[Incident, bool]:
    """Record a member of the public's report and tell Communications. ``looks_like``: the
    official account the suspicious one resembles, when the lookup found one. The same form
    sent twice makes one report. Returns the report and whether it is new."""
    now = now or timezone.now()
    address = required_text(
        address, what="the address or handle of the account", field="address", required=True
    )
    if len(address) > LONGEST_ADDRESS:
        raise DomainError(
            f"The address must be {LONGEST_ADDRESS} characters or fewer", field="address"
        )
    details = required_text(details, what="what you saw", field="details", required=False)
    contact_email = contact_email.strip()
    if contact_email:
        try:
            validate_email(contact_email)
        except Exception as error:
            raise DomainError(WRONG_EMAIL, field="contact_email") from error
        if len(contact_email) > LONGEST_EMAIL:
            # Django's validator takes up to 320 characters; the field holds 254 (PostgreSQL
            # would refuse the row).
            raise DomainError(WRONG_EMAIL, field="contact_email")
    checked = evidence_checked(evidence) if evidence is not None else None
    with transaction.atomic():
        if started_with:
            sent = Incident.objects.filter(reporter=None, started_with=started_with).first()
            if sent is not None:
                return sent, False
        incident = Incident(
            kind=IncidentKind.IMPERSONATION,
            reporter=None,
            account=looks_like,
            account_described=address[:200],
            post_url=address if address.startswith(("http://", "https://")) else "",
            happened_on=timezone.localdate(now),
            what_happened=details or NOTHING_DESCRIBED,
            contact_email=contact_email,
            reported_at=now,
            started_with=started_with,
        )
        try:
            with transaction.atomic():
                event = record_change(
                    incident,
                    actor=None,
                    action=events.IMPERSONATION_REPORTED,
                    summary="A member of the public reported an account pretending to be the "
                    "council's",
                    data={"account": looks_like.pk if looks_like else None},
                    now=now,
                )
        except IntegrityError:
            # The same form sent at the same moment by a double tap: the first one stands.
            return Incident.objects.get(reporter=None, started_with=started_with), False
        if checked is not None:
            evidence_keep(checked, uploaded_by=None, incident=incident, now=now)
        notify_from(
            "moderation/email/impersonation_reported.txt",
            {"incident": incident},
            recipients=list(communications_team()),
            key=f"incident:{incident.pk}:reported",
            url=incident_url(incident),
            event=event,
            now=now,
        )
    return incident, True
