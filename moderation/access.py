"""Fetch moderation records for a person, or answer 404 (nobody learns that a record they may
not see exists). Each helper asks the predicates in moderation/rules.py."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Account
from moderation.models import (
    AbuseCase,
    CredentialTask,
    DeviceReport,
    Evidence,
    Incident,
    ModeratorAssignment,
)
from moderation.rules import (
    can_add_moderators,
    can_end_assignment,
    can_record_password_change,
    can_view_abuse_case,
    can_view_device_report,
    can_view_evidence,
    can_view_incident,
    can_view_task,
)


def access_account_to_add_moderators(user: Any, pk: int) -> Account:
    """Communications, or a line manager whose team moderates the account (who may not
    otherwise open it)."""
    account = get_object_or_404(Account.objects.select_related("service_area"), pk=pk)
    if not can_add_moderators(user, account):
        raise Http404
    return account


def access_account_for_passwords(user: Any, pk: int) -> Account:
    """A password change for an account you do not moderate: 404 (MOD-3)."""
    account = get_object_or_404(Account.objects.select_related("service_area"), pk=pk)
    if not can_record_password_change(user, account):
        raise Http404
    return account


def _assignment(pk: int) -> ModeratorAssignment:
    return get_object_or_404(
        ModeratorAssignment.objects.select_related("person", "account", "person__line_manager"),
        pk=pk,
    )


def access_assignment_to_end(user: Any, pk: int) -> ModeratorAssignment:
    assignment = _assignment(pk)
    if not can_end_assignment(user, assignment):
        raise Http404
    return assignment


def access_task(user: Any, pk: int) -> CredentialTask:
    task = get_object_or_404(
        CredentialTask.objects.select_related(
            "account",
            "account__responsible_officer",
            "person",
            "done_by",
            "password_change",
            "device_report",
        ),
        pk=pk,
    )
    if not can_view_task(user, task):
        raise Http404
    return task


def access_device_report(user: Any, pk: int) -> DeviceReport:
    report = get_object_or_404(
        DeviceReport.objects.select_related("reporter", "reporter__line_manager", "closed_by"),
        pk=pk,
    )
    if not can_view_device_report(user, report):
        raise Http404
    return report


def access_incident(user: Any, pk: int) -> Incident:
    incident = get_object_or_404(
        Incident.objects.select_related(
            "reporter", "reporter_line_manager", "account", "closed_by"
        ),
        pk=pk,
    )
    if not can_view_incident(user, incident):
        raise Http404
    return incident


def access_abuse_case(user: Any, pk: int) -> AbuseCase:
    case = get_object_or_404(
        AbuseCase.objects.select_related("account", "opened_by", "closed_by"), pk=pk
    )
    if not can_view_abuse_case(user, case):
        raise Http404
    return case


def access_evidence(user: Any, pk: int) -> Evidence:
    """Evidence is served only to Communications, Legal and HR (INC-3)."""
    if not can_view_evidence(user, None):
        raise Http404
    return get_object_or_404(Evidence.objects.select_related("incident", "case"), pk=pk)
