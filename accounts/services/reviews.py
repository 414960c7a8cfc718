"""Reviews of official accounts by their moderators, and the reminders that they are due
(REG-5, REM-1)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import events
from accounts.models import Account, AccountReview, AccountStatus, ReviewOutcome
from accounts.moderators import moderators
from accounts.rules import can_see_account, communications_team, whole_register_readers
from accounts.services.register import account_url, lock_account, record_account_change
from accounts.transitions import ACCOUNT, REVIEW
from governance.emails import Outbox, notify_from
from governance.errors import DomainError
from governance.formatting import add_months, long_date
from governance.models import User
from governance.services.profile import profile_get


def review_record(
    *,
    actor: User,
    account: Account,
    reviewed_on: datetime.date,
    found_inappropriate: bool,
    content_removed: bool,
    reported_to_platform: bool,
    notes: str,
    outcome: str,
    now: datetime.datetime | None = None,
) -> AccountReview:
    """A moderator's review (REG-5). Inappropriate content is reported to the reviewer's line
    manager and Communications by the portal itself (MSM 5.12, MDM 8.9)."""
    now = now or timezone.now()
    if reviewed_on > timezone.localdate(now):
        raise DomainError("The review date must be today or in the past", field="reviewed_on")
    with transaction.atomic():
        account = lock_account(account)
        ACCOUNT.check(actor, REVIEW, account)
        # The same form sent twice (a double click, a resent page) records one review.
        if AccountReview.objects.filter(
            account=account, reviewer=actor, reviewed_on=reviewed_on
        ).exists():
            raise DomainError(
                f"You have already recorded a review of {account.name} for "
                f"{long_date(reviewed_on)}",
                field="reviewed_on",
            )
        latest = AccountReview.objects.filter(account=account).order_by("-reviewed_on").first()
        if latest is not None and reviewed_on < latest.reviewed_on:
            raise DomainError(
                f"A later review, on {long_date(latest.reviewed_on)}, is already recorded",
                field="reviewed_on",
            )
        review = AccountReview.objects.create(
            account=account,
            reviewer=actor,
            reviewed_on=reviewed_on,
            found_inappropriate=found_inappropriate,
            content_removed=content_removed and found_inappropriate,
            reported_to_platform=reported_to_platform and found_inappropriate,
            notes=notes.strip(),
            outcome=outcome,
            created_at=now,
        )
        account.next_review_due = add_months(reviewed_on, account.review_cadence_months)
        fields = ["next_review_due", "updated_at"]
        if outcome == ReviewOutcome.CLOSE:
            account.closure_recommended = True
            fields.append("closure_recommended")
        findings = "found inappropriate content" if found_inappropriate else "found nothing wrong"
        event = record_account_change(
            account,
            actor=actor,
            action=events.ACCOUNT_REVIEWED,
            summary=f"{actor.full_name} reviewed the account and {findings}"
            + ("; they recommend closing it" if outcome == ReviewOutcome.CLOSE else ""),
            reason=notes,
            data={
                "review": review.pk,
                "reviewed_on": reviewed_on.isoformat(),
                "content_removed": review.content_removed,
                "reported_to_platform": review.reported_to_platform,
            },
            fields=fields,
            now=now,
        )
        context = {"account": account, "review": review, "actor": actor}
        if found_inappropriate:
            notify_from(
                "accounts/email/review_inappropriate.txt",
                context,
                recipients=[actor.line_manager, *communications_team()],
                key=f"review:{review.pk}:inappropriate",
                url=account_url(account),
                event=event,
                now=now,
            )
        if outcome == ReviewOutcome.CLOSE:
            notify_from(
                "accounts/email/review_recommends_closing.txt",
                context,
                recipients=communications_team(),
                key=f"review:{review.pk}:close",
                url=account_url(account),
                event=event,
                now=now,
            )
    return review


def reviews_remind(*, now: datetime.datetime | None = None) -> int:
    """Before a review is due, its moderators; when overdue, their line managers; later,
    Communications: each once per due date, however often this runs (REM-1, REM-2)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    profile = profile_get()
    soon = today + datetime.timedelta(days=profile.review_reminder_days)
    escalate_before = today - datetime.timedelta(days=profile.review_escalation_days)
    accounts = list(
        Account.objects.filter(
            status=AccountStatus.ACTIVE, next_review_due__lte=soon
        ).select_related("responsible_officer__line_manager")
    )
    reviewers = moderators().reviewers_by_account([account.pk for account in accounts])
    comms = list(communications_team())
    readers = set(whole_register_readers().values_list("pk", flat=True))

    def key_of(account: Account) -> str:
        assert account.next_review_due is not None
        return f"review:account:{account.pk}:due:{account.next_review_due.isoformat()}"

    # Who already holds which of these keys, asked once: a reminder already sent is skipped
    # before its e-mail is rendered (a second run renders nothing).
    keys = [
        f"{key_of(account)}:{who}"
        for account in accounts
        for who in ("moderators", "line_managers", "communications")
    ]
    with Outbox(keys, now=now) as outbox:
        for account in accounts:
            people = reviewers.get(account.pk, [])
            _remind_review(
                outbox, account, people, comms, readers, key_of(account), escalate_before
            )
    return len(accounts)


def _remind_review(
    outbox: Outbox,
    account: Account,
    people: list[User],
    comms: list[User],
    readers: set[int],
    key: str,
    escalate_before: datetime.date,
) -> None:
    today = timezone.localdate(outbox.now)
    due = account.next_review_due
    assert due is not None
    context = {"account": account, "due": due, "days_late": (today - due).days}
    if people:
        outbox.add(
            "accounts/email/review_due.txt",
            context,
            recipients=people,
            key=f"{key}:moderators",
            url=reverse("review_new", args=[account.pk]),
        )
    else:
        # Only a moderator can record a review: the responsible officer is asked to get one,
        # and is sent to the account, which they can open.
        outbox.add(
            "accounts/email/review_due_no_moderators.txt",
            context,
            recipients=[account.responsible_officer],
            key=f"{key}:moderators",
            url=account_url(account),
        )
    if due < today:
        asked: list[User | None] = [*people] or [account.responsible_officer]
        managers = {person.line_manager for person in asked if person and person.line_manager}
        for manager in outbox.new(managers, f"{key}:line_managers"):
            outbox.add(
                "accounts/email/review_overdue.txt",
                context,
                recipients=[manager],
                key=f"{key}:line_managers",
                # A line manager who cannot open the account finds the task at home.
                url=account_url(account)
                if can_see_account(
                    manager,
                    account,
                    whole_register=manager.pk in readers,
                    moderator_ids={person.pk for person in people},
                )
                else reverse("home"),
            )
    if due < escalate_before:
        outbox.add(
            "accounts/email/review_escalated.txt",
            context,
            recipients=comms,
            key=f"{key}:communications",
            url=account_url(account),
        )
