"""Reviews of official accounts by their moderators, and the reminders that they are due
(REG-5, REM-1)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, AccountReview, AccountStatus, ReviewOutcome
from accounts.register_queries import REVIEWER_STATES, can_see_account, may_review
from accounts.rules import communications_team
from accounts.services.register import _lock, _save, _url, add_months
from governance.errors import DomainError
from governance.formatting import long_date
from governance.models import User
from governance.services.events import event_record
from governance.services.notifications import notify
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
        raise DomainError("The review date must be today or in the past.")
    with transaction.atomic():
        account = _lock(account)
        if not may_review(actor, account):
            raise DomainError("Only the account's moderators can record a review.")
        if account.status not in {AccountStatus.ACTIVE, AccountStatus.SUSPENDED}:
            raise DomainError(
                f"The account is {account.get_status_display().lower()}, so it cannot be reviewed."
            )
        latest = AccountReview.objects.filter(account=account).order_by("-reviewed_on").first()
        if latest is not None and reviewed_on < latest.reviewed_on:
            raise DomainError(
                f"A later review, on {long_date(latest.reviewed_on)}, is already recorded."
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
        _save(account, "account.reviewed", fields, now)
        findings = "found inappropriate content" if found_inappropriate else "found nothing wrong"
        event = event_record(
            actor=actor,
            action="account.reviewed",
            subject=account,
            summary=f"{actor.full_name} reviewed the account and {findings}"
            + ("; they recommend closing it" if outcome == ReviewOutcome.CLOSE else ""),
            reason=notes.strip(),
            data={
                "review": review.pk,
                "reviewed_on": reviewed_on.isoformat(),
                "content_removed": review.content_removed,
                "reported_to_platform": review.reported_to_platform,
            },
            now=now,
        )
        if found_inappropriate:
            notify(
                recipients=[actor.line_manager, *communications_team()],
                key=f"review:{review.pk}:inappropriate",
                subject=f"Inappropriate content found on {account.name}",
                body=(
                    f"{actor.full_name} reviewed {account.name} on {long_date(reviewed_on)} and "
                    "found inappropriate content. "
                    + ("It was removed. " if review.content_removed else "It was NOT removed. ")
                    + (
                        "It was reported to the platform."
                        if review.reported_to_platform
                        else "It was not reported to the platform."
                    )
                    + (f"\n\nTheir notes: {review.notes}" if review.notes else "")
                ),
                url=_url(account),
                event=event,
                now=now,
            )
        if outcome == ReviewOutcome.CLOSE:
            notify(
                recipients=communications_team(),
                key=f"review:{review.pk}:close",
                subject=f"Moderators recommend closing {account.name}",
                body=(
                    f"{actor.full_name} reviewed {account.name} and recommends closing it."
                    + (f"\n\nTheir notes: {review.notes}" if review.notes else "")
                ),
                url=_url(account),
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
    accounts = (
        Account.objects.filter(status=AccountStatus.ACTIVE, next_review_due__lte=soon)
        .select_related("responsible_officer__line_manager")
        .prefetch_related("assignments__person__line_manager")
    )
    told = 0
    comms = list(communications_team())
    for account in accounts:
        due = account.next_review_due
        assert due is not None
        moderators = [
            assignment.person
            for assignment in account.assignments.all()
            if assignment.state in REVIEWER_STATES
        ]
        key = f"review:account:{account.pk}:due:{due.isoformat()}"
        what = f"{account.name} ({account.platform_name} {account.handle})"
        with transaction.atomic():
            notify(
                recipients=moderators,
                key=f"{key}:moderators",
                subject=f"Review {account.name} by {long_date(due)}",
                body=(
                    f"{what} is due for its review on {long_date(due)}. Check its content and "
                    "record what you found."
                ),
                url=reverse("review_new", args=[account.pk]),
                now=now,
            )
            if not moderators:
                # Only a moderator can record a review: the responsible officer is asked to
                # get one, and is sent to the account, which they can open.
                notify(
                    recipients=[account.responsible_officer],
                    key=f"{key}:moderators",
                    subject=f"{account.name} is due for review and has no moderators",
                    body=(
                        f"{what} is due for its review on {long_date(due)}, but nobody "
                        "moderates it, so nobody can record the review. Ask Communications to "
                        "add a moderator."
                    ),
                    url=_url(account),
                    now=now,
                )
            if due < today:
                people: list[User | None] = [*moderators] or [account.responsible_officer]
                managers = {
                    person.line_manager for person in people if person and person.line_manager
                }
                for manager in managers:
                    notify(
                        recipients=[manager],
                        key=f"{key}:line_managers",
                        subject=f"{account.name} is overdue for review",
                        body=(
                            f"Your team has not reviewed {what}, which was due on {long_date(due)}."
                        ),
                        # A line manager who cannot open the account finds the task at home.
                        url=_url(account) if can_see_account(manager, account) else reverse("home"),
                        now=now,
                    )
            if due < escalate_before:
                notify(
                    recipients=comms,
                    key=f"{key}:communications",
                    subject=f"{account.name} is {(today - due).days} days overdue for review",
                    body=(
                        f"Nobody has reviewed {account.name} ({account.platform_name} "
                        f"{account.handle}) since its review fell due on {long_date(due)}. "
                        "Its moderators and their line managers have been told."
                    ),
                    url=_url(account),
                    now=now,
                )
        told += 1
    return told
