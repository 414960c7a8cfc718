"""Public abuse cases as the services run them (INC-2; DER "The acceptable use of social media by
customers and residents"): only Communications opens and runs a case; cases about one author on
one platform are linked however the handle was typed; the ladder's steps keep their order rules
(a screenshot before removal, a police reference only with a referral, a block that ends after
it starts, lifted or renewed); Legal advises once consulted; a closed case takes no step until
reopened; a block's end is told to Communications once.

The clock is stopped at 9am on Monday 2 February 2026 (Greenwich time, so dates do not shift).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Account, Platform
from governance import roles
from governance.errors import DomainError
from governance.models import Event, Notification, ServiceArea, User
from governance.services.profile import profile_update
from governance.todo import todos_for
from moderation import events
from moderation.authors import author_key
from moderation.models import AbuseCase, CaseState, CaseStep, Evidence, StepKind
from moderation.selectors import abuse_cases, cases_about_the_same_author
from moderation.services.abuse import (
    blocks_remind,
    case_advice_record,
    case_close,
    case_open,
    case_reopen,
    case_step_record,
    open_block,
)
from tests.conftest import make_person
from tests.register_helpers import account_in, make_account

START = datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 2, 2)


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def at(n: int, hour: int = 9) -> datetime.datetime:
    """``hour`` o'clock (Greenwich), ``n`` days after the start."""
    return START + datetime.timedelta(days=n, hours=hour - 9)


@pytest.fixture(autouse=True)
def _stopped_clock() -> Iterator[None]:
    with time_machine.travel(START, tick=False):
        yield


def refusal(call: Callable[..., Any], **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


def told(key: str) -> list[str]:
    return sorted(Notification.objects.filter(key=key).values_list("recipient__email", flat=True))


def screenshot() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 20, 20)).save(out, "PNG")
    return SimpleUploadedFile("post.png", out.getvalue(), "image/png")


@pytest.fixture
def parks(communications: User, leisure: ServiceArea) -> Account:
    return make_account(communications, leisure, name="Parks News")


@pytest.fixture
def comms2(db: Any) -> User:
    """A second member of Communications."""
    return make_person("comms2@council.example", "Cara Jones", groups=(roles.COMMUNICATIONS,))


def open_case(actor: User, account: Account, handle: str = "@Troll", **values: Any) -> AbuseCase:
    fields: dict[str, Any] = {
        "post_url": "https://x.com/Troll/status/1",
        "categories": ["abusive", "threatening"],
        **values,
    }
    case, new = case_open(actor=actor, account=account, author_handle=handle, **fields)
    assert new
    return case


@pytest.fixture
def case(communications: User, parks: Account) -> AbuseCase:
    return open_case(communications, parks)


def step(
    actor: User, case: AbuseCase, kind: str, on: datetime.date = TODAY, **values: Any
) -> CaseStep:
    return case_step_record(actor=actor, case=case, kind=kind, happened_on=on, **values)


# ---------------------------------------------------------------------------------------------
# Opening a case


def test_communications_opens_a_case(communications: User, parks: Account) -> None:
    case = open_case(
        communications,
        parks,
        " @Troll ",
        categories=["abusive", "threatening", "abusive"],
        description=" A threat against a named member of staff. ",
    )
    case.refresh_from_db()
    assert case.reference == f"PA-{case.pk:05d}"
    assert case.state == CaseState.OPEN
    assert case.author_handle == "@Troll"
    assert case.author_key == "troll"
    assert case.platform_key == "x"
    assert case.categories == ["abusive", "threatening"]
    assert case.category_labels() == ["Abusive", "Threatening"]
    assert case.description == "A threat against a named member of staff."
    assert (case.opened_by, case.opened_at) == (communications, START)
    event = Event.objects.get(action=events.ABUSE_CASE_OPENED)
    assert event.summary == "Chris Evans opened a public abuse case about a post on Parks News"
    assert event.data == {"account": parks.pk, "categories": ["abusive", "threatening"]}


