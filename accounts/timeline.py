"""An account's whole timeline in plain words (REG-3): event rows and simple-history together.

Event rows say who did what and why. simple-history adds the changes that were made outside
the portal's services (the admin site, a data fix), which have no event row of their own; the
changes the services make are marked ``event:...`` in their history rows and shown once, from
the event. The number of queries does not depend on how long the history is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from accounts.models import Account, AccountRequest
from accounts.moderators import moderators
from accounts.services.register import FIELD_LABELS, describe
from governance.history import EVENT_MARK
from governance.models import Event, ServiceArea, User

IGNORED_FIELDS = {"id", "updated_at", "created_at"}
# The people history records point at, named on the timeline. Sources load them with their
# records (``select_related``), so that naming them costs no query of its own.
PEOPLE = ("responsible_officer", "second_factor_holder", "person", "granted_by", "history_user")
ACCOUNT_PEOPLE = ("responsible_officer", "second_factor_holder", "history_user")


@dataclass
class Entry:
    when: datetime.datetime
    who: str
    what: str
    why: str = ""
    details: list[str] = field(default_factory=list)
    source: str = "event"

    @property
    def by(self) -> str:
        """Who did it, when the summary does not already start with their name."""
        return "" if self.what.startswith(self.who) else self.who


def account_timeline(account: Account) -> list[Entry]:
    """Everything that happened to the account, newest first: its events and those of the
    requests and moderation records that belong to it (accounts/moderators.py), and changes
    made outside the portal's forms from their field history."""
    # Keys read inside the events' query, not each on its own.
    request_ids = AccountRequest.objects.filter(
        Q(pk=account.request_id) | Q(regularises=account)
        if account.request_id
        else Q(regularises=account)
    ).values("pk")
    others = list(moderators().timeline(account))
    types = ContentType.objects.get_for_models(
        Account, AccountRequest, *[other.model for other in others]
    )
    subjects = Q(subject_type=types[Account], subject_id=account.pk) | Q(
        subject_type=types[AccountRequest], subject_id__in=request_ids
    )
    for other in others:
        subjects |= Q(subject_type=types[other.model], subject_id__in=other.ids)
    entries = [
        _from_event(event) for event in Event.objects.filter(subjects).select_related("actor")
    ]

    account_history = list(
        account.history.select_related(*ACCOUNT_PEOPLE, "service_area").order_by(
            "history_date", "history_id"
        )
    )
    names = _names(account_history + [row for other in others for row in other.history])
    entries += _from_history(account_history, FIELD_LABELS, "the account", names)
    for other in others:
        entries += _from_history(other.history, other.labels, other.noun, names)
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def _from_event(event: Event) -> Entry:
    details = [
        f"{label}: {old} → {new}" for label, (old, new) in (event.data.get("changes") or {}).items()
    ]
    return Entry(
        when=event.occurred_at,
        who=event.actor.full_name if event.actor else "The portal",
        what=event.summary,
        why=event.reason,
        details=details,
    )


def _names(records: list[Any]) -> dict[tuple[str, int], str]:
    """Names for the people and service areas that history records point at: from the records'
    loaded relations, and in a query of each kind only for those a record did not load."""
    names: dict[tuple[str, int], str] = {}
    missing: dict[str, set[int]] = {"user": set(), "area": set()}
    for record in records:
        for attribute, kind in [*((person, "user") for person in PEOPLE), ("service_area", "area")]:
            pk = getattr(record, f"{attribute}_id", None)
            if not pk:
                continue
            if not record._meta.get_field(attribute).is_cached(record):
                missing[kind].add(pk)
            elif (related := getattr(record, attribute)) is not None:
                names[(kind, pk)] = related.full_name if kind == "user" else related.name
    if missing["user"]:
        users = User.objects.filter(pk__in=missing["user"]).values_list("pk", "full_name")
        names |= {("user", pk): name for pk, name in users}
    if missing["area"]:
        areas = ServiceArea.objects.filter(pk__in=missing["area"]).values_list("pk", "name")
        names |= {("area", pk): name for pk, name in areas}
    return names


def _value(record: Any, name: str, names: dict[tuple[str, int], str]) -> str:
    field_object = record._meta.get_field(name)
    if field_object.is_relation:
        pk = getattr(record, f"{name}_id")
        kind = "area" if name == "service_area" else "user"
        return names.get((kind, pk), "nothing") if pk else "nothing"
    value = getattr(record, name)
    if getattr(field_object, "choices", None):
        value = dict(field_object.choices).get(value, value)
    return describe(value)


def _from_history(
    records: list[Any], labels: dict[str, str], what: str, names: dict[tuple[str, int], str]
) -> list[Entry]:
    entries = []
    previous: dict[int, Any] = {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if (record.history_change_reason or "").startswith(EVENT_MARK):
            continue
        who = names.get(("user", record.history_user_id), "Someone outside the portal")
        if record.history_type == "+" or before is None:
            entries.append(Entry(record.history_date, who, f"{who} added {what}", source="history"))
            continue
        if record.history_type == "-":
            entries.append(
                Entry(record.history_date, who, f"{who} removed {what}", source="history")
            )
            continue
        details = [
            f"{label}: {_value(before, name, names)} → {_value(record, name, names)}"
            for name, label in labels.items()
            if name not in IGNORED_FIELDS
            and _value(before, name, names) != _value(record, name, names)
        ]
        if hasattr(record, "status") and record.status != before.status:
            details.insert(
                0, f"status: {before.get_status_display()} → {record.get_status_display()}"
            )
        if details:
            entries.append(
                Entry(
                    record.history_date,
                    who,
                    f"{who} changed {what} outside the portal's forms",
                    why=record.history_change_reason or "",
                    details=details,
                    source="history",
                )
            )
    return entries
