"""Lost or stolen devices (MOD-4): the three-step report any member of staff makes from a phone,
and the report pages where Communications and the reporter follow it until it closes.

The answers live in the session between steps. Step 1 makes a random token that goes with the
report to the service, so the last page sent twice (a double tap, a resent form) makes one report.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from governance.decorators import allowed_if
from governance.errors import DomainError
from governance.http import AuthenticatedRequest
from governance.models import Event
from governance.periods import period_from_query
from moderation.access import access_device_report
from moderation.device_forms import DEVICE_QUESTIONS, AccountsForm, DeviceForm
from moderation.models import DeviceReport, ReportState, TaskState
from moderation.rules import can_report_lost_device, can_see_every_task
from moderation.selectors import ALL, device_reports_listed
from moderation.services.devices import (
    accounts_a_device_could_open,
    device_report_confirm,
    device_report_submit,
)
from moderation.transitions import CONFIRM, DEVICE_REPORT

ANSWERS = "lost_device"
# The report just sent, for its confirmation panel: shown once, on the report's own page.
SENT = "lost_device_sent"
PAGE_SIZE = 25
# What the list's address says (?state=closed&from=2025-04-01&to=2026-03-31).
LIST_KEEPS = ("state", "from", "to")
STEP_2_QUESTIONS = ("accounts", "held_second_factor", "held_recovery_phone")


# The shape of each kept answer: answers kept by an older version of the page, or otherwise
# not what the steps wrote, are dropped and the journey starts again.
KEPT_AS = {
    "device_kind": str,
    "device_description": str,
    "loss": str,
    "lost_on": str,
    "started_with": str,
    "accounts": list,
    "held_second_factor": bool,
    "held_recovery_phone": bool,
}


def _well_formed(answers: dict[str, Any]) -> bool:
    if any(
        not isinstance(answers[name], kind) for name, kind in KEPT_AS.items() if name in answers
    ):
        return False
    if not all(type(pk) is int for pk in answers.get("accounts", [])):
        return False
    try:
        if "lost_on" in answers:
            datetime.date.fromisoformat(answers["lost_on"])
    except ValueError:
        return False
    return True


def _answers(request: AuthenticatedRequest) -> dict[str, Any]:
    answers = request.session.get(ANSWERS)
    if not isinstance(answers, dict) or not _well_formed(answers):
        return {}
    return answers


def _save(request: AuthenticatedRequest, answers: dict[str, Any]) -> None:
    request.session[ANSWERS] = answers


def _has(answers: dict[str, Any], questions: tuple[str, ...]) -> bool:
    return all(name in answers for name in questions)


@allowed_if(can_report_lost_device)
@require_http_methods(["GET", "POST"])
def lost_device_start(request: AuthenticatedRequest) -> HttpResponse:
    answers = _answers(request)
    if request.method != "POST":
        form = DeviceForm(initial=DeviceForm.initial_from(answers))
        return render(request, "moderation/lost_device_start.html", {"form": form})
    form = DeviceForm(request.POST)
    if not form.is_valid():
        return render(request, "moderation/lost_device_start.html", {"form": form})
    started_with = answers.get("started_with") or secrets.token_hex(16)
    _save(request, {**answers, **form.answers(), "started_with": started_with})
    if _has(answers, STEP_2_QUESTIONS):  # changing an answer from the check page
        return redirect("lost_device_check")
    return redirect("lost_device_accounts")


@allowed_if(can_report_lost_device)
@require_http_methods(["GET", "POST"])
def lost_device_accounts(request: AuthenticatedRequest) -> HttpResponse:
    answers = _answers(request)
    if not _has(answers, DEVICE_QUESTIONS):
        return redirect("lost_device")
    could_open = accounts_a_device_could_open(request.user)
    if request.method != "POST":
        form = AccountsForm(
            initial=AccountsForm.initial_from(answers, could_open), could_open=could_open
        )
    else:
        form = AccountsForm(request.POST, could_open=could_open)
        if form.is_valid():
            _save(request, {**answers, **form.answers()})
            return redirect("lost_device_check")
    return render(request, "moderation/lost_device_accounts.html", {"form": form})


@allowed_if(can_report_lost_device)
@require_http_methods(["GET", "POST"])
def lost_device_check(request: AuthenticatedRequest) -> HttpResponse:
    answers = _answers(request)
    if request.method == "POST" and answers.get("started_with") != request.POST.get("started"):
        return _sent_already(request)
    if not _has(answers, DEVICE_QUESTIONS):
        return redirect("lost_device")
    if not _has(answers, STEP_2_QUESTIONS):
        return redirect("lost_device_accounts")
    if request.method == "POST":
        return _send(request, answers)
    return render(request, "moderation/lost_device_check.html", _check_context(request, answers))


def _check_context(request: AuthenticatedRequest, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as the check page shows them, in the words of the questions."""
    report = DeviceReport(
        device_kind=answers["device_kind"],
        device_description=answers["device_description"],
        loss=answers["loss"],
        lost_on=datetime.date.fromisoformat(answers["lost_on"]),
        held_second_factor=answers["held_second_factor"],
        held_recovery_phone=answers["held_recovery_phone"],
    )
    could_open = accounts_a_device_could_open(request.user)
    return {
        "answers": report,
        "accounts": list(could_open.filter(pk__in=answers["accounts"])),
        "moderates_nothing": not could_open.exists(),
        "started": answers["started_with"],
    }


