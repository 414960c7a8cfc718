"""Public abuse cases (INC-2; DER "How we will deal with unacceptable behaviour"): Communications
records each step of the ladder, with its date and who did it; Legal records its advice when
consulted; a block ends with a reminder to lift or renew it, sent once."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, AccountStatus
from accounts.rules import communications_team
from governance import roles
from governance.changes import record_change
from governance.emails import notify_from
from governance.errors import DomainError
from governance.formatting import long_date
from governance.models import User
from governance.services.events import event_record
from governance.services.profile import profile_get
from governance.validators import required_text
from moderation import events
from moderation.authors import author_key, platform_key
from moderation.models import AbuseCase, AbuseCategory, CaseStep, StepKind
from moderation.selectors import blocks_ended
from moderation.services.evidence import evidence_check, evidence_keep
from moderation.transitions import ABUSE_CASE, CLOSE, GIVE_ADVICE, RECORD_STEP, REOPEN

# Recorded by Communications; Legal's advice has its own page (GIVE_ADVICE).
COMMUNICATIONS_STEPS = [kind for kind in StepKind.values if kind != StepKind.LEGAL_ADVICE]


def case_url(case: AbuseCase) -> str:
    return reverse("abuse_case", args=[case.pk])


def legal_team() -> QuerySet[User]:
    return User.objects.filter(groups__name=roles.LEGAL, is_active=True).filter(
        leaver_recorded_at__isnull=True
    )


def case_open(
    *,
    actor: User,
    account: Account,
    author_handle: str,
    post_url: str,
    categories: Iterable[str],
    description: str = "",
    started_with: str = "",
    now: datetime.datetime | None = None,
) -> tuple[AbuseCase, bool]:
    now = now or timezone.now()
    if not roles.is_communications(actor):
        raise DomainError("Only Communications opens a case.")
    if account.status == AccountStatus.CLOSED:
        raise DomainError("That account is closed. Select an open account", field="account")
    author_handle = author_handle.strip()[:200]
    if not author_key(author_handle):
        raise DomainError("Enter the author's name or handle", field="author_handle")
    if not post_url.strip():
        raise DomainError("Enter the web address of the post", field="post_url")
    chosen = list(dict.fromkeys(categories))
    if not chosen:
        raise DomainError("Select what makes the post unacceptable", field="categories")
    if any(category not in AbuseCategory.values for category in chosen):
        raise DomainError("Select only what is in the list", field="categories")
    with transaction.atomic():
        if started_with:
            sent = AbuseCase.objects.filter(opened_by=actor, started_with=started_with).first()
            if sent is not None:
                return sent, False
        case = AbuseCase(
            account=account,
            platform_key=platform_key(account),
            author_handle=author_handle,
            author_key=author_key(author_handle),
            post_url=post_url.strip()[:500],
            categories=chosen,
            description=description.strip()[:5000],
            opened_by=actor,
            opened_at=now,
            started_with=started_with,
        )
        try:
            with transaction.atomic():
                record_change(
                    case,
                    actor=actor,
                    action=events.ABUSE_CASE_OPENED,
                    summary=f"{actor.full_name} opened a public abuse case about a post on "
                    f"{account.name}",
                    data={"account": account.pk, "categories": chosen},
                    now=now,
                )
        except IntegrityError:
            return AbuseCase.objects.get(opened_by=actor, started_with=started_with), False
    return case, True


def _lock(case: AbuseCase) -> AbuseCase:
    return AbuseCase.objects.select_for_update().select_related("account").get(pk=case.pk)


def open_block(case: AbuseCase) -> CaseStep | None:
    return (
        case.steps.filter(kind=StepKind.BLOCKED, settled_at__isnull=True)
        .order_by("-happened_on", "-pk")
        .first()
    )


def _step_problems(
    case: AbuseCase,
    *,
    kind: str,
    happened_on: datetime.date,
    block_ends_on: datetime.date | None,
    police_reference: str,
    screenshot: UploadedFile | None,
    today: datetime.date,
) -> None:
    """Raise what is wrong with this step, in the words the page shows."""
    if kind not in COMMUNICATIONS_STEPS:
        raise DomainError("Select the step you took", field="kind")
    if happened_on > today:
        raise DomainError("The date of the step must be today or in the past", field="happened_on")
    if police_reference and kind != StepKind.POLICE_REFERRAL:
        raise DomainError(
            "Enter a police reference only when recording a police referral",
            field="police_reference",
        )
    if kind == StepKind.POLICE_REFERRAL and not police_reference:
        raise DomainError("Enter the police reference", field="police_reference")
    if block_ends_on is not None and kind != StepKind.BLOCKED:
        raise DomainError("Enter an end date only when recording a block", field="block_ends_on")
    if block_ends_on is not None and block_ends_on <= happened_on:
        raise DomainError("The block must end after the day it starts", field="block_ends_on")
    if kind == StepKind.BLOCK_LIFTED and open_block(case) is None:
        raise DomainError("This author is not blocked in this case", field="kind")
    if screenshot is not None and kind != StepKind.SCREENSHOT:
        raise DomainError(
            "Upload a screenshot only with the step 'Screenshot evidence captured'",
            field="screenshot",
        )
    if kind == StepKind.SCREENSHOT and screenshot is None:
        raise DomainError("Select the screenshot to upload", field="screenshot")
    if kind == StepKind.REMOVED and not case.steps.filter(kind=StepKind.SCREENSHOT).exists():
        raise DomainError(
            "Record the screenshot evidence first: once the post is removed it cannot be captured",
            field="kind",
        )


def case_step_record(
    *,
    actor: User,
    case: AbuseCase,
    kind: str,
    happened_on: datetime.date,
    note: str = "",
    block_ends_on: datetime.date | None = None,
    police_reference: str = "",
    screenshot: UploadedFile | None = None,
    now: datetime.datetime | None = None,
) -> CaseStep:
    """Record one step of the ladder. A block lasts the profile's public_block_days unless an
    end is given; a new block renews the one in force, and lifting settles it."""
    now = now or timezone.now()
    ABUSE_CASE.check(actor, RECORD_STEP, case)
    police_reference = police_reference.strip()[:60]
    note = note.strip()[:5000]
    _step_problems(
        case,
        kind=kind,
        happened_on=happened_on,
        block_ends_on=block_ends_on,
        police_reference=police_reference,
        screenshot=screenshot,
        today=timezone.localdate(now),
    )
    if kind == StepKind.BLOCKED and block_ends_on is None:
        block_ends_on = happened_on + datetime.timedelta(days=profile_get().public_block_days)
    checked = None
    if screenshot is not None:
        try:
            checked = evidence_check(screenshot)
        except DomainError as error:
            # What is wrong with the file is said at the question that asked for it.
            raise DomainError(error.message, field="screenshot") from error
    with transaction.atomic():
        case = _lock(case)
        ABUSE_CASE.check(actor, RECORD_STEP, case)
        if kind in (StepKind.BLOCKED, StepKind.BLOCK_LIFTED):
            case.steps.filter(kind=StepKind.BLOCKED, settled_at__isnull=True).update(settled_at=now)
        step = CaseStep.objects.create(
            case=case,
            kind=kind,
            happened_on=happened_on,
            note=note,
            block_ends_on=block_ends_on if kind == StepKind.BLOCKED else None,
            police_reference=police_reference,
            recorded_by=actor,
            recorded_at=now,
        )
        data: dict[str, object] = {"step": step.pk, "kind": kind}
        if checked is not None:
            evidence = evidence_keep(checked, uploaded_by=actor, case=case, step=step, now=now)
            data["sha256"] = evidence.original_sha256
        event = event_record(
            actor=actor,
            action=events.ABUSE_CASE_STEP,
            subject=case,
            summary=f"{actor.full_name} recorded on {case.reference}: "
            f"{step.get_kind_display()} on {long_date(happened_on)}",
            data=data,
            now=now,
        )
        if kind == StepKind.LEGAL_CONSULTED:
            notify_from(
                "moderation/email/abuse_legal_consulted.txt",
                {"case": case, "step": step},
                recipients=legal_team(),
                key=f"abuse-case:{case.pk}:step:{step.pk}:legal",
                url=case_url(case),
                event=event,
                now=now,
            )
    return step


def case_advice_record(
    *, actor: User, case: AbuseCase, advice: str, now: datetime.datetime | None = None
) -> CaseStep:
    """Legal Services' advice, on the case it was consulted on; Communications is told."""
    now = now or timezone.now()
    ABUSE_CASE.check(actor, GIVE_ADVICE, case)
    advice = required_text(advice, what="your advice", field="advice")
    with transaction.atomic():
        case = _lock(case)
        ABUSE_CASE.check(actor, GIVE_ADVICE, case)
        step = CaseStep.objects.create(
            case=case,
            kind=StepKind.LEGAL_ADVICE,
            happened_on=timezone.localdate(now),
            note=advice,
            recorded_by=actor,
            recorded_at=now,
        )
        event = event_record(
            actor=actor,
            action=events.ABUSE_CASE_STEP,
            subject=case,
            summary=f"{actor.full_name} gave Legal Services' advice on {case.reference}",
            data={"step": step.pk, "kind": StepKind.LEGAL_ADVICE},
            now=now,
        )
        notify_from(
            "moderation/email/abuse_legal_advice.txt",
            {"case": case, "step": step},
            recipients=communications_team(),
            key=f"abuse-case:{case.pk}:step:{step.pk}:advice",
            url=case_url(case),
            event=event,
            now=now,
        )
    return step