@pytest.mark.parametrize(
    ("values", "message", "field"),
    [
        pytest.param(
            {"categories": []}, "Select what makes the post unacceptable", "categories", id="none"
        ),
        pytest.param(
            {"categories": ["abusive", "rude"]},
            "Select only what is in the list",
            "categories",
            id="unknown-category",
        ),
        pytest.param(
            {"author_handle": "  "},
            "Enter the author's name or handle",
            "author_handle",
            id="no-author",
        ),
        pytest.param(
            {"author_handle": "@"},
            "Enter the author's name or handle",
            "author_handle",
            id="at-alone",
        ),
        pytest.param(
            {"post_url": " "}, "Enter the web address of the post", "post_url", id="no-post"
        ),
    ],
)
def test_case_with_a_missing_or_wrong_answer_is_refused(
    values: dict[str, Any], message: str, field: str, communications: User, parks: Account
) -> None:
    fields: dict[str, Any] = {
        "author_handle": "@Troll",
        "post_url": "https://x.com/Troll/status/1",
        "categories": ["abusive"],
        **values,
    }
    error = refusal(case_open, actor=communications, account=parks, **fields)
    assert (error.message, error.field) == (message, field)
    assert not AbuseCase.objects.exists()


def test_every_category_of_the_der_is_accepted(communications: User, parks: Account) -> None:
    categories = [
        "abusive",
        "harassing",
        "threatening",
        "discriminatory",
        "defamatory",
        "contempt_of_court",
        "other_unlawful",
        "spam",
        "inappropriate_media",
        "incitement",
    ]
    assert open_case(communications, parks, categories=categories).categories == categories


def test_case_on_a_closed_account_is_refused(communications: User, leisure: ServiceArea) -> None:
    closed = account_in("closed", communications, leisure, ())
    error = refusal(
        case_open,
        actor=communications,
        account=closed,
        author_handle="@Troll",
        post_url="https://x.com/Troll/status/1",
        categories=["abusive"],
    )
    assert (error.message, error.field) == (
        "That account is closed. Select an open account",
        "account",
    )


@pytest.mark.parametrize(
    "role", ["requester", "line_manager", "legal", "hr", "auditor", "administrator"]
)
def test_only_communications_opens_a_case(
    role: str, parks: Account, request: pytest.FixtureRequest
) -> None:
    error = refusal(
        case_open,
        actor=request.getfixturevalue(role),
        account=parks,
        author_handle="@Troll",
        post_url="https://x.com/Troll/status/1",
        categories=["abusive"],
    )
    assert error.message == "Only Communications opens a case."
    assert not AbuseCase.objects.exists()


def test_the_same_form_sent_twice_opens_one_case(communications: User, parks: Account) -> None:
    values: dict[str, Any] = {
        "actor": communications,
        "account": parks,
        "author_handle": "@Troll",
        "post_url": "https://x.com/Troll/status/1",
        "categories": ["abusive"],
        "started_with": "form-1",
    }
    first, first_new = case_open(**values)
    again, again_new = case_open(**values)
    assert (first_new, again_new, again.pk) == (True, False, first.pk)
    assert AbuseCase.objects.count() == 1
    assert Event.objects.filter(action=events.ABUSE_CASE_OPENED).count() == 1


# ---------------------------------------------------------------------------------------------
# Cases about the same author are linked (two or more incidents can amount to harassment)

# Full-width letters, as a phone's Japanese or Chinese keyboard types them.
FULL_WIDTH = "".join(chr(ord(character) + 0xFEE0) for character in "@Troll")
SAME_AUTHOR = ["@Troll", "troll", "TROLL", "https://x.com/Troll", "x.com/Troll/", FULL_WIDTH]


@pytest.mark.parametrize("handle", SAME_AUTHOR)
def test_author_is_the_same_however_the_handle_is_typed(handle: str) -> None:
    assert author_key(handle) == "troll"


def test_cases_about_one_author_on_one_platform_are_linked(
    communications: User, leisure: ServiceArea, parks: Account
) -> None:
    libraries = make_account(communications, leisure, name="Libraries")
    cases = [
        open_case(communications, parks if n % 2 else libraries, handle)
        for n, handle in enumerate(SAME_AUTHOR)
    ]
    for case in cases:
        others = {other.pk for other in cases_about_the_same_author(case)}
        assert others == {other.pk for other in cases} - {case.pk}
    assert abuse_cases(author="https://x.com/TROLL").count() == len(SAME_AUTHOR)


