"""A newly added moderator cannot become active without signing (DEC-3): they answer the
questions, sign, and their assignment turns active; the receipt prints on one A4 page. A year
later they are reminded, suspended when the declaration lapses, and restored by signing again,
and Communications and the auditor see all of it."""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from declarations.models import Declaration
from declarations.services.reminders import declarations_lapse, declarations_remind
from declarations.services.versions import question_save, version_draft, version_publish
from governance.models import Notification, User
from moderation.models import AssignmentState, CredentialTask
from moderation.services.assignments import assignment_add
from tests.browser.conftest import assert_accessible, sign_in, sign_out
from tests.register_helpers import make_account

LONDON = ZoneInfo("Europe/London")
STATEMENTS = [
    "I have read the council's social media policy and I accept it.",
    "I will report a lost or stolen device that can open a council account at once.",
]
RIGHT = "Report it as a lost device so that the passwords are changed"
WRONG = "Wait a day to see whether it turns up"
TEXT = """## 1. Purpose

The council's accounts speak for the council.

## 2. Lost or stolen devices

Report a lost or stolen phone at once, so that passwords are changed the same day.
"""


def _person(login: str) -> User:
    return User.objects.get(email=f"{login}@demo.council.example")


def _publish_policy() -> None:
    owner = _person("policy")
    today = timezone.localdate()
    draft = version_draft(
        actor=owner,
        title="Social media policy",
        version="3.0",
        effective_on=today,
        review_due_on=today + datetime.timedelta(days=365),
        text=TEXT,
        statements=STATEMENTS,
    )
    question_save(
        actor=owner,
        version=draft,
        text="A colleague's phone with the Facebook app on it is stolen. What do you do first?",
        correct_answer=RIGHT,
        wrong_answers=[WRONG],
        clause="2. Lost or stolen devices",
    )
    version_publish(actor=owner, version=draft, requires_reacknowledgement=False)


def _answer_and_sign(page: Page, full_name: str, *, check_errors: bool) -> None:
    page.get_by_role("button", name="Read and sign").click()
    if check_errors:
        assert_accessible(page)
        page.get_by_label(WRONG).check()
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Reread")
        expect(page.locator(".govuk-error-summary")).to_contain_text("Lost or stolen devices")
        assert_accessible(page)
    page.get_by_label(RIGHT).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text(STATEMENTS[0]).first).to_be_visible()
    if check_errors:
        assert_accessible(page)
        # One statement unticked: refused on the page, nothing stored.
        page.get_by_label(STATEMENTS[0]).check()
        page.get_by_label("Type your full name").fill(full_name)
        page.get_by_role("button", name="Sign the declaration").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Tick every statement")
        assert_accessible(page)
    for statement in STATEMENTS:
        page.get_by_label(statement).check()
    page.get_by_label("Type your full name").fill(full_name)
    page.get_by_role("button", name="Sign the declaration").click()
    page.wait_for_url(re.compile(r"/declarations/\d+/receipt/$"))


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=LONDON)


def test_a_new_moderator_signs_becomes_active_and_a_year_later_is_suspended_then_restored(
    page: Page, live_server: Any, demo_council: None
) -> None:
    base = live_server.url
    requester, comms = _person("requester"), _person("comms")
    _publish_policy()
    assert requester.service_area is not None
    account = make_account(comms, requester.service_area, name="Leisure Events Feed")
    assignment = assignment_add(
        actor=comms, account=account, person=requester, reason="Runs the events feed"
    )
    assert assignment.state == AssignmentState.AWAITING_DECLARATION

    sign_in(page, base, "requester")
    page.goto(f"{base}/declarations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your declaration")
    expect(page.get_by_text("Not signed").first).to_be_visible()
    assert_accessible(page)
    _answer_and_sign(page, requester.full_name, check_errors=True)

    expect(page.get_by_text(Declaration.objects.get().verification_code)).to_be_visible()
    assert_accessible(page)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.ACTIVE
    assert _pdf_pages(page.pdf(format="A4")) == 1

    declaration = Declaration.objects.get()
    lapses_on = declaration.lapses_on
    assert lapses_on.year == timezone.localdate().year + 1

    # A week before it lapses, a reminder; sent once however often the job runs.
    with time_machine.travel(_at(lapses_on - datetime.timedelta(days=7)), tick=True):
        declarations_remind()
        declarations_remind()
        assert (
            Notification.objects.filter(
                recipient=requester, key=f"declaration:{declaration.pk}:reminder:7"
            ).count()
            == 1
        )

    # The day it lapses: suspended, Communications asked to remove access, both told.
    with time_machine.travel(_at(lapses_on), tick=True):
        declarations_lapse()
        assignment.refresh_from_db()
        assert assignment.state == AssignmentState.SUSPENDED
        assert CredentialTask.objects.filter(assignment=assignment, state="open").count() == 1
        assert Notification.objects.filter(
            recipient=requester.line_manager,
            key=f"declaration:{declaration.pk}:lapsed:line_manager",
        ).exists()

        page.context.clear_cookies()
        sign_in(page, base, "requester")
        expect(
            page.get_by_text("Read and sign the social media policy declaration")
        ).to_be_visible()
        page.goto(f"{base}/declarations/")
        expect(page.get_by_text("Lapsed").first).to_be_visible()
        _answer_and_sign(page, requester.full_name, check_errors=False)
        assignment.refresh_from_db()
        assert assignment.state == AssignmentState.ACTIVE
        assert not CredentialTask.objects.filter(assignment=assignment, state="open").exists()
        sign_out(page)

        # Communications and the auditor see who signed what; the register shows it too.
        for login in ("comms", "auditor"):
            sign_in(page, base, login)
            page.goto(f"{base}/declarations/compliance/")
            row = page.get_by_role("row").filter(has_text=requester.full_name)
            expect(row).to_contain_text("Current")
            expect(row).to_contain_text("3.0")
            assert_accessible(page)
            if login == "comms":
                page.goto(f"{base}/register/{account.pk}/")
                moderator = page.get_by_role("row").filter(has_text=requester.full_name)
                expect(moderator).to_contain_text("Current")
                expect(moderator).to_contain_text("Active")
            sign_out(page)
