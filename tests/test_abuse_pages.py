"""Public abuse cases (INC-2, INC-3) through their pages: Communications opens a case and runs
the ladder from screenshot to police referral, Legal Services advises when consulted, HR reads,
and nobody else finds a case."""

from __future__ import annotations

import datetime
import hashlib
import html
import io
import random
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from accounts.models import Account, AccountStatus, Platform
from governance.models import Notification, ServiceArea, User
from governance.services.profile import profile_get
from moderation.models import AbuseCase, CaseState, CaseStep, Evidence, StepKind
from tests.register_helpers import make_account


def page_of(response: Any) -> str:
    """The page's HTML with its entities read, as a person sees the words."""
    return html.unescape(response.content.decode())


def words(response: Any) -> str:
    """The page's text without its markup, as a person reads it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_of(response)))


def error_summary(response: Any) -> str:
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', page_of(response), re.S)
    assert found is not None, "no error summary on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def png(width: int = 40, height: int = 20, colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def upload(content: bytes, name: str = "screenshot.png", kind: str = "image/png") -> Any:
    return SimpleUploadedFile(name, content, content_type=kind)


def date_parts(name: str, day: datetime.date | None) -> dict[str, str]:
    if day is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def step(
    kind: str,
    *,
    on: datetime.date | None = None,
    ends: datetime.date | None = None,
    **answers: Any,
) -> dict[str, Any]:
    return {
        "kind": kind,
        **date_parts("happened_on", on or timezone.localdate()),
        **date_parts("block_ends_on", ends),
        "note": "",
        "police_reference": "",
        **answers,
    }


def started_token(client: Client, query: str = "") -> str:
    found = re.search(
        r'name="started_with" value="([0-9a-f]+)"',
        page_of(client.get(f"/abuse-cases/new/{query}")),
    )
    assert found is not None
    return found.group(1)


def case_answers(account: Account, token: str, handle: str = "@Troll", **changes: Any) -> dict:
    return {
        "account": str(account.pk),
        "author_handle": handle,
        "post_url": "https://x.com/Troll/status/1234",
        "categories": ["abusive", "threatening"],
        "description": "Says the pool staff should be hurt.",
        "started_with": token,
        **changes,
    }


def open_case(client: Client, account: Account, handle: str = "@Troll") -> AbuseCase:
    sent = client.post("/abuse-cases/new/", case_answers(account, started_token(client), handle))
    assert sent.status_code == 302, page_of(sent)
    return AbuseCase.objects.get(pk=int(sent["Location"].strip("/").split("/")[-1]))


@pytest.fixture
def account(communications: User, leisure: ServiceArea) -> Account:
    return make_account(communications, leisure, name="Leisure Centres", handle="@DerbyLeisure")


@pytest.fixture
def comms(communications: User, client_for: Any) -> Client:
    client: Client = client_for(communications)
    return client


@pytest.fixture
def case(comms: Client, account: Account) -> AbuseCase:
    return open_case(comms, account)


def record(client: Client, case: AbuseCase, answers: dict[str, Any]) -> Any:
    return client.post(f"/abuse-cases/{case.pk}/steps/new/", answers)


# ---------------------------------------------------------------------------------------------
# Opening a case


@pytest.mark.django_db
def test_communications_opens_a_case_and_sees_it(
    comms: Client, account: Account, communications: User, leisure: ServiceArea
) -> None:
    closed = make_account(
        communications, leisure, name="Old Library Page", status=AccountStatus.CLOSED
    )
    form = page_of(comms.get(f"/abuse-cases/new/?account={account.pk}"))
    assert f'<option value="{account.pk}" selected>' in form
    assert "Old Library Page" not in form
    assert closed.pk  # made, and not offered

    sent = comms.post("/abuse-cases/new/", case_answers(account, started_token(comms)), follow=True)

    case = AbuseCase.objects.get()
    page = page_of(sent)
    assert sent.redirect_chain[-1][0] == f"/abuse-cases/{case.pk}/"
    assert f"{case.reference} is open" in page
    assert "A post by @Troll on Leisure Centres" in page
    assert "Abusive" in page and "Threatening" in page
    assert "Says the pool staff should be hurt." in page
    assert (
        '<a class="govuk-link app-break-all" href="https://x.com/Troll/status/1234" '
        'rel="noopener noreferrer nofollow">'
    ) in page
    assert "No step has been recorded yet. Start with the screenshot evidence." in page
    assert "Chris Evans opened a public abuse case" in page


@pytest.mark.django_db
def test_a_form_sent_twice_opens_one_case(comms: Client, account: Account) -> None:
    answers = case_answers(account, started_token(comms))

    first = comms.post("/abuse-cases/new/", answers)
    again = comms.post("/abuse-cases/new/", answers, follow=True)

    case = AbuseCase.objects.get()
    assert first["Location"] == again.redirect_chain[-1][0] == f"/abuse-cases/{case.pk}/"
    assert f"You already opened this case: {case.reference}." in page_of(again)


@pytest.mark.django_db
def test_opening_a_case_with_missing_or_bad_answers_says_what_to_fix(
    comms: Client, account: Account
) -> None:
    token = started_token(comms)
    answers = case_answers(
        account,
        token,
        handle="   ",
        post_url="javascript:alert(1)",
        categories=["abusive", "rude"],
        description="Kept when the page comes back",
    )

    sent = comms.post("/abuse-cases/new/", answers)

    assert sent.status_code == 200
    summary = error_summary(sent)
    assert "Enter the author's name or handle" in summary
    assert "Enter a web address that starts with https:// or http://" in summary
    assert "Select only what is in the list" in summary
    assert "Kept when the page comes back" in page_of(sent)
    assert not AbuseCase.objects.exists()

    nothing = comms.post("/abuse-cases/new/", {"started_with": token})
    summary = error_summary(nothing)
    assert "Select the account it was posted on" in summary
    assert "Select what makes the post unacceptable" in summary
    assert not AbuseCase.objects.exists()


# ---------------------------------------------------------------------------------------------
# The ladder


@pytest.mark.django_db
def test_communications_runs_the_ladder_from_screenshot_to_police_referral(
    comms: Client, case: AbuseCase, legal: User, client_for: Any, communications: User
) -> None:
    today = timezone.localdate()
    original = png(64, 32)

    # Removal waits for the screenshot: once the post is gone it cannot be captured.
    early = record(comms, case, step(StepKind.REMOVED))
    assert early.status_code == 200
    assert "Record the screenshot evidence first" in error_summary(early)

    shot = record(
        comms,
        case,
        step(StepKind.SCREENSHOT, note="Captured from the feed", screenshot=upload(original)),
    )
    assert shot.status_code == 302
    page = page_of(comms.get(f"/abuse-cases/{case.pk}/"))
    assert hashlib.sha256(original).hexdigest() in page
    assert "Dimensions 64 by 32 pixels" in words(comms.get(f"/abuse-cases/{case.pk}/"))
    assert f"File size as uploaded {len(original)} bytes" in words(
        comms.get(f"/abuse-cases/{case.pk}/")
    )
    evidence = Evidence.objects.get()
    assert f'href="/evidence/{evidence.pk}/"' in page

    assert record(comms, case, step(StepKind.WARNING, note="Sent by DM")).status_code == 302
    assert record(comms, case, step(StepKind.REMOVED)).status_code == 302
    sent = comms.post(f"/abuse-cases/{case.pk}/steps/new/", step(StepKind.BLOCKED), follow=True)
    ends = today + datetime.timedelta(days=profile_get().public_block_days)
    page = page_of(sent)
    assert f"The block ends on {ends.day} {ends:%B %Y}." in page
    assert f"until {ends.day} {ends:%B %Y}" in page
    assert "Lift the block" in page

    consulted = comms.post(
        f"/abuse-cases/{case.pk}/steps/new/", step(StepKind.LEGAL_CONSULTED), follow=True
    )
    assert "Legal Services has been told" in page_of(consulted)

    # Legal finds the case among its tasks, and records its advice on it.
    lawyer = client_for(legal)
    assert f"Advise Communications on {case.reference}" in page_of(lawyer.get("/"))
    case_page = page_of(lawyer.get(f"/abuse-cases/{case.pk}/"))
    assert "Legal Services has been consulted and has not recorded its advice yet." in case_page
    assert f'href="/abuse-cases/{case.pk}/advice/"' in case_page
    assert "Record a step" not in case_page
    assert lawyer.get(f"/abuse-cases/{case.pk}/advice/").status_code == 200
    advised = lawyer.post(
        f"/abuse-cases/{case.pk}/advice/",
        {"advice": "This is a threat: refer it to the police."},
        follow=True,
    )
    assert "Your advice is recorded. Communications has been told." in page_of(advised)
    assert f"Advise Communications on {case.reference}" not in page_of(lawyer.get("/"))
    assert Notification.objects.filter(recipient=communications, url=f"/abuse-cases/{case.pk}/")

    referred = record(comms, case, step(StepKind.POLICE_REFERRAL, police_reference="DP-2026-04417"))
    assert referred.status_code == 302

    assert "Police reference: DP-2026-04417" in words(comms.get(f"/abuse-cases/{case.pk}/"))
    page = page_of(comms.get(f"/abuse-cases/{case.pk}/"))
    assert "This is a threat: refer it to the police." in page
    ladder = page[page.index('id="steps"') : page.index('id="evidence"')]
    titles = re.findall(r'app-timeline__title">([^<]+)<', ladder)
    assert titles == [
        "Screenshot evidence captured",
        "Written warning sent to the author",
        "Content removed from the council's feed",
        "Author blocked",
        "Legal Services consulted",
        "Advice from Legal Services",
        "Referred to the police",
    ]
    assert ladder.count("Recorded by Chris Evans") == 6
    assert ladder.count("Recorded by Leah Grant") == 1


@pytest.mark.django_db
def test_the_step_form_starts_today_offers_communications_steps_and_the_block_length(
    comms: Client, case: AbuseCase
) -> None:
    today = timezone.localdate()
    page = page_of(comms.get(f"/abuse-cases/{case.pk}/steps/new/?kind=blocked"))

    assert 'enctype="multipart/form-data"' in page
    assert f'name="happened_on_0" value="{today.day}"' in page
    assert re.search(r'value="blocked"[^>]*checked', page)
    assert f"Leave empty for {profile_get().public_block_days} days" in page
    assert 'accept="image/png,image/jpeg,image/webp"' in page
    assert "Advice from Legal Services" not in page
    assert "Referred to the police" in page


@pytest.mark.django_db
def test_a_block_can_end_on_a_chosen_day_and_be_lifted(comms: Client, case: AbuseCase) -> None:
    today = timezone.localdate()
    start = today - datetime.timedelta(days=3)
    ends = today + datetime.timedelta(days=11)
    record(comms, case, step(StepKind.BLOCKED, on=start, ends=ends))
    page = page_of(comms.get(f"/abuse-cases/{case.pk}/"))
    assert f"Blocked from {start.day} {start:%B %Y} until {ends.day} {ends:%B %Y}" in page

    assert record(comms, case, step(StepKind.BLOCK_LIFTED)).status_code == 302

    page = page_of(comms.get(f"/abuse-cases/{case.pk}/"))
    assert "Blocked from" not in page
    assert "Lift the block" not in page
    assert "(lifted or renewed" in page


# ---------------------------------------------------------------------------------------------
# Bad input: a clear message at the question, the answers kept, nothing half-saved


def _svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


BAD_STEPS = [
    pytest.param(
        {"kind": StepKind.BLOCKED, "on": -1, "ends": -3},
        "The block must end after the day it starts",
        id="block-ends-before-it-starts",
    ),
    pytest.param(
        {"kind": StepKind.WARNING, "police_reference": "DP-1"},
        "Enter a police reference only when recording a police referral",
        id="police-reference-without-referral",
    ),
    pytest.param(
        {"kind": StepKind.POLICE_REFERRAL},
        "Enter the police reference",
        id="referral-without-reference",
    ),
    pytest.param(
        {"kind": StepKind.REMOVED},
        "Record the screenshot evidence first",
        id="removal-before-screenshot",
    ),
    pytest.param(
        {"kind": StepKind.SCREENSHOT, "file": ("drawing.svg", _svg(), "image/svg+xml")},
        "The selected file must be a PNG, JPEG or WebP image",
        id="svg",
    ),
    pytest.param(
        {"kind": StepKind.SCREENSHOT, "file": ("notes.png", b"just some text\n" * 20, "image/png")},
        "The selected file must be a PNG, JPEG or WebP image",
        id="text-named-png",
    ),
    pytest.param(
        {"kind": StepKind.SCREENSHOT, "file": ("cut.png", png()[:60], "image/png")},
        "The selected image is damaged or incomplete",
        id="truncated-png",
    ),
    pytest.param(
        {"kind": StepKind.SCREENSHOT},
        "Select the screenshot to upload",
        id="screenshot-step-without-file",
    ),
    pytest.param(
        {"kind": StepKind.WARNING, "file": ("shot.png", png(), "image/png")},
        "Upload a screenshot only with the step 'Screenshot evidence captured'",
        id="screenshot-with-another-step",
    ),
    pytest.param(
        {"kind": StepKind.WARNING, "on": 2},
        "The date of the step must be today or in the past",
        id="future-date",
    ),
    pytest.param(
        {"kind": StepKind.BLOCK_LIFTED},
        "This author is not blocked in this case",
        id="lift-without-block",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("given", "message"), BAD_STEPS)
def test_a_step_the_ladder_does_not_allow_is_refused_with_a_clear_message(
    comms: Client, case: AbuseCase, given: dict[str, Any], message: str
) -> None:
    today = timezone.localdate()
    answers = step(
        given["kind"],
        on=today + datetime.timedelta(days=given.get("on", 0)),
        ends=today + datetime.timedelta(days=given["ends"]) if "ends" in given else None,
        note="A note that must survive",
        police_reference=given.get("police_reference", ""),
    )
    if "file" in given:
        answers["screenshot"] = upload(given["file"][1], given["file"][0], given["file"][2])

    sent = record(comms, case, answers)

    assert sent.status_code == 200
    assert message in error_summary(sent)
    page = page_of(sent)
    assert "A note that must survive" in page
    assert re.search(rf'value="{given["kind"]}"[^>]*checked', page)
    assert not CaseStep.objects.exists()
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_and_must_be_chosen_again(
    comms: Client, case: AbuseCase, settings: Any
) -> None:
    settings.EVIDENCE_MAX_BYTES = 2048
    noisy = Image.frombytes("L", (200, 200), random.Random(4).randbytes(200 * 200))
    out = io.BytesIO()
    noisy.save(out, format="PNG")
    assert len(out.getvalue()) > 2048

    sent = record(comms, case, step(StepKind.SCREENSHOT, screenshot=upload(out.getvalue())))

    assert sent.status_code == 200
    assert "The selected file must be smaller than" in error_summary(sent)
    assert not Evidence.objects.exists()
    assert not CaseStep.objects.exists()


@pytest.mark.django_db
def test_a_good_screenshot_sent_with_another_mistake_asks_to_choose_it_again(
    comms: Client, case: AbuseCase
) -> None:
    answers = step(StepKind.SCREENSHOT, screenshot=upload(png()))
    answers.update(date_parts("happened_on", None))
    answers["happened_on_0"] = "31"
    answers["happened_on_1"] = "2"
    answers["happened_on_2"] = "2026"

    sent = record(comms, case, answers)

    assert sent.status_code == 200
    assert "The date must be a real date" in error_summary(sent)
    assert "Choose the screenshot again" in page_of(sent)
    assert not Evidence.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("x", "1", "2026"), "The date must be a real date, like 27 3 2026"),
        (("", "", ""), "Enter the date you took the step"),
        (("1", "1", "99999999999999999999"), "Enter the year in full, like 2026"),
    ],
)
def test_a_step_date_that_is_not_a_date_is_refused(
    comms: Client, case: AbuseCase, parts: tuple[str, str, str], message: str
) -> None:
    answers = step(StepKind.WARNING)
    answers.update(
        dict(zip(("happened_on_0", "happened_on_1", "happened_on_2"), parts, strict=True))
    )

    sent = record(comms, case, answers)

    assert sent.status_code == 200
    assert message in error_summary(sent)
    assert not CaseStep.objects.exists()


# ---------------------------------------------------------------------------------------------
# Cases about the same author


@pytest.mark.django_db
def test_cases_about_the_same_author_on_the_same_platform_are_linked(
    comms: Client, communications: User, leisure: ServiceArea, account: Account
) -> None:
    other_x = make_account(communications, leisure, name="Derby Museums")
    facebook = make_account(
        communications, leisure, name="Leisure on Facebook", platform=Platform.FACEBOOK
    )
    first = open_case(comms, account, "@Troll")
    second = open_case(comms, other_x, "troll")
    third = open_case(comms, account, "https://x.com/TROLL")
    elsewhere = open_case(comms, facebook, "troll")
    unrelated = open_case(comms, account, "@someone_else")

    page = page_of(comms.get(f"/abuse-cases/{first.pk}/"))
    assert (
        "This author has 2 other cases on X (Twitter). Two or more incidents can amount to "
        "harassment."
    ) in page
    linked = page[page.index('id="same-author"') : page.index("The post")]
    assert f'href="/abuse-cases/{second.pk}/"' in linked
    assert f'href="/abuse-cases/{third.pk}/"' in linked
    assert f'href="/abuse-cases/{elsewhere.pk}/"' not in linked
    assert f'href="/abuse-cases/{unrelated.pk}/"' not in linked

    assert "other case" not in page_of(comms.get(f"/abuse-cases/{elsewhere.pk}/"))
    assert "other case" not in page_of(comms.get(f"/abuse-cases/{unrelated.pk}/"))


# ---------------------------------------------------------------------------------------------
# The list


@pytest.mark.django_db
def test_the_list_filters_by_state_finds_an_author_and_pages_by_25(
    comms: Client, account: Account, communications: User
) -> None:
    for number in range(26):
        open_case(comms, account, f"@author{number:02d}")
    troll = open_case(comms, account, "@Troll")
    closed = open_case(comms, account, "@Gone")
    comms.post(f"/abuse-cases/{closed.pk}/close/", {"outcome": "Author deleted the account"})

    first = page_of(comms.get("/abuse-cases/"))
    assert len(re.findall(r'href="/abuse-cases/[0-9]+/"', first)) == 25
    assert "Open a case" in first
    assert "@Gone" not in first
    assert 'href="?page=2"' in comms.get("/abuse-cases/").content.decode()
    assert 'href="?state=open&amp;page=2"' in comms.get("/abuse-cases/?state=open").content.decode()
    assert "@author00" in page_of(comms.get("/abuse-cases/?state=open&page=2"))

    closed_tab = page_of(comms.get("/abuse-cases/?state=closed"))
    assert "@Gone" in closed_tab and "@Troll" not in closed_tab

    found = page_of(comms.get("/abuse-cases/?state=all&author=TROLL"))
    assert f'href="/abuse-cases/{troll.pk}/"' in found
    with_nul = comms.get("/abuse-cases/?state=all&author=TR%00OLL")  # a NUL is left out
    assert with_nul.status_code == 200
    assert f'href="/abuse-cases/{troll.pk}/"' in page_of(with_nul)
    assert "@author01" not in found
    assert "No open case about an author matching" in page_of(
        comms.get("/abuse-cases/?author=nobody")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["legal", "hr", "auditor"])
def test_legal_hr_and_auditors_read_cases_but_open_none(
    reader: str, case: AbuseCase, request: pytest.FixtureRequest, client_for: Any
) -> None:
    client = client_for(request.getfixturevalue(reader))

    listing = page_of(client.get("/abuse-cases/"))
    assert f'href="/abuse-cases/{case.pk}/"' in listing
    assert "Open a case" not in listing
    page = page_of(client.get(f"/abuse-cases/{case.pk}/"))
    assert "A post by @Troll" in page
    assert "Record a step" not in page and "Close the case" not in page
    assert client.get("/abuse-cases/new/").status_code == 404
    assert client.post("/abuse-cases/new/", {}).status_code == 404


# ---------------------------------------------------------------------------------------------
# Who may do what


def _case_pages(case: AbuseCase) -> list[str]:
    return [
        "/abuse-cases/",
        "/abuse-cases/new/",
        f"/abuse-cases/{case.pk}/",
        f"/abuse-cases/{case.pk}/steps/new/",
        f"/abuse-cases/{case.pk}/advice/",
        f"/abuse-cases/{case.pk}/close/",
        f"/abuse-cases/{case.pk}/reopen/",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["requester", "line_manager", "outsider"])
def test_nobody_else_finds_a_case(
    person: str,
    case: AbuseCase,
    comms: Client,
    request: pytest.FixtureRequest,
    client_for: Any,
) -> None:
    record(comms, case, step(StepKind.SCREENSHOT, screenshot=upload(png())))
    record(comms, case, step(StepKind.LEGAL_CONSULTED))
    client = client_for(request.getfixturevalue(person))

    for url in _case_pages(case):
        assert client.get(url).status_code == 404, url
    for url in _case_pages(case)[3:]:
        assert client.post(url, {"outcome": "x", "advice": "x", "reason": "x"}).status_code == 404
    assert client.post("/abuse-cases/new/", case_answers(case.account, "")).status_code == 404
    assert client.get(f"/evidence/{Evidence.objects.get().pk}/").status_code == 404
    assert CaseStep.objects.count() == 2
    assert AbuseCase.objects.get().state == CaseState.OPEN


@pytest.mark.django_db
def test_an_auditor_reads_a_case_but_never_acts_on_it(
    case: AbuseCase, comms: Client, auditor: User, client_for: Any
) -> None:
    """Auditors follow the compliance statement's figures to the cases (AUD-1); every move
    stays Communications' or Legal's, and the screenshots stay with them (INC-3)."""
    record(comms, case, step(StepKind.SCREENSHOT, screenshot=upload(png())))
    record(comms, case, step(StepKind.LEGAL_CONSULTED))
    client = client_for(auditor)

    read = [client.get(url).status_code for url in _case_pages(case)]
    posted = [
        client.post(url, {"outcome": "x", "advice": "x", "reason": "x"}).status_code
        for url in _case_pages(case)[3:]
    ]
    page = page_of(client.get(f"/abuse-cases/{case.pk}/"))

    assert read == [200, 404, 200, 404, 404, 404, 404]
    assert posted == [404, 404, 404, 404]
    assert client.post("/abuse-cases/new/", case_answers(case.account, "")).status_code == 404
    assert client.get(f"/evidence/{Evidence.objects.get().pk}/").status_code == 404
    assert "A post by @Troll" in page
    assert "Record a step" not in page and "Record your advice" not in page
    assert "/evidence/" not in page
    assert CaseStep.objects.count() == 2
    assert AbuseCase.objects.count() == 1
    assert AbuseCase.objects.get().state == CaseState.OPEN


@pytest.mark.django_db
def test_legal_cannot_record_steps_close_or_reopen(
    case: AbuseCase, legal: User, client_for: Any
) -> None:
    lawyer = client_for(legal)

    assert lawyer.get(f"/abuse-cases/{case.pk}/steps/new/").status_code == 404
    assert record(lawyer, case, step(StepKind.WARNING)).status_code == 404
    assert lawyer.post(f"/abuse-cases/{case.pk}/close/", {"outcome": "x"}).status_code == 404
    assert not CaseStep.objects.exists()
    assert AbuseCase.objects.get().state == CaseState.OPEN


@pytest.mark.django_db
def test_legal_advises_only_once_consulted_and_communications_never(
    comms: Client, case: AbuseCase, legal: User, client_for: Any
) -> None:
    lawyer = client_for(legal)
    assert lawyer.get(f"/abuse-cases/{case.pk}/advice/").status_code == 404
    assert "Record your advice" not in page_of(lawyer.get(f"/abuse-cases/{case.pk}/"))

    record(comms, case, step(StepKind.LEGAL_CONSULTED))

    assert comms.get(f"/abuse-cases/{case.pk}/advice/").status_code == 404
    assert comms.post(f"/abuse-cases/{case.pk}/advice/", {"advice": "x"}).status_code == 404
    empty = lawyer.post(f"/abuse-cases/{case.pk}/advice/", {"advice": "  "})
    assert empty.status_code == 200
    assert "Enter your advice" in error_summary(empty)
    assert not CaseStep.objects.filter(kind=StepKind.LEGAL_ADVICE).exists()


@pytest.mark.django_db
def test_hr_reads_but_records_nothing(case: AbuseCase, hr: User, client_for: Any) -> None:
    reader = client_for(hr)

    for url in _case_pages(case)[3:]:
        assert reader.get(url).status_code == 404, url


# ---------------------------------------------------------------------------------------------
# Closing and reopening


@pytest.mark.django_db
def test_communications_closes_and_reopens_a_case(comms: Client, case: AbuseCase) -> None:
    assert "Reopen the case" not in page_of(comms.get(f"/abuse-cases/{case.pk}/"))
    empty = comms.post(f"/abuse-cases/{case.pk}/close/", {"outcome": ""})
    assert "Enter the outcome" in error_summary(empty)

    closed = comms.post(
        f"/abuse-cases/{case.pk}/close/",
        {"outcome": "Post removed; the author has not posted again"},
        follow=True,
    )

    page = page_of(closed)
    assert f"{case.reference} is closed." in page
    assert "Post removed; the author has not posted again" in page
    assert "Record a step" not in page
    assert "Reopen the case" in page
    # A step on a closed case is refused with the reason, not a broken page.
    refused = comms.get(f"/abuse-cases/{case.pk}/steps/new/", follow=True)
    assert "This case is closed. Reopen it to record another step." in page_of(refused)
    assert record(comms, case, step(StepKind.WARNING)).status_code == 302
    assert not CaseStep.objects.exists()

    reopened = comms.post(
        f"/abuse-cases/{case.pk}/reopen/",
        {"reason": "The author posted again after the block ended"},
        follow=True,
    )

    page = page_of(reopened)
    assert f"{case.reference} is open again." in page
    assert "The author posted again after the block ended" in page
    assert AbuseCase.objects.get().state == CaseState.OPEN
    again = comms.get(f"/abuse-cases/{case.pk}/reopen/", follow=True)
    assert "This case is open." in page_of(again)


@pytest.mark.django_db
def test_the_concern_link_is_offered_to_whoever_may_raise_one(
    case: AbuseCase, comms: Client, legal: User, client_for: Any
) -> None:
    link = f'href="/concerns/new/?case={case.pk}"'
    assert link in page_of(comms.get(f"/abuse-cases/{case.pk}/"))
    assert link not in page_of(client_for(legal).get(f"/abuse-cases/{case.pk}/"))


# ---------------------------------------------------------------------------------------------
# Evidence


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["communications", "legal", "hr"])
def test_evidence_downloads_as_an_attachment_no_browser_runs_or_keeps(
    reader: str,
    comms: Client,
    case: AbuseCase,
    request: pytest.FixtureRequest,
    client_for: Any,
) -> None:
    record(comms, case, step(StepKind.SCREENSHOT, screenshot=upload(png())))
    evidence = Evidence.objects.get()

    response = client_for(request.getfixturevalue(reader)).get(f"/evidence/{evidence.pk}/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["Content-Type"] == "image/png"
    content = b"".join(response.streaming_content)
    response.close()
    assert hashlib.sha256(content).hexdigest() == evidence.stored_sha256
    assert Image.open(io.BytesIO(content)).size == (40, 20)


@pytest.mark.django_db
def test_the_case_page_reads_the_same_number_of_queries_however_long_the_ladder(
    comms: Client, case: AbuseCase, account: Account
) -> None:
    record(comms, case, step(StepKind.SCREENSHOT, screenshot=upload(png())))
    record(comms, case, step(StepKind.BLOCKED))
    with CaptureQueriesContext(connection) as short:
        comms.get(f"/abuse-cases/{case.pk}/")

    record(comms, case, step(StepKind.SCREENSHOT, screenshot=upload(png(colour="blue"))))
    record(comms, case, step(StepKind.WARNING))
    record(comms, case, step(StepKind.BLOCKED))
    record(comms, case, step(StepKind.POLICE_REFERRAL, police_reference="DP-1"))
    open_case(comms, account, "troll")
    with CaptureQueriesContext(connection) as long:
        page = page_of(comms.get(f"/abuse-cases/{case.pk}/"))

    assert "Referred to the police" in page
    assert len(long.captured_queries) == len(short.captured_queries)


@pytest.mark.django_db
def test_the_account_page_offers_communications_a_case_about_a_post_on_it(
    comms: Client, account: Account, communications: User, requester: User, client_for: Any
) -> None:
    link = f'href="/abuse-cases/new/?account={account.pk}"'
    assert link in page_of(comms.get(f"/register/{account.pk}/"))

    moderator = make_account(communications, account.service_area, moderators=(requester,))
    mine = client_for(requester).get(f"/register/{moderator.pk}/")
    assert mine.status_code == 200
    assert "Open a public abuse case" not in page_of(mine)
