"""The Policy owner's pages for versions of the social media policy (DEC-1): the list, a new
draft, a version with what changed since the one before, editing a draft, its questions before
signing, and publishing. Anyone signed in reads a published or retired version; everything
else is the Policy owner's (declarations/access.py answers 404 to anyone else)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from declarations import rules
from declarations.access import (
    access_question_to_manage,
    access_version,
    access_version_to_manage,
)
from declarations.diff import difference
from declarations.markdown import section_headings
from declarations.models import PolicyVersion, Question, VersionState
from declarations.policy_forms import PublishForm, QuestionForm, VersionForm
from declarations.selectors import published_version
from declarations.services.versions import (
    question_delete,
    question_save,
    version_draft,
    version_publish,
    version_update,
)
from declarations.transitions import EDIT, PUBLISH, VERSION
from governance.errors import DomainError
from governance.forms import shown_at_its_question
from governance.http import AuthenticatedRequest
from governance.models import User
from governance.services.profile import profile_get

STATE_COLOURS = {
    VersionState.DRAFT: "govuk-tag--blue",
    VersionState.PUBLISHED: "govuk-tag--green",
    VersionState.RETIRED: "govuk-tag--grey",
}


def _data(request: AuthenticatedRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _refused(
    request: AuthenticatedRequest, move: str, version: PolicyVersion
) -> HttpResponse | None:
    """The version page, with the table's refusal, when this move cannot be made now."""
    if refusal := VERSION.refusal(request.user, move, version):
        messages.error(request, refusal)
        return redirect("policy_version", version.pk)
    return None


@require_GET
def policy_versions(request: AuthenticatedRequest) -> HttpResponse:
    versions = [
        version
        for version in rules.versions_visible_to(request.user).select_related("published_by")
        if rules.can_view_version(request.user, version)
    ]
    return render(
        request,
        "declarations/policy_versions.html",
        {
            "versions": versions,
            "colours": STATE_COLOURS,
            "can_manage": rules.can_manage_policy(request.user),
        },
    )


def _copy_questions(
    actor: User, published: PolicyVersion | None, draft: PolicyVersion
) -> list[Question]:
    """A new draft asks the published version's questions, except those whose section to
    reread is no longer in its text. Returns those left out."""
    left_out = []
    for question in published.questions.all() if published else []:
        try:
            question_save(
                actor=actor,
                version=draft,
                text=question.text,
                correct_answer=question.correct_answer,
                wrong_answers=question.wrong_answers,
                clause=question.clause,
            )
        except DomainError:
            left_out.append(question)
    return left_out


def _drafted(
    draft: PolicyVersion, published: PolicyVersion | None, left_out: list[Question]
) -> str:
    said = f"Draft {draft.version} saved."
    kept = draft.questions.count()
    if published is not None and kept and not left_out:
        said += f" It asks the same {kept} questions as version {published.version}."
    elif published is not None and left_out:
        said += f" It keeps {kept} of the {kept + len(left_out)} questions of version "
        said += f"{published.version}."
    for question in left_out:
        said += f" “{question.text}” was left out: its section “{question.clause}” is not in "
        said += "the new text."
    return said + " Check its questions, then publish it."


@require_http_methods(["GET", "POST"])
def policy_version_new(request: AuthenticatedRequest) -> HttpResponse:
    if not rules.can_manage_policy(request.user):
        raise Http404
    published = published_version()
    form = VersionForm(
        _data(request), initial=VersionForm.initial_from(published, with_number=False)
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                version = version_draft(actor=request.user, **form.values())
                left_out = _copy_questions(request.user, published, version)
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
        else:
            messages.success(request, _drafted(version, published, left_out))
            return redirect("policy_version", version.pk)
    return render(
        request, "declarations/policy_version_form.html", {"form": form, "published": published}
    )


@require_GET
def policy_version(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = access_version(request.user, pk)
    moves = VERSION.allowed_moves(request.user, version)
    return render(
        request,
        "declarations/policy_version.html",
        {
            "version": version,
            "colours": STATE_COLOURS,
            "questions": list(version.questions.all()),
            "can_edit": EDIT in moves,
            "can_publish": PUBLISH in moves,
            "not_yet": VERSION.refusal(request.user, PUBLISH, version) if EDIT in moves else None,
            "difference": difference(version),
        },
    )


@require_http_methods(["GET", "POST"])
def policy_version_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = access_version_to_manage(request.user, pk)
    if refused := _refused(request, EDIT, version):
        return refused
    form = VersionForm(_data(request), initial=VersionForm.initial_from(version, with_number=True))
    if request.method == "POST" and form.is_valid():
        try:
            values = form.values()
            number = values.pop("version")
            version_update(actor=request.user, version=version, number=number, **values)
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
                return redirect("policy_version", version.pk)
        else:
            messages.success(request, f"Draft {form.cleaned_data['version']} saved.")
            return redirect("policy_version", version.pk)
    return render(
        request, "declarations/policy_version_form.html", {"form": form, "version": version}
    )


@require_http_methods(["GET", "POST"])
def policy_version_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = access_version_to_manage(request.user, pk)
    if refused := _refused(request, PUBLISH, version):
        return refused
    grace_days = profile_get().reacknowledgement_grace_days
    form = PublishForm(_data(request), grace_days=grace_days)
    if request.method == "POST" and form.is_valid():
        try:
            version_publish(
                actor=request.user,
                version=version,
                requires_reacknowledgement=form.reacknowledge(),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            said = f"Version {version.version} is published. "
            if form.reacknowledge():
                said += f"Everyone must sign it within {grace_days} days."
            else:
                said += "People sign it when their declaration is next due."
            messages.success(request, said)
            return redirect("policy_version", version.pk)
    return render(
        request,
        "declarations/policy_version_publish.html",
        {"version": version, "form": form, "difference": difference(version)},
    )


def _question_page(
    request: AuthenticatedRequest, version: PolicyVersion, question: Question | None = None
) -> HttpResponse:
    """Adding or changing a question: the form, or the draft's page once it is saved."""
    form = QuestionForm(
        _data(request),
        headings=section_headings(version.text),
        initial=QuestionForm.initial_from(question) if question else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            question_save(actor=request.user, version=version, question=question, **form.values())
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
                return redirect("policy_version", version.pk)
        else:
            messages.success(request, "Question saved.")
            return redirect("policy_version", version.pk)
    return render(
        request,
        "declarations/policy_question_form.html",
        {"version": version, "form": form, "question": question},
    )


@require_http_methods(["GET", "POST"])
def policy_question_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    version = access_version_to_manage(request.user, pk)
    if refused := _refused(request, EDIT, version):
        return refused
    return _question_page(request, version)


@require_http_methods(["GET", "POST"])
def policy_question_edit(request: AuthenticatedRequest, pk: int, question_pk: int) -> HttpResponse:
    question = access_question_to_manage(request.user, pk, question_pk)
    if refused := _refused(request, EDIT, question.version):
        return refused
    return _question_page(request, question.version, question)


@require_http_methods(["GET", "POST"])
def policy_question_delete(
    request: AuthenticatedRequest, pk: int, question_pk: int
) -> HttpResponse:
    question = access_question_to_manage(request.user, pk, question_pk)
    version = question.version
    if refused := _refused(request, EDIT, version):
        return refused
    if request.method == "POST":
        try:
            question_delete(actor=request.user, question=question)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Question deleted: “{question.text}”")
        return redirect("policy_version", version.pk)
    return render(
        request,
        "declarations/policy_question_delete.html",
        {"version": version, "question": question},
    )
