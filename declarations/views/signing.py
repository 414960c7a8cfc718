"""The moderator's declaration pages (DEC-2, DEC-3): their status, the questions before
signing, signing, the receipt, and checking a receipt's code. Who may open each page is asked
of declarations/rules.py and declarations/access.py; whether a signature stands is the signing
service's to say."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from declarations.access import access_declaration, access_version
from declarations.forms import QuestionsForm, SignForm, VerifyForm
from declarations.holders import holders
from declarations.models import Declaration, PolicyVersion, VersionState
from declarations.receipts import verify
from declarations.rules import can_sign, can_verify, can_view_declaration
from declarations.selectors import (
    Status,
    declarations_of,
    published_version,
    status_of,
    with_status,
)
from declarations.services.signing import declaration_sign, questions_needed
from governance.decorators import allowed_if
from governance.errors import DomainError
from governance.forms import shown_at_its_question
from governance.http import AuthenticatedRequest
from governance.models import User


def _answered_key(version: PolicyVersion, person: User) -> str:
    return f"declarations:answered:{version.pk}:{person.pk}"


def _start_url(version: PolicyVersion) -> str:
    name = "declaration_questions" if questions_needed(version) else "declaration_sign"
    return reverse(name, args=[version.pk])


@require_GET
@allowed_if(can_sign)
def declaration_home(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    me = with_status(User.objects.filter(pk=person.pk)).get()
    status = status_of(me)
    version = published_version()
    past = list(declarations_of(person))
    live = next((declaration for declaration in past if declaration.superseded_at is None), None)
    signed_published = (
        version is not None
        and live is not None
        and live.version_id == version.pk
        and status.status == Status.CURRENT
    )
    return render(
        request,
        "declarations/home.html",
        {
            "status": status,
            "version": version,
            "start_url": _start_url(version) if version else "",
            "questions": version.questions.count() if version and questions_needed(version) else 0,
            "signed_published": signed_published,
            "live": live,
            "accounts": holders().accounts_by_person([person.pk]).get(person.pk, []),
            "past": past,
        },
    )


def _not_signable(request: AuthenticatedRequest, version: PolicyVersion) -> HttpResponse | None:
    """Only the published version is signed: a draft or a retired one sends the reader back to
    their declaration page, which offers the version in force."""
    if version.state == VersionState.PUBLISHED:
        return None
    if version.state == VersionState.DRAFT:
        messages.error(request, f"{version} has not been published yet, so it cannot be signed.")
    else:
        messages.error(
            request,
            f"{version} was replaced by a later version, so it cannot be signed. Read and sign "
            "the current version.",
        )
    return redirect("declarations")


@require_http_methods(["GET", "POST"])
@allowed_if(can_sign)
def declaration_questions(request: AuthenticatedRequest, version_pk: int) -> HttpResponse:
    version = access_version(request.user, version_pk)
    if refused := _not_signable(request, version):
        return refused
    if not questions_needed(version):
        return redirect("declaration_sign", version.pk)
    form = QuestionsForm(
        request.POST if request.method == "POST" else None,
        questions=list(version.questions.all()),
    )
    if request.method == "POST" and form.is_valid():
        request.session[_answered_key(version, request.user)] = True
        return redirect("declaration_sign", version.pk)
    return render(request, "declarations/questions.html", {"version": version, "form": form})


def _opened(before: list[tuple[str, str]], after: list[tuple[str, str]]) -> list[str]:
    """The accounts whose assignment changed when the person signed: signing only ever makes
    a waiting or suspended moderator active."""
    return [name for name, state in after if (name, state) not in set(before)]


def _signed_message(version: PolicyVersion, opened: list[str]) -> str:
    said = f"You have signed the declaration for {version}."
    if not opened:
        return said
    names = opened[0] if len(opened) == 1 else ", ".join(opened[:-1]) + " and " + opened[-1]
    return f"{said} You are now an active moderator of {names}."


@require_http_methods(["GET", "POST"])
@allowed_if(can_sign)
def declaration_sign_view(request: AuthenticatedRequest, version_pk: int) -> HttpResponse:
    person = request.user
    version = access_version(person, version_pk)
    if refused := _not_signable(request, version):
        return refused
    answered = bool(request.session.get(_answered_key(version, person)))
    if questions_needed(version) and not answered:
        return redirect("declaration_questions", version.pk)
    form = SignForm(request.POST if request.method == "POST" else None, version=version)
    if request.method == "POST" and form.is_valid():
        before = holders().accounts_by_person([person.pk]).get(person.pk, [])
        try:
            declaration, created = declaration_sign(
                person=person,
                version=version,
                ticked=form.ticked(),
                typed_name=form.cleaned_data["typed_name"],
                questions_answered=answered,
            )
        except DomainError as error:
            if not shown_at_its_question(form, error):
                messages.error(request, error.message)
                return redirect("declarations")
        else:
            if created:
                after = holders().accounts_by_person([person.pk]).get(person.pk, [])
                messages.success(request, _signed_message(version, _opened(before, after)))
            else:
                messages.info(request, "You had already signed this version.")
            return redirect("declaration_receipt", declaration.pk)
    return render(
        request,
        "declarations/sign.html",
        {"version": version, "form": form, "questions_answered": answered},
    )


@require_GET
def declaration_receipt(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    declaration = access_declaration(request.user, pk)
    return render(
        request,
        "declarations/receipt.html",
        {
            "declaration": declaration,
            "verify_url": settings.SITE_URL.rstrip("/") + reverse("declaration_verify"),
            "own": declaration.person_id == request.user.pk,
        },
    )


def _receipt_link(user: User, declaration: Declaration | None) -> str:
    if declaration is None or not can_view_declaration(user, declaration):
        return ""
    return reverse("declaration_receipt", args=[declaration.pk])


@require_GET
@allowed_if(can_verify)
def declaration_verify(request: AuthenticatedRequest) -> HttpResponse:
    form = VerifyForm(request.GET if "code" in request.GET else None)
    result = verify(form.cleaned_data["code"]) if form.is_bound and form.is_valid() else None
    return render(
        request,
        "declarations/verify.html",
        {
            "form": form,
            "result": result,
            "receipt_url": _receipt_link(request.user, result.declaration if result else None),
        },
    )
