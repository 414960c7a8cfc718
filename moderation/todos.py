"""This app's entries on 'Your tasks' and in the navigation. Lists are bounded: the rest is on
the credential tasks page."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from governance import navigation, roles
from governance.formatting import long_date
from governance.models import User
from governance.services.profile import profile_get
from governance.todo import Todo, register
from moderation.models import TaskKind
from moderation.rules import (
    can_read_abuse_cases,
    can_report_incident,
    can_report_lost_device,
    can_run_abuse_cases,
    can_see_every_task,
    handles_device_reports,
    handles_incidents,
    tasks_completable_by,
)
from moderation.selectors import (
    blocks_ended,
    cases_awaiting_advice,
    device_reports_for,
    open_incidents,
    recovery_plans_overdue,
    tasks_for,
)

SHOWN = 10


@register
def credential_todos(user: User) -> Iterator[Todo]:
    today = timezone.localdate()
    if handles_device_reports(user):
        reports = list(device_reports_for(user)[: SHOWN + 1])
        for report in reports[:SHOWN]:
            yield Todo(
                section="Lost or stolen devices",
                title=f"{report.reporter.full_name}'s {report.device_name} was "
                f"{report.get_loss_display().lower()}",
                url=reverse("device_report", args=[report.pk]),
                detail=f"{report.reference}, reported {long_date(report.reported_at)}. It stays "
                "open until every account it could open is made safe.",
                urgent=True,
            )
    # The tasks this person can do (or a password change to record), in one query.
    mine = list(
        tasks_for(user).filter(Q(kind=TaskKind.ROTATE) | tasks_completable_by(user))[: SHOWN + 1]
    )
    for task in mine[:SHOWN]:
        yield Todo(
            section="Passwords and access",
            title=task.title,
            url=reverse("credential_task", args=[task.pk]),
            detail=task.why,
            due=task.due_on,
            overdue=task.due_on < today,
        )
    if len(mine) > SHOWN and can_see_every_task(user):
        yield Todo(
            section="Passwords and access",
            title="See every password change and access removal still to do",
            url=reverse("credential_tasks"),
            detail="Only the ten due soonest are listed here.",
        )
    if handles_device_reports(user):
        months = profile_get().recovery_plan_test_months
        for account in Account.objects.filter(recovery_plans_overdue(today, months))[:SHOWN]:
            yield Todo(
                section="Passwords and access",
                title=f"Test the recovery plan of {account.name}",
                url=reverse("register_account", args=[account.pk]),
                detail="Last tested "
                + (
                    long_date(account.recovery_plan_tested_on)
                    if account.recovery_plan_tested_on
                    else "never"
                )
                + f": the profile asks for a test every {months} months.",
            )


@register
def incident_todos(user: User) -> Iterator[Todo]:
    """Communications: incidents to close (a possible data breach first), blocks that have
    ended; Legal: cases waiting for its advice."""
    if handles_incidents(user):
        for incident in open_incidents().order_by("reported_at", "pk")[:SHOWN]:
            deadline = incident.report_to_ico_by
            yield Todo(
                section="Incidents",
                title=f"{incident.reference}: {incident.get_kind_display()}",
                url=reverse("incident", args=[incident.pk]),
                detail=f"Reported by {incident.reported_by} on "
                f"{long_date(incident.reported_at)}."
                + (
                    f" The ICO must be told by {timezone.localtime(deadline):%-d %B %Y, %H:%M} "
                    "if it is reportable."
                    if deadline
                    else ""
                ),
                urgent=deadline is not None,
            )
    if can_run_abuse_cases(user):
        for step in blocks_ended(timezone.localdate())[:SHOWN]:
            assert step.block_ends_on is not None  # every block has an end
            yield Todo(
                section="Public abuse cases",
                title=f"Lift or renew the block on {step.case.author_handle}",
                url=reverse("abuse_case", args=[step.case_id]),
                detail=f"{step.case.reference}: the block ended on "
                f"{long_date(step.block_ends_on)}.",
                due=step.block_ends_on,
                overdue=True,
            )
    if roles.is_legal(user):
        for case in cases_awaiting_advice()[:SHOWN]:
            # Annotated by the selector.
            consulted = case.consulted  # type: ignore[attr-defined]
            yield Todo(
                section="Public abuse cases",
                title=f"Advise Communications on {case.reference}",
                url=reverse("abuse_case", args=[case.pk]),
                detail=f"A post on {case.account.name}; consulted on {long_date(consulted)}.",
            )


navigation.register(
    order=40,
    label="Report a lost or stolen device",
    url_name="lost_device",
    description="A phone, tablet or laptop that could open a council account has gone missing: "
    "tell Communications in under a minute.",
    visible=can_report_lost_device,
)
navigation.register(
    order=42,
    label="Lost and stolen devices",
    url_name="device_reports",
    description="Devices reported lost or stolen, the accounts they could open and what was "
    "done about each.",
    visible=can_see_every_task,
)
navigation.register(
    order=45,
    label="Passwords and access",
    url_name="credential_tasks",
    description="Password changes and access removals still to do after a moderator stops or a "
    "device is lost, and who did each one.",
    visible=can_see_every_task,
)
navigation.register(
    order=46,
    label="Incidents",
    url_name="incidents",
    description="Report something that went wrong on a council account: a mistaken post, a "
    "data breach, inappropriate or suspicious content, or an account someone else controls.",
    visible=can_report_incident,
)
navigation.register(
    order=47,
    label="Public abuse cases",
    url_name="abuse_cases",
    description="Abusive or unlawful posts by members of the public on the council's feeds, and "
    "each step taken about them.",
    visible=can_read_abuse_cases,
)
