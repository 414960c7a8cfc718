"""Fetch objects for a person, or answer 404: nobody learns that a record they may not see
exists."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Account, AccountRequest, AccountStatus
from accounts.rules import can_view_request
from governance import roles
from governance.models import User


def access_request(user: User, pk: int) -> AccountRequest:
    request = get_object_or_404(
        AccountRequest.objects.select_related(
            "requester", "requester__line_manager", "service_area", "service_area__head"
        ),
        pk=pk,
    )
    if not can_view_request(user, request):
        raise Http404
    return request


def access_own_request(user: User, pk: int) -> AccountRequest:
    """The requester's own request; anyone else, including approvers, gets 404."""
    request = access_request(user, pk)
    if request.requester_id != user.pk:
        raise Http404
    return request


def access_unapproved_account(user: User, pk: str | int) -> Account:
    """An account found outside the process, for its responsible officer or Communications to
    bring through a request (REG-4)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    account = get_object_or_404(Account, pk=key, status=AccountStatus.UNAPPROVED)
    if account.responsible_officer_id != user.pk and not roles.is_communications(user):
        raise Http404
    return account
