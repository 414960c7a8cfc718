"""Public abuse cases (INC-2; DER "How we will deal with unacceptable behaviour"): the list, the
case with its ladder of steps and evidence, and the pages for each move. Communications runs a
case; Legal Services records its advice when consulted; HR reads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.rules import can_see_account
from governance import navigation
from governance.decorators import allowed_if
from governance.errors import DomainError
from governance.formatting import long_date
from governance.forms import shown_at_its_question
from governance.http import AuthenticatedRequest, search_text
from governance.models import Event
from governance.periods import period_from_query
from governance.services.profile import profile_get
from moderation.abuse_forms import (
    STEP_CHOICES,
    AdviceForm,
    CaseForm,
    CloseForm,
    ReopenForm,
    StepForm,
)
from moderation.access import access_abuse_case
from moderation.forms import new_token
from moderation.models import AbuseCase, CaseStep, StepKind
from moderation.rules import can_read_abuse_cases, can_run_abuse_cases, can_view_evidence
from moderation.selectors import (
    ALL,
    abuse_cases_listed,
    blocks_ended,
    cases_about_the_same_author,
    cases_awaiting_advice,
    reportable_accounts,
)
from moderation.services.abuse import (
    case_advice_record,
    case_close,
    case_open,
    case_reopen,
    case_step_record,
    open_block,
)
from moderation.transitions import ABUSE_CASE, CLOSE, GIVE_ADVICE, RECORD_STEP, REOPEN

PAGE_SIZE = 25
# What the list's address says (?state=all&author=@someone&from=2025-04-01&to=2026-03-31).
LIST_KEEPS = ("state", "author", "from", "to")


def _not_at_a_question(
    request: AuthenticatedRequest, form: forms.BaseForm, error: DomainError, case: AbuseCase
) -> HttpResponse | None:
    """A service's refusal at its question, keeping the answers; one about the case itself
    (someone closed it while the page was open) is said on the case's page."""
    if shown_at_its_question(form, error):
        return None
    messages.error(request, error.message)
    return redirect("abuse_case", pk=case.pk)


def _move_refused(request: AuthenticatedRequest, move: str, case: AbuseCase) -> HttpResponse | None:
    """404 for someone who may never make this move; for someone who may, but not in the
    case's state, the case page saying why."""
    if not ABUSE_CASE[move].who(request.user, case):
        raise Http404
    if refusal := ABUSE_CASE.refusal(request.user, move, case):
        messages.error(request, refusal)
        return redirect("abuse_case", pk=case.pk)
    return None


@allowed_if(can_read_abuse_cases)
@require_GET
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    tab, cases = abuse_cases_listed(request.GET)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    period = period_from_query(request.GET)
    return render(
        request,
        "moderation/abuse_case_list.html",
        {
            "page": page,
            "tab": tab,
            "author": search_text(request.GET, "author"),
            "period": period,
            # The tab, the search and the period stay on every page of the list.
            "query": urlencode({k: v for k, v in request.GET.items() if k in LIST_KEEPS}),
            "tabs": [("open", "Open"), ("closed", "Closed"), (ALL, "All")],
            "can_open": can_run_abuse_cases(request.user),
        },
    )


def _preselected_account(request: AuthenticatedRequest) -> str | None:
    given = request.GET.get("account", "")
    return given if given.isascii() and given.isdigit() and len(given) <= 18 else None


@allowed_if(can_run_abuse_cases)
@require_http_methods(["GET", "POST"])
def case_new(request: AuthenticatedRequest) -> HttpResponse:
    accounts = reportable_accounts(request.user)
    if request.method != "POST":
        initial = {"started_with": new_token(), "account": _preselected_account(request)}
        form = CaseForm(initial=initial, accounts=accounts)
        return render(request, "moderation/abuse_case_new.html", {"form": form})
    form = CaseForm(request.POST, accounts=accounts)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case, created = case_open(
                actor=request.user,
                account=data["account"],
                author_handle=data["author_handle"],
                post_url=data["post_url"],
                categories=data["categories"],
                description=data["description"],
                started_with=data["started_with"],
            )
        except DomainError as error:
            if not shown_at_its_question(form, error):
                form.add_error(None, error.message)
        else:
            if created:
                messages.success(
                    request,
                    f"{case.reference} is open. Record the screenshot evidence before the post "
                    "is removed.",
                )
            else:
                messages.info(request, f"You already opened this case: {case.reference}.")
            return redirect("abuse_case", pk=case.pk)
    return render(request, "moderation/abuse_case_new.html", {"form": form})


