"""Every URL of the project, tried as every member of the cast.

The matrix below declares what each person gets from each page. A URL added to the project
without a row here fails ``test_every_url_has_an_expectation_for_every_role``, so no page can
ship without somebody deciding who may open it. Anyone who may not see a page gets 404, and
anonymous visitors get the sign-in page except on the allow-list.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import AccessModel
from accounts.services.requests import request_submit
from breaches.concerns import concern_raise
from governance.models import StaffImport, User
from moderation.models import AbuseCategory, DeviceKind, DeviceLoss, IncidentKind, StepKind
from moderation.services.abuse import case_close, case_open, case_step_record
from moderation.services.assignments import assignment_end
from moderation.services.devices import device_report_submit
from moderation.services.incidents import incident_report
from tests.conftest import CAST
from tests.declaration_helpers import add_question, publish, sign
from tests.declaration_helpers import draft as draft_policy
from tests.register_helpers import make_account
from tests.requests_helpers import complete_draft
from tests.urlwalk import Route, routes

SIGNED_IN = tuple(role for role in CAST if role != "anonymous")
SIGN_IN = "sign-in"  # 302 to /auth/login/
OK = "200"
NOT_FOUND = "404"

Expectation = dict[str, str]


def everyone(outcome: str = OK, *, anonymous: str = SIGN_IN) -> Expectation:
    return {**dict.fromkeys(SIGNED_IN, outcome), "anonymous": anonymous}


def only(*roles: str, outcome: str = OK) -> Expectation:
    allowed = dict.fromkeys(roles, outcome)
    return {role: allowed.get(role, NOT_FOUND) for role in SIGNED_IN} | {"anonymous": SIGN_IN}


def mfa_users(outcome: str, others: str) -> Expectation:
    with_mfa = {"communications", "hr", "administrator"}
    return {role: outcome if role in with_mfa else others for role in SIGNED_IN} | {
        "anonymous": SIGN_IN
    }


ORGANISATION_READERS = ("communications", "hr", "auditor", "administrator")
# The compliance statement's readers (AUD-1); administrators also read the clause map, before
# they change the policy profile.
STATEMENT_READERS = ("communications", "auditor", "policy_owner")

# Anonymous visitors may open only these without signing in.
PUBLIC = {
    "accessibility",
    "healthz",
    "account_login",
    "account_signup",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "socialaccount_login_cancelled",
    "mfa_authenticate",
    "account_confirm_login_code",
    "account_logout",
    "socialaccount_signup",
    # the public register of official accounts (issue 11)
    "official_accounts",
    "official_check",
    "official_report",
    "official_report_sent",
    "official_open_data",
    "official_open_data_csv",
    "official_open_data_json",
}

MATRIX: dict[str, Expectation] = {
    # governance
    "home": everyone(),
    "notifications": everyone(),
    "accessibility": everyone(anonymous=OK),
    "healthz": everyone(anonymous=OK),
    "organisation": only(*ORGANISATION_READERS),
    "service_area": only(*ORGANISATION_READERS),
    "staff_import": only("administrator"),
    "staff_import_detail": only(*ORGANISATION_READERS),
    "policy_profile": only(*ORGANISATION_READERS, "policy_owner", "legal"),
    "policy_profile_preset": only("administrator"),
    "policy_profile_edit": only("administrator"),
    "event_checkpoint": only("communications", "auditor"),
    "event_checkpoint_download": only("communications", "auditor"),
    # account requests: a request sent by the requester, waiting for the Head of Service;
    # edit and check are tried on the requester's draft
    "request_list": everyone(),
    "request_new": everyone(),
    "request_detail": only("requester", "head_of_service", "communications", "auditor"),
    "request_edit": only("requester"),
    "request_check": only("requester"),
    "request_decide": only(
        "head_of_service",
        outcome=OK,
    )
    | dict.fromkeys(("requester", "communications", "auditor"), "302:/requests/"),
    "request_withdraw": only("requester"),
    "request_evidence": only("requester", "head_of_service", "communications", "auditor"),
    # the register: an active account the requester moderates
    "register": only("requester", "communications", "auditor"),
    "register_export_csv": only("communications", "auditor"),
    "register_export_xlsx": only("communications", "auditor"),
    "register_dashboard": only("communications", "auditor", "head_of_service"),
    "unapproved_new": only("communications"),
    "register_account": only("requester", "communications", "auditor"),
    "register_account_edit": only("communications"),
    "register_account_status": only("communications"),
    "review_new": only("requester"),
    # moderators and credentials: the requester actively moderates the account and a second,
    # individual-roles account where a colleague's role is to be removed; the requester
    # reported a lost device that could open nothing (so Communications can close it)
    "assignment_new": only("communications", "line_manager"),
    "assignment_end": only("communications", "line_manager"),
    "password_change_new": only("requester", "communications"),
    "compromise_report": only("requester", "communications"),
    "credential_tasks": everyone(),
    "credential_task": only("requester", "communications", "auditor"),
    "credential_task_done": only("requester", "communications")
    | {"auditor": "302:/credential-tasks/"},
    "credential_task_cancel": only("communications")
    | dict.fromkeys(("requester", "auditor"), "302:/credential-tasks/"),
    "lost_device": everyone(),
    "lost_device_accounts": everyone("302:/devices/lost/"),
    "lost_device_check": everyone("302:/devices/lost/"),
    "device_reports": everyone(),
    "device_report": only("requester", "line_manager", "communications", "auditor"),
    "device_report_close": only("communications"),
    # declarations: the requester signed the published version, which asks a question before
    # signing; the Policy owner's next version is a draft with a question of its own
    "declarations": everyone(),
    "declaration_verify": everyone(),
    "declaration_questions": everyone(),
    "declaration_sign": everyone("302:/declarations/versions/"),  # the questions come first
    "declaration_receipt": only("requester", "communications", "auditor"),
    "declaration_compliance": only("communications", "auditor"),
    "declaration_compliance_export": only("communications", "auditor"),
    "policy_versions": everyone(),
    "policy_version_new": only("policy_owner"),
    "policy_version": only("policy_owner"),  # the draft; a published version is everyone's
    "policy_version_edit": only("policy_owner"),
    "policy_version_publish": only("policy_owner"),
    "policy_question_new": only("policy_owner"),
    "policy_question_edit": only("policy_owner"),
    "policy_question_delete": only("policy_owner"),
    # incidents: the requester reported a compromised account they moderate, with a
    # screenshot; the requester's line manager was told. Auditors read every incident, to follow
    # the compliance statement's figures (AUD-1), and make no move.
    "incidents": everyone(),
    "incident_new": everyone(),
    "incident": only("requester", "line_manager", "communications", "hr", "auditor"),
    "incident_account": only("communications"),
    "incident_evidence": only("communications"),
    "incident_close": only("communications"),
    # public abuse cases: an open case with a screenshot on which Legal was consulted; reopen
    # is tried on a closed case. Evidence is the open case's screenshot, never an auditor's.
    "abuse_cases": only("communications", "legal", "hr", "auditor"),
    "abuse_case_new": only("communications"),
    "abuse_case": only("communications", "legal", "hr", "auditor"),
    "abuse_case_step": only("communications"),
    "abuse_case_advice": only("legal"),
    "abuse_case_close": only("communications"),
    "abuse_case_reopen": only("communications"),
    "evidence_file": only("communications", "legal", "hr"),
    # breach records: the line manager raised a concern about the requester; HR alone reads
    # it, administrators included get 404 (HR-2)
    "breaches": only("hr"),
    "breach_new": only("hr"),
    "breach": only("hr"),
    "breach_edit": only("hr"),
    "breach_close": only("hr"),
    "breach_move": only("hr", outcome="405"),
    "breach_people": only("hr"),
    "breach_person": only("hr"),
    "breach_reads": only("hr"),
    "concern_new": only("line_manager", "head_of_service", "communications"),
    "concern_received": only("line_manager", "head_of_service", "communications"),
    # the compliance statement (issue 11): its figures, their CSV and the clause map
    "compliance": only(*STATEMENT_READERS),
    "compliance_csv": only(*STATEMENT_READERS),
    "compliance_clauses": only(*STATEMENT_READERS, "administrator"),
    # the public register of official accounts: no sign-in, the same for everyone. The check
    # is tried with an address, and the report as its empty form.
    "official_accounts": everyone(anonymous=OK),
    "official_check": everyone(anonymous=OK),
    "official_report": everyone(anonymous=OK),
    "official_report_sent": everyone(anonymous=OK),
    "official_open_data": everyone(anonymous=OK),
    "official_open_data_csv": everyone(anonymous=OK),
    "official_open_data_json": everyone(anonymous=OK),
    # django-allauth
    "account_email": everyone(),
    "account_login": everyone("302:/", anonymous=OK),
    "account_logout": everyone(OK, anonymous="302:/auth/login/"),
    "account_inactive": everyone(anonymous=OK),
    "account_signup": everyone("302:/", anonymous=OK),
    "account_reauthenticate": everyone(),
    "account_email_verification_sent": everyone(anonymous=OK),
    "account_change_password": everyone(),
    "account_set_password": everyone("302:/auth/password/change/"),
    "account_reset_password": everyone(anonymous=OK),
    "account_confirm_login_code": everyone("302:/", anonymous="302:/auth/login/"),
    "account_confirm_email": everyone(anonymous=OK),
    "account_reset_password_from_key_done": everyone(anonymous=OK),
    "account_reset_password_from_key": everyone(anonymous=OK),
    "account_reset_password_done": everyone(anonymous=OK),
    "mfa_index": everyone(),
    "mfa_authenticate": everyone("302:/", anonymous="302:/auth/login/"),
    "mfa_reauthenticate": mfa_users(OK, "302:/auth/reauthenticate/"),
    "mfa_activate_totp": everyone("302:/auth/reauthenticate/"),
    "mfa_deactivate_totp": mfa_users("302:/auth/reauthenticate/", NOT_FOUND),
    "mfa_view_recovery_codes": everyone(NOT_FOUND),
    "mfa_generate_recovery_codes": everyone("302:/auth/reauthenticate/"),
    "mfa_download_recovery_codes": everyone(NOT_FOUND),
    "socialaccount_login_cancelled": everyone(anonymous=OK),
    "socialaccount_login_error": everyone("401"),
    "socialaccount_signup": everyone("302:/auth/login/", anonymous="302:/auth/login/"),
    "socialaccount_connections": everyone(),
    "auth/social/login/cancelled/": everyone("301"),
    "auth/social/login/error/": everyone("301"),
    "auth/social/signup/": everyone("301"),
    "auth/social/connections/": everyone("301"),
}


def is_admin_route(route: Route) -> bool:
    return route.name.startswith("admin:") or route.pattern.startswith("admin/")


# Which object each page is tried on, where the default one is not the right kind.
ROUTE_OBJECTS = {
    "staff_import_detail": {"pk": "staff_import"},
    "register_account": {"pk": "account"},
    "register_account_edit": {"pk": "account"},
    "register_account_status": {"pk": "account"},
    "review_new": {"pk": "account"},
    "request_edit": {"pk": "draft"},
    "request_check": {"pk": "draft"},
    "assignment_new": {"account_pk": "account"},
    "assignment_end": {"pk": "assignment"},
    "password_change_new": {"account_pk": "account"},
    "compromise_report": {"account_pk": "account"},
    "credential_task": {"pk": "task"},
    "credential_task_done": {"pk": "task"},
    "credential_task_cancel": {"pk": "task"},
    "device_report": {"pk": "report"},
    "device_report_close": {"pk": "report"},
    "declaration_questions": {"version_pk": "policy"},
    "declaration_sign": {"version_pk": "policy"},
    "declaration_receipt": {"pk": "declaration"},
    "policy_version": {"pk": "policy_draft"},
    "policy_version_edit": {"pk": "policy_draft"},
    "policy_version_publish": {"pk": "policy_draft"},
    "policy_question_new": {"pk": "policy_draft"},
    "policy_question_edit": {"pk": "policy_draft", "question_pk": "question"},
    "policy_question_delete": {"pk": "policy_draft", "question_pk": "question"},
    "incident": {"pk": "incident"},
    "incident_account": {"pk": "incident"},
    "incident_evidence": {"pk": "incident"},
    "incident_close": {"pk": "incident"},
    "abuse_case": {"pk": "case"},
    "abuse_case_step": {"pk": "case"},
    "abuse_case_advice": {"pk": "case"},
    "abuse_case_close": {"pk": "case"},
    "abuse_case_reopen": {"pk": "closed_case"},
    "evidence_file": {"pk": "evidence"},
    "breach": {"pk": "breach"},
    "breach_edit": {"pk": "breach"},
    "breach_close": {"pk": "breach"},
    "breach_move": {"pk": "breach"},
    "breach_person": {"pk": "person"},
}


# What each page's address asks, where the page needs a question to answer.
ROUTE_QUERIES = {"official_check": {"address": "account_address"}}


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "purple").save(out, "PNG")
    return SimpleUploadedFile("screenshot.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def url_arguments(
    administrator: User,
    requester: User,
    colleague: User,
    line_manager: User,
    communications: User,
    policy_owner: User,
) -> dict[str, str]:
    record = StaffImport.objects.create(filename="hr.csv", sha256="0" * 64)
    policy = publish(policy_owner, version="1.0", questions=True)
    declaration = sign(requester, policy)
    policy_draft = draft_policy(policy_owner, version="2.0")
    add_question(policy_owner, policy_draft)
    sent = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    draft = complete_draft(requester, [colleague])
    assert requester.service_area is not None
    account = make_account(communications, requester.service_area, moderators=(requester,))
    roles_account = make_account(
        communications,
        requester.service_area,
        access_model=AccessModel.INDIVIDUAL_ROLES,
        moderators=(requester, colleague),
    )
    ended = assignment_end(
        assignment=roles_account.assignments.get(person=colleague),
        actor=communications,
        reason="Moved team",
        now=timezone.now(),
    )
    report, _ = device_report_submit(
        reporter=requester,
        device_kind=DeviceKind.TABLET,
        device_description="",
        loss=DeviceLoss.LOST,
        lost_on=timezone.localdate(),
        account_ids=[],
        held_second_factor=False,
        held_recovery_phone=False,
    )
    incident, _ = incident_report(
        reporter=requester,
        kind=IncidentKind.COMPROMISED_ACCOUNT,
        happened_on=timezone.localdate(),
        what_happened="Posts we did not write appeared overnight.",
        account=account,
        evidence=png(),
    )
    case, _ = case_open(
        actor=communications,
        account=account,
        author_handle="@someone",
        post_url="https://x.example/someone/1",
        categories=[AbuseCategory.ABUSIVE],
    )
    case_step_record(
        actor=communications,
        case=case,
        kind=StepKind.SCREENSHOT,
        happened_on=timezone.localdate(),
        screenshot=png(),
    )
    case_step_record(
        actor=communications,
        case=case,
        kind=StepKind.LEGAL_CONSULTED,
        happened_on=timezone.localdate(),
    )
    closed_case, _ = case_open(
        actor=communications,
        account=account,
        author_handle="@another",
        post_url="https://x.example/another/1",
        categories=[AbuseCategory.SPAM],
    )
    case_close(actor=communications, case=closed_case, outcome="Removed as spam.")
    concern = concern_raise(
        raiser=line_manager, person=requester, what_happened="Shared a login in a group chat."
    )
    return {
        "incident": str(incident.pk),
        "case": str(case.pk),
        "closed_case": str(closed_case.pk),
        "evidence": str(case.evidence.get().pk),
        "breach": str(concern.pk),
        "person": str(requester.pk),
        "account": str(account.pk),
        "account_address": account.url,
        "assignment": str(account.assignments.get(person=requester).pk),
        "task": str(ended.tasks.get().pk),
        "report": str(report.pk),
        "staff_import": str(record.pk),
        "draft": str(draft.pk),
        "policy": str(policy.pk),
        "policy_draft": str(policy_draft.pk),
        "question": str(policy_draft.questions.get().pk),
        "declaration": str(declaration.pk),
        "fmt": "csv",
        "code": "leisure",
        "pk": str(sent.pk),
        "key": "not-a-real-key",
        "uidb36": "1",
        "object_id": str(administrator.pk),
        "app_label": "governance",
        "content_type_id": "1",
        "url": "no-such-page",
        "history_id": "1",
        "id": str(administrator.pk),
    }


def url_for(route: Route, arguments: dict[str, str]) -> str:
    objects = ROUTE_OBJECTS.get(route.name, {})
    kwargs = {name: arguments[objects.get(name, name)] for name in route.params}
    if route.name.startswith(("auth/", "admin/")):
        # Unnamed redirect routes: fill the pattern in by hand.
        path = route.pattern
        for name, value in kwargs.items():
            path = path.replace(f"<path:{name}>", value)
        return "/" + path
    if route.positional:
        ids = [arguments["object_id"], arguments["history_id"]][: route.positional]
        return reverse(route.name, args=ids)
    asked = {name: arguments[key] for name, key in ROUTE_QUERIES.get(route.name, {}).items()}
    return reverse(route.name, kwargs=kwargs) + (f"?{urlencode(asked)}" if asked else "")


def check(response: Any, outcome: str) -> None:
    location = response.get("Location", "")
    if outcome == SIGN_IN:
        assert response.status_code == 302, response.status_code
        assert location.startswith(("/auth/login/", "/admin/login/")), location
    elif outcome.startswith("302:"):
        assert response.status_code == 302, response.status_code
        assert location.startswith(outcome[4:]), location
    else:
        assert response.status_code == int(outcome), response.status_code


def project_routes() -> list[Route]:
    return [route for route in routes() if not is_admin_route(route)]


def test_every_url_has_an_expectation_for_every_role() -> None:
    missing = [route.name for route in project_routes() if route.name not in MATRIX]
    incomplete = [name for name, expected in MATRIX.items() if set(expected) != set(CAST)]
    stale = sorted(set(MATRIX) - {route.name for route in project_routes()})

    assert missing == [], f"URLs with no expectations: {missing}"
    assert incomplete == [], f"Expectations missing a role: {incomplete}"
    assert stale == [], f"Expectations for URLs that no longer exist: {stale}"


def test_anonymous_visitors_reach_only_the_allow_list() -> None:
    open_to_anonymous = {
        name
        for name, expected in MATRIX.items()
        if expected["anonymous"] != SIGN_IN and not name.startswith("auth/")
    }

    assert open_to_anonymous <= PUBLIC


@pytest.mark.django_db
@pytest.mark.parametrize("role", CAST)
def test_every_page_answers_each_role_as_declared(
    role: str,
    cast: dict[str, User | None],
    client_for: Callable[[User | None], Client],
    url_arguments: dict[str, str],
) -> None:
    client = client_for(cast[role])
    failures = []
    for route in project_routes():
        url = url_for(route, url_arguments)
        try:
            check(client.get(url), MATRIX[route.name][role])
        except AssertionError as error:
            failures.append(f"{route.name} {url}: expected {MATRIX[route.name][role]}, {error}")

    assert failures == [], "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("role", CAST)
def test_the_admin_site_is_for_administrators_only(
    role: str,
    cast: dict[str, User | None],
    client_for: Callable[[User | None], Client],
    url_arguments: dict[str, str],
) -> None:
    client = client_for(cast[role])
    failures = []
    for route in routes():
        if not is_admin_route(route) or route.name in {"admin:login", "admin:logout"}:
            continue
        url = url_for(route, url_arguments)
        response = client.get(url)
        if role == "anonymous":
            outcome = SIGN_IN
        elif role == "administrator":
            # Django's own rules apply inside: read-only models refuse add and delete (403),
            # missing objects answer 404. Whatever it is, it is never a server error.
            if response.status_code >= 500:
                failures.append(f"{route.name} {url}: server error {response.status_code}")
            continue
        else:
            outcome = NOT_FOUND
        try:
            check(response, outcome)
        except AssertionError as error:
            failures.append(f"{route.name} {url}: expected {outcome}, {error}")

    assert failures == [], "\n".join(failures)


@pytest.mark.django_db
def test_administrator_sees_the_admin_index_and_their_own_record(
    administrator: User, client_for: Callable[[User | None], Client]
) -> None:
    client = client_for(administrator)

    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/governance/user/{administrator.pk}/change/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", CAST)
def test_a_published_or_retired_version_is_read_by_everyone_signed_in(
    role: str,
    cast: dict[str, User | None],
    client_for: Callable[[User | None], Client],
    policy_owner: User,
) -> None:
    retired = publish(policy_owner, version="1.0")
    published = publish(policy_owner, version="2.0")
    client = client_for(cast[role])

    for version in (retired, published):
        response = client.get(reverse("policy_version", args=[version.pk]))
        check(response, SIGN_IN if role == "anonymous" else OK)
