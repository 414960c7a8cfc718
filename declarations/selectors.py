"""Questions the pages, the register, moderation and the reminders ask about declarations. A
declaration is current from its signing until the day it lapses (``lapses_on``, exclusive)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from declarations.holders import holders
from declarations.models import Declaration, PolicyVersion, VersionState
from governance.formatting import long_date
from governance.models import PolicyProfile, User
from governance.services.profile import profile_get
from governance.trends import Bucket, in_force, with_next_change


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


def live_declarations(person_ref: Any, moment: datetime.datetime | None = None) -> QuerySet[Any]:
    """The person's live declaration (the latest signed, not superseded), now or at ``moment``."""
    rows = Declaration.objects.filter(person=person_ref)
    if moment is None:
        return rows.filter(superseded_at__isnull=True)
    return (
        rows.filter(signed_at__lte=moment)
        .filter(Q(superseded_at__isnull=True) | Q(superseded_at__gt=moment))
        .order_by("-signed_at", "-pk")
    )


def status_on(lapses_on: str, today: datetime.date, window_days: int) -> Case:
    """A person's declaration status on ``today`` from the day their live one lapses (the field
    ``lapses_on``, None when they hold none)."""
    due_from = today + datetime.timedelta(days=window_days)
    return Case(
        When(**{f"{lapses_on}__isnull": True}, then=Value(Status.NOT_SIGNED.value)),
        When(**{f"{lapses_on}__lte": today}, then=Value(Status.LAPSED.value)),
        When(**{f"{lapses_on}__lte": due_from}, then=Value(Status.DUE.value)),
        default=Value(Status.CURRENT.value),
        output_field=models.CharField(),
    )


def with_status(
    people: QuerySet[User],
    today: datetime.date | None = None,
    *,
    window_days: int | None = None,
    moment: datetime.datetime | None = None,
) -> QuerySet[User]:
    """People annotated with their live declaration (version, signed, lapses) and its status,
    and whether their moderating is suspended for want of one; now, or as they stood at
    ``moment`` (``today`` being its day). ``window_days`` (the profile's reminder window, read
    when not given) spares a page that holds the profile a second read."""
    today = today or timezone.localdate(moment)
    live = live_declarations(OuterRef("pk"), moment)
    if window_days is None:
        window_days = reminder_window_days()
    return people.annotate(
        declaration_id=Subquery(live.values("pk")[:1]),
        declaration_version=Subquery(live.values("version__version")[:1]),
        declaration_on_paper=Subquery(live.values("on_paper")[:1]),
        declaration_signed_at=Subquery(live.values("signed_at")[:1]),
        declaration_lapses_on=Subquery(live.values("lapses_on")[:1]),
        declaration_status=status_on("declaration_lapses_on", today, window_days),
        is_suspended=Exists(holders().suspended(moment).filter(person_id=OuterRef("pk"))),
    )


def people_who_must_sign(moment: datetime.datetime | None = None) -> QuerySet[User]:
    return User.objects.filter(pk__in=holders().must_sign(moment))


def coverage_at(buckets: Sequence[Bucket], window_days: int) -> dict[str, list[int]]:
    """For the end of each bucket: how many people had to hold a declaration, how many were in
    each status and how many were suspended, as the declarations list counts them on that day
    (``with_status`` at that moment): one query over the assignments' history rows in force at
    each moment, counting each person once."""
    names = ["total", "suspended", *Status.values]
    history = holders().history()
    if history is None or not buckets:
        return {name: [0] * len(buckets) for name in names}
    annotations: dict[str, Any] = {}
    counts: dict[str, Any] = {}
    for index, bucket in enumerate(buckets):
        live = live_declarations(OuterRef("person_id"), bucket.moment)
        annotations[f"lapses_{index}"] = Subquery(live.values("lapses_on")[:1])
        annotations[f"status_{index}"] = status_on(f"lapses_{index}", bucket.end, window_days)
        must = in_force(bucket.moment) & holders().must_sign_on(bucket.end)
        conditions = {
            "total": must,
            "suspended": must & holders().suspended_on(bucket.end),
            **{status.value: must & Q(**{f"status_{index}": status.value}) for status in Status},
        }
        for name, condition in conditions.items():
            counts[f"{name}__{index}"] = Count("person_id", distinct=True, filter=condition)
    totals = with_next_change(history).order_by().annotate(**annotations).aggregate(**counts)
    return {name: [totals[f"{name}__{index}"] for index in range(len(buckets))] for name in names}


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
