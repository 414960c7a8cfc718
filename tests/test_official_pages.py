# ruff: noqa: RUF001, RUF003 - full-width and lookalike letters are what residents paste
"""The public register of official accounts through its pages, as an anonymous visitor (issue
11): the list, "Is this an official account?", the report of an account pretending to be the
council's, and the open data, with their cache headers, ETags and rate limits. A sentinel in
every field that is not published never reaches any of them."""

from __future__ import annotations

import csv
import datetime
import hashlib
import html
import io
import json
import re
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.models import Account, AccountReview, AccountStatus, Platform
from accounts.services.register import account_change_status, account_record_unapproved
from governance.errors import DomainError
from governance.models import ServiceArea, User
from moderation.models import Evidence, Incident, IncidentKind
from moderation.services.impersonation import impersonation_report
from tests.conftest import make_person
from tests.register_helpers import make_account

LONDON = ZoneInfo("Europe/London")
OPENED = datetime.datetime(2024, 5, 14, 10, 0, tzinfo=LONDON)
CLOSED = datetime.datetime(2026, 2, 3, 16, 0, tzinfo=LONDON)
SENTINEL = "zqxsentinel"
PUBLIC_PAGES = [
    "/official-accounts/",
    "/official-accounts/?page=2",
    "/official-accounts/check/",
    "/official-accounts/check/?address=%40DemoLeisure",
    "/official-accounts/report/",
    "/official-accounts/report/?address=%40DemoLeisure",
    "/official-accounts/report/sent/",
    "/official-accounts/open-data/",
    "/official-accounts/accounts.csv",
    "/official-accounts/accounts.json",
]


def page_of(response: Any) -> str:
    return html.unescape(response.content.decode())


