"""This app's entries on 'Your tasks' and in the navigation."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from declarations.models import PolicyVersion, VersionState
from declarations.rules import (
    can_list_versions,
    can_manage_policy,
    can_see_every_declaration,
    can_sign,
)
from declarations.selectors import Status, people_who_must_sign, status_of, with_status
from governance import navigation
from governance.formatting import long_date
from governance.models import User
from governance.services.profile import profile_get
from governance.todo import Todo, register

SECTION = "Your declaration"


@register
def declaration_todos(user: User) -> Iterator[Todo]:
    today = timezone.localdate()
    me = with_status(people_who_must_sign().filter(pk=user.pk), today).first()
    shown = status_of(me) if me is not None else None
    if shown is not None and shown.status != Status.CURRENT:
        status, lapses_on = shown.status, shown.lapses_on
        if status == Status.DUE and lapses_on is not None:
            detail = f"Your declaration lapses on {long_date(lapses_on)}: sign again before then."
        elif status == Status.LAPSED and getattr(me, "is_suspended", False):
            detail = "Your declaration has lapsed, so you are suspended as a moderator. Signing "
            detail += "restores you at once."
        elif status == Status.LAPSED:
            detail = "Your declaration has lapsed. You become an active moderator when you sign "
            detail += "it again."
        else:
            detail = "You become an active moderator when you sign it."
        yield Todo(
            section=SECTION,
            title="Read and sign the social media policy declaration",
            url=reverse("declarations"),
            detail=detail,
            due=lapses_on if status == Status.DUE else None,
            overdue=status == Status.LAPSED,
            urgent=status == Status.LAPSED,
        )
    if can_manage_policy(user):
        yield from _policy_owner_todos(today)


def _policy_owner_todos(today: datetime.date) -> Iterator[Todo]:
    days = profile_get().policy_review_reminder_days
    published = PolicyVersion.objects.filter(state=VersionState.PUBLISHED).first()
    if published is None:
        yield Todo(
            section="The social media policy",
            title="Publish the social media policy",
            url=reverse("policy_versions"),
            detail="Moderators cannot sign a declaration until a version is published.",
            urgent=True,
        )
    elif (
        published.review_due_on and published.review_due_on - datetime.timedelta(days=days) <= today
    ):
        yield Todo(
            section="The social media policy",
            title=f"Review {published}",
            url=reverse("policy_version", args=[published.pk]),
            detail=f"Review due {long_date(published.review_due_on)}.",
            due=published.review_due_on,
            overdue=published.review_due_on <= today,
        )
    for draft in PolicyVersion.objects.filter(state=VersionState.DRAFT)[:5]:
        yield Todo(
            section="The social media policy",
            title=f"Finish and publish the draft {draft}",
            url=reverse("policy_version", args=[draft.pk]),
        )


navigation.register(
    order=50,
    label="Your declaration",
    url_name="declarations",
    description="Read the council's social media policy, sign the declaration and print your "
    "receipt.",
    visible=can_sign,
)
navigation.register(
    order=52,
    label="Declarations",
    url_name="declaration_compliance",
    description="Who has signed which version of the policy, who is due and who is suspended.",
    visible=can_see_every_declaration,
)
navigation.register(
    order=54,
    label="Policy versions",
    url_name="policy_versions",
    description="The social media policy's versions, what changed between them and its review "
    "date.",
    visible=can_list_versions,
)
