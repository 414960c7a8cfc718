"""Issue 11 in the browser: a resident on a phone checks handles on the public register with no
sign-in and reports a fake account; an auditor reads the compliance statement for last year,
follows a figure to its records and prints it on A4."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from governance.seeding import run_app_seeders
from moderation.models import Incident, IncidentKind
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_lost_device import PHONE, fits_the_screen


def check(page: Page, base: str, address: str) -> None:
    page.goto(f"{base}/official-accounts/")
    page.get_by_label("Is this an official account?").fill(address)
    page.get_by_role("button", name="Check").click()
    page.wait_for_url("**/official-accounts/check/**")


def test_a_resident_on_a_phone_checks_handles_and_reports_a_fake(
    browser: Browser, live_server: Any, demo_council: None
) -> None:
    run_app_seeders()
    base = live_server.url
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{base}/official-accounts/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Official social media accounts")
    expect(page.locator("main")).to_contain_text("Demo Libraries")
    expect(page.locator("main")).not_to_contain_text("Housing News")  # suspended: not public
    assert_accessible(page)
    fits_the_screen(page)

    # Official, pasted the way it was copied from the app, with tracking parameters.
    check(page, base, "https://mobile.twitter.com/democouncil/?s=20&t=abc")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Yes, this is an official account")
    expect(page.locator("main")).to_contain_text("Demo Borough Council")
    assert_accessible(page)
    fits_the_screen(page)

    # Closed: no longer official, with the day it closed.
    check(page, base, "museum-stories.demo.council.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("This account is no longer official")
    closed = timezone.localdate() - datetime.timedelta(days=185)
    expect(page.locator("main")).to_contain_text(f"{closed.day} {closed:%B %Y}")
    assert_accessible(page)
    fits_the_screen(page)

    # Unknown, then reported from the answer with the address carried over.
    check(page, base, "@DemoCouncilNews")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "We cannot find this account on our list of official accounts"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Report this account").click()
    expect(page.get_by_label("Web address or handle of the account")).to_have_value(
        "@DemoCouncilNews"
    )
    assert_accessible(page)
    fits_the_screen(page)
    page.get_by_label("What did you see? (optional)").fill("It asks people to pay a fee by text.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Report sent")
    assert_accessible(page)

    report = Incident.objects.filter(kind=IncidentKind.IMPERSONATION).latest("pk")
    assert report.reporter is None
    assert report.account_described == "@DemoCouncilNews"

    # A lookalike in Cyrillic letters is never official.
    check(page, base, "x.com/DemoC\u043euncil")
    expect(page.get_by_role("heading", level=1)).to_have_text("No, this is not one of our accounts")
    assert_accessible(page)
    context.close()
    assert errors == []


def test_an_auditor_prints_last_years_statement_and_follows_a_figure(
    page: Page, live_server: Any, demo_council: None
) -> None:
    run_app_seeders()
    base = live_server.url
    sign_in(page, base, "auditor")
    page.goto(f"{base}/compliance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Compliance statement")
    # The demo council runs Derby's policy: its clauses are quoted.
    expect(page.locator("main")).to_contain_text("DER 'Line manager approval'")
    assert_accessible(page)

    page.get_by_text("Choose another date or period").click()
    page.get_by_role("link", name="Last financial year (1 April to 31 March)").click()
    expect(page.locator("main")).to_contain_text("as at 31 March")
    expect(page.locator("main")).to_contain_text("What this statement was built from")
    assert_accessible(page)

    # Follow the open accounts figure to the register: the same number of rows.
    link = page.locator("a[href*='/register/?status=open']").first
    figure = int(link.inner_text().split()[0])
    link.click()
    page.wait_for_url("**/register/**")
    expect(page.locator("main")).to_contain_text(
        f"{figure} account" if figure != 1 else "1 account"
    )

    page.go_back()
    page.emulate_media(media="print")
    expect(page.locator(".govuk-header")).to_be_hidden()
    expect(page.locator("main")).to_contain_text("What this statement was built from")
    expect(page.get_by_role("button", name="Print this statement")).to_be_hidden()
