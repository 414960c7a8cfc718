"""The live figure of each control of the compliance statement (AUD-1).

Every number is counted by the function the list behind it uses, with the same query its link
carries: the register's filter (``register_count``), the declarations list's filter, and the
``*_listed`` readers of the request, credential task, lost device, incident and abuse case lists.
A figure and the page its link opens can therefore never disagree, on today or on a past date.

A figure is made of parts, each a count, its words and the list it links to. Figures about
the state of things (accounts overdue for review) are as at the statement's date; figures
about what happened (lost devices reported) are for its period.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.filters import register_count
from accounts.models import RequestStatus
from accounts.selectors import requests_listed
from declarations.filters import ComplianceFilter
from declarations.models import PolicyVersion, VersionState
from declarations.selectors import people_who_must_sign, with_status
from governance.formatting import long_date
from governance.models import PolicyProfile, User
from governance.periods import Period, end_of_day
from moderation.models import IncidentKind, TaskState
from moderation.selectors import (
    abuse_cases_listed,
    device_reports_listed,
    incidents_listed,
    report_waits,
    tasks_listed,
)


@dataclass(frozen=True)
class Basis:
    """What a statement is built on: whose view, as at which day, over which period, under the
    profile as it stood that day."""

    user: User
    as_at: datetime.date
    period: Period
    profile: PolicyProfile

    @property
    def past(self) -> bool:
        return self.as_at < timezone.localdate()

    @property
    def register_day(self) -> datetime.date | None:
        return self.as_at if self.past else None

    @property
    def moment(self) -> datetime.datetime:
        return end_of_day(self.as_at)


@dataclass(frozen=True)
class Part:
    count: int
    words: str
    url_name: str = ""
    query: str = ""
    # The record's key, for a part that counts one record and links to it.
    args: tuple[Any, ...] = ()

    @property
    def url(self) -> str:
        if not self.url_name:
            return ""
        path = reverse(self.url_name, args=self.args)
        return f"{path}?{self.query}" if self.query else path


@dataclass(frozen=True)
class Figure:
    parts: list[Part] = field(default_factory=list)
    note: str = ""

    @property
    def text(self) -> str:
        said = "; ".join(f"{part.count} {part.words}" for part in self.parts)
        return ". ".join(piece for piece in (said, self.note) if piece)


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _register(basis: Basis, query: str, one: str, many: str) -> Part:
    count, url = register_count(basis.user, query, basis.register_day)
    return Part(count, _plural(count, one, many), "register", url.split("?", 1)[1])


def _listed(
    basis: Basis,
    url_name: str,
    reader: Callable[[QueryDict], QuerySet[Any]],
    query: str,
    one: str,
    many: str,
) -> tuple[Part, QuerySet[Any]]:
    query = f"{query}&{basis.period.query}" if query else basis.period.query
    rows = reader(QueryDict(query))
    count = rows.count()
    return Part(count, _plural(count, one, many), url_name, query), rows


def _requests(basis: Basis) -> Figure:
    sent, _ = _listed(
        basis,
        "request_list",
        lambda query: requests_listed(basis.user, query),
        "",
        "request sent in the period",
        "requests sent in the period",
    )
    approved, _ = _listed(
        basis,
        "request_list",
        lambda query: requests_listed(basis.user, query),
        f"status={RequestStatus.APPROVED.value}",
        "of them approved",
        "of them approved",
    )
    return Figure([sent, approved], "Each was checked against this rule when it was sent.")


def approval(basis: Basis) -> Figure:
    figure = _requests(basis)
    unapproved = _register(
        basis,
        "status=unapproved",
        "account found outside the process and not yet approved",
        "accounts found outside the process and not yet approved",
    )
    return Figure([*figure.parts, unapproved])


def register(basis: Basis) -> Figure:
    return Figure(
        [
            _register(basis, "status=open", "open account", "open accounts"),
            _register(
                basis,
                "credentials_missing=on",
                "with sign-in or recovery details missing",
                "with sign-in or recovery details missing",
            ),
        ]
    )


def branding(basis: Basis) -> Figure:
    return Figure(
        [
            _register(
                basis,
                "branding_missing=on",
                "active account without branding approved",
                "active accounts without branding approved",
            )
        ]
    )


def cover(basis: Basis) -> Figure:
    return Figure(
        [
            _register(
                basis,
                "few_moderators=on",
                "open account with fewer than two active moderators",
                "open accounts with fewer than two active moderators",
            )
        ]
    )


def secure_sessions(basis: Basis) -> Figure:
    return Figure(
        [
            _register(
                basis,
                "sessions_off=on",
                "open account without secure sessions or two-step verification",
                "open accounts without secure sessions or two-step verification",
            )
        ]
    )


def reviews(basis: Basis) -> Figure:
    overdue = _register(
        basis,
        "review_overdue=on",
        "active account overdue for review",
        "active accounts overdue for review",
    )
    active = _register(basis, "status=active", "active account", "active accounts")
    return Figure([active, overdue])


def _declarations(query: str) -> Part:
    """The declarations list's own count for ``query``."""
    listed = ComplianceFilter(QueryDict(query), queryset=with_status(people_who_must_sign()))
    count = listed.qs.count()
    return Part(count, "", "declaration_compliance", query)


