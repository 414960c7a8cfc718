"""This app's entries on 'Your tasks', in the navigation and in the demo council."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Case, CharField, Count, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from accounts import demo  # noqa: F401 - registers the demo council's accounts
from accounts.models import Account, AccountRequest, AccountStatus, RequestStatus
from accounts.moderators import moderators
from accounts.rules import (
    can_edit_register,
    has_register,
    visible_account_ids,
)
from accounts.selectors import steps_waiting_for
from governance import navigation
from governance.formatting import long_date
from governance.models import User
from governance.services.profile import profile_get
from governance.todo import Todo, register

SECTION = "Account requests"


@register
def request_todos(user: User) -> Iterator[Todo]:
    days = profile_get().approval_reminder_days
    today = timezone.localdate()
    for step in steps_waiting_for(user):
        request = step.request
        assert step.activated_at is not None
        due = timezone.localdate(step.activated_at) + datetime.timedelta(days=days)
        yield Todo(
            section=SECTION,
            title=f"Decide {request.reference}: {request.title}",
            url=reverse("request_decide", args=[request.pk]),
            detail=(
                f"{step.get_kind_display()} step. Requested by {request.requester.full_name}, "
                f"waiting since {long_date(step.activated_at)}."
            ),
            due=due,
            overdue=due < today,
        )
    mine = AccountRequest.objects.filter(
        requester=user, status__in=[RequestStatus.DRAFT, RequestStatus.RETURNED]
    )
    for request in mine:
        if request.status == RequestStatus.RETURNED:
            yield Todo(
                section=SECTION,
                title=f"Change and resubmit {request.reference}: {request.title}",
                url=reverse("request_detail", args=[request.pk]),
                detail="It was returned to you for changes.",
            )
        else:
            yield Todo(
                section=SECTION,
                title=f"Finish your draft {request.reference}: {request.title}",
                url=reverse("request_edit", args=[request.pk]),
                detail=f"Started {long_date(request.created_at)}. Submit it when it is ready.",
            )


@register
def register_todos(user: User) -> Iterator[Todo]:
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=profile_get().review_reminder_days)
    to_review = Account.objects.filter(
        status=AccountStatus.ACTIVE,
        next_review_due__lte=soon,
        pk__in=moderators().moderated_account_ids(user).values("account_id"),
    )
    for account in to_review:
        assert account.next_review_due is not None
        yield Todo(
            section="Official accounts",
            title=f"Review {account.name}",
            url=reverse("review_new", args=[account.pk]),
            detail=f"{account.platform_name} {account.handle}. Check its content and record "
            "what you found.",
            due=account.next_review_due,
            overdue=account.next_review_due < today,
        )
    team_overdue = list(
        Account.objects.filter(
            status=AccountStatus.ACTIVE,
            next_review_due__lt=today,
            pk__in=moderators().line_managed_account_ids(user).values("account_id"),
        )
    )
    visible = set(visible_account_ids(user, [account.pk for account in team_overdue]))
    for account in team_overdue:
        yield Todo(
            section="Your team's accounts",
            title=f"{account.name} is overdue for review",
            url=reverse("register_account", args=[account.pk])
            if account.pk in visible
            else reverse("home"),
            detail="Someone in your team moderates it. Ask them to review it.",
            due=account.next_review_due,
            overdue=True,
        )
    for account in Account.objects.filter(
        status=AccountStatus.UNAPPROVED, responsible_officer=user
    ):
        yield Todo(
            section="Official accounts",
            title=f"Bring {account.name} through a request",
            url=reverse("request_new") + f"?account={account.pk}",
            detail="It was set up without approval. Until it is approved it stays flagged.",
        )
    if not can_edit_register(user):
        return
    yield from _register_keeping_todos()


# Communications' register tasks: at most this many of each kind on 'Your tasks', then one
# line leading to the register filtered to the rest (the home page stays small at any size).
FIRST_OF_EACH = 10
KEEPING = {
    # kind: (the register's filter for all of them, how many are left, title, detail)
    "close": (
        "closure_recommended=on",
        "{} more accounts a review recommends closing",
        "Close {}",
        "A review recommends closing it.",
    ),
    "set_up": (
        f"status={AccountStatus.BEING_SET_UP}",
        "{} more accounts being set up",
        "Finish setting up {}",
        "Record where its sign-in details are kept, then mark it as live.",
    ),
    "unapproved": (
        f"status={AccountStatus.UNAPPROVED}",
        "{} more unapproved accounts",
        "Deal with the unapproved account {}",
        "Bring it through a request, or close it.",
    ),
}


def _register_keeping_todos() -> Iterator[Todo]:
    kind = Case(
        When(closure_recommended=True, then=Value("close")),
        When(status=AccountStatus.BEING_SET_UP, then=Value("set_up")),
        default=Value("unapproved"),
        output_field=CharField(),
    )
    # One query: the first few of each kind by name, each with how many of its kind there are.
    found = (
        Account.objects.exclude(status=AccountStatus.CLOSED)
        .filter(
            Q(closure_recommended=True)
            | Q(status__in=[AccountStatus.BEING_SET_UP, AccountStatus.UNAPPROVED])
        )
        .annotate(
            kind=kind,
            rank=Window(RowNumber(), partition_by=[kind], order_by=["name", "pk"]),
            of_kind=Window(Count("pk"), partition_by=[kind]),
        )
        .filter(rank__lte=FIRST_OF_EACH)
        .order_by("kind", "rank")
    )
    register_url = reverse("register")
    for row in found.values("pk", "name", "kind", "rank", "of_kind"):
        query, more, title, detail = KEEPING[row["kind"]]
        yield Todo(
            section="The register",
            title=title.format(row["name"]),
            url=reverse("register_account", args=[row["pk"]]),
            detail=detail,
        )
        if row["rank"] == FIRST_OF_EACH and row["of_kind"] > FIRST_OF_EACH:
            yield Todo(
                section="The register",
                title=more.format(row["of_kind"] - FIRST_OF_EACH),
                url=f"{register_url}?{query}",
                detail="See them all in the register.",
            )


navigation.register(
    order=20,
    label="Account requests",
    url_name="request_list",
    description="Ask for a new official social media account and follow it to approval.",
    visible=lambda user: user.is_authenticated,
)
navigation.register(
    order=30,
    label="Register",
    url_name="register",
    description="The council's official accounts, who moderates them and when they were "
    "last reviewed.",
    visible=has_register,
)
