from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import (
    access_account_page,
    access_account_to_edit,
    access_account_to_review,
    access_register,
    access_register_as_of,
)
from accounts.exports import csv_response, xlsx_response
from accounts.filters import RegisterFilter
from accounts.forms.register import (
    AccountEditForm,
    AccountStatusForm,
    ReviewForm,
    UnapprovedAccountForm,
)
from accounts.models import Account, AccountReview, AccountStatus
from accounts.moderators import moderators
from accounts.register_queries import register_rows
from accounts.rules import can_edit_register, can_read_whole_register, can_regularise
from accounts.services.register import (
    account_change_status,
    account_keep_open,
    account_record_unapproved,
    account_update,
)
from accounts.services.reviews import review_record
from accounts.timeline import account_timeline
from accounts.transitions import ACCOUNT, KEEP_OPEN, REVIEW, STATUS_CHANGES
from governance.decorators import allowed_if
from governance.errors import DomainError
from governance.forms import AsOfForm, shown_at_its_question
from governance.http import AuthenticatedRequest
from governance.pagination import kept_key_page, rows_for_keys
from governance.snapshots import Snapshot

PAGE_SIZE = 25
TIMELINE_PAGE_SIZE = 50


def _register_filters(
    request: AuthenticatedRequest,
) -> tuple[RegisterFilter, AsOfForm, datetime.date | None]:
    as_of_form = AsOfForm(request.GET)
    as_of = as_of_form.cleaned_data.get("as_of") if as_of_form.is_valid() else None
    if request.GET.get("as_of"):
        access_register_as_of(request.user)
    rows = register_rows(request.user, as_of)
    filterset = RegisterFilter(
        request.GET or None, queryset=rows, reference_date=as_of or timezone.localdate()
    )
    return filterset, as_of_form, as_of


def _query_without_page(request: AuthenticatedRequest) -> str:
    """The filters, for page and export links: never a CSRF token an old bookmark carried."""
    query = request.GET.copy()
    for key in ("page", "csrfmiddlewaretoken"):
        query.pop(key, None)
    return query.urlencode()


def _register_page(request: AuthenticatedRequest, rows: QuerySet[Any], query: str) -> Page[Any]:
    """The page's accounts. Counting and sorting the register costs more as it grows (and a
    past day's is sorted from each account's latest history record before that day): the
    page's keys and the count are kept until the next change in the portal, the same for
    everyone who reads the whole register, else each person's own."""
    whole = can_read_whole_register(request.user)
    scope = "whole register" if whole else request.user.pk
    number = request.GET.get("page")
    page = kept_key_page(Snapshot(), "register", rows, number, PAGE_SIZE, scope, query)
    page.object_list = rows_for_keys(rows, list(page))
    return page


@require_GET
def register_list(request: AuthenticatedRequest) -> HttpResponse:
    access_register(request.user)
    filterset, as_of_form, as_of = _register_filters(request)
    query = _query_without_page(request)
    page = _register_page(request, filterset.sorted_qs(), query)
    return render(
        request,
        "accounts/register_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "as_of_form": as_of_form,
            "as_of": as_of,
            "page": page,
            "query": query,
            "whole_register": can_read_whole_register(request.user),
            "can_edit": can_edit_register(request.user),
        },
    )


@allowed_if(can_read_whole_register)
@require_GET
def register_export(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    filterset, as_of_form, as_of = _register_filters(request)
    rows = filterset.sorted_qs()
    if filterset.form.errors or as_of_form.errors:
        # Never a download that looks right but ignores part of what was asked for.
        messages.error(request, "Correct the filters before downloading the register.")
        return redirect(f"{reverse('register')}?{_query_without_page(request)}")
    day = (as_of or timezone.localdate()).isoformat()
    filename = f"social-media-register-{day}" + ("-as-of" if as_of else "")
    if fmt == "csv":
        return csv_response(rows, as_of, filename)
    return xlsx_response(rows, as_of, filename)


@require_GET
def account_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = access_account_page(request.user, pk)
    moves = ACCOUNT.allowed_moves(request.user, account)
    timeline = Paginator(account_timeline(account), TIMELINE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "active_count": account.active_count,  # type: ignore[attr-defined]
            "password_last_changed": account.password_last_changed,  # type: ignore[attr-defined]
            "moderation": moderators().account_section(request.user, account),
            "reviews": list(
                AccountReview.objects.filter(account=account).select_related("reviewer")[:10]
            ),
            "timeline": timeline,
            "page": timeline,
            "moves": moves,
            "status_moves": [move for move in moves if move in (*STATUS_CHANGES, KEEP_OPEN)],
            "regularisation": account.regularisation_requests.order_by("-created_at").first()
            if account.status == AccountStatus.UNAPPROVED
            else None,
            "can_regularise": can_regularise(request.user, account),
        },
    )


@require_http_methods(["GET", "POST"])
def account_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = access_account_to_edit(request.user, pk)
    form = AccountEditForm(request.POST if request.method == "POST" else None, instance=account)
    if request.method == "POST" and form.is_valid():
        try:
            account_update(
                actor=request.user,
                account=Account(pk=account.pk),
                values=form.values(),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "The account's record was saved.")
        return redirect("register_account", pk=account.pk)
    account.refresh_from_db()
    return render(request, "accounts/account_edit.html", {"account": account, "form": form})


@require_http_methods(["GET", "POST"])
def account_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = access_account_to_edit(request.user, pk)
    form = AccountStatusForm(request.POST if request.method == "POST" else None, account=account)
    if request.method == "POST" and form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            if action == KEEP_OPEN:
                account = account_keep_open(actor=request.user, account=account, reason=reason)
            else:
                account = account_change_status(
                    actor=request.user, account=account, action=action, reason=reason
                )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                "The account stays open."
                if action == KEEP_OPEN
                else f"The account is now {account.get_status_display().lower()}.",
            )
        return redirect("register_account", pk=account.pk)
    return render(request, "accounts/account_status.html", {"account": account, "form": form})


@allowed_if(can_edit_register)
@require_http_methods(["GET", "POST"])
def unapproved_new(request: AuthenticatedRequest) -> HttpResponse:
    form = UnapprovedAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account = account_record_unapproved(
                actor=request.user,
                values=form.values(),
                discovered_how=form.cleaned_data["discovered_how"],
            )
        except DomainError as error:  # another save of the same handle won the race
            form.add_error("handle", error.message)
        else:
            messages.success(request, f"{account.name} was recorded as an unapproved account.")
            return redirect("register_account", pk=account.pk)
    return render(request, "accounts/unapproved_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def review_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = access_account_to_review(request.user, pk)
    if not ACCOUNT.state_allows(REVIEW, account):
        # Closed while the form was open, say: say so rather than lose the page.
        messages.error(request, ACCOUNT.refusal(request.user, REVIEW, account) or "")
        return redirect("register_account", pk=account.pk)
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        initial={"reviewed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review_record(
                actor=request.user,
                account=account,
                reviewed_on=data["reviewed_on"],
                found_inappropriate=data["found_inappropriate"] == "yes",
                content_removed=data.get("content_removed") == "yes",
                reported_to_platform=data.get("reported_to_platform") == "yes",
                notes=data.get("notes", ""),
                outcome=data["outcome"],
            )
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
                return redirect("register_account", pk=account.pk)
        else:
            messages.success(request, "Your review was recorded.")
            return redirect("register_account", pk=account.pk)
    return render(request, "accounts/review_new.html", {"account": account, "form": form})
