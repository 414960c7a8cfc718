from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import access_own_request, access_request, access_unapproved_account
from accounts.forms.requests import DecisionForm, RequestForm, WithdrawForm
from accounts.models import Account, AccountRequest, ApprovalStep, RequestStatus
from accounts.rules import (
    approves_this_round,
    can_read_whole_register,
    can_see_account,
    can_see_evidence,
    can_view_request,
    named_approvers,
    step_approvers,
)
from accounts.selectors import current_step, requests_listed, steps_waiting_for
from accounts.services.decisions import asks_branding, step_decide
from accounts.services.requests import (
    IncompleteRequest,
    request_create_draft,
    request_save_draft,
    request_submit,
    request_withdraw,
)
from accounts.transitions import REQUEST, SAVE, STEP, SUBMIT, WITHDRAW
from accounts.validation import EVIDENCE_SIGNATURES, chain_problems, request_problems
from governance import roles
from governance.errors import DomainError
from governance.http import AuthenticatedRequest
from governance.models import Event, StepKind
from governance.pagination import page_by_keys
from governance.periods import period_from_query
from governance.services.profile import profile_get

PAGE_SIZE = 25
# What the list's address says (?status=approved&from=2025-04-01&to=2026-03-31).
LIST_KEEPS = ("status", "from", "to")


@require_GET
def request_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    page = page_by_keys(requests_listed(user, request.GET), request.GET.get("page"), PAGE_SIZE)
    # The steps waiting for a decision are paged too (oldest first, ?waiting=2): Communications
    # has hundreds waiting on a large council, and each page listed every one of them.
    waiting = Paginator(steps_waiting_for(user), PAGE_SIZE).get_page(request.GET.get("waiting"))
    status = request.GET.get("status", "")
    return render(
        request,
        "accounts/request_list.html",
        {
            "waiting": waiting,
            "waiting_query": urlencode(
                {k: v for k, v in request.GET.items() if k in (*LIST_KEEPS, "page")}
            ),
            "page": page,
            "period": period_from_query(request.GET),
            "status_shown": RequestStatus(status).label if status in RequestStatus.values else "",
            # The status and the period stay on every page of the list.
            "query": urlencode(
                {k: v for k, v in request.GET.items() if k in (*LIST_KEEPS, "waiting")}
            ),
            "sees_all": can_read_whole_register(user),
            "heads_area": roles.is_head_of_service(user),
        },
    )


@require_http_methods(["GET", "POST"])
def request_new(request: AuthenticatedRequest) -> HttpResponse:
    regularises = None
    if account_id := request.GET.get("account"):
        regularises = access_unapproved_account(request.user, account_id)
        underway = regularises.regularisation_requests.filter(
            status__in=[RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.RETURNED]
        ).first()
        if underway is not None:
            messages.info(
                request,
                f"{regularises.name} is already being brought through {underway.reference}.",
            )
            if can_view_request(request.user, underway):
                return redirect("request_detail", pk=underway.pk)
            return redirect("register_account", pk=regularises.pk)
    return _edit(request, None, regularises=regularises)


@require_http_methods(["GET", "POST"])
def request_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    draft = access_own_request(request.user, pk)
    if refusal := REQUEST.refusal(request.user, SAVE, draft):
        messages.error(request, refusal)
        return redirect("request_detail", pk=draft.pk)
    return _edit(request, draft)


def _edit(
    request: AuthenticatedRequest,
    draft: AccountRequest | None,
    regularises: Account | None = None,
) -> HttpResponse:
    profile = profile_get()
    user = request.user
    instance = draft or AccountRequest(
        requester=user, service_area=user.service_area, regularises=regularises
    )
    if request.method != "POST":
        form = RequestForm(instance=instance, profile=profile, requester=user)
        return _render_edit(request, form, draft)

    form = RequestForm(
        request.POST, request.FILES, instance=instance, profile=profile, requester=user
    )
    form.is_valid()
    if draft is None and not form.has_answers():
        # Nothing valid was typed: no blank draft is kept behind a page saying there is a problem.
        form.add_error(None, "Answer at least one question before you save or continue")
        return _render_edit(request, form, None)
    evidence = form.cleaned_data.get("training_evidence")
    try:
        with transaction.atomic():  # a new draft and its first answers are saved together
            if draft is None:
                draft = request_create_draft(
                    actor=user, regularises=regularises, started_with=_started(request)
                )
            draft = request_save_draft(
                actor=user,
                request=draft,
                values=form.draft_values(),
                # The officers found so far; a mistyped address is shown again with its message.
                backup_officers=form.cleaned_data.get("backup_officers"),
                evidence=evidence if isinstance(evidence, UploadedFile) else None,
            )
    except DomainError as error:
        messages.error(request, error.message)
        if draft is None:
            return redirect("request_list")
        return redirect("request_detail", pk=draft.pk)
    if "save" not in request.POST:
        form.add_problems(
            request_problems(draft, profile) + chain_problems(draft, profile.approval_chain)
        )
    if form.errors:
        return _render_edit(request, form, draft)
    if "save" in request.POST:
        messages.success(
            request,
            f"Your draft {draft.reference} was saved. You can come back to it from your tasks.",
        )
        return redirect("request_detail", pk=draft.pk)
    return redirect("request_check", pk=draft.pk)


def _started(request: AuthenticatedRequest) -> uuid.UUID | None:
    """The token of the "new request" page the answers came from, if it is one."""
    try:
        return uuid.UUID(request.POST.get("started", ""))
    except ValueError:
        return None