def text_of(response: Any) -> str:
    """The words of the page's main content, without markup or runs of spaces."""
    main = page_of(response).split('id="main-content"', 1)[-1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def error_summary(response: Any) -> list[str]:
    page = page_of(response)
    assert "There is a problem" in page
    summary = page.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return [
        re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<a [^>]*>([^<]+)</a>", summary)
    ]


def error_at(response: Any, field: str) -> str:
    found = re.search(
        rf'<p id="id_{field}-error" class="govuk-error-message">(.*?)</p>', page_of(response), re.S
    )
    assert found is not None, f"no error at {field}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).replace("Error:", "").strip()


def check(client: Client, address: str) -> Any:
    return client.get("/official-accounts/check/", {"address": address})


def png(name: str = "screenshot.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "purple").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def register(communications: User, leisure: ServiceArea, housing: ServiceArea) -> dict[str, Any]:
    """Two official accounts, one closed, and the register's other accounts, none of them
    published: internal, suspended, being set up and unapproved."""
    leisure_x = make_account(
        communications,
        leisure,
        name="Demo Leisure",
        handle="@DemoLeisure",
        url="https://x.com/DemoLeisure",
        published=True,
        now=OPENED,
    )
    libraries = make_account(
        communications,
        housing,
        platform=Platform.FACEBOOK,
        name="Demo Libraries",
        handle="DemoLibraries",
        url="https://www.facebook.com/DemoLibraries",
        published=True,
        now=OPENED,
    )
    events = make_account(
        communications,
        leisure,
        name="Demo Events",
        handle="@DemoEvents",
        url="https://x.com/DemoEvents",
        published=True,
        now=OPENED,
    )
    events = account_change_status(
        actor=communications, account=events, action="close", reason="Merged", now=CLOSED
    )
    return {"leisure": leisure_x, "libraries": libraries, "events": events}


@pytest.fixture
def hidden(communications: User, leisure: ServiceArea, register: dict[str, Any]) -> list[str]:
    """A sentinel in every field the public register does not publish, and in every account it
    does not publish. Returns the addresses a resident might ask about."""
    officer = make_person(f"officer-{SENTINEL}@council.example", f"Olive {SENTINEL}")
    moderator = make_person(f"moderator-{SENTINEL}@council.example", f"Mo {SENTINEL}")
    secrets = {
        "platform_other": SENTINEL,
        "credentials_location": f"Vault {SENTINEL}",
        "recovery_email": f"{SENTINEL}@council.example",
        "recovery_phone": f"0700 {SENTINEL}",
        "licence": f"Licence {SENTINEL}",
        "discovered_how": f"Found {SENTINEL}",
        "responsible_officer": officer,
    }
    published = register["leisure"]
    for name, value in secrets.items():
        setattr(published, name, value)
    published.save()
    make_account(communications, leisure, name="Moderated", published=True, moderators=(moderator,))
    AccountReview.objects.create(
        account=published,
        reviewer=communications,
        reviewed_on=datetime.date(2026, 1, 5),
        found_inappropriate=False,
        notes=f"Notes {SENTINEL}",
        outcome="keep",
    )
    make_account(
        communications, leisure, name=f"Internal {SENTINEL}", handle=f"@{SENTINEL}internal"
    )
    suspended = make_account(
        communications,
        leisure,
        name=f"Suspended {SENTINEL}",
        handle=f"@{SENTINEL}suspended",
        published=True,
    )
    account_change_status(
        actor=communications, account=suspended, action="suspend", reason="Hacked"
    )
    make_account(
        communications,
        leisure,
        name=f"Being set up {SENTINEL}",
        handle=f"@{SENTINEL}setup",
        published=True,
        status=AccountStatus.BEING_SET_UP,
    )
    found = account_record_unapproved(
        actor=communications,
        values={
            "platform": "x",
            "platform_other": "",
            "name": f"Unapproved {SENTINEL}",
            "handle": f"@{SENTINEL}unapproved",
            "url": "",
            "service_area": leisure,
            "responsible_officer": None,
        },
        discovered_how=f"Monitoring {SENTINEL}",
    )
    Account.objects.filter(pk=found.pk).update(published=True)
    return [
        f"@{SENTINEL}internal",
        f"@{SENTINEL}suspended",
        f"https://x.com/{SENTINEL}setup",
        f"@{SENTINEL}unapproved",
    ]


# ---------------------------------------------------------------------------------------------
# No sign-in, nothing personal


@pytest.mark.django_db
@pytest.mark.parametrize("address", PUBLIC_PAGES)
def test_an_anonymous_visitor_opens_every_public_page_without_signing_in(
    address: str, register: dict[str, Any]
) -> None:
    response = Client().get(address)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Sign out" not in body
    assert "/auth/login" not in body


@pytest.mark.django_db
def test_the_list_is_the_same_for_a_member_of_staff_as_for_anyone(
    register: dict[str, Any], communications: User, client_for: Any
) -> None:
    anonymous = Client().get("/official-accounts/")
    cache.clear()  # the page is kept rendered: render it again for the member of staff
    staff = client_for(communications).get("/official-accounts/")

    assert staff.content == anonymous.content
    assert communications.full_name not in page_of(staff)


@pytest.mark.django_db
def test_nothing_that_is_not_published_reaches_a_public_page_or_the_open_data(
    hidden: list[str],
) -> None:
    client = Client()
    responses = [client.get(address) for address in PUBLIC_PAGES]
    responses += [
        check(client, address)
        for address in ("@DemoLeisure", "https://x.com/DemoEvents", "@Dem0Leisure", "@nobody")
    ]
    for response in responses:
        assert response.status_code == 200
        assert SENTINEL not in page_of(response).lower(), response.wsgi_request.get_full_path()

    for address in hidden:
        response = check(client, address)
        assert "We cannot find this account on our list of official accounts" in text_of(response)
        # The address asked about is said back, and goes into the report link; nothing else.
        said = page_of(response).replace(address, "").replace(quote(address, safe=""), "")
        assert SENTINEL not in said.lower()


# ---------------------------------------------------------------------------------------------
# The list


@pytest.mark.django_db
def test_the_list_shows_each_official_account_and_the_closed_ones(
    register: dict[str, Any], settings: Any
) -> None:
    response = Client().get("/official-accounts/")

    words = text_of(response)
    assert f"Official social media accounts of {settings.COUNCIL_NAME}" in words
    assert (
        "X (Twitter) Demo Leisure @DemoLeisure https://x.com/DemoLeisure Leisure and Culture "
        "14 May 2024" in words
    )
    assert (
        "Facebook Demo Libraries DemoLibraries https://www.facebook.com/DemoLibraries Housing "
        "14 May 2024" in words
    )
    page = page_of(response)
    assert (
        '<a class="govuk-link" href="https://x.com/DemoLeisure" rel="nofollow noopener '
        'noreferrer">https://x.com/DemoLeisure</a>' in page
    )
    official, closed = words.split("Accounts we have closed", 1)
    assert "Demo Events" not in official
    assert "X (Twitter) Demo Events @DemoEvents 3 February 2026" in closed
    assert "Is this an official account?" in words
    assert "Paste the web address or the handle, like @DemoCouncil" in words
    assert 'action="/official-accounts/check/"' in page
    assert 'href="/official-accounts/report/"' in page
    assert 'href="/official-accounts/accounts.csv"' in page
    assert 'href="/official-accounts/accounts.json"' in page


@pytest.mark.django_db
def test_the_kept_list_shows_an_account_published_or_closed_at_once(
    register: dict[str, Any], communications: User, leisure: ServiceArea
) -> None:
    assert "Demo Parks" not in text_of(Client().get("/official-accounts/"))

    parks = make_account(communications, leisure, name="Demo Parks", published=True)
    official = text_of(Client().get("/official-accounts/")).split("Accounts we have closed")[0]
    assert "Demo Parks" in official

    account_change_status(actor=communications, account=parks, action="close", reason="Merged")
    official, closed = text_of(Client().get("/official-accounts/")).split(
        "Accounts we have closed", 1
    )
    assert "Demo Parks" not in official and "Demo Parks" in closed


@pytest.mark.django_db
def test_the_list_shows_fifty_accounts_a_page(communications: User, leisure: ServiceArea) -> None:
    for number in range(51):
        make_account(communications, leisure, name=f"Account {number:02d}", published=True)

    first = text_of(Client().get("/official-accounts/"))
    second = text_of(Client().get("/official-accounts/?page=2"))

    assert "Account 49" in first and "Account 50" not in first
    assert "Account 50" in second and "Account 49" not in second


@pytest.mark.django_db
def test_the_list_names_the_twenty_accounts_closed_last_and_the_open_data_has_all(
    communications: User, leisure: ServiceArea
) -> None:
    for day in range(1, 22):
        account = make_account(
            communications, leisure, name=f"Closed {day:02d}", published=True, now=OPENED
        )
        closing = datetime.datetime(2026, 1, day, 12, 0, tzinfo=LONDON)
        account_change_status(
            actor=communications, account=account, action="close", reason="x", now=closing
        )

    words = text_of(Client().get("/official-accounts/"))
    accounts = json.loads(Client().get("/official-accounts/accounts.json").content)["accounts"]

    closed = words.split("Accounts we have closed", 1)[1]
    assert "Closed 21" in closed and "Closed 02" in closed and "Closed 01" not in closed
    assert closed.index("Closed 21") < closed.index("Closed 02")
    assert "These are the 20 accounts we closed most recently. The open data lists every one." in (
        closed
    )
    assert len(accounts) == 21


@pytest.mark.django_db
def test_only_a_link_to_a_web_page_is_a_link(communications: User, leisure: ServiceArea) -> None:
    make_account(communications, leisure, url="javascript:alert(1)", published=True)

    page = page_of(Client().get("/official-accounts/"))

    assert 'href="javascript' not in page
    assert "javascript:alert(1)" in page


# ---------------------------------------------------------------------------------------------
# Is this an official account?


@pytest.mark.django_db
def test_an_official_account_is_said_to_be_official_with_who_runs_it_and_since_when(
    register: dict[str, Any], settings: Any
) -> None:
    response = check(Client(), "https://mobile.twitter.com/demoleisure/status/1?s=20")

    words = text_of(response)
    assert f"Yes, this is an official account of {settings.COUNCIL_NAME}" in words
    assert "govuk-panel--confirmation" in page_of(response)
    assert "Name Demo Leisure" in words
    assert "Platform X (Twitter)" in words
    assert "Handle @DemoLeisure" in words
    assert "Run by Leisure and Culture" in words
    assert "Official since 14 May 2024" in words


@pytest.mark.django_db
def test_a_closed_account_is_said_to_be_no_longer_official(register: dict[str, Any]) -> None:
    response = check(Client(), "@demoevents")

    words = text_of(response)
    assert "This account is no longer official" in words
    assert "The council closed it on 3 February 2026." in words
    assert "Someone else may now be using this account or its name." in words
    assert 'href="/official-accounts/report/?address=%40demoevents"' in page_of(response)


@pytest.mark.django_db
def test_a_lookalike_is_not_ours_and_names_the_account_it_imitates(
    register: dict[str, Any],
) -> None:
    response = check(Client(), "https://x.com/DemoLeisur\u0435")  # a Cyrillic "е"

    words = text_of(response)
    assert "No, this is not one of our accounts" in words
    assert (
        "It looks like our account Demo Leisure (X (Twitter) @DemoLeisure), but it is not the "
        "same." in words
    )
    report = "/official-accounts/report/?" + urlencode(
        {"address": "https://x.com/DemoLeisur\u0435"}
    )
    assert f'href="{report}"' in page_of(response)
    assert "Yes, this is an official account" not in words


@pytest.mark.django_db
def test_an_unknown_account_is_not_on_the_list_and_the_page_says_how_to_report_it(
    register: dict[str, Any],
) -> None:
    response = check(Client(), "@SomeoneElse")

    words = text_of(response)
    assert "We cannot find this account on our list of official accounts" in words
    assert "If it uses the council's name or logo" in words
    assert 'href="/official-accounts/report/?address=%40SomeoneElse"' in page_of(response)


@pytest.mark.django_db
def test_a_shortened_link_asks_for_the_address_it_leads_to(register: dict[str, Any]) -> None:
    response = check(Client(), "https://t.co/abc123")

    words = text_of(response)
    assert "We cannot check a shortened link" in words
    assert "Open the link, then copy the address of the page it leads to" in words


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("", "Enter the web address or handle of the account"),
        ("   \u200b ", "Enter the web address or handle of the account"),
        ("@", "Enter the web address or handle of the account"),
        ("x" * 501, "The web address or handle must be 500 characters or fewer"),
        (
            "https://x.com/i/web/status/1",
            "This is a link to a post or a page of the platform, not an account: open the "
            "account's own page and copy its address, or enter its handle",
        ),
        (
            "https://www.youtube.com/watch?v=abc",
            "This is a link to a post or a page of the platform, not an account: open the "
            "account's own page and copy its address, or enter its handle",
        ),
        (
            "Demo Leisure",
            "Enter the handle without spaces, like @DemoCouncil, or the account's web address",
        ),
        (
            "@Demo\x00Leisure",
            "Enter the web address or handle on one line, without hidden characters",
        ),
    ],
)
def test_what_is_not_an_account_is_asked_again_with_the_reason_at_the_question(
    address: str, message: str, register: dict[str, Any]
) -> None:
    response = check(Client(), address)

    assert response.status_code == 200
    assert error_summary(response) == [message]
    assert error_at(response, "address") == message
    assert "<title>Error: Is this an official account?" in page_of(response)
    assert 'href="#id_address"' in page_of(response)


