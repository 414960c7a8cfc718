"""Staff incident reports (INC-1): the one-page report any member of staff makes from a phone,
the incident's page, and Communications' pages for linking it to the register, adding a
screenshot and closing it.

Who may see what is asked of moderation/rules.py and the INCIDENT table; a report made about an
account the reporter has no link to shows them only what they entered (INC-1).
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Account
from accounts.rules import accounts_visible_to
from governance.decorators import allowed_if
from governance.errors import DomainError
from governance.forms import shown_at_its_question
from governance.http import AuthenticatedRequest, search_text
from governance.models import Event
from governance.navigation import offers
from governance.periods import period_from_query
from moderation import events
from moderation.access import access_incident
from moderation.forms import new_token
from moderation.incident_forms import (
    AccountLinkForm,
    CloseForm,
    EvidenceForm,
    IncidentForm,
)
from moderation.models import Incident, IncidentKind, IncidentState
from moderation.rules import (
    can_report_incident,
    can_see_every_incident,
    can_see_incident_account,
    can_view_evidence,
    can_view_task,
)
from moderation.selectors import ALL, incidents_listed, reportable_accounts
from moderation.services.incidents import (
    incident_add_evidence,
    incident_close,
    incident_link_account,
    incident_report,
)
from moderation.transitions import ADD_EVIDENCE, CLOSE, INCIDENT, LINK_ACCOUNT

PAGE_SIZE = 25
# What the list's address says (?state=all&kind=impersonation&from=2025-04-01&to=2026-03-31).
LIST_KEEPS = ("state", "kind", "from", "to")
# How the list says which kind it shows (a compliance figure links to one kind).
KIND_LISTS: dict[str, str] = {
    IncidentKind.MISTAKEN_POST: "Posts made by mistake",
    IncidentKind.DATA_BREACH: "Data breaches",
    IncidentKind.INAPPROPRIATE_CONTENT: "Inappropriate content on council accounts",
    IncidentKind.SUSPICIOUS_CONTENT: "Suspicious content or links",
    IncidentKind.COMPROMISED_ACCOUNT: "Accounts someone else may have control of",
    IncidentKind.IMPERSONATION: "Accounts pretending to be the council's",
}
# The report just sent, for its confirmation panel: shown once, on the incident's own page.
SENT = "incident_sent"
# The most accounts the link page lists for one search.
SHOWN_MATCHES = 20
# The page of each move Communications makes.
MOVE_PAGES = {
    LINK_ACCOUNT: "incident_account",
    ADD_EVIDENCE: "incident_evidence",
    CLOSE: "incident_close",
}
REGISTER_PAGE = re.compile(r"/register/([0-9]{1,18})/?")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _report_form(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> IncidentForm:
    return IncidentForm(
        *args,
        accounts=reportable_accounts(request.user),
        max_megabytes=_megabytes(settings.EVIDENCE_MAX_BYTES),
        **kwargs,
    )


@allowed_if(can_report_incident)
@require_http_methods(["GET", "POST"])
def incident_new(request: AuthenticatedRequest) -> HttpResponse:
    if request.method != "POST":
        form = _report_form(request, initial={"started_with": new_token()})
        return render(request, "moderation/incident_new.html", {"form": form})
    form = _report_form(request, request.POST, request.FILES)
    if form.is_valid():
        try:
            incident, created = incident_report(reporter=request.user, **form.report())
        except DomainError as error:
            form.show(error)
        else:
            request.session[SENT] = {"incident": incident.pk, "shown": False}
            if not created:
                messages.info(request, "You had already sent this report: it was recorded once.")
            return redirect("incident", pk=incident.pk)
    form.ask_again_for_evidence()
    return render(request, "moderation/incident_new.html", {"form": form})


@allowed_if(can_report_incident)
@require_GET
def incident_list(request: AuthenticatedRequest) -> HttpResponse:
    state, incidents = incidents_listed(request.user, request.GET)
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    kind = request.GET.get("kind", "")
    return render(
        request,
        "moderation/incident_list.html",
        {
            "page": page,
            "state": state,
            "tabs": [(IncidentState.OPEN, "Open"), (IncidentState.CLOSED, "Closed"), (ALL, "All")],
            "period": period_from_query(request.GET),
            "kind_shown": KIND_LISTS.get(kind, ""),
            # The tab, the kind and the period stay on every page of the list.
            "query": urlencode({k: v for k, v in request.GET.items() if k in LIST_KEEPS}),
            "sees_all": can_see_every_incident(request.user),
            "now": timezone.now(),
        },
    )


def _reported_account(incident: Incident) -> Account | None:
    """The account the reporter picked from their own list, if they picked one: what they
    entered, whatever Communications linked it to afterwards."""
    first = incident.history.order_by("history_date", "history_id").first()
    if first is None or first.account_id is None:
        return None
    return Account.objects.filter(pk=first.account_id).first()


def _clock(incident: Incident, now: datetime.datetime) -> dict[str, Any] | None:
    """The 72 hours a reportable breach has before the ICO must be told (UK GDPR art. 33)."""
    if not incident.is_data_breach:
        return None
    deadline = incident.report_to_ico_by
    if deadline is None:
        return {"deadline": None}
    hours = int((deadline - now).total_seconds() // 3600)
    return {"deadline": deadline, "passed": deadline <= now, "hours_left": hours}


def _timeline(incident: Incident, shows_account: bool) -> list[dict[str, Any]]:
    """The incident's events. Linking it to an account is told without the account's name to
    those who may not open that account."""
    entries = []
    for event in Event.objects.for_subject(incident).select_related("actor").order_by("seq"):
        summary = event.summary
        if event.action == events.INCIDENT_ACCOUNT_LINKED and not shows_account:
            who = event.actor.full_name if event.actor else "Communications"
            summary = f"{who} linked {incident.reference} to an account in the register"
        entries.append({"summary": summary, "occurred_at": event.occurred_at})
    return entries


def _tasks(
    request: AuthenticatedRequest, incident: Incident, names: set[int]
) -> list[dict[str, Any]]:
    """The password changes the report raised; a task's title names its account, so it is said
    only to those who may know which account it is."""
    shown = []
    for task in incident.tasks.select_related("account", "done_by").order_by("raised_at", "pk"):
        opens = can_view_task(request.user, task)
        named = opens or task.account_id in names
        shown.append(
            {
                "task": task,
                "opens": opens,
                "title": task.title if named else task.get_kind_display(),
            }
        )
    return shown


@require_GET
def incident_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = access_incident(request.user, pk)
    sent = request.session.get(SENT)
    if isinstance(sent, dict) and sent.get("incident") == incident.pk and not sent.get("shown"):
        request.session[SENT] = {**sent, "shown": True}
    else:
        sent = None
    shows_account = can_see_incident_account(request.user, incident)
    reported_account = _reported_account(incident)
    names = {account.pk for account in (reported_account,) if account is not None}
    if shows_account and incident.account_id is not None:
        names.add(incident.account_id)
    evidence = list(incident.evidence.select_related("uploaded_by"))
    return render(
        request,
        "moderation/incident_detail.html",
        {
            "incident": incident,
            "sent": sent,
            "shows_account": shows_account,
            "reported_account": reported_account,
            "clock": _clock(incident, timezone.now()),
            "evidence": [
                {"item": item, "downloadable": can_view_evidence(request.user, item)}
                for item in evidence
            ],
            "tasks": _tasks(request, incident, names),
            "timeline": _timeline(incident, shows_account),
            "moves": [
                (reverse(MOVE_PAGES[move], args=[incident.pk]), INCIDENT[move].label)
                for move in INCIDENT.allowed_moves(request.user, incident)
            ],
            "raises_concern": offers(request.user, "concern_new"),
        },
    )


def _move_refused(request: AuthenticatedRequest, move: str, incident: Incident) -> Any:
    """404 for someone who may never make this move; for someone who may, but not now (the
    incident is closed), the incident's page saying why."""
    if not INCIDENT[move].who(request.user, incident):
        raise Http404
    if refusal := INCIDENT.refusal(request.user, move, incident):
        messages.error(request, refusal)
        return redirect("incident", pk=incident.pk)
    return None


