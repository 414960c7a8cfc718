"""Changes to the register of official accounts (REG)."""

from __future__ import annotations

import datetime

from accounts.models import Account, AccountRequest, AccountStatus
from governance.models import User
from governance.services.events import event_record
from governance.services.profile import profile_get
from moderation.services import assignment_propose


def account_create_from_request(
    *, request: AccountRequest, approver: User, now: datetime.datetime
) -> Account:
    """Final approval: the account enters the register, or an unapproved one is regularised.

    The requester and the named backup officers become proposed moderators (REQ-5).
    """
    if request.regularises is not None:
        account = Account.objects.select_for_update().get(pk=request.regularises.pk)
        previous = account.status
        account.request = request
        account.status = AccountStatus.ACTIVE if previous == AccountStatus.UNAPPROVED else previous
        account.branding_approved_by = approver
        account.branding_approved_at = now
        account.responsible_officer = request.requester
        account.save()
        event_record(
            actor=approver,
            action="account.regularised",
            subject=account,
            summary=f"{account.name} was brought through {request.reference} and is now approved",
            data={"request": request.pk, "from": previous, "to": account.status},
            now=now,
        )
    else:
        assert request.service_area is not None
        account = Account.objects.create(
            platform=request.platform,
            platform_other=request.platform_other,
            name=request.proposed_name,
            handle=request.proposed_handle.strip(),
            service_area=request.service_area,
            responsible_officer=request.requester,
            status=AccountStatus.BEING_SET_UP,
            request=request,
            branding_approved_by=approver,
            branding_approved_at=now,
            review_cadence_months=profile_get().review_cadence_months,
            licence=request.budget_code,
            created_at=now,
        )
        event_record(
            actor=approver,
            action="account.created",
            subject=account,
            summary=f"{account.name} entered the register from {request.reference}",
            data={"request": request.pk},
            now=now,
        )
    for person in [request.requester, *request.backup_officers.all()]:
        assignment_propose(
            account=account,
            person=person,
            granted_by=approver,
            reason=f"Named in {request.reference}",
            now=now,
        )
    return account