NASTY = [
    "%00",
    "\x00",
    "https://x.com/\x00demo",
    "https://[",
    "http://[::1",
    "https://]x.com",
    "\u202e@DemoLeisure",
    "\ud83d\ude00" if False else "\U0001f600",
    "@" * 500,
    "a" * 10_000,
    "https://x.com/" + "a/" * 240,
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "ｈｔｔｐｓ：／／ｘ．ｃｏｍ／ＤｅｍｏＬｅｉｓｕｒｅ",
    "\u0000\u0001\u0002\u0003\u001f\u007f",
    "https://x.com:999999/DemoLeisure",
    "https://user:pass@x.com/DemoLeisure",
    "http://example.com\\@x.com/DemoLeisure",
    "\U000e0041\U000e0042",
    "\ufdd0\uffff",
    "x.com/%E2%80%AE",
]


@pytest.mark.django_db
@pytest.mark.parametrize("address", NASTY)
def test_no_input_is_a_server_error(address: str, register: dict[str, Any]) -> None:
    response = check(Client(raise_request_exception=True), address)

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.django_db
def test_an_encoded_nul_in_the_address_is_no_server_error(register: dict[str, Any]) -> None:
    response = Client(raise_request_exception=True).get(
        "/official-accounts/check/?address=%00%40Demo%00&page=%00"
    )

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_pages_answer_only_the_methods_they_serve(register: dict[str, Any]) -> None:
    client = Client()

    assert client.post("/official-accounts/").status_code == 405
    assert client.post("/official-accounts/check/", {"address": "@x"}).status_code == 405
    assert client.put("/official-accounts/report/").status_code == 405
    assert client.post("/official-accounts/accounts.json").status_code == 405
    assert client.head("/official-accounts/accounts.json").status_code == 200


