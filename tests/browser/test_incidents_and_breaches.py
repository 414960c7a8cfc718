"""Issue 10 in the browser: a data breach reported from a phone, Communications running a public
abuse case from screenshot to police referral with Legal's advice, and HR recording a breach
from a line manager's concern; nobody else finds either (INC-1, INC-2, INC-3, HR-1, HR-2)."""

from __future__ import annotations

import datetime
import hashlib
import io
from typing import Any

from django.utils import timezone
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from breaches.models import BreachRead, BreachRecord, BreachState
from governance.seeding import run_app_seeders
from moderation.models import AbuseCase, Incident, StepKind
from tests.browser.conftest import assert_accessible, sign_in, sign_out
from tests.browser.test_lost_device import PHONE, fits_the_screen


def screenshot() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 30, 60)).save(out, "PNG")
    return out.getvalue()


def not_found(page: Page, url: str) -> None:
    """Asked with the page's own session, without opening it (a 404 in the page counts as a
    browser error)."""
    assert page.request.get(url).status == 404, url


def test_a_data_breach_is_reported_from_a_phone_with_its_72_hour_clock(
    browser: Browser, live_server: Any, demo_council: None
) -> None:
    run_app_seeders()
    base = live_server.url
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    found = timezone.localtime() - datetime.timedelta(hours=5)

    sign_in(page, base, "requester")
    page.goto(f"{base}/incidents/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report an incident")
    breach_questions = page.get_by_label("What personal or confidential information was shared?")
    expect(breach_questions).to_be_hidden()  # revealed under its answer, with JavaScript on
    assert_accessible(page)
    fits_the_screen(page)

    page.get_by_role("radio", name="Personal or confidential information was shared").check()
    expect(breach_questions).to_be_visible()
    breach_questions.fill("Names and phone numbers of 40 swimming club members")
    page.get_by_label("How many people is the information about?").fill("40")
    page.locator("#id_found_on_0").fill(str(found.day))
    page.locator("#id_found_on_1").fill(str(found.month))
    page.locator("#id_found_on_2").fill(str(found.year))
    page.get_by_label("At what time was it found?").fill(found.strftime("%H:%M"))
    page.get_by_label("Yes, or it might").check()
    page.get_by_label("Which council account was it on?").select_option(
        label="Leisure Centre Offers (Facebook DemoLeisureOffers)"
    )
    page.locator("#id_happened_on_0").fill(str(found.day))
    page.locator("#id_happened_on_1").fill(str(found.month))
    page.locator("#id_happened_on_2").fill(str(found.year))
    page.get_by_label("Tell us what happened").fill(
        "A spreadsheet of members was attached to a reply by mistake."
    )
    page.get_by_label("Removed the content").check()
    assert_accessible(page)
    page.get_by_role("button", name="Send the report").click()

    panel = page.locator(".govuk-panel--confirmation")
    expect(panel).to_contain_text("Incident reported")
    incident = Incident.objects.latest("pk")
    expect(panel).to_contain_text(incident.reference)
    expect(page.locator("main")).to_contain_text("Report to the ICO by")
    assert_accessible(page)
    fits_the_screen(page)
    context.close()