def _not_at_a_question(
    request: AuthenticatedRequest, form: forms.BaseForm, error: DomainError, incident: Incident
) -> Any:
    """A service's refusal at its question, keeping the answers; one about the incident itself
    (someone closed it while the page was open) is said on the incident's page."""
    if shown_at_its_question(form, error):
        return None
    messages.error(request, error.message)
    return redirect("incident", pk=incident.pk)


def _found_by(words: set[str]) -> Q:
    query = Q()
    for word in filter(None, words):
        query |= Q(name__icontains=word) | Q(handle__icontains=word) | Q(url__icontains=word)
    return query


def _matches(user: Any, search: str) -> tuple[list[Account], int]:
    """Accounts in the register this person may open that a search finds: a register page's
    address, or part of a name, handle or web address (a profile's address finds its handle);
    if the whole of what was typed finds nothing (a reporter's description), any of its longer
    words. At most SHOWN_MATCHES, with how many there were."""
    search = search.strip()[:200]
    if not search:
        return [], 0
    visible = Account.objects.filter(accounts_visible_to(user))
    page = REGISTER_PAGE.search(search)
    if page is not None:
        found: QuerySet[Account] = visible.filter(pk=int(page.group(1)))
    else:
        words = {search, search.lstrip("@")}
        address = re.sub(r"^[a-z]+://(www\.)?", "", search.lower()).rstrip("/")
        if address != search.lower():
            words |= {address, address.rsplit("/", 1)[-1].lstrip("@")}
        found = visible.filter(_found_by(words))
        if not found.exists():
            found = visible.filter(_found_by(set(re.findall(r"\w{4,}", search))))
    found = found.order_by("name", "pk")
    return list(found[:SHOWN_MATCHES]), found.count()


