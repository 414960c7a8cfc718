"""What a hostile probe tried: odd dates, hidden characters, cached pages, tokens in addresses."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django import forms
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone

from accounts.models import Account, AccountRequest, AccountReview
from accounts.services.requests import request_submit
from governance.forms import GOVUKDateField, GOVUKForm, OneLineText
from governance.models import Preset, ServiceArea, User
from governance.services.notifications import notify
from governance.services.profile import profile_apply_preset
from tests.declaration_helpers import holds_declaration
from tests.register_helpers import make_account
from tests.requests_helpers import complete_draft

QUESTION = "When did you review the account?"


def page_of(response: Any) -> str:
    return response.content.decode()


# Dates ------------------------------------------------------------------------------------------


def date_field(*, required: bool = True) -> GOVUKDateField:
    return GOVUKDateField(label=QUESTION, required=required)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["  ", "3", "2026"], "The date must include a day"),
        (["27", " ", "2026"], "The date must include a month"),
        (["27", "3", "\t "], "The date must include a year"),
        (["\u2003", "\u2003", "2026"], "The date must include a day and a month"),
        (["2x", "3", "2026"], "The date must be a real date"),
        (["27", "March", "2026"], "The date must be a real date"),
        (["27", "3", "2O26"], "The date must be a real date"),
        (["\uff12\uff17", "3", "2026"], "The date must be a real date"),  # full-width digits
        (["-1", "3", "2026"], "The date must be a real date"),
        (["27", "3", "9" * 5000], "Enter the year in full, like 2026"),
        (["9" * 5000, "3", "2026"], "The date must be a real date"),
        (["27", "9" * 5000, "2026"], "The date must be a real date"),
        (["27", "3", "26"], "Enter the year in full, like 2026"),
        (["27", "3", "0999"], "The date must be a real date"),
        (["31", "2", "2026"], "The date must be a real date"),
        (["0", "3", "2026"], "The date must be a real date"),
        (["27", "13", "2026"], "The date must be a real date"),
    ],
)
def test_a_date_that_is_not_real_gets_a_message_naming_the_question(
    parts: list[str], message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        date_field().clean(parts)

    (said,) = refused.value.messages
    assert said.startswith(message)
    assert f"\u201c{QUESTION}\u201d" in said


@pytest.mark.parametrize("parts", [["", "", ""], [" ", "  ", "\t"], None, "27 3 2026", []])
def test_a_required_date_left_blank_asks_for_it(parts: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        date_field().clean(parts)

    assert refused.value.messages == [f"Enter the day, month and year for \u201c{QUESTION}\u201d"]


def test_an_optional_date_left_blank_or_filled_gives_none_or_a_date() -> None:
    assert date_field(required=False).clean([" ", "", "  "]) is None
    assert date_field(required=False).clean([" 7 ", "03", "2026 "]) == datetime.date(2026, 3, 7)


def test_the_error_summary_points_at_the_part_to_correct() -> None:
    class ReviewDate(GOVUKForm):
        reviewed_on = date_field()

    form = ReviewDate({"reviewed_on_0": "27", "reviewed_on_1": "x", "reviewed_on_2": "2026"})

    assert not form.is_valid()
    month = form.fields["reviewed_on"].fields[1]  # type: ignore[attr-defined]
    assert month.widget.errors == [form.errors["reviewed_on"][0]]


@pytest.fixture
def moderated(communications: User, requester: User, leisure: ServiceArea) -> Account:
    return make_account(communications, leisure, moderators=(requester,))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("  ", "3", "2026", "The date must include a day"),
        ("1", " ", "2026", "The date must include a month"),
        ("1", "3", "   ", "The date must include a year"),
        ("  ", "  ", "  ", "Enter the date of the review"),
        ("1", "3", "2" * 5000, "Enter the year in full, like 2026"),
        ("1" * 5000, "3", "2026", "The date must be a real date"),
    ],
)
def test_odd_review_dates_get_a_message_on_the_page(
    moderated: Account,
    requester: User,
    client_for: Any,
    day: str,
    month: str,
    year: str,
    message: str,
) -> None:
    response = client_for(requester).post(
        f"/register/{moderated.pk}/reviews/new/",
        {
            "reviewed_on_0": day,
            "reviewed_on_1": month,
            "reviewed_on_2": year,
            "found_inappropriate": "no",
            "outcome": "keep",
        },
    )

    assert response.status_code == 200
    assert message in page_of(response)
    assert "There is a problem" in page_of(response)
    assert not AccountReview.objects.exists()


# One line of visible text ---------------------------------------------------------------------

HIDDEN = {
    "a line break": "Leisure\r\nBcc: everyone@evil.example",
    "a new line": "Leisure\nEvents",
    "a tab": "Leisure\tEvents",
    "a bidirectional override": "Leisure \u202eemag\u202c",
    "an isolate": "Leisure \u2066Events\u2069",
    "a zero-width space": "Leisure\u200bEvents",
    "a zero-width joiner": "Leisure\u200dEvents",
    "a byte-order mark": "\ufeffLeisure",
    "a word joiner": "Leisure\u2060Events",
    "a line separator": "Leisure\u2028Events",
    "an escape": "Leisure\x1b[31mEvents",
    "a delete": "Leisure\x7fEvents",
}


def test_one_line_fields_refuse_hidden_characters_and_text_boxes_keep_line_breaks() -> None:
    class Sample(OneLineText, forms.Form):
        budget_code = forms.CharField(label="Budget code")
        why = forms.CharField(label="Why?", widget=forms.Textarea)

    for what, text in HIDDEN.items():
        form = Sample({"budget_code": text, "why": "First line\r\nSecond line"})
        assert not form.is_valid(), what
        assert form.errors == {
            "budget_code": [
                "Budget code must be on one line, with no line breaks, tabs or hidden characters"
            ]
        }, what

    fine = Sample({"budget_code": "LEI-4410 \u00e9t\u00e9 \U0001f600", "why": "One\r\nTwo"})
    assert fine.is_valid()
    assert fine.cleaned_data["why"] == "One\r\nTwo"


@pytest.mark.django_db
@pytest.mark.parametrize("what", list(HIDDEN))
def test_an_unapproved_account_name_with_hidden_characters_is_refused(
    what: str, communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    response = client_for(communications).post(
        "/register/unapproved/new/",
        {
            "platform": "other",
            "platform_other": "Mastodon",
            "name": HIDDEN[what],
            "handle": "@leisure",
            "service_area": str(leisure.pk),
            "discovered_how": "Found by a resident\r\nwho e-mailed us",
        },
    )

    assert response.status_code == 200
    assert (
        "Name of the account must be on one line, with no line breaks, tabs or hidden characters"
        in page_of(response)
    )
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_the_account_edit_form_refuses_a_licence_on_two_lines(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(communications, leisure, licence="Hootsuite")
    response = client_for(communications).post(
        f"/register/{account.pk}/edit/",
        {
            "name": account.name,
            "handle": account.handle,
            "url": account.url,
            "service_area": str(leisure.pk),
            "access_model": "shared_login",
            "credentials_location": "Keeper",
            "recovery_email": "social@council.example",
            "two_factor_method": "authenticator_app",
            "review_cadence_months": "3",
            "licence": "Hootsuite\r\nBcc: x@evil.example",
            "reason": "Tidying up\r\nafter the audit",
        },
    )

    assert response.status_code == 200
    assert "must be on one line, with no line breaks, tabs or hidden characters" in (
        page_of(response)
    )
    account.refresh_from_db()
    assert account.licence == "Hootsuite"


@pytest.mark.django_db
def test_the_request_form_refuses_a_name_with_a_hidden_override(
    requester: User, colleague: User, head_of_service: User, leisure: Any, client_for: Any
) -> None:
    response = client_for(requester).post(
        "/requests/new/",
        {
            "platform": "x",
            "proposed_name": "Leisure \u202eEvents",
            "proposed_handle": "@LeisureEvents",
            "service_area": str(leisure.pk),
            "purpose_audience": "Events news\r\nfor families",
            "save": "",
        },
    )

    assert response.status_code == 200
    assert (
        "Name of the account must be on one line, with no line breaks, tabs or hidden characters"
        in page_of(response)
    )
    assert not AccountRequest.objects.filter(proposed_name__contains="\u202e").exists()


@pytest.mark.django_db
def test_a_line_break_in_a_subject_does_not_stop_the_email(
    line_manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(
            recipients=[line_manager],
            key="account:1:named",
            subject="Leisure\r\nBcc: everyone@evil.example needs a review",
            body="Body",
        )

    (message,) = mail.outbox
    assert message.subject == (
        "[Social media governance] Leisure Bcc: everyone@evil.example needs a review"
    )
    assert "Bcc" not in message.message().keys()  # noqa: SIM118 - a Message, not a dict


# Web addresses ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        "ftp://files.example.com/leisure",
        "javascript:alert(document.cookie)",
        "javascript://x.com/%0Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
    ],
)
def test_only_http_and_https_are_web_addresses(
    address: str, communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    response = client_for(communications).post(
        "/register/unapproved/new/",
        {
            "platform": "x",
            "name": "Leisure",
            "handle": "@leisure",
            "url": address,
            "service_area": str(leisure.pk),
            "discovered_how": "Monitoring",
        },
    )

    assert response.status_code == 200
    page = page_of(response)
    assert (
        "Enter a web address that starts with https:// or http://" in page
        or "Enter the web address in the correct format" in page
    )
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_an_ftp_address_is_told_what_a_web_address_starts_with(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(communications, leisure)
    response = client_for(communications).post(
        f"/register/{account.pk}/edit/",
        {
            "name": account.name,
            "handle": account.handle,
            "url": "ftp://x.com/leisure",
            "service_area": str(leisure.pk),
            "access_model": "shared_login",
            "credentials_location": "Keeper",
            "recovery_email": "social@council.example",
            "two_factor_method": "authenticator_app",
            "review_cadence_months": "3",
            "reason": "New address",
        },
    )

    assert "Enter a web address that starts with https:// or http://, like" in page_of(response)
    account.refresh_from_db()
    assert account.url.startswith("https://")


# Nothing personal kept in a cache -------------------------------------------------------------


def assert_not_stored(response: Any) -> None:
    assert "no-store" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


@pytest.mark.django_db
def test_signed_in_pages_and_exports_are_not_kept_by_the_browser(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    make_account(communications, leisure)
    client = client_for(communications)

    assert_not_stored(client.get("/"))
    assert_not_stored(client.get("/register/"))
    export = client.get("/register/export.csv")
    assert export["Content-Disposition"].startswith("attachment")
    assert_not_stored(export)
    assert_not_stored(client.get("/register/export.xlsx"))
    assert_not_stored(client.get("/no-such-page/"))


@pytest.mark.django_db
def test_evidence_downloads_are_not_kept_by_the_browser(
    administrator: User,
    requester: User,
    colleague: User,
    line_manager: User,
    head_of_service: User,
    communications: User,
    client_for: Any,
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    holds_declaration(requester)  # Derby asks for it before a request is sent (REQ-2)
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))

    response = client_for(line_manager).get(f"/requests/{request.pk}/evidence/")

    assert response.status_code == 200
    assert_not_stored(response)


@pytest.mark.django_db
def test_public_pages_and_static_files_keep_their_own_cache_headers(
    settings: Any, communications: User, client_for: Any
) -> None:
    (settings.STATIC_ROOT / "portal-test.css").write_text("body { color: black }")

    public = Client().get("/accessibility/")
    static = client_for(communications).get("/static/portal-test.css")

    assert public.status_code == 200
    assert "no-store" not in public.get("Cache-Control", "")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


# The register's filter form -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_register_filters_put_no_csrf_token_in_the_address(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    make_account(communications, leisure, name="Leisure Events")

    page = page_of(client_for(communications).get("/register/?q=Leisure&status=open"))

    (filters,) = re.findall(r'<form method="get".*?</form>', page, flags=re.DOTALL)
    assert 'name="q"' in filters
    assert "csrfmiddlewaretoken" not in filters
    exports = re.findall(r'href="(/register/export\.(?:csv|xlsx)\?[^"]*)"', page)
    assert len(exports) == 2
    for link in exports:
        assert "q=Leisure" in link
        assert "csrf" not in link


# Error pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_debug_on_a_missing_page_is_the_portals_own(
    settings: Any, communications: User, client_for: Any
) -> None:
    settings.DEBUG = True
    client = client_for(communications)

    for address in ("/no-such-page/", "/register/999999/"):
        response = client.get(address)
        assert response.status_code == 404
        page = page_of(response)
        assert '<h1 class="govuk-heading-xl">Page not found</h1>' in page, address
        assert "URLconf" not in page, address
        assert "Raised by" not in page, address


@pytest.mark.django_db
def test_a_developer_can_ask_for_the_technical_404_page(
    settings: Any, communications: User, client_for: Any
) -> None:
    settings.DEBUG = True
    settings.TECHNICAL_404 = True

    response = client_for(communications).get("/no-such-page/")

    assert response.status_code == 404
    assert "URLconf" in page_of(response)


# Dates on pages -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_home_page_writes_a_due_date_in_full(
    communications: User, requester: User, leisure: ServiceArea, client_for: Any
) -> None:
    due = timezone.localdate() + datetime.timedelta(days=9)
    make_account(communications, leisure, moderators=(requester,), next_review_due=due)

    home = page_of(client_for(requester).get("/"))
    register = page_of(client_for(communications).get("/register/"))

    written = f"{due.day} {due:%B %Y}"
    assert f"Due {written}" in home
    assert written in register
    short = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")
    assert not short.search(home)
    assert not short.search(register)


# Staff feed ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_staff_feed_with_hidden_characters_in_a_name_is_refused_at_its_line() -> None:
    from governance.services.staff_import import ImportRejected, import_staff

    feed = (
        "employee_number,email,full_name,job_title,service_area_code,service_area_name\n"
        "E1,one@council.example,Helen Brooks,Head,leisure,Leisure\n"
        "E2,two@council.example,Sam\u202eOkafor,Manager,leisure,\n"
        "E3,three@council.example,Riya Patel,Events\tOfficer,leisure,\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_staff(data=feed.encode(), filename="staff.csv", actor=None)

    assert [(problem.line, problem.message) for problem in caught.value.problems] == [
        (3, "The full name has a tab or a hidden character in it. Retype it in the file."),
        (4, "The job title has a tab or a hidden character in it. Retype it in the file."),
    ]


@pytest.mark.django_db
def test_an_old_bookmark_with_a_csrf_token_does_not_pass_it_to_the_export_links(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    make_account(communications, leisure, name="Leisure Events")

    page = page_of(
        client_for(communications).get("/register/?q=Leisure&csrfmiddlewaretoken=abc123")
    )

    exports = re.findall(r'href="(/register/export\.(?:csv|xlsx)\?[^"]*)"', page)
    assert len(exports) == 2
    assert not any("abc123" in link for link in exports)


# Plain-English limits and choices everywhere -----------------------------------------------------


@pytest.mark.django_db
def test_the_policy_profile_reason_stops_at_5000_characters(
    administrator: User, client_for: Any
) -> None:
    from governance.models import PolicyProfile
    from governance.services.profile import profile_get

    profile_get()
    form = {
        "require_head_of_service_approval": "on",
        "approval_reminder_days": "6",
        "declaration_interval_months": "12",
        "declaration_reminder_days": "30, 7, 1",
        "reacknowledgement_grace_days": "30",
        "obligations_digest_months": "3",
        "ask_declaration_questions": "on",
        "policy_review_reminder_days": "30",
        "review_cadence_months": "3",
        "review_reminder_days": "14",
        "review_escalation_days": "14",
        "credential_task_days": "5",
        "lost_device_task_days": "1",
        "credential_escalation_days": "2",
        "recovery_plan_test_months": "12",
        "public_block_days": "7",
        "breach_retention_years": "6",
        "reason": "R" * 10_000,
    }

    page = page_of(client_for(administrator).post("/policy-profile/edit/", form))

    assert "must be 5,000 characters or fewer" in page
    assert page.count('<li><a href="#id_') == 1  # the reason is the only problem
    assert PolicyProfile.objects.get().approval_reminder_days == 5


@pytest.mark.django_db
def test_too_long_and_unknown_answers_get_govuk_messages_not_djangos(
    requester: User, client_for: Any
) -> None:
    page = page_of(
        client_for(requester).post(
            "/requests/new/", {"proposed_name": "N" * 10_000, "platform": "carrier-pigeon"}
        )
    )

    assert "must be 150 characters or fewer" in page
    assert "select one of the options shown" in page
    assert "Ensure this value" not in page
    assert "Select a valid choice" not in page
    assert "carrier-pigeon is not one of" not in page