def test_cases_are_not_linked_across_platforms_or_to_other_authors(
    communications: User, leisure: ServiceArea, parks: Account
) -> None:
    on_x = open_case(communications, parks, "@Troll")
    facebook = make_account(
        communications,
        leisure,
        platform=Platform.FACEBOOK,
        name="Parks on Facebook",
        handle="ParksFB",
        url="https://www.facebook.com/ParksFB",
    )
    on_facebook = open_case(communications, facebook, "@Troll", post_url="https://facebook.com/1")
    other_author = open_case(communications, parks, "@Trolls")
    assert list(cases_about_the_same_author(on_x)) == []
    assert list(cases_about_the_same_author(on_facebook)) == []
    assert list(cases_about_the_same_author(other_author)) == []


def test_cases_on_two_other_platforms_are_not_linked(
    communications: User, leisure: ServiceArea
) -> None:
    def other(name: str) -> Account:
        return make_account(
            communications,
            leisure,
            platform=Platform.OTHER,
            platform_other=name,
            name=f"Parks on {name}",
            handle=f"parks{len(name)}{name[0]}",
            url=f"https://{name.lower()}.example/parks",
        )

    mastodon, bluesky, mastodon_again = other("Mastodon"), other("Bluesky"), other(" mastodon ")
    first = open_case(communications, mastodon, "@Troll")
    open_case(communications, bluesky, "@Troll")
    third = open_case(communications, mastodon_again, "@Troll")
    assert [case.pk for case in cases_about_the_same_author(first)] == [third.pk]


def test_facebook_profiles_by_number_are_different_authors(
    communications: User, leisure: ServiceArea
) -> None:
    """A Facebook profile without a user name is addressed by number: every such address
    ends in 'profile.php', and the number is what tells two people apart."""
    facebook = make_account(
        communications,
        leisure,
        platform=Platform.FACEBOOK,
        name="Parks on Facebook",
        handle="ParksFB",
        url="https://www.facebook.com/ParksFB",
    )
    first = open_case(
        communications,
        facebook,
        "https://www.facebook.com/profile.php?id=100001",
        post_url="https://facebook.com/1",
    )
    open_case(
        communications,
        facebook,
        "https://www.facebook.com/profile.php?id=200002",
        post_url="https://facebook.com/2",
    )
    again = open_case(
        communications,
        facebook,
        "facebook.com/profile.php?id=100001",
        post_url="https://facebook.com/3",
    )
    assert [case.pk for case in cases_about_the_same_author(first)] == [again.pk]


# ---------------------------------------------------------------------------------------------
# The ladder


COMMUNICATIONS_STEPS = [
    StepKind.SCREENSHOT,
    StepKind.WARNING,
    StepKind.REMOVED,
    StepKind.ASKED_TO_REMOVE,
    StepKind.BLOCKED,
    StepKind.BLOCK_LIFTED,
    StepKind.LEGAL_CONSULTED,
    StepKind.POLICE_REFERRAL,
]


def test_the_whole_ladder_is_recorded_with_dates_and_who(
    communications: User, comms2: User, case: AbuseCase
) -> None:
    step(communications, case, StepKind.SCREENSHOT, day(-3), screenshot=screenshot(), note="Saved")
    step(comms2, case, StepKind.WARNING, day(-3))
    step(communications, case, StepKind.REMOVED, day(-2))
    step(communications, case, StepKind.ASKED_TO_REMOVE, day(-2))
    step(communications, case, StepKind.BLOCKED, day(-2))
    step(communications, case, StepKind.BLOCK_LIFTED, day(-1))
    step(communications, case, StepKind.LEGAL_CONSULTED, day(-1))
    step(communications, case, StepKind.POLICE_REFERRAL, TODAY, police_reference=" GMP-2026-0042 ")
    recorded = list(case.steps.values_list("kind", "happened_on", "recorded_by__full_name"))
    assert recorded == [
        ("screenshot", day(-3), "Chris Evans"),
        ("warning", day(-3), "Cara Jones"),
        ("removed", day(-2), "Chris Evans"),
        ("asked_to_remove", day(-2), "Chris Evans"),
        ("blocked", day(-2), "Chris Evans"),
        ("block_lifted", day(-1), "Chris Evans"),
        ("legal_consulted", day(-1), "Chris Evans"),
        ("police_referral", TODAY, "Chris Evans"),
    ]
    assert [kind for kind, _, _ in recorded] == COMMUNICATIONS_STEPS
    assert case.steps.get(kind=StepKind.POLICE_REFERRAL).police_reference == "GMP-2026-0042"
    assert case.steps.get(kind=StepKind.SCREENSHOT).note == "Saved"
    summaries = list(
        Event.objects.filter(action=events.ABUSE_CASE_STEP).values_list("summary", flat=True)
    )
    assert summaries[0] == (
        f"Chris Evans recorded on {case.reference}: Screenshot evidence captured on 30 January 2026"
    )
    assert (
        summaries[-1]
        == f"Chris Evans recorded on {case.reference}: Referred to the police on 2 February 2026"
    )