def _send(request: AuthenticatedRequest, answers: dict[str, Any]) -> HttpResponse:
    try:
        report, created = device_report_submit(
            reporter=request.user,
            device_kind=answers["device_kind"],
            device_description=answers["device_description"],
            loss=answers["loss"],
            lost_on=datetime.date.fromisoformat(answers["lost_on"]),
            account_ids=answers["accounts"],
            held_second_factor=answers["held_second_factor"],
            held_recovery_phone=answers["held_recovery_phone"],
            started_with=answers["started_with"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_step_asking(error.field))
    request.session.pop(ANSWERS, None)
    request.session[SENT] = {
        "report": report.pk,
        # Not new because this journey's answers were sent before: still this journey's report.
        "added_to": not created and report.started_with != answers["started_with"],
        "started": answers["started_with"],
        "shown": False,
    }
    return redirect("device_report", pk=report.pk)


def _step_asking(field: str | None) -> str:
    if field in DEVICE_QUESTIONS:
        return "lost_device"
    if field in STEP_2_QUESTIONS:
        return "lost_device_accounts"
    return "lost_device_check"


def _sent_already(request: AuthenticatedRequest) -> HttpResponse:
    """The last page sent again after its report was made (a resent form, a second tab): show
    that report rather than start a second one."""
    started = request.POST.get("started", "")
    last = request.session.get(SENT)
    if started and isinstance(last, dict) and last.get("started") == started:
        pk = last["report"]
    else:
        mine = DeviceReport.objects.filter(reporter=request.user, started_with=started)
        pk = mine.values_list("pk", flat=True).first() if started else None
    if pk is None:
        messages.error(request, "This page was out of date. Check your answers and send again.")
        return redirect("lost_device_check")
    messages.info(request, "You have already sent this report.")
    return redirect("device_report", pk=pk)


@allowed_if(can_report_lost_device)
@require_GET
def device_report_list(request: AuthenticatedRequest) -> HttpResponse:
    state, reports = device_reports_listed(request.user, request.GET)
    reports = reports.annotate(
        task_count=Count("tasks"),
        open_task_count=Count("tasks", filter=Q(tasks__state=TaskState.OPEN)),
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/device_report_list.html",
        {
            "page": page,
            "state": state,
            "period": period_from_query(request.GET),
            # The tab and the period stay on every page of the list.
            "query": urlencode({k: v for k, v in request.GET.items() if k in LIST_KEEPS}),
            "tabs": [(ReportState.OPEN, "Open"), (ReportState.CLOSED, "Closed"), (ALL, "All")],
            "sees_all": can_see_every_task(request.user),
        },
    )


@require_GET
def device_report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = access_device_report(request.user, pk)
    sent = request.session.get(SENT)
    if isinstance(sent, dict) and sent.get("report") == report.pk and not sent.get("shown"):
        request.session[SENT] = {**sent, "shown": True}
    else:
        sent = None
    return render(
        request,
        "moderation/device_report_detail.html",
        {
            "report": report,
            "sent": sent,
            "accounts": list(report.accounts.order_by("name", "pk")),
            "tasks": list(
                report.tasks.select_related(
                    "account", "done_by", "password_change", "password_change__recorded_by"
                ).order_by("account__name", "kind", "pk")
            ),
            "timeline": list(
                Event.objects.for_subject(report).select_related("actor").order_by("seq")
            ),
            "can_confirm": DEVICE_REPORT.allowed(request.user, CONFIRM, report),
            "links_tasks": can_see_every_task(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def device_report_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = access_device_report(request.user, pk)
    if not DEVICE_REPORT[CONFIRM].who(request.user, report):
        raise Http404
    if refusal := DEVICE_REPORT.refusal(request.user, CONFIRM, report):
        messages.error(request, refusal)
        return redirect("device_report", pk=report.pk)
    if request.method != "POST":
        return render(request, "moderation/device_report_close.html", {"report": report})
    try:
        device_report_confirm(actor=request.user, report=report)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{report.reference} is closed.")
    return redirect("device_report", pk=report.pk)