# ---------------------------------------------------------------------------------------------
# Caching


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        "/official-accounts/",
        "/official-accounts/check/?address=%40DemoLeisure",
        "/official-accounts/open-data/",
        "/official-accounts/accounts.csv",
        "/official-accounts/accounts.json",
    ],
)
def test_the_public_pages_may_be_kept_by_any_cache_for_five_minutes(
    address: str, register: dict[str, Any]
) -> None:
    response = Client().get(address)

    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    assert "Set-Cookie" not in response.headers
    assert not response.cookies


@pytest.mark.django_db
def test_the_report_form_is_never_cached(register: dict[str, Any]) -> None:
    response = Client().get("/official-accounts/report/")

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


# ---------------------------------------------------------------------------------------------
# Open data


@pytest.mark.django_db
def test_the_json_holds_every_published_account_in_the_documented_schema(
    register: dict[str, Any], communications: User, leisure: ServiceArea, settings: Any
) -> None:
    make_account(communications, leisure, name="Not published")

    response = Client().get("/official-accounts/accounts.json")

    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert document["schema_version"] == 1
    assert document["council"] == settings.COUNCIL_NAME
    assert document["source"] == "https://portal.example/official-accounts/"
    assert document["documentation"] == "https://portal.example/official-accounts/open-data/"
    fields = [
        "platform",
        "platform_name",
        "name",
        "handle",
        "url",
        "service_area",
        "status",
        "official_since",
        "closed_on",
    ]
    assert document["fields"] == fields
    # By platform code, then name.
    assert document["accounts"] == [
        {
            "platform": "facebook",
            "platform_name": "Facebook",
            "name": "Demo Libraries",
            "handle": "DemoLibraries",
            "url": "https://www.facebook.com/DemoLibraries",
            "service_area": "Housing",
            "status": "official",
            "official_since": "2024-05-14",
            "closed_on": None,
        },
        {
            "platform": "x",
            "platform_name": "X (Twitter)",
            "name": "Demo Events",
            "handle": "DemoEvents",
            "url": "https://x.com/DemoEvents",
            "service_area": "Leisure and Culture",
            "status": "closed",
            "official_since": "2024-05-14",
            "closed_on": "2026-02-03",
        },
        {
            "platform": "x",
            "platform_name": "X (Twitter)",
            "name": "Demo Leisure",
            "handle": "DemoLeisure",
            "url": "https://x.com/DemoLeisure",
            "service_area": "Leisure and Culture",
            "status": "official",
            "official_since": "2024-05-14",
            "closed_on": None,
        },
    ]
    assert list(document["accounts"][0]) == fields


