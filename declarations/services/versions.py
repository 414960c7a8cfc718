"""Policy versions (DEC-1): drafts, their questions, publishing (which freezes and hashes the
text and retires the version before) and re-acknowledgement (DEC-4)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from declarations import events
from declarations.holders import holders
from declarations.markdown import section_headings
from declarations.models import Declaration, PolicyVersion, Question, VersionState
from declarations.receipts import content_hash
from declarations.rules import can_manage_policy
from declarations.transitions import EDIT, PUBLISH, RETIRE, VERSION
from governance.changes import record_change
from governance.emails import notify_from
from governance.errors import DomainError
from governance.formatting import long_date
from governance.models import User
from governance.services.events import event_record
from governance.services.profile import profile_get

VERSION_FIELDS = ["title", "version", "effective_on", "review_due_on", "text", "statements"]


def _clean_statements(statements: list[str]) -> list[str]:
    return [" ".join(line.split()) for line in statements if line.strip()]


def _check_number(label: str, exclude: int = 0) -> None:
    if PolicyVersion.objects.filter(version=label).exclude(pk=exclude).exists():
        raise DomainError(
            f"Version {label} already exists: give this one another number", field="version"
        )


def version_draft(
    *, actor: User, now: datetime.datetime | None = None, **values: Any
) -> PolicyVersion:
    """The Policy owner starts a new version (usually from the published one's text)."""
    now = now or timezone.now()
    if not can_manage_policy(actor):
        raise DomainError("Only the Policy owner can draft a version of the policy.")
    values["statements"] = _clean_statements(values.get("statements", []))
    _check_number(values["version"])
    version = PolicyVersion(created_by=actor, created_at=now, **values)
    record_change(
        version,
        actor=actor,
        action=events.VERSION_DRAFTED,
        summary=f"{actor.full_name} drafted {version}",
        now=now,
    )
    return version


def version_update(
    *,
    actor: User,
    version: PolicyVersion,
    number: str | None = None,
    now: datetime.datetime | None = None,
    **values: Any,
) -> PolicyVersion:
    """Only a draft changes; a published version is frozen. ``number`` is the new version
    number (the model's ``version`` field: ``version`` here is the draft itself)."""
    now = now or timezone.now()
    if number is not None:
        values["version"] = number
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        VERSION.check(actor, EDIT, version)
        values["statements"] = _clean_statements(values.get("statements", version.statements))
        _check_number(values.get("version", version.version), exclude=version.pk)
        for name, value in values.items():
            setattr(version, name, value)
        record_change(
            version,
            actor=actor,
            action=events.VERSION_EDITED,
            summary=f"{actor.full_name} edited the draft {version}",
            now=now,
        )
        return version


def question_save(
    *,
    actor: User,
    version: PolicyVersion,
    text: str,
    correct_answer: str,
    wrong_answers: list[str],
    clause: str,
    question: Question | None = None,
) -> Question:
    """A question asked before signing, with the section a wrong answer sends the reader to."""
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        VERSION.check(actor, EDIT, version)
        wrong = [" ".join(answer.split()) for answer in wrong_answers if answer.strip()]
        if not wrong:
            raise DomainError("Enter at least one wrong answer", field="wrong_answers")
        if " ".join(correct_answer.split()).casefold() in {answer.casefold() for answer in wrong}:
            raise DomainError(
                "The right answer is also among the wrong answers: remove it from them",
                field="wrong_answers",
            )
        if clause not in section_headings(version.text):
            raise DomainError("Choose a section of the policy text", field="clause")
        question = question or Question(version=version, order=version.questions.count() + 1)
        question.text = " ".join(text.split())
        question.correct_answer = " ".join(correct_answer.split())
        question.wrong_answers = wrong
        question.clause = clause
        question.save()
        return question


def question_delete(*, actor: User, question: Question) -> None:
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().get(pk=question.version_id)
        VERSION.check(actor, EDIT, version)
        question.delete()


def version_publish(
    *,
    actor: User,
    version: PolicyVersion,
    requires_reacknowledgement: bool,
    now: datetime.datetime | None = None,
) -> PolicyVersion:
    """The draft becomes the policy moderators sign: frozen, hashed, and the version before is
    retired. If the change requires it, everyone's declaration lapses after the profile's grace
    period unless they sign the new version first (DEC-4)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        VERSION.check(actor, PUBLISH, version)
        if version.effective_on is None:
            raise DomainError("Enter the date this version takes effect", field="effective_on")
        if version.effective_on > today:
            raise DomainError(
                "A version takes effect when it is published: publish it on its effective date",
                field="effective_on",
            )
        if version.review_due_on is None or version.review_due_on <= today:
            raise DomainError(
                "Enter a review date after today: the policy is reviewed at least once a year",
                field="review_due_on",
            )
        previous = (
            PolicyVersion.objects.select_for_update().filter(state=VersionState.PUBLISHED).first()
        )
        if previous is not None:
            previous.state = VERSION.check_state(RETIRE, previous).to
            previous.retired_at = now
            record_change(
                previous,
                actor=actor,
                action=events.VERSION_RETIRED,
                summary=f"{previous} was replaced by version {version.version}",
                update_fields=["state", "retired_at"],
                now=now,
            )
        version.state = VersionState.PUBLISHED
        version.content_hash = content_hash(version.text, version.statements)
        version.requires_reacknowledgement = requires_reacknowledgement
        version.published_at = now
        version.published_by = actor
        record_change(
            version,
            actor=actor,
            action=events.VERSION_PUBLISHED,
            summary=f"{actor.full_name} published {version}"
            + (": everyone signs it again" if requires_reacknowledgement else ""),
            data={"hash": version.content_hash, "reacknowledge": requires_reacknowledgement},
            now=now,
        )
        if requires_reacknowledgement:
            _require_reacknowledgement(version, actor=actor, now=now)
    return version


def _require_reacknowledgement(
    version: PolicyVersion, *, actor: User, now: datetime.datetime
) -> None:
    deadline = timezone.localdate(now) + datetime.timedelta(
        days=profile_get().reacknowledgement_grace_days
    )
    shortened = Declaration.objects.filter(
        superseded_at__isnull=True, lapsed_at__isnull=True, lapses_on__gt=deadline
    )
    people = list(shortened.values_list("person_id", flat=True))
    count = shortened.update(lapses_on=deadline)
    event_record(
        actor=actor,
        action=events.DECLARATION_SHORTENED,
        subject=version,
        summary=f"{count} declarations must be signed again by {long_date(deadline)}",
        data={"deadline": deadline.isoformat(), "declarations": count},
        now=now,
    )
    moderators = set(holders().must_sign().values_list("person_id", flat=True))
    for person in User.objects.filter(pk__in=set(people) & moderators):
        notify_from(
            "declarations/email/reacknowledge.txt",
            {"person": person, "version": version, "deadline": deadline},
            recipients=[person],
            key=f"version:{version.pk}:reacknowledge",
            url=reverse("declarations"),
            now=now,
        )
