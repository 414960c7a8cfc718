"""Issue 13 in the browser: the trend charts the server draws as SVG, on the dashboard and in the
compliance statement. Each chart says what it shows in a sentence, gives the same figures as a
table, opens the list behind a bar, still draws with JavaScript off, prints without its table
and fits a phone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from governance.seeding import run_app_seeders
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_lost_device import PHONE, fits_the_screen

# A month the period clips is labelled with its days in the table, not on the chart.
CLIPPED = re.compile(r" \(\d{1,2} \w+ \d{4} to \d{1,2} \w+ \d{4}\)$")
# A4 in PostScript points (210 mm by 297 mm), as a PDF's MediaBox gives it.
A4 = (595.28, 841.89)


def watch_errors(page: Page) -> list[str]:
    """Console errors and uncaught exceptions (CSP violations among them), as the suite's page
    fixture records them."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Contexts a test opens itself, closed at its end however it ends."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def charts(page: Page) -> list[Locator]:
    return page.locator("section.app-chart").all()


def drawn(page: Page) -> list[Locator]:
    """The charts with figures to draw (an empty one says so in a sentence instead)."""
    return [chart for chart in charts(page) if chart.locator("svg.app-chart__svg").count()]


def chart(page: Page, key: str) -> Locator:
    return page.locator(f"#chart-{key}")


def open_table(chart: Locator) -> Locator:
    """Opens the chart's "Show the figures as a table" and returns the table."""
    details = chart.locator("details.app-chart__figures")
    table = details.locator("table")
    expect(table).to_be_hidden()
    details.get_by_text("Show the figures as a table").click()
    expect(table).to_be_visible()
    return table


def table_figures(table: Locator, across: bool) -> dict[str, str]:
    """Each figure of the table, worded as a bar's or a point's title says it ("Dec 2026:
    Approved 1"; "Facebook: 2" for a chart of categories), with the column it sits in."""
    headers = table.locator("thead th").all_inner_texts()[1:]
    figures: dict[str, str] = {}
    for row in table.locator("tbody tr").all():
        label = CLIPPED.sub("", row.locator("th").inner_text().strip())
        cells = [cell.strip() for cell in row.locator("td").all_inner_texts()]
        assert len(cells) == len(headers)
        for header, cell in zip(headers, cells, strict=True):
            figures[f"{label}: {cell}" if across else f"{label}: {header} {cell}"] = header
    return figures


def titles(chart: Locator) -> list[str]:
    return [text.strip() for text in chart.locator("svg.app-chart__svg title").all_text_contents()]


def value_of(title: str) -> int:
    return int(title.rsplit(" ", 1)[1])


def assert_chart_matches_its_table(chart: Locator) -> None:
    """Heading, sentence, SVG, and a table (once opened) with every figure the bars show."""
    name = chart.get_attribute("id")
    expect(chart.get_by_role("heading")).to_have_count(1)
    expect(chart.get_by_role("heading")).not_to_be_empty()
    expect(chart.locator(".app-chart__summary")).to_have_text(re.compile(r"^\S.*\.$"))
    svg = chart.locator("svg.app-chart__svg")
    expect(svg).to_be_visible()
    expect(svg).to_have_attribute("aria-hidden", "true")
    across = chart.locator(".app-chart__baseline").count() == 0
    figures = table_figures(open_table(chart), across)
    shown = titles(chart)
    assert shown, f"{name} draws no bar or point"
    assert len(shown) == len(set(shown)), f"{name} draws a figure twice: {shown}"
    # Every bar and point says a figure of the table...
    assert [title for title in shown if title not in figures] == [], name
    # ...and every figure of the series it draws is a bar or a point (a count of nought draws
    # no bar; a share or wait with no figure draws no point).
    columns = {figures[title] for title in shown}
    missing = [
        figure
        for figure, column in figures.items()
        if column in columns
        and figure not in shown
        and not figure.endswith((" 0", ": 0", " No figure"))
    ]
    assert missing == [], f"{name}: figures without a bar or point: {missing}"


def biggest_link(chart: Locator) -> tuple[Locator, int]:
    """The chart's link (bar or point) with the largest count, and that count."""
    links = chart.locator("svg.app-chart__svg a").all()
    assert links, "the chart links none of its bars"
    values = [value_of(link.locator("title").text_content() or "") for link in links]
    best = max(range(len(links)), key=lambda index: values[index])
    return links[best], values[best]