def test_screenshot_is_kept_as_evidence_of_its_step(communications: User, case: AbuseCase) -> None:
    captured = step(communications, case, StepKind.SCREENSHOT, screenshot=screenshot())
    [evidence] = Evidence.objects.all()
    assert (evidence.case, evidence.step, evidence.incident) == (case, captured, None)
    event = Event.objects.get(action=events.ABUSE_CASE_STEP)
    assert event.data["sha256"] == evidence.original_sha256


def test_hostile_screenshot_keeps_neither_step_nor_file(
    communications: User, case: AbuseCase
) -> None:
    svg = SimpleUploadedFile("post.svg", b"<svg><script>alert(1)</script></svg>", "image/svg+xml")
    error = refusal(
        case_step_record,
        actor=communications,
        case=case,
        kind=StepKind.SCREENSHOT,
        happened_on=TODAY,
        screenshot=svg,
    )
    assert error.message == "The selected file must be a PNG, JPEG or WebP image"
    assert not CaseStep.objects.exists()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("kind", "values", "message", "field"),
    [
        pytest.param("legal_advice", {}, "Select the step you took", "kind", id="advice-is-legals"),
        pytest.param("apology", {}, "Select the step you took", "kind", id="unknown-step"),
        pytest.param(
            "warning",
            {"happened_on": day(1)},
            "The date of the step must be today or in the past",
            "happened_on",
            id="tomorrow",
        ),
        pytest.param(
            "removed",
            {},
            "Record the screenshot evidence first: once the post is removed it cannot be captured",
            "kind",
            id="removal-before-screenshot",
        ),
        pytest.param(
            "police_referral",
            {},
            "Enter the police reference",
            "police_reference",
            id="referral-no-ref",
        ),
        pytest.param(
            "police_referral",
            {"police_reference": "   "},
            "Enter the police reference",
            "police_reference",
            id="referral-blank-ref",
        ),
        pytest.param(
            "warning",
            {"police_reference": "GMP-1"},
            "Enter a police reference only when recording a police referral",
            "police_reference",
            id="ref-without-referral",
        ),
        pytest.param(
            "blocked",
            {"block_ends_on": day(-1)},
            "The block must end after the day it starts",
            "block_ends_on",
            id="block-ends-before-start",
        ),
        pytest.param(
            "blocked",
            {"block_ends_on": TODAY},
            "The block must end after the day it starts",
            "block_ends_on",
            id="block-ends-on-start",
        ),
        pytest.param(
            "warning",
            {"block_ends_on": day(7)},
            "Enter an end date only when recording a block",
            "block_ends_on",
            id="end-date-without-block",
        ),
        pytest.param(
            "block_lifted",
            {},
            "This author is not blocked in this case",
            "kind",
            id="lift-no-block",
        ),
        pytest.param(
            "screenshot",
            {},
            "Select the screenshot to upload",
            "screenshot",
            id="screenshot-no-file",
        ),
        pytest.param(
            "warning",
            {"screenshot": "file"},
            "Upload a screenshot only with the step 'Screenshot evidence captured'",
            "screenshot",
            id="file-on-another-step",
        ),
    ],
)
def test_step_that_breaks_the_ladders_rules_is_refused_and_nothing_kept(
    kind: str,
    values: dict[str, Any],
    message: str,
    field: str,
    communications: User,
    case: AbuseCase,
) -> None:
    fields: dict[str, Any] = {"happened_on": TODAY, **values}
    if fields.get("screenshot") == "file":
        fields["screenshot"] = screenshot()
    error = refusal(case_step_record, actor=communications, case=case, kind=kind, **fields)
    assert (error.message, error.field) == (message, field)
    assert not CaseStep.objects.exists()
    assert not Evidence.objects.exists()
    assert not Event.objects.filter(action=events.ABUSE_CASE_STEP).exists()


def test_removal_after_the_screenshot_is_accepted(communications: User, case: AbuseCase) -> None:
    step(communications, case, StepKind.SCREENSHOT, screenshot=screenshot())
    assert step(communications, case, StepKind.REMOVED).kind == StepKind.REMOVED


