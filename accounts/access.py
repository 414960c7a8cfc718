"""Fetch objects for a person, or answer 404: nobody learns that a record they may not see
exists. Each helper asks the predicates in accounts/rules.py."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Account, AccountRequest, AccountStatus
from accounts.moderators import moderators
from accounts.rules import (
    can_edit_register,
    can_read_whole_register,
    can_regularise,
    can_see_account,
    can_view_request,
    has_register,
    is_requester,
    moderates_expression,
)
from accounts.transitions import ACCOUNT, REVIEW
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
    if not is_requester(user, request):
        raise Http404
    return request


def _accounts() -> QuerySet[Account]:
    return Account.objects.select_related(
        "service_area",
        "responsible_officer",
        "branding_approved_by",
        "second_factor_holder",
        "request",
    )


def access_account(user: Any, pk: int) -> Account:
    return _seen(user, get_object_or_404(_accounts(), pk=pk))


def access_account_page(user: Any, pk: int) -> Account:
    """The account for its page, with what moderation says of it read in the same query:
    ``active_count`` (its active moderators), ``password_last_changed`` and whether the viewer
    moderates it (``moderates`` then asks nothing more)."""
    source = moderators()
    accounts = _accounts().annotate(
        active_count=Coalesce(source.active_count(OuterRef("pk"), None), Value(0)),
        password_last_changed=source.last_password_change(OuterRef("pk"), None),
    )
    if not getattr(user, "is_authenticated", False):
        return _seen(user, get_object_or_404(accounts, pk=pk))
    account = get_object_or_404(
        accounts.annotate(viewer_moderates=moderates_expression(user, OuterRef("pk"))), pk=pk
    )
    account.moderated_by = {user.pk: account.viewer_moderates}  # type: ignore[attr-defined]
    return _seen(user, account)


def _seen(user: Any, account: Account) -> Account:
    if not can_see_account(user, account):
        raise Http404
    return account


def access_account_to_edit(user: Any, pk: int) -> Account:
    """Communications' forms for the record and its status."""
    account = access_account(user, pk)
    if not can_edit_register(user):
        raise Http404
    return account


def access_account_to_review(user: Any, pk: int) -> Account:
    """The review form, for the account's moderators. A person who may see the account and
    whose review only its state refuses (it was closed while their form was open) gets the
    account, so that the page can say why."""
    account = access_account(user, pk)
    if ACCOUNT.state_allows(REVIEW, account) and not ACCOUNT[REVIEW].who(user, account):
        raise Http404
    return account


def access_unapproved_account(user: User, pk: str | int) -> Account:
    """An account found outside the process, for its responsible officer or Communications to
    bring through a request (REG-4)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    account = get_object_or_404(Account, pk=key, status=AccountStatus.UNAPPROVED)
    if not can_regularise(user, account):
        raise Http404
    return account


def access_register(user: Any) -> None:
    """The register section exists only for those with something in it."""
    if not has_register(user):
        raise Http404


def access_register_as_of(user: Any) -> None:
    """The register on a past date is for those who read the whole register (REG-3)."""
    if not can_read_whole_register(user):
        raise Http404
