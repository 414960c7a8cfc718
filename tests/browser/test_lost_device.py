"""A member of staff reports a lost phone from a phone-sized screen (MOD-4), and Communications
finds it at the top of their tasks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect

from governance.seeding import run_app_seeders
from moderation.models import CredentialTask, DeviceReport
from tests.browser.conftest import assert_accessible, sign_in, sign_out

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A phone-sized page that records console errors, as the suite's own page does."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"The browser reported errors: {errors}"


def fits_the_screen(page: Page) -> None:
    """Nothing wider than the phone: no sideways scrolling to find a question."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_a_lost_phone_is_reported_in_three_steps_on_a_phone(
    phone: Page, live_server: Any, demo_council: None
) -> None:
    run_app_seeders()  # the demo requester moderates Leisure Centre Offers
    base = live_server.url
    page = phone
    today = timezone.localdate()

    sign_in(page, base, "requester")
    page.goto(f"{base}/devices/lost/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a lost or stolen device")
    assert_accessible(page)
    fits_the_screen(page)

    # A date in the future is refused on the page, with the answers kept.
    page.get_by_label("Mobile phone").check()
    page.get_by_label("Describe it (optional)").fill("council iPhone 13")
    page.get_by_label("Stolen").check()
    page.get_by_label("Day", exact=True).fill(str(today.day))
    page.get_by_label("Month", exact=True).fill(str(today.month))
    page.get_by_label("Year", exact=True).fill(str(today.year + 1))
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The date it went missing must be today or in the past")
    expect(page.get_by_label("Describe it (optional)")).to_have_value("council iPhone 13")
    assert_accessible(page)

    page.get_by_label("Year", exact=True).fill(str(today.year))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Council accounts on the device")
    expect(page.get_by_label("Leisure Centre Offers")).to_be_checked()
    assert_accessible(page)
    fits_the_screen(page)
    page.get_by_role(
        "group", name="Did the device receive two-step verification codes"
    ).get_by_label("No").check()
    page.get_by_role("group", name="Is it the recovery phone for any of them?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Leisure Centre Offers")
    expect(page.locator(".govuk-summary-list")).to_contain_text("council iPhone 13")
    assert_accessible(page)
    fits_the_screen(page)
    page.get_by_role("button", name="Send the report").click()

    panel = page.locator(".govuk-panel--confirmation")
    expect(panel).to_be_visible()
    report = DeviceReport.objects.get(started_with__gt="")  # the demo's own reports have none
    expect(panel).to_contain_text("Report sent")
    expect(panel).to_contain_text(report.reference)
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    assert_accessible(page)
    fits_the_screen(page)
    # Each account the phone could open: made safe, and its recovery phone moved.
    kinds = list(CredentialTask.objects.filter(device_report=report).values_list("kind", flat=True))
    assert kinds.count("custody") == report.accounts.count() == len(kinds) / 2 >= 1
    sign_out(page)

    sign_in(page, base, "comms")
    # At the top with the other urgent task, the demo's data breach with its ICO clock running.
    sections = page.locator("main h2.govuk-heading-m")
    expect(sections.nth(0)).to_have_text("Incidents")
    expect(sections.nth(1)).to_have_text("Lost or stolen devices")
    page.get_by_role(
        "link", name="Riya Patel's mobile phone (council iPhone 13) was stolen"
    ).click()
    expect(page.locator(".govuk-caption-l")).to_have_text(report.reference)
    expect(page.locator(".govuk-summary-card")).to_have_count(len(kinds))
    assert_accessible(page)
    fits_the_screen(page)
    page.get_by_role("link", name="Lost or stolen devices").click()
    expect(page.get_by_role("link", name=report.reference)).to_be_visible()
    assert_accessible(page)
    fits_the_screen(page)