def test_screenshot_in_another_case_does_not_allow_removal(
    communications: User, parks: Account, case: AbuseCase
) -> None:
    other = open_case(communications, parks, "@Someone")
    step(communications, other, StepKind.SCREENSHOT, screenshot=screenshot())
    error = refusal(
        case_step_record, actor=communications, case=case, kind=StepKind.REMOVED, happened_on=TODAY
    )
    assert error.field == "kind"


def test_block_lasts_the_profiles_days_from_its_start(
    communications: User, case: AbuseCase
) -> None:
    block = step(communications, case, StepKind.BLOCKED, day(-2))
    assert block.block_ends_on == day(5)  # one week (DER: "initially ... for one week")
    assert open_block(case) == block


def test_block_length_follows_a_changed_profile(
    communications: User, administrator: User, case: AbuseCase
) -> None:
    profile_update(actor=administrator, values={"public_block_days": 14}, reason="Council decision")
    assert step(communications, case, StepKind.BLOCKED).block_ends_on == day(14)


def test_block_with_its_own_end_keeps_it(communications: User, case: AbuseCase) -> None:
    assert step(communications, case, StepKind.BLOCKED, block_ends_on=day(1)).block_ends_on == day(
        1
    )


def test_a_new_block_renews_the_one_in_force(communications: User, case: AbuseCase) -> None:
    first = step(communications, case, StepKind.BLOCKED, day(-7))
    renewed = step(communications, case, StepKind.BLOCKED, TODAY, block_ends_on=day(28))
    first.refresh_from_db()
    assert first.settled_at == START
    assert renewed.settled_at is None
    assert open_block(case) == renewed


def test_lifting_settles_the_block_and_cannot_be_done_twice(
    communications: User, case: AbuseCase
) -> None:
    block = step(communications, case, StepKind.BLOCKED, day(-3))
    lifted = step(communications, case, StepKind.BLOCK_LIFTED)
    block.refresh_from_db()
    assert block.settled_at == START
    assert lifted.block_ends_on is None
    assert open_block(case) is None
    error = refusal(
        case_step_record,
        actor=communications,
        case=case,
        kind=StepKind.BLOCK_LIFTED,
        happened_on=TODAY,
    )
    assert error.message == "This author is not blocked in this case"


def test_a_block_in_another_case_cannot_be_lifted_here(
    communications: User, parks: Account, case: AbuseCase
) -> None:
    other = open_case(communications, parks, "@Troll", post_url="https://x.com/Troll/status/2")
    step(communications, other, StepKind.BLOCKED)
    error = refusal(
        case_step_record,
        actor=communications,
        case=case,
        kind=StepKind.BLOCK_LIFTED,
        happened_on=TODAY,
    )
    assert error.message == "This author is not blocked in this case"
    assert open_block(other) is not None


@pytest.mark.parametrize(
    "role", ["requester", "line_manager", "legal", "hr", "auditor", "administrator"]
)
def test_only_communications_records_steps_closes_and_reopens(
    role: str, communications: User, case: AbuseCase, request: pytest.FixtureRequest
) -> None:
    person = request.getfixturevalue(role)
    error = refusal(
        case_step_record, actor=person, case=case, kind=StepKind.WARNING, happened_on=TODAY
    )
    assert error.message == "Only Communications decides what happens in a case."
    error = refusal(case_close, actor=person, case=case, outcome="Done")
    assert error.message == "Only Communications can close a case."
    closed = case_close(actor=communications, case=case, outcome="Author blocked for good")
    error = refusal(case_reopen, actor=person, case=closed, reason="More posts")
    assert error.message == "Only Communications can reopen a case."
    assert not CaseStep.objects.exists()
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED


# ---------------------------------------------------------------------------------------------
# Legal Services


def test_legal_is_told_once_when_consulted(
    communications: User, legal: User, hr: User, case: AbuseCase
) -> None:
    second = make_person("legal2@council.example", "Lowri Hughes", groups=(roles.LEGAL,))
    consulted = step(communications, case, StepKind.LEGAL_CONSULTED, note="Is this defamatory?")
    key = f"abuse-case:{case.pk}:step:{consulted.pk}:legal"
    assert told(key) == sorted([legal.email, second.email])
    [subject] = set(Notification.objects.filter(key=key).values_list("subject", flat=True))
    assert subject == f"Your advice is asked on public abuse case {case.reference}"
    assert Notification.objects.filter(recipient=legal).count() == 1
    assert not Notification.objects.filter(recipient__in=[communications, hr]).exists()


