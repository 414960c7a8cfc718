"""Every form a person fills in, blank and with its error messages, checked with axe-core."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from accounts.models import Account, AccountRequest, RequestStatus
from governance.seeding import run_app_seeders
from tests.browser.conftest import assert_accessible, sign_in, sign_out


def submit_and_check(page: Page, button: str) -> None:
    assert_accessible(page)
    page.get_by_role("button", name=button).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_communications_forms_and_their_errors_are_accessible(
    page: Page, live_server: Any, demo_council: None
) -> None:
    run_app_seeders()
    base = live_server.url
    account = Account.objects.get(name="Recycle Right")
    sign_in(page, base, "comms")

    page.goto(f"{base}/register/{account.pk}/edit/")
    page.get_by_label("Recovery email address").fill("recycling.team@gmail.com")
    submit_and_check(page, "Save the changes")
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a council mailbox")

    page.goto(f"{base}/register/{account.pk}/status/")
    submit_and_check(page, "Save")

    page.goto(f"{base}/register/unapproved/new/")
    submit_and_check(page, "Record the account")

    waiting = AccountRequest.objects.get(proposed_name="Leisure Events")
    page.goto(f"{base}/requests/{waiting.pk}/decide/")
    submit_and_check(page, "Record your decision")


def test_requester_and_administrator_forms_are_accessible(
    page: Page, live_server: Any, demo_council: None
) -> None:
    run_app_seeders()
    base = live_server.url
    sign_in(page, base, "requester")

    offers = Account.objects.get(name="Leisure Centre Offers")
    page.goto(f"{base}/register/{offers.pk}/reviews/new/")
    page.get_by_label("Yes").first.check()
    submit_and_check(page, "Record the review")

    sent = AccountRequest.objects.filter(
        requester__email="requester@demo.council.example", status=RequestStatus.SUBMITTED
    ).first()
    assert sent is not None
    page.goto(f"{base}/requests/{sent.pk}/withdraw/")
    assert_accessible(page)
    returned = AccountRequest.objects.get(status=RequestStatus.RETURNED)
    page.goto(f"{base}/requests/{returned.pk}/")
    expect(page.locator("body")).to_contain_text("Say which officer covers weekends")
    assert_accessible(page)
    page.goto(f"{base}/requests/{returned.pk}/check/")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, base, "admin")
    page.goto(f"{base}/policy-profile/edit/")
    page.get_by_label("Months between reviews of an account").fill("0")
    submit_and_check(page, "Save the profile")
    page.goto(f"{base}/policy-profile/preset/")
    assert_accessible(page)
    page.goto(f"{base}/organisation/")
    assert_accessible(page)
    page.get_by_role("link", name="Leisure and Culture").click()
    assert_accessible(page)
    page.goto(f"{base}/auth/2fa/")
    assert_accessible(page)