def test_communications_reads_the_charts_and_opens_the_list_behind_a_bar(
    page: Page, live_server: Any, demo_council: None
) -> None:
    run_app_seeders()
    base = live_server.url
    sign_in(page, base, "comms")
    # The dashboard reads the whole demo history: on a loaded CI machine it may take a while.
    page.goto(f"{base}/register/dashboard/", timeout=90_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("heading", name="How things are changing")).to_be_visible()
    assert_accessible(page)

    keys = [section.get_attribute("id") for section in charts(page)]
    for key in ("accounts", "reviews", "requests", "incidents", "platform", "area"):
        assert f"chart-{key}" in keys
    for section in charts(page):
        expect(section.get_by_role("heading")).not_to_be_empty()
        if section.locator("svg.app-chart__svg").count() == 0:
            # Nothing to draw: a sentence says so, and there is no empty table.
            expect(section.locator(".app-chart__empty")).not_to_be_empty()
            expect(section.locator("table")).to_have_count(0)
    assert len(drawn(page)) >= 6
    for section in drawn(page):
        assert_chart_matches_its_table(section)
    # With every table open the page is still clean.
    assert_accessible(page)

    # A part of a month's bar of requests opens that month's requests in that status.
    page.reload()
    bar, count = biggest_link(chart(page, "requests"))
    href = bar.get_attribute("href") or ""
    assert "from=" in href and "to=" in href and "status=" in href
    bar.click()
    page.wait_for_url("**/requests/?*")
    expect(page.locator("#filters")).to_contain_text("Showing requests sent from")
    listed = page.locator("table").filter(has=page.locator("caption", has_text="All requests"))
    expect(listed.locator("tbody tr")).to_have_count(count)
    assert_accessible(page)

    # A month's accounts in a status open the register as it stood at that month's end.
    page.go_back()
    bar, count = biggest_link(chart(page, "accounts"))
    assert "as_of=" in (bar.get_attribute("href") or "")
    bar.click()
    page.wait_for_url("**/register/?*")
    expect(page.get_by_role("heading", level=1)).to_contain_text("The register as it stood on")
    expect(page.locator("main [role=status] strong")).to_have_text(str(count))
    assert_accessible(page)

    # An open account's platform opens the register of open accounts on that platform.
    page.go_back()
    bar, count = biggest_link(chart(page, "platform"))
    bar.click()
    page.wait_for_url("**/register/?*")
    expect(page.locator("main [role=status] strong")).to_have_text(str(count))


def test_the_charts_draw_and_their_tables_open_without_javascript(
    page: Page, browser: Browser, contexts: list[BrowserContext], live_server: Any,
    demo_council: None,
) -> None:  # fmt: skip
    run_app_seeders()
    base = live_server.url
    sign_in(page, base, "comms")
    context = browser.new_context(
        viewport={"width": 1100, "height": 900},
        java_script_enabled=False,
        storage_state=page.context.storage_state(),
    )
    contexts.append(context)
    off = context.new_page()
    errors = watch_errors(off)
    off.goto(f"{base}/register/dashboard/")
    expect(off.get_by_role("heading", level=1)).to_have_text("Dashboard")
    # The page's own scripts did not run.
    expect(off.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))

    sections = drawn(off)
    assert len(sections) >= 6
    for section in sections:
        svg = section.locator("svg.app-chart__svg")
        expect(svg).to_be_visible()
        box = svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100, box
        marks = section.locator(".app-chart__bar, .app-chart__marker")
        assert marks.count() > 0, section.get_attribute("id")
        assert marks.first.bounding_box() is not None
        table = open_table(section)
        expect(table.locator("tbody tr").first).to_be_visible()
    assert errors == [], errors


def test_the_auditors_statement_prints_its_charts_without_their_tables(
    page: Page, live_server: Any, demo_council: None
) -> None:
    run_app_seeders()
    base = live_server.url
    sign_in(page, base, "auditor")
    page.goto(f"{base}/compliance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Compliance statement")
    sections = drawn(page)
    assert len(sections) >= 4
    assert_accessible(page)
    for section in sections:
        expect(section.get_by_role("heading", level=4)).not_to_be_empty()
        assert_chart_matches_its_table(section)
    assert_accessible(page)

    page.reload()
    choose = page.get_by_text("Choose another date or period")
    expect(choose).to_be_visible()
    page.emulate_media(media="print")
    for section in drawn(page):
        expect(section.locator("svg.app-chart__svg")).to_be_visible()
        expect(section.locator(".app-chart__summary")).to_be_visible()
        expect(section.locator("details.app-chart__figures")).to_be_hidden()
        expect(section.locator("table")).to_be_hidden()
        box = section.locator("svg.app-chart__svg").bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
    expect(choose).to_be_hidden()
    expect(page.locator("main form")).to_be_hidden()
    expect(page.locator(".govuk-header, .govuk-template__header")).to_be_hidden()

    # Printed to PDF on the page size the stylesheet asks for: A4.
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF-")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "the PDF names no page size"
    for width, height in boxes:
        assert abs(float(width) - A4[0]) < 2 and abs(float(height) - A4[1]) < 2, (width, height)


def phone_dashboard(browser: Browser, contexts: list[BrowserContext], base: str) -> Page:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    contexts.append(context)
    page = context.new_page()
    page.console_errors = watch_errors(page)  # type: ignore[attr-defined]
    sign_in(page, base, "comms")
    # The dashboard reads the whole demo history: on a loaded CI machine it may take a while.
    page.goto(f"{base}/register/dashboard/", timeout=90_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    return page


def test_the_dashboard_fits_a_phone_with_its_tables_opened(
    browser: Browser, contexts: list[BrowserContext], live_server: Any, demo_council: None
) -> None:
    """Every chart fits the screen; a wide table, opened, may scroll sideways inside its own
    box, but the page itself never does."""
    run_app_seeders()
    page = phone_dashboard(browser, contexts, live_server.url)
    assert_accessible(page)
    fits_the_screen(page)
    sections = drawn(page)
    assert len(sections) >= 6
    for section in sections:
        box = section.locator("svg.app-chart__svg").bounding_box()
        assert box is not None and 0 < box["width"] <= PHONE["width"], box
        assert box["height"] > 0
    for section in sections:
        open_table(section)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
            f"{section.get_attribute('id')}'s table, opened, is "
            f"{section.locator('table').evaluate('table => table.scrollWidth')}px wide and "
            f"widens the page to {page.evaluate('document.documentElement.scrollWidth')}px"
        )
    fits_the_screen(page)
    assert_accessible(page)
    assert page.console_errors == []  # type: ignore[attr-defined]
