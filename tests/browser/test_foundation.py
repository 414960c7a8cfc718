"""Each demo role signs in and lands on a home page made for them; every page is accessible."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in, sign_out

ROLES = [
    ("requester", "Riya Patel", None),
    ("manager", "Sam Okafor", "Line manager"),
    ("head", "Helen Brooks", "Head of Service"),
    ("comms", "Chris Evans", "Communications"),
    ("hr", "Harriet Lane", "HR"),
    ("policy", "Paul Nkemelu", "Policy owner"),
    ("legal", "Leah Grant", "Legal"),
    ("auditor", "Aled Rees", "Auditor"),
    ("admin", "Alex Morgan", "Administrator"),
]


@pytest.mark.parametrize(("login", "name", "role"), ROLES)
def test_each_demo_role_signs_in_to_their_own_home_page(
    page: Page, live_server: Any, demo_council: None, login: str, name: str, role: str | None
) -> None:
    sign_in(page, live_server.url, login)

    expect(page.get_by_role("heading", level=1)).to_have_text("Your tasks")
    expect(page.locator(".app-header__name")).to_have_text(name)
    if role:
        expect(page.locator(".govuk-summary-list__key", has_text=role).first).to_be_visible()
    assert_accessible(page)

    sections = page.locator("#navigation a").evaluate_all("links => links.map(l => l.href)")
    for url in sections:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)

    sign_out(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_sign_in_page_and_its_errors_are_accessible(
    page: Page, live_server: Any, demo_council: None
) -> None:
    page.goto(f"{live_server.url}/auth/login/")
    assert_accessible(page)

    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)


def test_accessibility_statement_is_public(page: Page, live_server: Any, db: Any) -> None:
    page.goto(f"{live_server.url}/accessibility/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility statement")
    assert_accessible(page)


def test_administrator_imports_staff_in_the_browser(
    page: Page, live_server: Any, demo_council: None, tmp_path: Any
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("employee_number,email,full_name,service_area_code\nX1,nope,Nobody,leisure\n")
    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/organisation/import/")
    assert_accessible(page)

    page.get_by_label("Upload the staff CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import staff").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("Nothing was imported")
    expect(page.locator("#import-problems")).to_contain_text("'nope' is not a valid email")
    assert_accessible(page)
