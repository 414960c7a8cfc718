"""Signing the declaration (DEC-2) and what it opens (DEC-3)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from declarations import events
from declarations.holders import holders
from declarations.models import Declaration, PolicyVersion, VersionState
from declarations.receipts import verification_code
from declarations.rules import can_sign
from declarations.selectors import current_declaration, reminder_window_days
from governance.changes import record_change
from governance.emails import notify_from
from governance.errors import DomainError
from governance.formatting import add_months, long_date
from governance.models import User
from governance.services.profile import profile_get


def _same_name(typed: str, known: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(known.split()).casefold()


def _due(declaration: Declaration, now: datetime.datetime) -> bool:
    """Within the reminder window: the person is asked to sign again, even the same version."""
    due_from = timezone.localdate(now) + datetime.timedelta(days=reminder_window_days())
    return declaration.lapses_on <= due_from


def questions_needed(version: PolicyVersion) -> bool:
    """Whether this version asks its questions before signing (the profile can switch them
    off)."""
    return profile_get().ask_declaration_questions and version.questions.exists()


def declaration_sign(
    *,
    person: User,
    version: PolicyVersion,
    ticked: Iterable[int],
    typed_name: str,
    questions_answered: bool,
    now: datetime.datetime | None = None,
) -> tuple[Declaration, bool]:
    """The person affirms every statement of the published version and types their name.
    Returns the declaration and whether it is new: signing the same version twice (two tabs,
    a double click) keeps the first."""
    now = now or timezone.now()
    if not can_sign(person):
        raise DomainError(
            "You cannot sign the declaration: you are not on the council's staff list."
        )
    if version.state == VersionState.DRAFT:
        raise DomainError("This version of the policy has not been published yet.")
    if version.state == VersionState.RETIRED:
        raise DomainError(
            "This version of the policy was replaced by a later one. Read and sign the current "
            "version."
        )
    if set(ticked) != set(range(len(version.statements))):
        raise DomainError(
            "Tick every statement to show you accept it. If you cannot accept one, talk to "
            "your line manager before you sign.",
            field="statements",
        )
    if not typed_name.strip():
        raise DomainError("Type your full name to sign", field="typed_name")
    if not _same_name(typed_name, person.full_name):
        raise DomainError(
            f"Type your full name as it is on the staff list: {person.full_name}",
            field="typed_name",
        )
    if questions_needed(version) and not questions_answered:
        raise DomainError("Answer the questions about the policy before you sign.")
    with transaction.atomic():
        # One signature at a time per person: a second tab waits here, then finds the first.
        User.objects.select_for_update().filter(pk=person.pk).first()
        held = current_declaration(person)
        if held is not None and held.version_id == version.pk and not _due(held, now):
            return held, False
        try:
            with transaction.atomic():
                declaration = _create(person, version, typed_name, questions_answered, now)
        except IntegrityError:
            held = current_declaration(person)
            if held is None:
                raise
            return held, False
    opened = holders().signed(person=person, now=now)
    if opened:
        notify_from(
            "declarations/email/signed_and_active.txt",
            {"person": person, "declaration": declaration, "accounts": opened},
            recipients=[person],
            key=f"declaration:{declaration.pk}:opened",
            url=reverse("declaration_receipt", args=[declaration.pk]),
            now=now,
        )
    return declaration, True


def _create(
    person: User, version: PolicyVersion, typed_name: str, answered: bool, now: datetime.datetime
) -> Declaration:
    Declaration.objects.filter(person=person, superseded_at__isnull=True).update(superseded_at=now)
    interval = profile_get().declaration_interval_months
    declaration = Declaration(
        person=person,
        version=version,
        content_hash=version.content_hash,
        signed_at=now,
        typed_name=" ".join(typed_name.split()),
        statements=list(version.statements),
        questions_answered=answered,
        lapses_on=add_months(timezone.localdate(now), interval),
    )
    declaration.verification_code = verification_code(person.pk, version.content_hash, now)
    record_change(
        declaration,
        actor=person,
        action=events.DECLARATION_SIGNED,
        summary=f"{person.full_name} signed the declaration for {version}",
        data={"version": version.pk, "hash": version.content_hash},
        now=now,
    )
    return declaration


def declaration_record_on_paper(
    *, person: User, actor: User | None, now: datetime.datetime | None = None
) -> Declaration | None:
    """A moderator carried over from the old register signed on paper: that stands for the
    profile's grace period, in which the portal asks them to sign here (DEC-4). Nothing is
    recorded for someone who already holds a current declaration."""
    now = now or timezone.now()
    if current_declaration(person, now) is not None:
        return None
    grace = profile_get().reacknowledgement_grace_days
    with transaction.atomic():
        Declaration.objects.filter(person=person, superseded_at__isnull=True).update(
            superseded_at=now
        )
        declaration = Declaration(
            person=person,
            on_paper=True,
            signed_at=now,
            lapses_on=timezone.localdate(now) + datetime.timedelta(days=grace),
        )
        record_change(
            declaration,
            actor=actor,
            action=events.DECLARATION_RECORDED_ON_PAPER,
            summary=f"{person.full_name}'s paper declaration stands until "
            f"{long_date(declaration.lapses_on)}",
            now=now,
        )
    return declaration