def test_legal_advises_only_once_consulted(
    communications: User, legal: User, comms2: User, case: AbuseCase
) -> None:
    error = refusal(case_advice_record, actor=legal, case=case, advice="Report it.")
    assert error.message == (
        "Legal Services records advice on a case once Communications has consulted them."
    )
    step(communications, case, StepKind.LEGAL_CONSULTED)
    error = refusal(case_advice_record, actor=legal, case=case, advice="  ")
    assert (error.message, error.field) == ("Enter your advice", "advice")
    advice = case_advice_record(actor=legal, case=case, advice=" It may be defamatory: refer it. ")
    assert (advice.kind, advice.note, advice.recorded_by) == (
        StepKind.LEGAL_ADVICE,
        "It may be defamatory: refer it.",
        legal,
    )
    assert advice.happened_on == TODAY
    key = f"abuse-case:{case.pk}:step:{advice.pk}:advice"
    assert told(key) == sorted([communications.email, comms2.email])
    assert Event.objects.filter(action=events.ABUSE_CASE_STEP).latest("seq").summary == (
        f"Leah Grant gave Legal Services' advice on {case.reference}"
    )


@pytest.mark.parametrize("role", ["communications", "hr", "requester", "administrator"])
def test_only_legal_gives_advice(
    role: str, communications: User, case: AbuseCase, request: pytest.FixtureRequest
) -> None:
    step(communications, case, StepKind.LEGAL_CONSULTED)
    error = refusal(
        case_advice_record, actor=request.getfixturevalue(role), case=case, advice="Refer it."
    )
    assert error.message == (
        "Legal Services records advice on a case once Communications has consulted them."
    )
    assert not CaseStep.objects.filter(kind=StepKind.LEGAL_ADVICE).exists()


# ---------------------------------------------------------------------------------------------
# Closing and reopening


def test_closed_case_takes_no_step_or_advice_until_reopened(
    communications: User, legal: User, case: AbuseCase
) -> None:
    step(communications, case, StepKind.LEGAL_CONSULTED)
    error = refusal(case_close, actor=communications, case=case, outcome=" ")
    assert (error.message, error.field) == ("Enter the outcome", "outcome")
    closed = case_close(actor=communications, case=case, outcome="Warned; no more posts")
    assert (closed.state, closed.outcome, closed.closed_by) == (
        CaseState.CLOSED,
        "Warned; no more posts",
        communications,
    )
    closed_words = "This case is closed. Reopen it to record another step."
    # As held by a page loaded before it was closed, and as it is now.
    for held in (case, AbuseCase.objects.get(pk=case.pk)):
        assert (
            refusal(
                case_step_record,
                actor=communications,
                case=held,
                kind=StepKind.WARNING,
                happened_on=TODAY,
            ).message
            == closed_words
        )
        assert (
            refusal(case_advice_record, actor=legal, case=held, advice="Refer it.").message
            == closed_words
        )
        assert (
            refusal(case_close, actor=communications, case=held, outcome="Again").message
            == closed_words
        )
    assert case.steps.count() == 1
    error = refusal(case_reopen, actor=communications, case=closed, reason="")
    assert (error.message, error.field) == ("Enter why the case is reopened", "reason")
    reopened = case_reopen(actor=communications, case=closed, reason="The author posted again")
    assert (reopened.state, reopened.closed_at, reopened.closed_by) == (CaseState.OPEN, None, None)
    assert (
        refusal(case_reopen, actor=communications, case=reopened, reason="Again").message
        == "This case is open."
    )
    step(communications, reopened, StepKind.WARNING)
    case_advice_record(actor=legal, case=reopened, advice="Refer it.")
    assert Event.objects.get(action=events.ABUSE_CASE_REOPENED).reason == "The author posted again"


# ---------------------------------------------------------------------------------------------
# The end of a block is told once


def block_notices() -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(key__endswith=":ended").values_list(
            "recipient__email", "subject"
        )
    )


