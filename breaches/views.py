"""Breach records (HR-1, HR-2): raising a concern, and HR's pages.

Every HR page fetches through breaches/access.py, which answers 404 to anyone outside HR,
administrators included, and every view of a record or of a person's history is logged with
breach_read. The pages for raising a concern show the raiser only the reference and the date
received: never the record.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from breaches import events
from breaches.access import access_breach, access_breaches, access_person
from breaches.concerns import concern_raise
from breaches.forms import (
    BreachCloseForm,
    BreachEditForm,
    BreachNewForm,
    ConcernByEmailForm,
    ConcernForm,
    ConcernFromTeamForm,
)
from breaches.models import BreachRecord, BreachState
from breaches.rules import can_raise_concern, handles_breaches, team_of
from breaches.selectors import breach_list as records_listed
from breaches.selectors import people_matching, person_history, reads
from breaches.services import (
    breach_close,
    breach_investigate,
    breach_read,
    breach_record,
    breach_reopen,
    breach_update,
)
from breaches.transitions import BREACH, CLOSE, EDIT, INVESTIGATE, REOPEN
from governance import roles
from governance.decorators import allowed_if
from governance.errors import DomainError
from governance.forms import shown_at_its_question
from governance.history import EVENT_MARK
from governance.http import AuthenticatedRequest, search_text
from governance.models import User
from governance.pagination import page_by_keys
from moderation.models import AbuseCase, Incident
from moderation.rules import can_view_abuse_case, can_view_incident

# Outermost on every HR page, so that anyone else gets 404 whatever the method; each page still
# fetches its record or person through breaches/access.py.
hr_only = allowed_if(handles_breaches)

PAGE_SIZE = 25
LONGEST_QUERY = 200
# The concern just raised: its reference and the date HR received it, and nothing else.
RECEIVED = "concern_received"

# ---------------------------------------------------------------------------------------------
# Raising a concern


def _concern_form(request: AuthenticatedRequest) -> ConcernForm:
    data = request.POST if request.method == "POST" else None
    initial = {"started": secrets.token_hex(16)}
    # Communications may raise a concern about anyone, so it types the address; a line manager
    # picks from the team (breaches/rules.py can_raise_concern_about decides either way).
    if roles.is_communications(request.user):
        return ConcernByEmailForm(data, initial=initial)
    return ConcernFromTeamForm(data, initial=initial, people=team_of(request.user))


def _digits(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _linked(request: AuthenticatedRequest) -> tuple[Incident | None, AbuseCase | None, bool]:
    """The incident or case the concern came from (?incident= or ?case=), if the raiser may see
    it; and whether one was asked for that cannot be linked."""
    incident = case = None
    asked = "incident" in request.GET or "case" in request.GET
    if (number := _digits(request.GET.get("incident"))) is not None:
        found = Incident.objects.filter(pk=number).first()
        if found is not None and can_view_incident(request.user, found):
            incident = found
    if (number := _digits(request.GET.get("case"))) is not None:
        found_case = AbuseCase.objects.filter(pk=number).first()
        if found_case is not None and can_view_abuse_case(request.user, found_case):
            case = found_case
    return incident, case, asked and incident is None and case is None


@allowed_if(can_raise_concern)
@require_http_methods(["GET", "POST"])
def concern_new(request: AuthenticatedRequest) -> HttpResponse:
    form = _concern_form(request)
    incident, case, unlinkable = _linked(request)
    last, started = _received(request), request.POST.get("started")
    if request.method == "POST" and started and last and last.get("started") == started:
        messages.info(request, "You have already sent this concern.")
        return redirect("concern_received")
    if request.method == "POST" and form.is_valid():
        try:
            record = concern_raise(
                raiser=request.user,
                person=form.cleaned_data["person"],
                what_happened=form.cleaned_data["what_happened"],
                incident=incident,
                abuse_case=case,
            )
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
        else:
            request.session[RECEIVED] = {
                "reference": record.reference,
                "received": record.created_at.isoformat(),
                "started": form.cleaned_data["started"],
            }
            return redirect("concern_received")
    return render(
        request,
        "breaches/concern_new.html",
        {"form": form, "incident": incident, "case": case, "unlinkable": unlinkable},
    )


def _received(request: AuthenticatedRequest) -> dict[str, str] | None:
    kept = request.session.get(RECEIVED)
    if not isinstance(kept, dict) or not all(
        isinstance(kept.get(name), str) for name in ("reference", "received")
    ):
        return None
    return kept


@allowed_if(can_raise_concern)
@require_GET
def concern_received(request: AuthenticatedRequest) -> HttpResponse:
    kept = _received(request)
    received = None
    if kept is not None:
        try:
            received = datetime.datetime.fromisoformat(kept["received"])
        except ValueError:
            kept = None
    return render(
        request,
        "breaches/concern_received.html",
        {"reference": kept["reference"] if kept else None, "received": received},
    )


# ---------------------------------------------------------------------------------------------
# HR's pages


def _query(request: AuthenticatedRequest) -> str:
    return search_text(request.GET, "q", longest=LONGEST_QUERY)


@hr_only
@require_GET
def breach_list(request: AuthenticatedRequest) -> HttpResponse:
    access_breaches(request.user)
    state = request.GET.get("state", "")
    state = state if state in BreachState.values else ""
    query = _query(request)
    # Keys first: the page's 25 records are joined to their people, not every record.
    page = page_by_keys(records_listed(state or None, query), request.GET.get("page"), PAGE_SIZE)
    kept = {name: value for name, value in (("state", state), ("q", query)) if value}
    return render(
        request,
        "breaches/breach_list.html",
        {
            "page": page,
            "state": state,
            "q": query,
            "query": urlencode(kept),
            "states": [("", "All"), *BreachState.choices],
        },
    )


@hr_only
@require_http_methods(["GET", "POST"])
def breach_new(request: AuthenticatedRequest) -> HttpResponse:
    access_breaches(request.user)
    initial = {}
    if (number := _digits(request.GET.get("person"))) is not None:
        person = User.objects.filter(pk=number).first()
        initial = {"person": person.email} if person else {}
    data = request.POST if request.method == "POST" else None
    form = BreachNewForm(data, initial=initial, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            record = breach_record(
                actor=request.user, person=form.cleaned_data["person"], **form.details()
            )
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
        else:
            messages.success(request, f"{record.reference} is recorded.")
            return redirect("breach", pk=record.pk)
    return render(request, "breaches/breach_new.html", {"form": form})


CHANGES = {
    events.CONCERN_RAISED: "Concern raised with HR",
    events.BREACH_RECORDED: "Recorded by HR",
    events.BREACH_CHANGED: "Details changed",
    events.BREACH_INVESTIGATING: "Started looking into it",
    events.BREACH_CLOSED: "Closed",
    events.BREACH_REOPENED: "Reopened",
}


def _changes(record: BreachRecord) -> list[dict[str, Any]]:
    """The record's history rows, oldest first, each saying what changed and who changed it."""
    rows = list(record.history.select_related("history_user").order_by("history_date", "pk"))
    told = []
    for before, row in zip([None, *rows], rows, strict=False):
        reason = (row.history_change_reason or "").removeprefix(EVENT_MARK)
        fields: list[str] = []
        if before is not None and reason == events.BREACH_CHANGED:
            changed = set(row.diff_against(before).changed_fields)
            fields = [
                str(field.verbose_name)
                for field in BreachRecord._meta.concrete_fields
                if field.name in changed
            ]
        told.append(
            {
                "what": CHANGES.get(reason, "Changed"),
                "fields": fields,
                "who": row.history_user,
                "when": row.history_date,
                "outcome": row.get_outcome_display() if reason == events.BREACH_CLOSED else "",
            }
        )
    return told


