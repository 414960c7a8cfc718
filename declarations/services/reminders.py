"""The declaration jobs the beat runs each morning (DEC-3 to DEC-5). Each is safe to run twice
or on two workers at once: a lapse is claimed under a row lock, and every e-mail is keyed by
what it is about, so the second run sends nothing new."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from declarations import events
from declarations.holders import holders
from declarations.models import Declaration, PolicyVersion, VersionState
from declarations.rules import policy_owners
from declarations.selectors import people_who_must_sign, published_version, with_status
from governance.changes import record_change
from governance.emails import Outbox, notify_from
from governance.formatting import long_date
from governance.models import User
from governance.services.profile import profile_get, profile_memo


def _today(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now)


def declarations_lapse(now: datetime.datetime | None = None) -> int:
    """Every declaration past its lapse day is marked lapsed once; its person's moderating is
    suspended (Communications gets the access tasks) and they and their line manager are told
    why and how to restore it (DEC-3, MSM 7.3 'access ... denied')."""
    now = now or timezone.now()
    due = Declaration.objects.filter(
        superseded_at__isnull=True, lapsed_at__isnull=True, lapses_on__lte=_today(now)
    ).values_list("pk", flat=True)
    lapsed = 0
    # Each suspension reads the profile: once for the sweep (forgotten if it is saved).
    with profile_memo():
        for pk in list(due):
            lapsed += _lapse_one(pk, now)
    return lapsed


def _lapse_one(pk: int, now: datetime.datetime) -> int:
    """Lapse this declaration if still due and nobody else is lapsing it; 1 if it was."""
    with transaction.atomic():
        declaration = (
            # Only the declaration's row: PostgreSQL refuses FOR UPDATE on the nullable
            # side of an outer join (a paper declaration has no version, a person may have
            # no line manager).
            Declaration.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("person__line_manager", "version")
            .filter(pk=pk, lapsed_at__isnull=True, superseded_at__isnull=True)
            .first()
        )
        if declaration is None:
            return 0
        _lapse(declaration, now)
        return 1


def _lapse(declaration: Declaration, now: datetime.datetime) -> None:
    person = declaration.person
    declaration.lapsed_at = now
    what = "paper declaration" if declaration.on_paper else "declaration"
    reason = f"{person.full_name}'s {what} lapsed on {long_date(declaration.lapses_on)}"
    record_change(
        declaration,
        actor=None,
        action=events.DECLARATION_LAPSED,
        summary=reason,
        update_fields=["lapsed_at"],
        now=now,
    )
    suspended = holders().lapsed(person=person, reason=reason, now=now)
    waiting = holders().accounts_by_person([person.pk]).get(person.pk, [])
    if not suspended and not waiting:
        return
    context = {
        "person": person,
        "declaration": declaration,
        "suspended": suspended,
        "waiting": [name for name, _state in waiting],
        "sign_url": reverse("declarations"),
    }
    notify_from(
        "declarations/email/lapsed.txt",
        context,
        recipients=[person],
        key=f"declaration:{declaration.pk}:lapsed",
        url=reverse("declarations"),
        now=now,
    )
    notify_from(
        "declarations/email/lapsed_line_manager.txt",
        context,
        recipients=[person.line_manager],
        key=f"declaration:{declaration.pk}:lapsed:line_manager",
        url=reverse("declarations"),
        now=now,
    )


def declarations_remind(now: datetime.datetime | None = None) -> int:
    """Moderators are reminded before their declaration lapses, at each of the profile's days
    (30, 7 and 1 by default), each once. A run that missed a day sends only the nearest."""
    now = now or timezone.now()
    today = _today(now)
    days = sorted(profile_get().declaration_reminder_days or [])
    if not days:
        return 0
    soon = (
        Declaration.objects.filter(
            superseded_at__isnull=True,
            lapsed_at__isnull=True,
            lapses_on__gt=today,
            lapses_on__lte=today + datetime.timedelta(days=days[-1]),
            person__in=people_who_must_sign(),
        )
        .select_related("person", "version")
        .order_by("pk")
    )
    keys = []
    due = []
    for declaration in soon:
        left = (declaration.lapses_on - today).days
        threshold = next(day for day in days if left <= day)
        key = f"declaration:{declaration.pk}:reminder:{threshold}"
        keys.append(key)
        due.append((declaration, left, key))
    url = reverse("declarations")
    with Outbox(keys, now=now) as outbox:
        for declaration, left, key in due:
            outbox.add(
                "declarations/email/reminder.txt",
                {"person": declaration.person, "declaration": declaration, "days_left": left},
                recipients=[declaration.person],
                key=key,
                url=url,
            )
    return len(due)


DIGEST_CHUNK = 1000


def digest_period(today: datetime.date, months: int) -> str:
    """'2026-4' for the fourth quarter when the digest is quarterly: one digest per period."""
    return f"{today.year}-{(today.month - 1) // months + 1}"


def obligations_digest(now: datetime.datetime | None = None) -> int:
    """The 'regular reminder of the consequences' (MSM 7.3): once each period the profile sets,
    every moderator is sent their accounts, their declaration and what the policy asks of them."""
    now = now or timezone.now()
    today = _today(now)
    months = profile_get().obligations_digest_months
    if not months:
        return 0
    period = digest_period(today, months)
    # The cadence is part of the key: after a change from quarterly to half-yearly, July's
    # "2026-2" is not the April quarter's "2026-2" already sent.
    key = f"declarations:digest:every-{months}:{period}"
    pks = list(people_who_must_sign().order_by("pk").values_list("pk", flat=True))
    version = published_version()
    url = reverse("declarations")
    # Only the people not yet sent this period's digest are loaded, a chunk at a time, so that
    # memory does not grow with the council.
    with Outbox([key], now=now) as outbox:
        told = {recipient for recipient, _key in outbox.held}
        waiting = [pk for pk in pks if pk not in told]
        for start in range(0, len(waiting), DIGEST_CHUNK):
            chunk = waiting[start : start + DIGEST_CHUNK]
            people = with_status(User.objects.filter(pk__in=chunk), today).order_by("pk")
            accounts = holders().accounts_by_person(chunk)
            for person in people:
                outbox.add(
                    "declarations/email/digest.txt",
                    {
                        "person": person,
                        "accounts": accounts.get(person.pk, []),
                        "version": version,
                        "months": months,
                    },
                    recipients=[person],
                    key=key,
                    url=url,
                )
    return len(pks)


def policy_review_remind(now: datetime.datetime | None = None) -> int:
    """The Policy owner is reminded as the published version's review date nears and again
    when it passes, once each (DEC-5, MSM 10.1, DER document control)."""
    now = now or timezone.now()
    today = _today(now)
    version = PolicyVersion.objects.filter(
        state=VersionState.PUBLISHED, review_due_on__isnull=False
    ).first()
    if version is None or version.review_due_on is None:
        return 0
    days = profile_get().policy_review_reminder_days
    if today >= version.review_due_on:
        which = "overdue"
    elif today >= version.review_due_on - datetime.timedelta(days=days):
        which = "soon"
    else:
        return 0
    context: dict[str, Any] = {"version": version, "overdue": which == "overdue"}
    notify_from(
        "declarations/email/policy_review.txt",
        context,
        recipients=policy_owners(),
        key=f"policy_version:{version.pk}:review:{which}",
        url=reverse("policy_version", args=[version.pk]),
        now=now,
    )
    return 1