def case_close(
    *, actor: User, case: AbuseCase, outcome: str, now: datetime.datetime | None = None
) -> AbuseCase:
    now = now or timezone.now()
    ABUSE_CASE.check(actor, CLOSE, case)
    outcome = required_text(outcome, what="the outcome", field="outcome")
    with transaction.atomic():
        case = _lock(case)
        ABUSE_CASE.check(actor, CLOSE, case)
        case.state = ABUSE_CASE[CLOSE].to
        case.outcome = outcome
        case.closed_at = now
        case.closed_by = actor
        record_change(
            case,
            actor=actor,
            action=events.ABUSE_CASE_CLOSED,
            summary=f"{actor.full_name} closed {case.reference}",
            reason=outcome,
            update_fields=["state", "outcome", "closed_at", "closed_by"],
            now=now,
        )
    return case


def case_reopen(
    *, actor: User, case: AbuseCase, reason: str, now: datetime.datetime | None = None
) -> AbuseCase:
    now = now or timezone.now()
    ABUSE_CASE.check(actor, REOPEN, case)
    reason = required_text(reason, what="why the case is reopened", field="reason")
    with transaction.atomic():
        case = _lock(case)
        ABUSE_CASE.check(actor, REOPEN, case)
        case.state = ABUSE_CASE[REOPEN].to
        case.closed_at = None
        case.closed_by = None
        record_change(
            case,
            actor=actor,
            action=events.ABUSE_CASE_REOPENED,
            summary=f"{actor.full_name} reopened {case.reference}",
            reason=reason,
            update_fields=["state", "closed_at", "closed_by"],
            now=now,
        )
    return case


def blocks_remind(*, now: datetime.datetime | None = None) -> int:
    """Tell Communications, once, that a block has ended and should be lifted or renewed
    (DER: blocking 'initially ... for one week'). Safe to run twice, or on two workers."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    # The blocks Communications' tasks list: on open cases (closing a case ends its reminders).
    due = blocks_ended(today).filter(reminded_at__isnull=True).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            # Only the worker whose update lands sends the reminder.
            if not CaseStep.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            step = CaseStep.objects.select_related("case", "case__account").get(pk=pk)
            assert step.block_ends_on is not None  # every block has an end
            event = event_record(
                actor=None,
                action=events.ABUSE_BLOCK_ENDED,
                subject=step.case,
                summary=f"The block on {step.case.reference} ended on "
                f"{long_date(step.block_ends_on)}: lift or renew it",
                data={"step": step.pk},
                now=now,
            )
            notify_from(
                "moderation/email/abuse_block_ended.txt",
                {"case": step.case, "step": step},
                recipients=communications_team(),
                key=f"abuse-case:{step.case_id}:block:{step.pk}:ended",
                url=case_url(step.case),
                event=event,
                now=now,
            )
            sent += 1
    return sent
