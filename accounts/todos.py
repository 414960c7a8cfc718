"""This app's entries on 'Your tasks', in the navigation and in the demo council."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from accounts import demo  # noqa: F401 - registers the demo council's accounts
from accounts.models import (
    Account,
    AccountRequest,
    AccountStatus,
    RequestStatus,
    StepStatus,
)
from accounts.moderators import moderators
from accounts.rules import accounts_visible_to, can_edit_register, has_register
from accounts.selectors import steps_waiting_for
from governance import navigation
from governance.formatting import long_date
from governance.models import StepKind, User
from governance.services.profile import profile_get
from governance.todo import Todo, register

SECTION = "Account requests"

# At most this many tasks of each kind on 'Your tasks', then one line leading to the list or the
# register filtered to the rest (the home page stays small at any size).
FIRST_OF_EACH = 10


@register
def request_todos(user: User) -> Iterator[Todo]:
    days = profile_get().approval_reminder_days
    today = timezone.localdate()
    mine = Q(requester=user, status__in=[RequestStatus.DRAFT, RequestStatus.RETURNED])
    kind = Case(When(mine, then=Value("mine")), default=Value("decide"), output_field=CharField())
    # One query: the requests waiting for this person's decision, each with its pending step
    # (a request has one at a time), and their own to finish; the first few of each, and how
    # many there are.
    found = (
        AccountRequest.objects.annotate(
            pending=FilteredRelation("steps", condition=Q(steps__status=StepStatus.PENDING))
        )
        .filter(mine | Q(pending__pk__in=steps_waiting_for(user).values("pk")))
        .annotate(
            step_kind=F("pending__kind"),
            step_activated_at=F("pending__activated_at"),
            kind=kind,
            rank=Window(
                RowNumber(),
                partition_by=[kind],
                order_by=["pending__activated_at", "created_at", "pk"],
            ),
            of_kind=Window(Count("pk"), partition_by=[kind]),
        )
        .filter(rank__lte=FIRST_OF_EACH)
        .select_related("requester")
        .order_by("kind", "rank")
    )
    for request in found:
        facts: dict[str, Any] = request.__dict__
        if facts["kind"] == "decide":
            activated_at = facts["step_activated_at"]
            due = timezone.localdate(activated_at) + datetime.timedelta(days=days)
            yield Todo(
                section=SECTION,
                title=f"Decide {request.reference}: {request.title}",
                url=reverse("request_decide", args=[request.pk]),
                detail=(
                    f"{StepKind(facts['step_kind']).label} step. Requested by "
                    f"{request.requester.full_name}, waiting since {long_date(activated_at)}."
                ),
                due=due,
                overdue=due < today,
            )
        elif request.status == RequestStatus.RETURNED:
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
        if facts["rank"] == FIRST_OF_EACH and facts["of_kind"] > FIRST_OF_EACH:
            left = facts["of_kind"] - FIRST_OF_EACH
            yield Todo(
                section=SECTION,
                title=f"{left} more requests waiting for your decision"
                if facts["kind"] == "decide"
                else f"{left} more of your requests to finish",
                url=reverse("request_list"),
                detail="See them all in the list of requests.",
            )


# The account tasks: kind: (how many are left, the register's filter for all of them). A
# person's own come first; Communications' register tasks (those who keep the register) follow.
MORE = {
    "review": ("{} more of your accounts to review", "status=active&sort=review"),
    "team": ("{} more of your team's accounts overdue for review", "review_overdue=on"),
    "unapproved": ("{} more of your accounts set up without approval", "status=unapproved"),
    "close": ("{} more accounts a review recommends closing", "closure_recommended=on"),
    "set_up": ("{} more accounts being set up", f"status={AccountStatus.BEING_SET_UP}"),
    "keep_unapproved": ("{} more unapproved accounts", f"status={AccountStatus.UNAPPROVED}"),
}
BY_DUE = ["next_review_due", "name", "pk"]
BY_NAME = ["name", "pk"]


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _kinds(user: User, today: datetime.date) -> dict[str, tuple[Q, list[str]]]:
    soon = today + datetime.timedelta(days=profile_get().review_reminder_days)
    kinds = {
        "review": (
            Q(
                status=AccountStatus.ACTIVE,
                next_review_due__lte=soon,
                pk__in=moderators().moderated_account_ids(user).values("account_id"),
            ),
            BY_DUE,
        ),
        "team": (
            Q(
                status=AccountStatus.ACTIVE,
                next_review_due__lt=today,
                pk__in=moderators().line_managed_account_ids(user).values("account_id"),
            ),
            BY_DUE,
        ),
        "unapproved": (Q(status=AccountStatus.UNAPPROVED, responsible_officer=user), BY_NAME),
    }
    if can_edit_register(user):
        recommended = Q(closure_recommended=True) & ~Q(status=AccountStatus.CLOSED)
        kinds["close"] = (recommended, BY_NAME)
        kinds["set_up"] = (~recommended & Q(status=AccountStatus.BEING_SET_UP), BY_NAME)
        kinds["keep_unapproved"] = (~recommended & Q(status=AccountStatus.UNAPPROVED), BY_NAME)
    return kinds


@register
def register_todos(user: User) -> Iterator[Todo]:
    today = timezone.localdate()
    kinds = _kinds(user, today)
    # One query: the first few of each kind (an account can be of two), how many of each kind
    # there are, and whether this person may open it (a team's account may be out of sight).
    visible = accounts_visible_to(user)
    annotations: dict[str, Any] = {"visible": _flag(visible) if visible else Value(True)}
    wanted, shown = Q(), Q()
    for kind, (condition, order) in kinds.items():
        annotations[f"is_{kind}"] = _flag(condition)
        annotations[f"{kind}_rank"] = Window(
            RowNumber(), partition_by=[_flag(condition)], order_by=order
        )
        annotations[f"{kind}_count"] = Window(Count("pk"), partition_by=[_flag(condition)])
        wanted |= condition
        shown |= Q(**{f"is_{kind}": True, f"{kind}_rank__lte": FIRST_OF_EACH})
    found = list(
        Account.objects.filter(wanted).annotate(**annotations).filter(shown).order_by("name", "pk")
    )
    register_url = reverse("register")
    for kind in kinds:
        rows = [account for account in found if account.__dict__[f"is_{kind}"]]
        for account in rows:
            yield _account_todo(kind, account, today)
        left = rows[0].__dict__[f"{kind}_count"] - len(rows) if rows else 0
        if left > 0:
            more, query = MORE[kind]
            yield Todo(
                section=_account_todo(kind, rows[0], today).section,
                title=more.format(left),
                url=f"{register_url}?{query}",
                detail="See them all in the register.",
            )


def _account_todo(kind: str, account: Account, today: datetime.date) -> Todo:
    if kind == "review":
        assert account.next_review_due is not None
        return Todo(
            section="Official accounts",
            title=f"Review {account.name}",
            url=reverse("review_new", args=[account.pk]),
            detail=f"{account.platform_name} {account.handle}. Check its content and record "
            "what you found.",
            due=account.next_review_due,
            overdue=account.next_review_due < today,
        )
    if kind == "team":
        return Todo(
            section="Your team's accounts",
            title=f"{account.name} is overdue for review",
            url=reverse("register_account", args=[account.pk])
            if account.__dict__["visible"]
            else reverse("home"),
            detail="Someone in your team moderates it. Ask them to review it.",
            due=account.next_review_due,
            overdue=True,
        )
    if kind == "unapproved":
        return Todo(
            section="Official accounts",
            title=f"Bring {account.name} through a request",
            url=reverse("request_new") + f"?account={account.pk}",
            detail="It was set up without approval. Until it is approved it stays flagged.",
        )
    title, detail = {
        "close": ("Close {}", "A review recommends closing it."),
        "set_up": (
            "Finish setting up {}",
            "Record where its sign-in details are kept, then mark it as live.",
        ),
        "keep_unapproved": (
            "Deal with the unapproved account {}",
            "Bring it through a request, or close it.",
        ),
    }[kind]
    return Todo(
        section="The register",
        title=title.format(account.name),
        url=reverse("register_account", args=[account.pk]),
        detail=detail,
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