def test_communications_runs_a_public_abuse_case_from_screenshot_to_police_referral(
    page: Page, live_server: Any, demo_council: None
) -> None:
    run_app_seeders()
    base = live_server.url
    image = screenshot()

    sign_in(page, base, "comms")
    page.goto(f"{base}/abuse-cases/new/")
    assert_accessible(page)
    page.get_by_label("Which council account was it posted on?").select_option(
        label="Leisure Centre Offers (Facebook DemoLeisureOffers)"
    )
    page.get_by_label("The author's name or handle").fill("@RudeResident")
    page.get_by_label("Web address of the post").fill(
        "https://www.facebook.com/DemoLeisureOffers/posts/991"
    )
    page.get_by_label("Abusive").check()
    page.get_by_label("Threatening").check()
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A post by @RudeResident on Leisure Centre Offers"
    )
    assert_accessible(page)
    case = AbuseCase.objects.get(author_key="ruderesident")

    def record(kind: str, **fill: str) -> None:
        page.get_by_role("button", name="Record a step").click()
        page.get_by_label(kind, exact=True).check()
        for label, value in fill.items():
            page.get_by_label(label).fill(value)
        page.get_by_role("button", name="Record the step").click()

    # Removal before the screenshot is refused on the page: the evidence would be lost.
    record("Content removed from the council's feed")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Record the screenshot evidence first")
    assert_accessible(page)
    page.get_by_role("link", name="Back").click()

    page.get_by_role("button", name="Record a step").click()
    page.get_by_label("Screenshot evidence captured", exact=True).check()
    page.get_by_label("Only for screenshot evidence: upload the screenshot").set_input_files(
        {"name": "abuse.png", "mimeType": "image/png", "buffer": image}
    )
    page.get_by_role("button", name="Record the step").click()
    expect(page.locator("main")).to_contain_text(hashlib.sha256(image).hexdigest())
    assert_accessible(page)

    record("Written warning sent to the author")
    record("Content removed from the council's feed")
    record("Author blocked")
    block_ends = timezone.localdate() + datetime.timedelta(days=7)
    expect(page.locator("main")).to_contain_text(f"{block_ends.day} {block_ends:%B %Y}")
    record("Legal Services consulted")
    record("Referred to the police", **{"Only for a police referral: the police reference": ""})
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the police reference")
    assert_accessible(page)
    page.get_by_label("Only for a police referral: the police reference").fill("DY-2026-4417")
    page.get_by_role("button", name="Record the step").click()
    expect(page.locator("main")).to_contain_text("DY-2026-4417")
    assert_accessible(page)
    kinds = list(case.steps.values_list("kind", flat=True))
    assert kinds == [
        StepKind.SCREENSHOT,
        StepKind.WARNING,
        StepKind.REMOVED,
        StepKind.BLOCKED,
        StepKind.LEGAL_CONSULTED,
        StepKind.POLICE_REFERRAL,
    ]
    sign_out(page)

    # Legal finds the case on its tasks and records its advice.
    sign_in(page, base, "legal")
    page.get_by_role("link", name=f"Advise Communications on {case.reference}").click()
    page.get_by_role("button", name="Record your advice").click()
    page.get_by_label("Your advice to Communications").fill(
        "The threat justifies the referral; keep the block in place."
    )
    page.get_by_role("button", name="Record your advice").click()
    expect(page.locator("main")).to_contain_text("keep the block in place")
    assert_accessible(page)
    sign_out(page)

    # Nobody else finds the case, or its evidence.
    sign_in(page, base, "requester")
    not_found(page, f"{base}/abuse-cases/{case.pk}/")
    not_found(page, f"{base}/evidence/{case.evidence.get().pk}/")
    not_found(page, f"{base}/abuse-cases/")


def test_hr_records_a_breach_from_a_line_managers_concern_and_reads_the_history(
    page: Page, live_server: Any, demo_council: None
) -> None:
    run_app_seeders()
    base = live_server.url

    sign_in(page, base, "manager")
    page.get_by_role("link", name="Raise a concern").first.click()
    assert_accessible(page)
    page.get_by_label("Riya Patel").check()
    page.get_by_label("What happened?").fill(
        "Posted a reply from the council account calling a resident a liar."
    )
    page.get_by_role("button", name="Send the concern to HR").click()
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel).to_contain_text("Concern sent to HR")
    record = BreachRecord.objects.filter(raised_as_concern=True).latest("pk")
    expect(panel).to_contain_text(record.reference)
    expect(page.locator("main")).not_to_contain_text("calling a resident a liar")
    assert_accessible(page)
    not_found(page, f"{base}/hr/breaches/{record.pk}/")
    sign_out(page)

    sign_in(page, base, "hr")
    page.get_by_role("link", name="Look into the concern about Riya Patel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Concern about Riya Patel")
    expect(page.locator("main")).to_contain_text("calling a resident a liar")
    assert_accessible(page)
    page.get_by_role("button", name="Start looking into it").click()
    page.get_by_role("button", name="Close it with an outcome").click()
    page.get_by_label("Formal warning").check()
    page.get_by_role("button", name="Close the record").click()
    record.refresh_from_db()
    assert (record.state, record.outcome) == (BreachState.CLOSED, "formal_warning")
    page.get_by_role("link", name="Every record about Riya Patel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riya Patel")
    expect(page.locator("main")).to_contain_text(record.reference)
    assert_accessible(page)
    page.goto(f"{base}/hr/reads/")
    expect(page.locator("main")).to_contain_text("Riya Patel")
    assert_accessible(page)
    assert BreachRead.objects.filter(record=record).exists()
    assert BreachRead.objects.filter(person__full_name="Riya Patel").exists()
    sign_out(page)

    sign_in(page, base, "admin")
    not_found(page, f"{base}/hr/breaches/{record.pk}/")
    not_found(page, f"{base}/hr/people/{record.person_id}/")
    not_found(page, f"{base}/admin/breaches/breachrecord/")