@require_GET
def case_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = access_abuse_case(request.user, pk)
    block = open_block(case)
    evidence = list(case.evidence.select_related("uploaded_by", "step"))
    return render(
        request,
        "moderation/abuse_case_detail.html",
        {
            "case": case,
            "others": list(cases_about_the_same_author(case)),
            "steps": list(case.steps.select_related("recorded_by").prefetch_related("evidence")),
            "account_visible": can_see_account(request.user, case.account),
            "block_in_force": block,
            "block_ended": block is not None
            and blocks_ended(timezone.localdate()).filter(pk=block.pk).exists(),
            "awaiting_advice": cases_awaiting_advice().filter(pk=case.pk).exists(),
            "evidence": [(item, can_view_evidence(request.user, item)) for item in evidence],
            "moves": ABUSE_CASE.allowed_moves(request.user, case),
            "can_raise_concern": navigation.offers(request.user, "concern_new"),
            "timeline": list(
                Event.objects.for_subject(case).select_related("actor").order_by("seq")
            ),
        },
    )


def _step_form(*args: Any, **kwargs: Any) -> StepForm:
    """The step form, with the profile's block length and the largest file in its hints."""
    return StepForm(
        *args,
        block_days=profile_get().public_block_days,
        max_megabytes=f"{settings.EVIDENCE_MAX_BYTES / (1024 * 1024):g} MB",
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
def case_step(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = access_abuse_case(request.user, pk)
    if refused := _move_refused(request, RECORD_STEP, case):
        return refused
    if request.method != "POST":
        kind = request.GET.get("kind", "")
        form = _step_form(initial={"kind": kind} if kind in dict(STEP_CHOICES) else {})
        return render(request, "moderation/abuse_case_step.html", {"case": case, "form": form})
    form = _step_form(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            step = case_step_record(
                actor=request.user,
                case=case,
                kind=data["kind"],
                happened_on=data["happened_on"],
                note=data["note"],
                block_ends_on=data["block_ends_on"],
                police_reference=data["police_reference"],
                screenshot=data["screenshot"],
            )
        except DomainError as error:
            if elsewhere := _not_at_a_question(request, form, error, case):
                return elsewhere
        else:
            messages.success(request, _recorded(step))
            return redirect("abuse_case", pk=case.pk)
    return render(
        request,
        "moderation/abuse_case_step.html",
        {
            "case": case,
            "form": form,
            # A browser never keeps a chosen file when the page comes back.
            "choose_again": "screenshot" in request.FILES and "screenshot" not in form.errors,
        },
    )


def _recorded(step: CaseStep) -> str:
    said = f"Recorded: {step.get_kind_display()}."
    if step.block_ends_on is not None:
        return f"{said} The block ends on {long_date(step.block_ends_on)}."
    if step.kind == StepKind.LEGAL_CONSULTED:
        return f"{said} Legal Services has been told and will record its advice on the case."
    return said


@require_http_methods(["GET", "POST"])
def case_advice(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = access_abuse_case(request.user, pk)
    if refused := _move_refused(request, GIVE_ADVICE, case):
        return refused
    form = AdviceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_advice_record(actor=request.user, case=case, advice=form.cleaned_data["advice"])
        except DomainError as error:
            if elsewhere := _not_at_a_question(request, form, error, case):
                return elsewhere
        else:
            messages.success(request, "Your advice is recorded. Communications has been told.")
            return redirect("abuse_case", pk=case.pk)
    return _move_page(request, case, form, "Record your advice")


@require_http_methods(["GET", "POST"])
def case_close_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = access_abuse_case(request.user, pk)
    if refused := _move_refused(request, CLOSE, case):
        return refused
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_close(actor=request.user, case=case, outcome=form.cleaned_data["outcome"])
        except DomainError as error:
            if elsewhere := _not_at_a_question(request, form, error, case):
                return elsewhere
        else:
            messages.success(request, f"{case.reference} is closed.")
            return redirect("abuse_case", pk=case.pk)
    return _move_page(request, case, form, "Close the case")


@require_http_methods(["GET", "POST"])
def case_reopen_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = access_abuse_case(request.user, pk)
    if refused := _move_refused(request, REOPEN, case):
        return refused
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_reopen(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except DomainError as error:
            if elsewhere := _not_at_a_question(request, form, error, case):
                return elsewhere
        else:
            messages.success(request, f"{case.reference} is open again.")
            return redirect("abuse_case", pk=case.pk)
    return _move_page(request, case, form, "Reopen the case")


def _move_page(
    request: AuthenticatedRequest, case: AbuseCase, form: forms.BaseForm, heading: str
) -> HttpResponse:
    return render(
        request,
        "moderation/abuse_case_move.html",
        {"case": case, "form": form, "heading": heading},
    )
