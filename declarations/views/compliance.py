"""Who has signed which version of the policy, who is due, who has lapsed and who is
suspended (issue 9 item 7, MSM 7.3): for Communications, who keep the register of moderators,
and Auditors. Anyone else is answered 404."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from declarations.exports import csv_response, xlsx_response
from declarations.filters import ComplianceFilter
from declarations.holders import holders
from declarations.rules import can_see_every_declaration
from declarations.selectors import (
    Status,
    people_who_must_sign,
    reminder_window_days,
    status_of,
    with_status,
)
from governance.decorators import allowed_if
from governance.forms import AsOfForm
from governance.http import AuthenticatedRequest
from governance.models import User
from governance.pagination import kept_key_page, rows_for_keys
from governance.periods import end_of_day
from governance.snapshots import Snapshot

PAGE_SIZE = 25


def _as_of(request: AuthenticatedRequest) -> tuple[AsOfForm, datetime.date | None]:
    """The past day the list is asked for (``?as_of=2026-03-31``, a trend chart's point), if
    any: who had to hold a declaration at the end of that day, and their status then."""
    form = AsOfForm(request.GET)
    return form, form.cleaned_data.get("as_of") if form.is_valid() else None


def with_status_as_of(
    people: QuerySet[User], as_of: datetime.date | None, window_days: int | None = None
) -> QuerySet[User]:
    """``people`` with their declarations now, or as they stood at the end of ``as_of``."""
    if as_of is None:
        return with_status(people, window_days=window_days)
    return with_status(people, as_of, window_days=window_days, moment=end_of_day(as_of))


def everyone_as_of(
    as_of: datetime.date | None = None, window_days: int | None = None
) -> QuerySet[User]:
    moment = end_of_day(as_of) if as_of else None
    return with_status_as_of(people_who_must_sign(moment), as_of, window_days)


def _filtered(request: AuthenticatedRequest, everyone: QuerySet[User]) -> ComplianceFilter:
    rows = everyone.select_related("service_area").order_by("full_name", "pk")
    return ComplianceFilter(request.GET or None, queryset=rows)


def _query_without_page(request: AuthenticatedRequest) -> str:
    """The filters, for page and export links: never a CSRF token an old bookmark carried."""
    query = request.GET.copy()
    for key in ("page", "csrfmiddlewaretoken"):
        query.pop(key, None)
    return query.urlencode()


def _totals(everyone: QuerySet[User]) -> dict[str, int]:
    """How many people must sign, how many are in each status and how many are suspended, in
    one query."""
    return everyone.aggregate(
        total=Count("pk"),
        suspended=Count("pk", filter=Q(is_suspended=True)),
        **{status.value: Count("pk", filter=Q(declaration_status=status)) for status in Status},
    )


def _cards(totals: dict[str, int], as_of: datetime.date | None) -> list[dict[str, Any]]:
    here = reverse("declaration_compliance")
    day = f"&as_of={as_of.isoformat()}" if as_of else ""
    return [
        {
            "label": status.label,
            "count": totals[status.value],
            "url": f"{here}?status={status.value}{day}",
            "alert": status != Status.CURRENT,
        }
        for status in Status
    ]


def _page_of(
    snapshot: Snapshot,
    request: AuthenticatedRequest,
    filterset: ComplianceFilter,
    totals: dict[str, int],
    as_of: datetime.date | None,
    window_days: int,
) -> tuple[Page[Any], list[User]]:
    """The page's people, their keys kept until the next change in the portal (the list is the
    same for everyone who may see it), then those 25 read with their declarations. Unfiltered,
    the list is everyone the summary counted, so its count is the summary's total rather than
    a third pass over who must sign."""
    page = kept_key_page(
        snapshot,
        "declarations-page",
        filterset.qs,
        request.GET.get("page"),
        PAGE_SIZE,
        _query_without_page(request),
        count=None if filterset.active_filters else totals["total"],
    )
    people = with_status_as_of(User.objects.all(), as_of, window_days)
    return page, rows_for_keys(people.select_related("service_area"), list(page))


@allowed_if(can_see_every_declaration)
@require_GET
def declaration_compliance(request: AuthenticatedRequest) -> HttpResponse:
    as_of_form, as_of = _as_of(request)
    window_days = reminder_window_days()
    everyone = everyone_as_of(as_of, window_days)
    filterset = _filtered(request, everyone)
    snapshot = Snapshot()
    totals = snapshot.get("declarations-totals", lambda: _totals(everyone), as_of)
    page, people = _page_of(snapshot, request, filterset, totals, as_of, window_days)
    moment = end_of_day(as_of) if as_of else None
    accounts = holders().accounts_by_person([person.pk for person in people], moment)
    return render(
        request,
        "declarations/compliance.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page": page,
            "rows": [
                {"person": person, "status": status_of(person), "accounts": accounts.get(person.pk)}
                for person in people
            ],
            "query": _query_without_page(request),
            "totals": totals,
            "holding": totals[Status.CURRENT.value] + totals[Status.DUE.value],
            "cards": _cards(totals, as_of),
            "as_of": as_of,
            "as_of_form": as_of_form,
        },
    )


@allowed_if(can_see_every_declaration)
@require_GET
def declaration_compliance_export(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    as_of_form, as_of = _as_of(request)
    filterset = _filtered(request, everyone_as_of(as_of))
    if filterset.form.errors or as_of_form.errors:
        # Never a download that looks right but ignores part of what was asked for.
        messages.error(request, "Correct the filters before downloading the list.")
        return redirect(f"{reverse('declaration_compliance')}?{_query_without_page(request)}")
    filename = f"declarations-{(as_of or timezone.localdate()).isoformat()}"
    filename += "-as-of" if as_of else ""
    moment = end_of_day(as_of) if as_of else None
    if fmt == "csv":
        return csv_response(filterset.qs, filename, moment)
    return xlsx_response(filterset.qs, filename, moment)
