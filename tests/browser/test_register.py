"""Communications filters the register, exports it and reads an account's timeline."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from governance.seeding import run_app_seeders
from tests.browser.conftest import assert_accessible, sign_in


def test_communications_filters_exports_and_opens_a_timeline(
    page: Page, live_server: Any, demo_council: None
) -> None:
    run_app_seeders()
    base = live_server.url
    sign_in(page, base, "comms")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard").click()
    assert_accessible(page)
    page.get_by_role("link", name="Overdue for review").click()
    expect(page.get_by_label("Review overdue")).to_be_checked()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("Demo Libraries")
    assert_accessible(page)
    page.get_by_role("link", name="Demo Libraries").click()
    moderators = page.get_by_role("table", name="Moderators of Demo Libraries")
    expect(moderators).to_contain_text("Grace Hughes")
    expect(moderators).to_contain_text("Owen Price")  # ended in the summer: still on record
    page.go_back()

    page.get_by_label("Review overdue").uncheck()
    page.get_by_label("Service area").select_option(label="Environment and Waste")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr")).to_have_count(2)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert sorted(row[1] for row in rows[1:]) == ["Demo Parks", "Recycle Right"]

    page.get_by_role("link", name="Recycle Right").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recycle Right")
    timeline = page.locator(".app-timeline")
    expect(timeline).to_contain_text("Chris Evans changed the handle")
    expect(timeline).to_contain_text("handle: @RecycleDemo → @RecycleRight")
    assert_accessible(page)

    page.goto(f"{base}/register/?as_of=2026-01-01")
    expect(page.get_by_role("heading", level=1)).to_contain_text("as it stood on 1 January 2026")
    assert_accessible(page)


def test_an_auditor_exports_the_register_as_it_stood_on_a_past_date(
    page: Page, live_server: Any, demo_council: None
) -> None:
    run_app_seeders()
    base = live_server.url
    sign_in(page, base, "auditor")
    day = (timezone.localdate() - datetime.timedelta(days=200)).isoformat()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Register").click()
    page.get_by_label("The register on a past date").fill(day)
    page.get_by_role("button", name="Show the register on this date").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("as it stood on")
    expect(page.locator("tbody")).to_contain_text("@RecycleDemo")  # renamed since
    expect(page.locator("tbody")).not_to_contain_text("Demo Youth Sport")  # found since
    expect(page.get_by_role("link", name="Change the record")).to_have_count(0)
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel").click()
    download = download_info.value
    assert download.suggested_filename == f"social-media-register-{day}-as-of.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)[
        "Register"
    ]
    names = sorted(str(row[1]) for row in sheet.iter_rows(min_row=2, values_only=True))
    assert "Housing News" in names
    assert "Demo Youth Sport" not in names