def test_block_end_is_told_once_to_each_of_communications(
    communications: User,
    comms2: User,
    legal: User,
    case: AbuseCase,
    django_capture_on_commit_callbacks: Any,
) -> None:
    block = step(communications, case, StepKind.BLOCKED)  # ends 9 February
    with time_machine.travel(at(6, 23), tick=False):
        assert blocks_remind() == 0
    assert block_notices() == []
    with (
        time_machine.travel(at(7, 0) + datetime.timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert blocks_remind() == 1
        assert blocks_remind() == 0
    with time_machine.travel(at(8), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert blocks_remind() == 0
    subject = f"Block ended: lift or renew it ({case.reference})"
    assert block_notices() == sorted([(communications.email, subject), (comms2.email, subject)])
    sent = [message for message in mail.outbox if "Block ended" in message.subject]
    assert sorted(message.to[0] for message in sent) == sorted([communications.email, comms2.email])
    body = Notification.objects.get(recipient=communications, key__endswith=":ended").body
    assert "ended on 9 February 2026" in body
    block.refresh_from_db()
    assert block.reminded_at == at(7, 0) + datetime.timedelta(minutes=1)
    assert block.settled_at is None  # told, but still to be lifted or renewed
    [event] = Event.objects.filter(action=events.ABUSE_BLOCK_ENDED)
    assert event.actor is None
    assert (
        event.summary == f"The block on {case.reference} ended on 9 February 2026: lift or renew it"
    )


def test_two_runs_at_once_tell_once(communications: User, case: AbuseCase) -> None:
    """Two workers that both found the block due: only the one whose update lands tells."""
    step(communications, case, StepKind.BLOCKED, block_ends_on=day(1))
    with time_machine.travel(at(1), tick=False):
        first, second = blocks_remind(), blocks_remind()
    assert (first, second) == (1, 0)
    assert len(block_notices()) == 1
    assert Event.objects.filter(action=events.ABUSE_BLOCK_ENDED).count() == 1


def test_closing_a_case_ends_its_block_reminder_until_it_is_reopened(
    communications: User, case: AbuseCase
) -> None:
    """The reminder and the task are about open cases: a closed case's block is not asked
    about, and reopening the case brings it back."""
    step(communications, case, StepKind.BLOCKED, block_ends_on=day(1))
    case = case_close(actor=communications, case=case, outcome="The author apologised.")
    with time_machine.travel(at(2), tick=False):
        assert blocks_remind() == 0
        assert not [todo for todo in todos_for(communications) if "block" in todo.title]
    case_reopen(actor=communications, case=case, reason="The author posted again.")
    with time_machine.travel(at(2), tick=False):
        assert blocks_remind() == 1
        assert [todo for todo in todos_for(communications) if "block" in todo.title]
    assert len(block_notices()) == 1


def test_lifted_or_renewed_block_is_not_told(
    communications: User, parks: Account, case: AbuseCase
) -> None:
    step(communications, case, StepKind.BLOCKED, day(-3), block_ends_on=day(1))
    step(communications, case, StepKind.BLOCK_LIFTED)
    other = open_case(communications, parks, "@Other")
    old = step(communications, other, StepKind.BLOCKED, day(-3), block_ends_on=day(1))
    renewed = step(communications, other, StepKind.BLOCKED, TODAY, block_ends_on=day(10))
    with time_machine.travel(at(9), tick=False):
        assert blocks_remind() == 0
    with time_machine.travel(at(10), tick=False):
        assert blocks_remind() == 1
    told_keys = Notification.objects.filter(key__endswith=":ended").values_list("key", flat=True)
    assert set(told_keys) == {f"abuse-case:{other.pk}:block:{renewed.pk}:ended"}
    old.refresh_from_db()
    assert old.reminded_at is None


def test_ended_block_is_on_communications_tasks_until_lifted(
    communications: User, legal: User, requester: User, case: AbuseCase
) -> None:
    step(communications, case, StepKind.BLOCKED)  # ends 9 February

    def block_tasks(person: User) -> list[str]:
        return [todo.title for todo in todos_for(person) if todo.section == "Public abuse cases"]

    with time_machine.travel(at(6), tick=False):
        assert block_tasks(communications) == []
    with time_machine.travel(at(7), tick=False):
        assert block_tasks(communications) == ["Lift or renew the block on @Troll"]
        [todo] = [
            todo for todo in todos_for(communications) if todo.section == "Public abuse cases"
        ]
        assert (todo.url, todo.due, todo.overdue) == (f"/abuse-cases/{case.pk}/", day(7), True)
        assert todo.detail == f"{case.reference}: the block ended on 9 February 2026."
        assert block_tasks(legal) == [] and block_tasks(requester) == []
        step(communications, case, StepKind.BLOCK_LIFTED)
        assert block_tasks(communications) == []
