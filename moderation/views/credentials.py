"""Password changes and credential tasks (MOD-3, MOD-5). No page here takes a password: they
record that one was changed, when and why."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Account
from accounts.rules import can_see_account
from governance.decorators import allowed_if
from governance.errors import DomainError
from governance.forms import shown_at_its_question
from governance.http import AuthenticatedRequest
from governance.periods import period_from_query
from moderation.access import access_account_for_passwords, access_task
from moderation.forms import (
    NEVER_TYPED_HERE,
    CompromiseForm,
    PasswordChangeForm,
    TaskCancelForm,
    TaskDoneForm,
)
from moderation.models import CredentialTask, PasswordChange, TaskCause, TaskKind
from moderation.rules import (
    can_record_password_change,
    can_see_credential_tasks,
    can_view_device_report,
)
from moderation.selectors import ALL, tasks_listed
from moderation.services.credentials import (
    account_url,
    password_change_record,
    rotation_request,
    task_cancel,
    task_complete,
    task_url,
)
from moderation.transitions import CANCEL, COMPLETE, ROTATED, TASK

PAGE_SIZE = 25
# What the task list's address says (?state=done&from=2025-04-01&to=2026-03-31).
LIST_KEEPS = ("state", "cause", "from", "to")


def _task_from_query(request: AuthenticatedRequest, account: Account) -> CredentialTask | None:
    """The rotation task this page was opened from (?task=ID), if any. The form posts back to
    the same address, so the task comes with the answers."""
    given = request.GET.get("task", "")
    if not given:
        return None
    if not (given.isascii() and given.isdigit() and len(given) <= 18):
        raise Http404
    task = access_task(request.user, int(given))
    if task.account_id != account.pk or task.kind != TaskKind.ROTATE:
        raise Http404
    return task


def _recorded_message(change: PasswordChange) -> str:
    closed = change.tasks.count()
    said = "The password change was recorded and Communications has been told."
    if closed:
        return f"{said} It closed {closed} task{'s' if closed > 1 else ''}."
    return said


@require_http_methods(["GET", "POST"])
def password_change_new(request: AuthenticatedRequest, account_pk: int) -> HttpResponse:
    account = access_account_for_passwords(request.user, account_pk)
    task = _task_from_query(request, account)
    back = task_url(task) if task else account_url(account)
    if task is not None and not TASK.state_allows(ROTATED, task):
        messages.error(request, TASK.refusal(request.user, ROTATED, task) or "")
        return redirect(back)
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = password_change_record(
                actor=request.user,
                account=account,
                changed_on=data["changed_on"],
                reason=data["reason"],
                details=data["details"],
                for_task=task,
            )
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
                return redirect(back)
        else:
            messages.success(request, _recorded_message(change))
            return redirect(back)
    return render(
        request,
        "moderation/password_change_new.html",
        {
            "account": account,
            "task": task,
            "form": form,
            "back": back,
            "never_the_password": NEVER_TYPED_HERE,
        },
    )


@require_http_methods(["GET", "POST"])
def compromise_report(request: AuthenticatedRequest, account_pk: int) -> HttpResponse:
    account = access_account_for_passwords(request.user, account_pk)
    form = CompromiseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            task = rotation_request(
                actor=request.user, account=account, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
                return redirect("register_account", pk=account.pk)
        else:
            messages.success(
                request,
                "Communications has been told. Change the password at the platform now, then "
                "record the change here.",
            )
            return redirect("credential_task", pk=task.pk)
    return render(request, "moderation/compromise_report.html", {"account": account, "form": form})


@allowed_if(can_see_credential_tasks)
@require_GET
def task_list(request: AuthenticatedRequest) -> HttpResponse:
    tab, tasks = tasks_listed(request.user, request.GET)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/task_list.html",
        {
            "page": page,
            "tab": tab,
            "period": period_from_query(request.GET),
            "cause_shown": dict(TaskCause.choices).get(request.GET.get("cause", ""), ""),
            # The tab, the cause and the period stay on every page of the list.
            "query": urlencode({k: v for k, v in request.GET.items() if k in LIST_KEEPS}),
            "tabs": [
                ("", "To do"),
                ("done", "Done"),
                ("cancelled", "No longer needed"),
                (ALL, "All"),
            ],
        },
    )


@require_GET
def task_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = access_task(request.user, pk)
    report = task.device_report
    return render(
        request,
        "moderation/task_detail.html",
        {
            "task": task,
            "moves": TASK.allowed_moves(request.user, task),
            "can_record_password": TASK.state_allows(ROTATED, task)
            and can_record_password_change(request.user, task.account),
            "account_visible": can_see_account(request.user, task.account),
            "report_visible": report is not None and can_view_device_report(request.user, report),
        },
    )


@require_http_methods(["GET", "POST"])
def task_done(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = access_task(request.user, pk)
    if refusal := TASK.refusal(request.user, COMPLETE, task):
        messages.error(request, refusal)
        return redirect("credential_task", pk=task.pk)
    form = TaskDoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            task_complete(actor=request.user, task=task, note=form.cleaned_data["note"])
        except DomainError as error:  # someone else closed it while the page was open
            messages.error(request, error.message)
        else:
            messages.success(request, f"Done: {task.title}.")
        return redirect("credential_task", pk=task.pk)
    return render(request, "moderation/task_done.html", {"task": task, "form": form})


@require_http_methods(["GET", "POST"])
def task_cancel_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = access_task(request.user, pk)
    if refusal := TASK.refusal(request.user, CANCEL, task):
        messages.error(request, refusal)
        return redirect("credential_task", pk=task.pk)
    form = TaskCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            task_cancel(actor=request.user, task=task, reason=form.cleaned_data["reason"])
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
                return redirect("credential_task", pk=task.pk)
        else:
            messages.success(request, f"No longer needed: {task.title}.")
            return redirect("credential_task", pk=task.pk)
    return render(request, "moderation/task_cancel.html", {"task": task, "form": form})
