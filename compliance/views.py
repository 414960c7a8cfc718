"""The compliance statement, its CSV and the clause map (AUD-1). Everyone the rules refuse is
answered 404, whatever the method."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Field
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_GET

from accounts.dashboard import breakdowns, dashboard_counts
from accounts.rules import can_edit_register, can_read_whole_register
from compliance.exports import csv_response
from compliance.forms import StatementForm, TrendsForm, last_twelve_months, quick_choices
from compliance.rules import (
    can_follow_figures,
    can_view_clause_map,
    can_view_statement,
    can_view_trends,
    charts_visible_to,
)
from compliance.statement import Row, records_begin, statement_build, trends_period
from compliance.trends import View, charts_for
from governance.controls import CONTROLS, DERBY, MANCHESTER, MELTON, TELFORD, Control
from governance.decorators import allowed_if
from governance.http import AuthenticatedRequest
from governance.models import PolicyProfile
from governance.rules import can_view_profile
from governance.services.profile import profile_get
from governance.snapshots import Snapshot

POLICY_COLUMNS = [
    (MANCHESTER, "Manchester"),
    (TELFORD, "Telford & Wrekin"),
    (MELTON, "Melton"),
    (DERBY, "Derby"),
]


# Charts drawn one after another, kept rendered (Snapshot.html).
CHARTS = "includes/charts.html"


def rule_label(control: Control) -> str:
    """The profile rule that switches a control off, as the policy profile page names it."""
    field = PolicyProfile._meta.get_field(control.switched_by)
    assert isinstance(field, Field)
    return capfirst(str(field.verbose_name))


def _form(request: AuthenticatedRequest, snapshot: Snapshot) -> StatementForm:
    begins = snapshot.get("records-begin", records_begin)
    return StatementForm(request.GET, today=timezone.localdate(), records_begin=begins)


def _statement(request: AuthenticatedRequest, form: StatementForm, snapshot: Snapshot) -> Any:
    """The statement for the dates asked for, built once per change in the portal (its figures
    are counted as the reader may follow them, or as an auditor would)."""
    chosen = form.chosen()
    return snapshot.get(
        "statement",
        lambda: statement_build(request.user, *chosen),
        can_follow_figures(request.user),
        form.chosen_query(),
    )


def _groups(rows: list[Row]) -> list[tuple[str, str, list[Row]]]:
    return [
        (
            "Clauses of your policy",
            "The controls that enforce a clause of the council's policy, with the clause.",
            [row for row in rows if row.clauses],
        ),
        (
            "Also enforced by the portal",
            "The council's policy is silent on these; the portal enforces them as its default.",
            [row for row in rows if not row.clauses],
        ),
    ]


@allowed_if(can_view_statement)
@require_GET
def compliance_statement(request: AuthenticatedRequest) -> HttpResponse:
    snapshot = Snapshot()
    form = _form(request, snapshot)
    context: dict[str, Any] = {
        "form": form,
        "quick_choices": quick_choices(timezone.localdate(), form.records_begin),
    }
    if form.is_bound and not form.is_valid():
        # The form and its messages only: a statement for other dates than those asked for
        # could be printed and filed as the one asked for.
        return render(request, "compliance/statement.html", context)
    if form.typed_in:
        return redirect(f"{reverse('compliance')}?{form.chosen_query()}")
    statement = _statement(request, form, snapshot)
    follow = can_follow_figures(request.user)
    controls = snapshot.html(
        "statement",
        "compliance/_statement_controls.html",
        lambda: {
            "groups": _groups(statement.rows),
            "rule_labels": {row.control.key: rule_label(row.control) for row in statement.rows
                            if row.control.switched_by},
            "follow": follow,
        },
        follow,
        form.chosen_query(),
    )  # fmt: skip
    return render(
        request,
        "compliance/statement.html",
        {
            **context,
            "statement": statement,
            "controls": controls,
            "follow": follow,
            "csv_query": form.chosen_query(),
        },
    )


@allowed_if(can_view_statement)
@require_GET
def compliance_statement_csv(request: AuthenticatedRequest) -> HttpResponse:
    snapshot = Snapshot()
    form = _form(request, snapshot)
    if form.is_bound and not form.is_valid():
        # Never a download that looks right but is for other dates than those asked for.
        messages.error(request, "Correct the dates before downloading the statement.")
        return redirect(f"{reverse('compliance')}?{request.GET.urlencode()}")
    statement = _statement(request, form, snapshot)
    return csv_response(statement, links=can_follow_figures(request.user))


@allowed_if(can_view_clause_map)
@require_GET
def clause_map(request: AuthenticatedRequest) -> HttpResponse:
    profile = profile_get()
    rows = [
        {
            "control": control,
            "clauses": [control.clauses_for(policy) for policy, _ in POLICY_COLUMNS],
            "on": control.is_on(profile),
            "rule": rule_label(control) if control.switched_by else "",
        }
        for control in CONTROLS
    ]
    return render(
        request,
        "compliance/clause_map.html",
        {
            "rows": rows,
            "columns": POLICY_COLUMNS,
            "profile": profile,
            "can_view_profile": can_view_profile(request.user),
        },
    )


@allowed_if(can_view_trends)
@require_GET
def register_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """What needs attention in the register now, and how things changed month by month over the
    last twelve months or a chosen period (issue 13)."""
    today = timezone.localdate()
    snapshot = Snapshot()
    begins = snapshot.get("records-begin", records_begin)
    form = TrendsForm(request.GET, today=today, records_begin=begins)
    whole = can_read_whole_register(request.user)
    context: dict[str, Any] = {
        "form": form,
        "quick_choices": quick_choices(
            today, begins, lambda period: period.query, last_twelve_months(today)
        ),
        # The same for everyone who reads the whole register.
        "cards": snapshot.get("cards", lambda: dashboard_counts(request.user)) if whole else [],
        "breakdowns": snapshot.get("breakdowns", breakdowns) if whole else [],
        "can_edit": can_edit_register(request.user),
    }
    if form.is_bound and not form.is_valid():
        return render(request, "compliance/dashboard.html", context)
    if form.typed_in:
        return redirect(f"{reverse('register_dashboard')}?{form.chosen_query()}")
    asked = form.chosen()[1]
    period = trends_period(asked, begins)
    view = View(request.user, period)
    keys = charts_visible_to(request.user)
    scope = ("whole" if whole else request.user.pk, *keys, period.query)
    charts = snapshot.get("charts", lambda: list(charts_for(view, keys).values()), *scope)
    return render(
        request,
        "compliance/dashboard.html",
        {**context, "period": period, "asked": asked, "records_begin": begins,
         "charts": charts, "by_quarter": view.by_quarter,
         "charts_html": snapshot.html("charts", CHARTS, lambda: {"charts": charts}, *scope),
         "breakdowns_html": snapshot.html(
             "breakdowns", CHARTS, lambda: {"charts": context["breakdowns"]}
         ) if whole else ""},
    )  # fmt: skip
