"""The public register of official accounts: what is published, and the answer to "Is this an
official account?" (issue 11).

Only what the council publishes leaves here: an account Communications marked to publish, while
it is active (official) or after it closed (no longer official). An unapproved, suspended or
unpublished account is not one of ours as far as the public can tell, and nothing about
moderators, custody or staff beyond the service area's name is read.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Account, AccountStatus
from governance.snapshots import Snapshot
from official.lookup import (
    Address,
    ShortLink,
    address_of,
    addresses_of_account,
    same_account,
    skeleton,
)

PUBLIC_STATUSES = [AccountStatus.ACTIVE, AccountStatus.CLOSED]
# The fields the public pages and the open data show: nothing else is read.
PUBLIC_FIELDS = [
    "platform",
    "platform_other",
    "name",
    "handle",
    "url",
    "status",
    "service_area__name",
]


def _history() -> QuerySet[Any]:
    return Account.history.filter(id=OuterRef("pk"))


def public_accounts() -> QuerySet[Account]:
    """Published accounts, official or closed, with the day each became official and the day
    a closed one closed (from the register's history), by platform and name."""
    first_active = (
        _history()
        .filter(status=AccountStatus.ACTIVE)
        .order_by("history_date")
        .values("history_date")[:1]
    )
    # Nested in ``closed_from``: its outer row is a history row, whose ``id`` is the account's.
    last_open = (
        Account.history.filter(id=OuterRef("id"))
        .exclude(status=AccountStatus.CLOSED)
        .values("id")
        .annotate(last=Max("history_date"))
        .values("last")
    )
    closed_from = (
        _history()
        .filter(status=AccountStatus.CLOSED, history_date__gt=Subquery(last_open))
        .order_by("history_date")
        .values("history_date")[:1]
    )
    return (
        Account.objects.filter(published=True, status__in=PUBLIC_STATUSES)
        .select_related("service_area")
        .only(*PUBLIC_FIELDS, "service_area_id", "service_area__name")
        .annotate(official_since=Subquery(first_active), closed_at=Subquery(closed_from))
        .order_by("platform", "name", "pk")
    )


def official_accounts() -> QuerySet[Account]:
    return public_accounts().filter(status=AccountStatus.ACTIVE)


class Verdict(Enum):
    OFFICIAL = "official"
    CLOSED = "closed"
    LOOKALIKE = "lookalike"
    UNKNOWN = "unknown"
    SHORT_LINK = "short_link"
    NOT_AN_ACCOUNT = "not_an_account"


@dataclass
class Answer:
    verdict: Verdict
    asked: str
    accounts: list[Account] = field(default_factory=list)

    @property
    def account(self) -> Account | None:
        return self.accounts[0] if self.accounts else None


AddressIndex = dict[str, list[tuple[str, int]]]


def _addresses_by(accounts: QuerySet[Account], key: Callable[[str], str]) -> AddressIndex:
    """Every address of these accounts (``addresses_of_account``) under ``key`` of it, with
    its platform and account: worked out once per change in the portal, not for every
    account on every lookup."""
    index: AddressIndex = defaultdict(list)
    for pk, platform, handle, url in accounts.values_list("pk", "platform", "handle", "url"):
        for known in addresses_of_account(platform, handle, url):
            index[key(known.key)].append((known.platform, pk))
    return dict(index)


def _address_index() -> AddressIndex:
    """Every published account's addresses, by key: a lookup reads the accounts whose address
    is the one asked about, not every account whose address might hold it (a council's own
    web host is in hundreds)."""
    return _addresses_by(public_accounts(), str)


def _matches(address: Address, snapshot: Snapshot) -> list[Account]:
    """The published accounts ``address`` names (``same_account``): for a page of a site, the
    accounts at any address that starts it."""
    keys = [address.key]
    if address.platform == "web":
        parts = address.key.split("/")
        keys = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
    index = snapshot.held("official-addresses", _address_index)
    found = {
        pk
        for key in keys
        for platform, pk in index.get(key, [])
        if same_account(address, Address(platform, key))
    }
    return list(public_accounts().filter(pk__in=found)) if found else []


def _lookalike_index() -> AddressIndex:
    """What each official account's addresses look like (``skeleton``)."""
    return _addresses_by(official_accounts(), skeleton)


def lookup(text: str) -> Answer:
    """Whether the handle or web address ``text`` is one of the council's published accounts:
    official (still open), closed, a lookalike of one, or not one of ours."""
    try:
        address = address_of(text)
    except ShortLink:
        return Answer(Verdict.SHORT_LINK, text)
    if address is None:
        return Answer(Verdict.NOT_AN_ACCOUNT, text)
    snapshot = Snapshot()
    matches = _matches(address, snapshot)
    official = [account for account in matches if account.status == AccountStatus.ACTIVE]
    if official:
        return Answer(Verdict.OFFICIAL, text, official)
    if matches:
        return Answer(Verdict.CLOSED, text, matches)
    index = snapshot.held("official-lookalikes", _lookalike_index)
    found = [
        pk
        for platform, pk in index.get(skeleton(address.key), [])
        if address.platform in ("", platform)
    ]
    lookalikes = list(official_accounts().filter(pk__in=found)) if found else []
    if lookalikes:
        return Answer(Verdict.LOOKALIKE, text, lookalikes)
    return Answer(Verdict.UNKNOWN, text)


def _day(account: Account, annotation: str) -> datetime.date | None:
    moment = getattr(account, annotation, None)
    return timezone.localdate(moment) if moment else None


def official_since(account: Account) -> datetime.date | None:
    """The day a published account became official (``public_accounts`` reads it)."""
    return _day(account, "official_since")


def closed_on(account: Account) -> datetime.date | None:
    """The day a published account closed, if it has."""
    return _day(account, "closed_at")