def declarations(basis: Basis) -> Figure:
    unsigned = _register(
        basis,
        "unsigned_moderators=on",
        "account with a moderator who held no current declaration",
        "accounts with a moderator who held no current declaration",
    )
    if basis.past:
        return Figure(
            [unsigned],
            "Who held a declaration on a past date is shown account by account in the register.",
        )
    # Each part is one list's count: "47 of 50 hold a current declaration" adds two lists
    # (current, and due to be signed again soon), so it is said in the note.
    everyone = _declarations("")
    current = _declarations("status=current")
    due = _declarations("status=due")
    suspended = _declarations("suspended=on")
    holding = current.count + due.count
    return Figure(
        [
            replace(everyone, words=_plural(everyone.count, "moderator must hold a declaration",
                                            "moderators must hold a declaration")),
            replace(current, words=_plural(current.count, "holds a current one",
                                           "hold a current one")),
            replace(due, words=_plural(due.count, "holds one due to be signed again soon",
                                       "hold one due to be signed again soon")),
            replace(suspended, words="suspended"),
            unsigned,
        ],
        f"{holding} of {everyone.count} moderators hold a current declaration.",
    )  # fmt: skip


def password_changes(basis: Basis) -> Figure:
    raised, rows = _listed(
        basis,
        "credential_tasks",
        lambda query: tasks_listed(basis.user, query)[1],
        "state=all",
        "password change or access removal raised in the period",
        "password changes or access removals raised in the period",
    )
    on_time = sum(
        1
        for done_at, due_on in rows.filter(state=TaskState.DONE).values_list("done_at", "due_on")
        if timezone.localdate(done_at) <= due_on
    )
    outstanding = _register(
        basis,
        "tasks_outstanding=on",
        "account with one still outstanding",
        "accounts with one still outstanding",
    )
    note = f"{on_time} of {raised.count} done by their due date."
    return Figure([raised, outstanding], note)


def lost_devices(basis: Basis) -> Figure:
    reported, rows = _listed(
        basis,
        "device_reports",
        lambda query: device_reports_listed(basis.user, query)[1],
        "state=all",
        "lost or stolen device reported in the period",
        "lost or stolen devices reported in the period",
    )
    timings = [days for _, days in report_waits(rows)]
    waits = [days for days in timings if days is not None]
    unfinished = len(timings) - len(waits)
    if not waits:
        note = f"{unfinished} still waiting for a password change." if unfinished else ""
        return Figure([reported], note)
    days = max(1, math.ceil(statistics.median(waits)))
    note = (
        f"Passwords were changed within {days} {_plural(days, 'day', 'days')} (median) of the "
        "report" + (f"; {unfinished} still waiting." if unfinished else "; all changes recorded.")
    )
    return Figure([reported], note)


def incidents(basis: Basis) -> Figure:
    reader = lambda query: incidents_listed(basis.user, query)[1]  # noqa: E731
    reported, _ = _listed(
        basis,
        "incidents",
        reader,
        "state=all",
        "incident reported in the period",
        "incidents reported in the period",
    )
    breaches, _ = _listed(
        basis,
        "incidents",
        reader,
        f"state=all&kind={IncidentKind.DATA_BREACH.value}",
        "of them a data breach",
        "of them data breaches",
    )
    return Figure([reported, breaches])


def public_abuse(basis: Basis) -> Figure:
    opened, _ = _listed(
        basis,
        "abuse_cases",
        lambda query: abuse_cases_listed(query)[1],
        "state=all",
        "public abuse case opened in the period",
        "public abuse cases opened in the period",
    )
    return Figure([opened])


def impersonation(basis: Basis) -> Figure:
    published = _register(
        basis,
        "published=on",
        "account on the public register of official accounts",
        "accounts on the public register of official accounts",
    )
    reports, _ = _listed(
        basis,
        "incidents",
        lambda query: incidents_listed(basis.user, query)[1],
        f"state=all&kind={IncidentKind.IMPERSONATION.value}",
        "report of an account pretending to be the council's in the period",
        "reports of accounts pretending to be the council's in the period",
    )
    return Figure([published, reports])


def policy_review(basis: Basis) -> Figure:
    moment = basis.moment
    version = (
        PolicyVersion.objects.filter(published_at__lt=moment)
        .exclude(state=VersionState.DRAFT)
        .exclude(retired_at__lt=moment)
        .order_by("-published_at")
        .first()
    )
    if version is None:
        return Figure([], "No version of the policy was published on this date.")
    if version.review_due_on is None:
        review = "It has no review date."
    elif version.review_due_on < basis.as_at:
        review = f"Its review was due on {long_date(version.review_due_on)}: overdue."
    else:
        review = f"Its review is due on {long_date(version.review_due_on)}."
    published = version.published_at
    assert published is not None
    return Figure(
        [Part(1, f"version in force: {version.version}, published on {long_date(published)}",
              "policy_version", args=(version.pk,))],
        review,
    )  # fmt: skip


def breaches(basis: Basis) -> Figure:
    return Figure(
        [],
        "Breach records are seen only by HR, so the statement gives no figure for them; HR "
        "can show an auditor its records in the portal.",
    )


FIGURES: dict[str, Callable[[Basis], Figure]] = {
    "approval": approval,
    "line_manager": _requests,
    "head_of_service": _requests,
    "business_case": _requests,
    "budget_code": _requests,
    "data_protection_training": _requests,
    "facebook_purpose": _requests,
    "requester_declaration": _requests,
    "register": register,
    "branding": branding,
    "cover": cover,
    "declarations": declarations,
    "password_changes": password_changes,
    "lost_devices": lost_devices,
    "secure_sessions": secure_sessions,
    "reviews": reviews,
    "incidents": incidents,
    "public_abuse": public_abuse,
    "impersonation": impersonation,
    "policy_review": policy_review,
    "breaches": breaches,
}