@pytest.mark.django_db
def test_the_csv_holds_the_same_accounts_with_formulas_neutralised(
    register: dict[str, Any], communications: User, leisure: ServiceArea
) -> None:
    make_account(
        communications,
        leisure,
        name='=HYPERLINK("https://evil.example","Click")',
        handle="@formula",
        url="",
        published=True,
    )

    response = Client().get("/official-accounts/accounts.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="official-accounts.csv"'
    assert response["Access-Control-Allow-Origin"] == "*"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == [
        "platform",
        "platform_name",
        "name",
        "handle",
        "url",
        "service_area",
        "status",
        "official_since",
        "closed_on",
    ]
    assert rows[1] == [
        "facebook",
        "Facebook",
        "Demo Libraries",
        "DemoLibraries",
        "https://www.facebook.com/DemoLibraries",
        "Housing",
        "official",
        "2024-05-14",
        "",
    ]
    assert rows[2][2:] == [
        '\'=HYPERLINK("https://evil.example","Click")',
        "formula",
        "",
        "Leisure and Culture",
        "official",
        rows[2][7],
        "",
    ]
    assert [row[2] for row in rows[3:]] == ["Demo Events", "Demo Leisure"]
    assert rows[3][6:] == ["closed", "2024-05-14", "2026-02-03"]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_open_data_has_an_etag_and_answers_304_while_nothing_changes(
    fmt: str, register: dict[str, Any], communications: User
) -> None:
    client = Client()
    address = f"/official-accounts/accounts.{fmt}"

    first = client.get(address)
    etag = first["ETag"]
    assert etag == f'"{hashlib.sha256(first.content).hexdigest()}"'
    again = client.get(address, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert set(again["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    assert client.get(address, headers={"if-none-match": '"other"'}).status_code == 200

    leisure = register["leisure"]
    leisure.name = "Demo Leisure Centres"
    leisure.save()
    changed = client.get(address, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.django_db
def test_the_open_data_page_documents_every_field(register: dict[str, Any]) -> None:
    words = text_of(Client().get("/official-accounts/open-data/"))

    for field in (
        "platform",
        "platform_name",
        "name",
        "handle",
        "url",
        "service_area",
        "status",
        "official_since",
        "closed_on",
        "schema_version",
    ):
        assert f" {field} " in f" {words} ", field
    assert "official or closed" in words
    assert "date (YYYY-MM-DD), or empty" in words


# ---------------------------------------------------------------------------------------------
# Rate limits


@pytest.mark.django_db
def test_too_many_lookups_from_one_network_get_the_public_429_page(
    register: dict[str, Any], settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"official_check": "2/m/ip"}
    client = Client()

    assert check(client, "@DemoLeisure").status_code == 200
    assert check(client, "@Nobody").status_code == 200
    refused = check(client, "@DemoLeisure")

    assert refused.status_code == 429
    assert "Too many requests" in text_of(refused)
    assert "/auth/login" not in page_of(refused)
    assert "no-store" in refused["Cache-Control"]
    assert refused["Retry-After"] == "60"
    # Another network is still answered, and the limit applies to lookups only.
    assert check(Client(REMOTE_ADDR="192.0.2.8"), "@DemoLeisure").status_code == 200
    for address in PUBLIC_PAGES:
        if "check/?" not in address:
            assert client.get(address).status_code == 200, address


@pytest.mark.django_db
def test_too_many_reports_from_one_network_get_the_public_429_page_and_are_not_kept(
    register: dict[str, Any], settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"official_report": "1/m/ip"}
    client = Client()

    client.post("/official-accounts/report/", {"address": "@Fake1"})
    refused = client.post("/official-accounts/report/", {"address": "@Fake2"})

    assert refused.status_code == 429
    assert "Too many requests" in text_of(refused)
    assert list(Incident.objects.values_list("account_described", flat=True)) == ["@Fake1"]
    assert client.get("/official-accounts/report/").status_code == 200
    assert check(client, "@DemoLeisure").status_code == 200


# ---------------------------------------------------------------------------------------------
# Reports of an account pretending to be the council's


def token_on(client: Client, address: str = "/official-accounts/report/") -> str:
    found = re.search(r'name="started_with" value="([0-9a-f]{32})"', page_of(client.get(address)))
    assert found is not None
    return found.group(1)


@pytest.mark.django_db
def test_a_report_is_an_impersonation_incident_on_communications_tasks(
    register: dict[str, Any], communications: User, client_for: Any
) -> None:
    client = Client()
    form = client.get("/official-accounts/report/?address=https%3A%2F%2Fx.com%2FDem0Leisure")
    assert 'value="https://x.com/Dem0Leisure"' in page_of(form)
    token = re.search(r'name="started_with" value="([0-9a-f]{32})"', page_of(form))
    assert token is not None

    sent = client.post(
        "/official-accounts/report/",
        {
            "address": "https://x.com/Dem0Leisure",
            "details": "It asks people to pay for swimming lessons by bank transfer.",
            "contact_email": "resident@example.com",
            "screenshot": png(),
            "started_with": token.group(1),
        },
        follow=True,
    )

    assert sent.redirect_chain == [("/official-accounts/report/sent/", 302)]
    words = text_of(sent)
    assert "Report sent" in words
    assert "Our communications team will check the account." in words
    assert "INC-" not in words
    incident = Incident.objects.get()
    assert incident.kind == IncidentKind.IMPERSONATION
    assert incident.reporter is None
    assert incident.account == register["leisure"]  # the official account it imitates
    assert incident.account_described == "https://x.com/Dem0Leisure"
    assert incident.what_happened == "It asks people to pay for swimming lessons by bank transfer."
    assert incident.contact_email == "resident@example.com"
    assert Evidence.objects.get().incident == incident

    comms = client_for(communications)
    home = text_of(comms.get("/"))
    assert f"{incident.reference}: An account pretending to be the council's" in home
    assert "Reported by a member of the public" in home
    assert incident.reference in text_of(comms.get("/incidents/"))


@pytest.mark.django_db
def test_a_report_sent_twice_makes_one(register: dict[str, Any]) -> None:
    client = Client()
    token = token_on(client)
    answers = {"address": "@FakeDemo", "started_with": token}

    client.post("/official-accounts/report/", answers)
    again = client.post("/official-accounts/report/", answers)

    assert again.status_code == 302
    assert Incident.objects.count() == 1


@pytest.mark.django_db
def test_a_report_corrected_after_a_problem_and_sent_twice_makes_one(
    register: dict[str, Any],
) -> None:
    client = Client()

    # Sent without the page's token (an old form): the page gives it one to keep.
    problem = client.post("/official-accounts/report/", {"address": "", "details": "Fake"})
    token = re.search(r'name="started_with" value="([0-9a-f]{32})"', page_of(problem))
    assert token is not None
    answers = {"address": "@FakeDemo", "details": "Fake", "started_with": token.group(1)}
    client.post("/official-accounts/report/", answers)
    client.post("/official-accounts/report/", answers)

    assert Incident.objects.count() == 1


@pytest.mark.django_db
def test_a_report_of_an_unknown_account_is_linked_to_none_and_needs_only_the_address(
    register: dict[str, Any],
) -> None:
    response = Client().post("/official-accounts/report/", {"address": "@SomeoneElse"})

    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.account is None
    assert incident.contact_email == ""
    assert incident.what_happened == "No description was given."


@pytest.mark.django_db
def test_a_report_is_never_linked_to_an_account_that_is_not_published(
    hidden: list[str],
) -> None:
    for number, address in enumerate(hidden):
        Client().post(
            "/official-accounts/report/", {"address": address, "started_with": f"{number:032x}"}
        )

    assert Incident.objects.count() == len(hidden)
    assert not Incident.objects.filter(account__isnull=False).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"address": ""}, "address", "Enter the web address or handle of the account"),
        (
            {"address": "x" * 501},
            "address",
            "The web address or handle must be 500 characters or fewer",
        ),
        (
            {"address": "@Fake\x01Demo"},
            "address",
            "Enter the web address or handle on one line, without hidden characters",
        ),
        (
            {"address": "@FakeDemo", "contact_email": "not an email"},
            "contact_email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"address": "@FakeDemo", "contact_email": "a" * 250 + "@example.com"},
            "contact_email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"address": "@FakeDemo", "details": "x" * 5001},
            "details",
            "What you saw must be 5,000 characters or fewer",
        ),
        (
            {"address": "@FakeDemo", "details": "It said\x00 hello"},
            "details",
            "What you saw must not contain hidden characters",
        ),
        (
            {
                "address": "@FakeDemo",
                "screenshot": SimpleUploadedFile("shot.png", b"<html>not an image</html>"),
            },
            "screenshot",
            "The selected file must be a PNG, JPEG or WebP image",
        ),
        (
            {"address": "@FakeDemo", "screenshot": SimpleUploadedFile("empty.png", b"")},
            "screenshot",
            "The selected file is empty",
        ),
    ],
)
def test_a_report_with_a_problem_says_it_at_its_question_and_keeps_nothing(
    answers: dict[str, Any], field: str, message: str, register: dict[str, Any]
) -> None:
    client = Client(raise_request_exception=True)
    kept = {"details": "A fake page", "contact_email": "resident@example.com"}

    response = client.post("/official-accounts/report/", {**kept, **answers})

    assert response.status_code == 200
    assert error_summary(response) == [message]
    assert error_at(response, field) == message
    assert not Incident.objects.exists()
    page = page_of(response)
    if field != "contact_email":
        assert 'value="resident@example.com"' in page
    if field != "details":
        assert ">A fake page</textarea>" in page


@pytest.mark.django_db
def test_the_report_service_refuses_an_email_address_longer_than_its_field() -> None:
    # Django's validator accepts it (up to 320 characters); the field holds 254.
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".com"

    with pytest.raises(DomainError) as refused:
        impersonation_report(address="@FakeDemo", contact_email=address)

    assert refused.value.field == "contact_email"
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_a_screenshot_chosen_with_a_problem_elsewhere_is_asked_for_again(
    register: dict[str, Any],
) -> None:
    response = Client().post(
        "/official-accounts/report/", {"address": "", "screenshot": png("fake-page.png")}
    )

    assert "You chose fake-page.png. Choose it again" in text_of(response)
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_a_report_asks_for_nothing_more_than_it_needs(register: dict[str, Any]) -> None:
    page = page_of(Client().get("/official-accounts/report/"))

    form = page.split("<form", 1)[1].split("</form>", 1)[0]
    names = set(re.findall(r'name="([a-z_]+)"', form))
    assert names == {
        "csrfmiddlewaretoken",
        "address",
        "details",
        "screenshot",
        "contact_email",
        "started_with",
    }
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="image/png,image/jpeg,image/webp"' in page