def _visible_account(user: Any, chosen: str) -> Account | None:
    if not (chosen.isascii() and chosen.isdigit() and len(chosen) <= 18):
        return None
    return Account.objects.filter(accounts_visible_to(user), pk=int(chosen)).first()


@require_http_methods(["GET", "POST"])
def incident_account(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = access_incident(request.user, pk)
    if refused := _move_refused(request, LINK_ACCOUNT, incident):
        return refused
    search = search_text(request.GET, "search", incident.account_described)
    candidates, found = _matches(request.user, search)
    if request.method != "POST":
        form = AccountLinkForm(candidates=candidates)
    else:
        picked = _visible_account(request.user, request.POST.get("account", ""))
        if picked is not None and picked not in candidates:
            candidates = [picked, *candidates]
        form = AccountLinkForm(request.POST, candidates=candidates)
        if form.is_valid():
            account = form.chosen()
            try:
                incident_link_account(actor=request.user, incident=incident, account=account)
            except DomainError as error:
                if elsewhere := _not_at_a_question(request, form, error, incident):
                    return elsewhere
            else:
                said = f"{incident.reference} is linked to {account.name}."
                if incident.tasks.exists():
                    said += " A password change has been raised for it."
                messages.success(request, said)
                return redirect("incident", pk=incident.pk)
    return render(
        request,
        "moderation/incident_account.html",
        {
            "incident": incident,
            "form": form,
            "search": search,
            "candidates": candidates,
            "found": found,
            "shown_matches": SHOWN_MATCHES,
        },
    )


@require_http_methods(["GET", "POST"])
def incident_evidence(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = access_incident(request.user, pk)
    if refused := _move_refused(request, ADD_EVIDENCE, incident):
        return refused
    size = _megabytes(settings.EVIDENCE_MAX_BYTES)
    if request.method != "POST":
        form = EvidenceForm(max_megabytes=size)
    else:
        form = EvidenceForm(request.POST, request.FILES, max_megabytes=size)
        if form.is_valid():
            assert form.checked is not None  # the screenshot is required
            try:
                incident_add_evidence(actor=request.user, incident=incident, upload=form.checked)
            except DomainError as error:
                if elsewhere := _not_at_a_question(request, form, error, incident):
                    return elsewhere
            else:
                messages.success(request, f"The screenshot is added to {incident.reference}.")
                return redirect("incident", pk=incident.pk)
    return render(
        request, "moderation/incident_evidence.html", {"incident": incident, "form": form}
    )


def _closed_message(incident: Incident) -> str:
    if incident.reporter_id is not None:
        return f"{incident.reference} is closed. The reporter and their line manager are told."
    # A member of the public is not told by the portal: only their address, if they gave one.
    if incident.contact_email:
        return (
            f"{incident.reference} is closed. The member of the public who reported it is not "
            f"told by the portal: reply to {incident.contact_email} if they should know."
        )
    return f"{incident.reference} is closed."


@require_http_methods(["GET", "POST"])
def incident_close_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = access_incident(request.user, pk)
    if refused := _move_refused(request, CLOSE, incident):
        return refused
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            incident_close(
                actor=request.user, incident=incident, outcome=form.cleaned_data["outcome"]
            )
        except DomainError as error:
            if elsewhere := _not_at_a_question(request, form, error, incident):
                return elsewhere
        else:
            messages.success(request, _closed_message(incident))
            return redirect("incident", pk=incident.pk)
    return render(request, "moderation/incident_close.html", {"incident": incident, "form": form})
