"""Adding, ending and activating moderators (MOD-1). Each page fetches through
moderation/access.py and asks the assignment table before it offers a move."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Account
from accounts.rules import can_see_account
from governance.errors import DomainError
from governance.forms import shown_at_its_question
from governance.http import AuthenticatedRequest
from governance.models import User
from moderation.access import (
    access_account_to_add_moderators,
    access_assignment_to_end,
)
from moderation.forms import (
    AssignmentAddForm,
    AssignmentByEmailForm,
    AssignmentEndForm,
    AssignmentFromTeamForm,
)
from moderation.models import ModeratorAssignment, TaskKind
from moderation.rules import addable_people, can_manage_assignments, holds_access
from moderation.services.assignments import assignment_add, assignment_end
from moderation.services.credentials import access_kind
from moderation.transitions import ASSIGNMENT, END


def back_to(user: User, account: Account) -> str:
    """The account page, or home for a line manager who may not open the account."""
    if can_see_account(user, account):
        return reverse("register_account", args=[account.pk])
    return reverse("home")


def _add_form(request: AuthenticatedRequest) -> AssignmentAddForm:
    data = request.POST if request.method == "POST" else None
    if can_manage_assignments(request.user):
        return AssignmentByEmailForm(data)
    return AssignmentFromTeamForm(data, people=addable_people(request.user))


@require_http_methods(["GET", "POST"])
def assignment_new(request: AuthenticatedRequest, account_pk: int) -> HttpResponse:
    account = access_account_to_add_moderators(request.user, account_pk)
    back = back_to(request.user, account)
    form = _add_form(request)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            assignment_add(
                actor=request.user,
                account=account,
                person=person,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
                return redirect(back)
        else:
            messages.success(
                request,
                f"{person.full_name} was added as a moderator of {account.name}. They become "
                "active once they have signed the declaration.",
            )
            return redirect(back)
    return render(
        request,
        "moderation/assignment_new.html",
        {"account": account, "form": form, "back": back},
    )


def _ended_message(assignment: ModeratorAssignment) -> str:
    said = f"{assignment.person.full_name} no longer moderates {assignment.account.name}."
    task = assignment.tasks.order_by("-raised_at").first()
    return f"{said} Task raised: {task.title}." if task else said


@require_http_methods(["GET", "POST"])
def assignment_end_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assignment = access_assignment_to_end(request.user, pk)
    back = back_to(request.user, assignment.account)
    if refusal := ASSIGNMENT.refusal(request.user, END, assignment):
        messages.error(request, refusal)
        return redirect(back)
    form = AssignmentEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            ended = assignment_end(
                assignment=assignment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
                return redirect(back)
        else:
            messages.success(request, _ended_message(ended))
            return redirect(back)
    return render(
        request,
        "moderation/assignment_end.html",
        {
            "assignment": assignment,
            "form": form,
            "back": back,
            "holds_access": holds_access(assignment),
            "removes_role": access_kind(assignment.account) == TaskKind.REMOVE_ACCESS,
        },
    )