def _render_edit(
    request: AuthenticatedRequest, form: RequestForm, draft: AccountRequest | None
) -> HttpResponse:
    action = reverse("request_edit", args=[draft.pk]) if draft else reverse("request_new")
    if draft is None and request.GET.get("account"):
        action += f"?account={request.GET['account']}"
    return render(
        request,
        "accounts/request_form.html",
        {
            "form": form,
            "draft": draft,
            "action": action,
            "profile": form.profile,
            "started": None if draft else (_started(request) or uuid.uuid4()),
        },
    )


@require_http_methods(["GET", "POST"])
def request_check(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    draft = access_own_request(request.user, pk)
    if refusal := REQUEST.refusal(request.user, SUBMIT, draft):
        messages.error(request, refusal)
        return redirect("request_detail", pk=draft.pk)
    profile = profile_get()
    problems = request_problems(draft, profile) + chain_problems(draft, profile.approval_chain)
    if request.method == "POST":
        try:
            request_submit(actor=request.user, request=draft)
        except IncompleteRequest as incomplete:
            problems = incomplete.problems
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("request_detail", pk=draft.pk)
        else:
            messages.success(request, f"{draft.reference} was submitted.")
            return redirect("request_detail", pk=draft.pk)
    return render(
        request,
        "accounts/request_check.html",
        {
            "item": draft,
            "profile": profile,
            "problems": problems,
            "chain": profile.approval_chain,
        },
    )


def _timeline(item: AccountRequest) -> list[Event]:
    return list(Event.objects.for_subject(item).select_related("actor").order_by("seq"))


@require_GET
def request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = access_request(request.user, pk)
    steps = list(item.steps.filter(round=item.round).select_related("decided_by"))
    step = current_step(item, steps)
    holders = step_approvers(item, step.kind) if step else []
    account = Account.objects.filter(request=item).first()
    return render(
        request,
        "accounts/request_detail.html",
        {
            "item": item,
            "profile": profile_get(),
            "current": step,
            "holders": holders,
            "holder_is_team": step is not None and step.kind == StepKind.COMMUNICATIONS,
            "steps": steps,
            "timeline": _timeline(item),
            "can_decide": step is not None and bool(STEP.allowed_moves(request.user, step)),
            "can_edit": REQUEST.allowed(request.user, SAVE, item),
            "can_withdraw": REQUEST.allowed(request.user, WITHDRAW, item),
            "account": account,
            "account_visible": account is not None and can_see_account(request.user, account),
            "evidence_visible": can_see_evidence(request.user, item),
        },
    )


@require_http_methods(["GET", "POST"])
def request_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = access_request(request.user, pk)
    step = current_step(item)
    may_act = step is not None and bool(STEP.allowed_moves(request.user, step))
    if request.method == "POST" and not may_act:
        # Someone who approves a step of this round hears from the service exactly what
        # happened (another approver was quicker); nobody else is shown a form to use.
        may_act = approves_this_round(request.user, item)
    if not may_act:
        named = step is not None and request.user in named_approvers(item, step.kind)
        messages.info(
            request,
            "You are named in this request, so you cannot decide any step of it."
            if named
            else "This request is not waiting for your decision.",
        )
        return redirect("request_detail", pk=item.pk)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        initial={"step": step.pk if step else None},
        asks_branding=step is not None and asks_branding(step),
    )
    if request.method == "POST" and "step" in form.errors:
        # The page's hidden step was altered or is out of date: start again from a fresh form.
        messages.error(request, "This page was out of date. Decide the request again.")
        return redirect("request_decide", pk=item.pk)
    if request.method == "POST" and form.is_valid():
        try:
            step_decide(
                actor=request.user,
                request=item,
                step_id=form.cleaned_data["step"],
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                branding_confirmed=form.cleaned_data.get("branding_confirmed", False),
            )
        except ApprovalStep.DoesNotExist:
            raise Http404 from None
        except DomainError as error:
            if error.field is None or step is None:
                messages.error(request, error.message)
                return redirect("request_detail", pk=item.pk)
            form.show_refusal(error)  # the answer the decision needs is shown at its question
        else:
            messages.success(request, "Your decision was recorded.")
            return redirect("request_detail", pk=item.pk)
    if step is None:
        messages.info(request, "This request is not waiting for a decision.")
        return redirect("request_detail", pk=item.pk)
    return render(
        request,
        "accounts/request_decide.html",
        {"item": item, "step": step, "form": form, "profile": profile_get()},
    )


@require_http_methods(["GET", "POST"])
def request_withdraw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = access_own_request(request.user, pk)
    if refusal := REQUEST.refusal(request.user, WITHDRAW, item):
        messages.error(request, refusal)
        return redirect("request_detail", pk=item.pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            request_withdraw(actor=request.user, request=item, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{item.reference} was withdrawn.")
        return redirect("request_detail", pk=item.pk)
    return render(request, "accounts/request_withdraw.html", {"item": item, "form": form})


@require_GET
def request_evidence(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    item = access_request(request.user, pk)
    if not item.training_evidence or not can_see_evidence(request.user, item):
        raise Http404
    try:
        evidence = item.training_evidence.open("rb")
    except OSError:
        # The record names a file the storage no longer has (restored backup, moved disk).
        messages.error(
            request,
            "The evidence file for this request cannot be found. Ask the requester to upload "
            "it again.",
        )
        return redirect("request_detail", pk=item.pk)
    extension = item.training_evidence.name.rsplit(".", 1)[-1]
    content_type = next(
        (kind[1] for kind in EVIDENCE_SIGNATURES.values() if kind[0] == extension),
        "application/octet-stream",
    )
    return FileResponse(
        evidence,
        as_attachment=True,
        filename=f"training-evidence-{item.reference}.{extension}",
        content_type=content_type,
    )