@hr_only
@require_GET
def breach_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = access_breach(request.user, pk)
    breach_read(reader=request.user, record=record)
    moves = BREACH.allowed_moves(request.user, record)
    return render(
        request,
        "breaches/breach_detail.html",
        {
            "record": record,
            "moves": moves,
            "can_edit": EDIT in moves,
            "can_close": CLOSE in moves,
            "can_investigate": INVESTIGATE in moves,
            "can_reopen": REOPEN in moves,
            "changes": _changes(record),
            "reads": list(record.reads.select_related("reader").order_by("-read_at", "-pk")),
        },
    )


def _refused(request: AuthenticatedRequest, record: BreachRecord, move: str) -> bool:
    if refusal := BREACH.refusal(request.user, move, record):
        messages.error(request, refusal)
        return True
    return False


@hr_only
@require_http_methods(["GET", "POST"])
def breach_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = access_breach(request.user, pk)
    if _refused(request, record, EDIT):
        return redirect("breach", pk=record.pk)
    data = request.POST if request.method == "POST" else None
    form = BreachEditForm(data, initial=BreachEditForm.initial_from(record), viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            breach_update(actor=request.user, record=record, **form.details())
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
                return redirect("breach", pk=record.pk)
        else:
            messages.success(request, f"{record.reference} is saved.")
            return redirect("breach", pk=record.pk)
    return render(request, "breaches/breach_edit.html", {"record": record, "form": form})


@hr_only
@require_http_methods(["GET", "POST"])
def breach_close_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = access_breach(request.user, pk)
    if _refused(request, record, CLOSE):
        return redirect("breach", pk=record.pk)
    form = BreachCloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            breach_close(
                actor=request.user,
                record=record,
                outcome=form.cleaned_data["outcome"],
                outcome_note=form.cleaned_data["outcome_note"],
            )
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
                return redirect("breach", pk=record.pk)
        else:
            messages.success(request, f"{record.reference} is closed.")
            return redirect("breach", pk=record.pk)
    return render(request, "breaches/breach_close.html", {"record": record, "form": form})


MOVES = {
    INVESTIGATE: (breach_investigate, "You have started looking into {}."),
    REOPEN: (breach_reopen, "{} is open again."),
}


@hr_only
@require_POST
def breach_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = access_breach(request.user, pk)
    move = request.POST.get("move", "")
    if move not in MOVES:
        messages.error(request, "Choose what to do.")
        return redirect("breach", pk=record.pk)
    service, said = MOVES[move]
    try:
        service(actor=request.user, record=record)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, said.format(record.reference))
    return redirect("breach", pk=record.pk)


@hr_only
@require_GET
def breach_people(request: AuthenticatedRequest) -> HttpResponse:
    access_breaches(request.user)
    query = _query(request)
    return render(
        request,
        "breaches/people.html",
        {"q": query, "people": people_matching(query), "too_short": 0 < len(query) < 2},
    )


@hr_only
@require_GET
def breach_person(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = access_person(request.user, pk)
    breach_read(reader=request.user, person=person)
    return render(
        request,
        "breaches/person.html",
        {
            "person": person,
            "records": list(person_history(person)),
            "new_record": reverse("breach_new") + "?" + urlencode({"person": person.pk}),
        },
    )


@hr_only
@require_GET
def breach_reads(request: AuthenticatedRequest) -> HttpResponse:
    access_breaches(request.user)
    page = Paginator(reads(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "breaches/reads.html", {"page": page})
