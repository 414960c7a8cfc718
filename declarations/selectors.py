"""Questions the pages, the register, moderation and the reminders ask about declarations. A
declaration is current from its signing until the day it lapses (``lapses_on``, exclusive)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from declarations.holders import holders
from declarations.models import Declaration, PolicyVersion, VersionState
from governance.formatting import long_date
from governance.models import PolicyProfile, User
from governance.services.profile import profile_get


class Status(models.TextChoices):
    CURRENT = "current", "Current"
    DUE = "due", "Due to sign again"
    LAPSED = "lapsed", "Lapsed"
    NOT_SIGNED = "not_signed", "Not signed"


STATUS_COLOURS = {
    Status.CURRENT: "green",
    Status.DUE: "yellow",
    Status.LAPSED: "red",
    Status.NOT_SIGNED: "grey",
}


def published_version() -> PolicyVersion | None:
    """The version moderators sign now."""
    return PolicyVersion.objects.filter(state=VersionState.PUBLISHED).first()


def _today(moment: datetime.datetime | None) -> datetime.date:
    return timezone.localdate(moment) if moment else timezone.localdate()


def current_declaration(person: Any, moment: datetime.datetime | None = None) -> Declaration | None:
    if not getattr(person, "pk", None):
        return None
    return (
        Declaration.objects.select_related("version")
        .filter(current_at(moment), person=person)
        .order_by("-lapses_on", "-signed_at")
        .first()
    )


def holds_current_declaration(person: Any, moment: datetime.datetime | None = None) -> bool:
    return current_declaration(person, moment) is not None


def current_at(moment: datetime.datetime | None = None) -> Q:
    """Declarations current at ``moment`` (now by default): signed by then, not lapsed yet. A
    re-acknowledgement only ever brings ``lapses_on`` forward to a day after the version that
    required it was published, so the stored day answers for any past moment too."""
    condition = Q(lapses_on__gt=_today(moment))
    if moment is not None:
        condition &= Q(signed_at__lte=moment)
    return condition


def current_declaration_exists(person_ref: Any, moment: datetime.datetime | None) -> Exists:
    """A subquery: whether the person ``person_ref`` points at held a current declaration."""
    return Exists(Declaration.objects.filter(current_at(moment), person=person_ref))


def reminder_window_days(profile: PolicyProfile | None = None) -> int:
    """How long before a lapse a declaration counts as due: the profile's first reminder."""
    return max((profile or profile_get()).declaration_reminder_days or [0])


def with_status(
    people: QuerySet[User],
    today: datetime.date | None = None,
    *,
    window_days: int | None = None,
) -> QuerySet[User]:
    """People annotated with their live declaration (version, signed, lapses) and its status,
    and whether their moderating is suspended for want of one. ``window_days`` (the profile's
    reminder window, read when not given) spares a page that holds the profile a second read."""
    today = today or timezone.localdate()
    live = Declaration.objects.filter(person=OuterRef("pk"), superseded_at__isnull=True)
    if window_days is None:
        window_days = reminder_window_days()
    due_from = today + datetime.timedelta(days=window_days)
    return people.annotate(
        declaration_id=Subquery(live.values("pk")[:1]),
        declaration_version=Subquery(live.values("version__version")[:1]),
        declaration_on_paper=Subquery(live.values("on_paper")[:1]),
        declaration_signed_at=Subquery(live.values("signed_at")[:1]),
        declaration_lapses_on=Subquery(live.values("lapses_on")[:1]),
        declaration_status=Case(
            When(declaration_lapses_on__isnull=True, then=Value(Status.NOT_SIGNED.value)),
            When(declaration_lapses_on__lte=today, then=Value(Status.LAPSED.value)),
            When(declaration_lapses_on__lte=due_from, then=Value(Status.DUE.value)),
            default=Value(Status.CURRENT.value),
            output_field=models.CharField(),
        ),
        is_suspended=Exists(holders().suspended().filter(person_id=OuterRef("pk"))),
    )


def people_who_must_sign() -> QuerySet[User]:
    return User.objects.filter(pk__in=holders().must_sign())


@dataclass(frozen=True)
class PersonStatus:
    status: Status
    lapses_on: datetime.date | None

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def sentence(self) -> str:
        if self.status == Status.NOT_SIGNED or self.lapses_on is None:
            return "Not signed"
        if self.status == Status.LAPSED:
            return f"Lapsed on {long_date(self.lapses_on)}"
        if self.status == Status.DUE:
            return f"Due to sign again by {long_date(self.lapses_on)}"
        return f"Current until {long_date(self.lapses_on)}"


def status_of(person: Any) -> PersonStatus:
    """A person annotated by ``with_status``, as a status to show."""
    return PersonStatus(Status(person.declaration_status), person.declaration_lapses_on)


def statuses_of(
    person_ids: list[int], *, window_days: int | None = None
) -> dict[int, PersonStatus]:
    """Each person's declaration status, in one query: what the register's account page and the
    moderator lists show beside a name."""
    people = with_status(User.objects.filter(pk__in=person_ids), window_days=window_days)
    return {person.pk: status_of(person) for person in people}


def declarations_of(person: User) -> QuerySet[Declaration]:
    return Declaration.objects.filter(person=person).select_related("version")
