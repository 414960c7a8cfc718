"""A request goes from the requester through each approver's own login to the register,
under each council's policy profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from governance.models import Preset, User
from governance.services.profile import profile_apply_preset
from tests.browser.conftest import assert_accessible, sign_in, sign_out
from tests.declaration_helpers import holds_declaration

CHAINS: dict[str, list[tuple[str, str]]] = {
    Preset.MANCHESTER: [("head", "Head of Service"), ("comms", "Communications")],
    Preset.TELFORD: [
        ("manager", "Line manager"),
        ("head", "Head of Service"),
        ("comms", "Communications"),
    ],
    Preset.MELTON: [("head", "Head of Service"), ("comms", "Communications")],
    Preset.DERBY: [
        ("manager", "Line manager"),
        ("head", "Head of Service"),
        ("comms", "Communications"),
    ],
}


def fill_in(page: Page, preset: str, certificate: Path) -> None:
    """The questions every preset asks, then the ones only this council's policy asks."""
    platform = "Facebook" if preset == Preset.MELTON else "X (Twitter)"
    page.get_by_label(platform, exact=True).check()
    page.get_by_label("Handle or web address").fill("@LeisureLive")
    page.get_by_label("What it will communicate and to whom").fill(
        "What is on at the leisure centres, for families."
    )
    page.get_by_label("Its aims and why this platform").fill("Quick news; residents use it.")
    page.get_by_label("Backup officer", exact=True).fill("tom.fletcher@demo.council.example")
    if preset == Preset.TELFORD:
        page.get_by_label("Other channels that will support it").fill("Website and posters.")
        page.get_by_label("How often it will be updated and checked each day").fill("Daily.")
        page.get_by_label("How records of what is posted will be kept").fill("Monthly export.")
    if preset == Preset.MELTON:
        page.get_by_label("An event", exact=True).check()
        page.get_by_label("Name of the event, activity, project or group").fill(
            "Summer Festival 2027"
        )
    if preset == Preset.DERBY:
        page.get_by_label("Budget code for the management-platform licence").fill("LEI-4410")
        page.get_by_label("Day", exact=True).fill("12")
        page.get_by_label("Month", exact=True).fill("1")
        page.get_by_label("Year", exact=True).fill("2026")
        page.get_by_label("Upload your certificate or a screenshot").set_input_files(
            str(certificate)
        )


MISSING: dict[str, str] = {
    Preset.MANCHESTER: "Enter the account's aims and why this platform is right for them",
    Preset.TELFORD: "Enter how records of what is posted will be kept",
    Preset.MELTON: "Select what the Facebook page is for",
    Preset.DERBY: "Enter the budget code for the management-platform licence",
}


@pytest.mark.parametrize("preset", list(CHAINS))
def test_a_request_goes_through_each_approvers_own_login_to_the_register(
    page: Page, live_server: Any, demo_council: None, tmp_path: Path, preset: str
) -> None:
    profile_apply_preset(actor=User.objects.get(email="admin@demo.council.example"), preset=preset)
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(b"%PDF-1.4 completed data protection e-learning")
    base = live_server.url

    sign_in(page, base, "requester")
    page.goto(f"{base}/requests/")
    assert_accessible(page)
    page.get_by_role("button", name="Request a new account").click()
    assert_accessible(page)

    # Sending it half-finished keeps what was typed and says what is missing.
    page.get_by_label("Facebook" if preset == Preset.MELTON else "X (Twitter)", exact=True).check()
    page.get_by_label("Name of the account").fill("Leisure Live")
    page.get_by_label("Handle or web address").fill("Leisure Live")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The handle must not contain spaces")
    expect(summary).to_contain_text(MISSING[preset])
    expect(page.get_by_label("Name of the account")).to_have_value("Leisure Live")
    assert_accessible(page)
    if preset == Preset.DERBY:
        # Derby asks for the requester's accepted declaration before a request (REQ-2).
        expect(summary).to_contain_text("Sign the declaration accepting the social media policy")
        holds_declaration(User.objects.get(email="requester@demo.council.example"))

    fill_in(page, preset, certificate)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending your request"
    )
    expect(page.locator("body")).to_contain_text("Tom Fletcher (tom.fletcher@demo.council.example)")
    assert_accessible(page)
    page.get_by_role("button", name="Send the request").click()
    first_name = {"manager": "Sam Okafor", "head": "Helen Brooks"}[CHAINS[preset][0][0]]
    expect(page.locator("#held-by")).to_contain_text(first_name)
    reference = page.locator(".govuk-caption-l").inner_text().split(",")[0]
    assert_accessible(page)
    sign_out(page)

    for login, step in CHAINS[preset]:
        sign_in(page, base, login)
        task = page.get_by_role("link", name=f"Decide {reference}")
        expect(task).to_be_visible()
        assert_accessible(page)
        task.click()
        expect(page.locator(".govuk-caption-l")).to_contain_text(f"{step} step")
        assert_accessible(page)
        page.get_by_label("Approve").check()
        if step == "Communications":
            page.get_by_role("button", name="Record your decision").click()
            expect(page.locator(".govuk-error-summary")).to_contain_text(
                "Confirm that the account's branding is approved"
            )
            page.get_by_label("Approve").check()
            page.get_by_label("The account's name, picture and banner follow").check()
        page.get_by_role("button", name="Record your decision").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "Your decision was recorded."
        )
        assert_accessible(page)
        sign_out(page)

    sign_in(page, base, "requester")
    page.goto(f"{base}/requests/")
    page.get_by_role("link", name=reference).click()
    expect(page.locator(".govuk-panel")).to_contain_text("Leisure Live is in the register")
    page.get_by_role("link", name="See Leisure Live in the register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leisure Live")
    expect(page.locator("body")).to_contain_text("Being set up")
    expect(page.locator("body")).to_contain_text("Tom Fletcher")
    assert_accessible(page)
