"""This app's entries on 'Your tasks', in the navigation and in the demo council."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from accounts import demo
from accounts.models import AccountRequest, RequestStatus
from accounts.selectors import steps_waiting_for
from governance import navigation, seeding
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


navigation.register(
    order=20,
    label="Account requests",
    url_name="request_list",
    description="Ask for a new official social media account and follow it to approval.",
    visible=lambda user: user.is_authenticated,
)
seeding.register(demo.seed_requests)
