"""Policy versions and signing the declaration as the services run them (DEC-1 to DEC-3, REQ-2):
publishing freezes, hashes and retires; signing refuses every bad input and stores nothing;
signing opens the moderator's assignments; a receipt's code checks out until the stored
declaration or the policy text is altered; the policy text renders inert.

The clock is stopped at 9am on Monday 2 February 2026 (Greenwich time, so dates do not shift).
"""

from __future__ import annotations

import datetime
import html.parser
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from accounts.models import Account
from accounts.services.requests import IncompleteRequest, request_submit
from declarations.markdown import render_policy
from declarations.models import Declaration, PolicyVersion, VersionState
from declarations.receipts import content_hash, verify
from declarations.services.signing import declaration_sign
from declarations.services.versions import question_save, version_publish, version_update
from governance.errors import DomainError
from governance.models import Event, Notification, Preset, ServiceArea, User
from governance.services.profile import profile_apply_preset, profile_update
from moderation.models import AssignmentState, ModeratorAssignment
from moderation.services.assignments import assignment_add
from tests.declaration_helpers import STATEMENTS, draft, publish, sign
from tests.register_helpers import make_account
from tests.requests_helpers import complete_draft

START = datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 2, 2)


@pytest.fixture(autouse=True)
def _stopped_clock() -> Iterator[None]:
    with time_machine.travel(START, tick=False):
        yield


def refusal(call: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


def subjects(person: User) -> list[str]:
    return list(
        Notification.objects.filter(recipient=person)
        .order_by("id")
        .values_list("subject", flat=True)
    )


# ---------------------------------------------------------------------------------------------
# Publishing (DEC-1)


@pytest.mark.django_db
def test_publishing_freezes_and_hashes_the_text_and_retires_the_version_before(
    policy_owner: User,
) -> None:
    first = publish(policy_owner, version="1.0")

    assert first.state == VersionState.PUBLISHED
    assert first.content_hash == content_hash(first.text, first.statements)
    assert len(first.content_hash) == 64
    assert (first.published_by, first.published_at) == (policy_owner, START)

    second = publish(policy_owner, version="2.0", text=first.text + "\nOne more line.\n")

    first.refresh_from_db()
    assert (first.state, first.retired_at) == (VersionState.RETIRED, START)
    assert second.state == VersionState.PUBLISHED
    assert second.content_hash == content_hash(second.text, second.statements)
    assert second.content_hash != first.content_hash
    assert list(PolicyVersion.objects.filter(state=VersionState.PUBLISHED)) == [second]
    assert Event.objects.filter(action="policy_version.retired", subject_id=first.pk).count() == 1
    published = Event.objects.get(action="policy_version.published", subject_id=second.pk)
    assert published.data == {"hash": second.content_hash, "reacknowledge": False}


@pytest.mark.django_db
def test_the_hash_covers_the_statements_as_well_as_the_text() -> None:
    assert content_hash("Text", ["One"]) != content_hash("Text", ["Two"])
    assert content_hash("Text", ["One", "Two"]) != content_hash("Text", ["Two", "One"])
    assert content_hash("Text", ["One"]) != content_hash("Text.", ["One"])


@pytest.mark.django_db
def test_a_published_version_cannot_be_edited_or_given_questions(policy_owner: User) -> None:
    version = publish(policy_owner)
    published_words = (
        "This version is published: its text and statements cannot change. "
        "Start a new draft instead."
    )

    edit = refusal(
        version_update, actor=policy_owner, version=version, text="Everything is allowed."
    )
    question = refusal(
        question_save,
        actor=policy_owner,
        version=version,
        text="Anything?",
        correct_answer="Yes",
        wrong_answers=["No"],
        clause="Passwords",
    )

    assert edit.message == published_words
    assert question.message == published_words
    version.refresh_from_db()
    assert version.content_hash == content_hash(version.text, version.statements)
    assert "Everything is allowed." not in version.text
    assert not version.questions.exists()


@pytest.mark.django_db
def test_a_retired_version_cannot_be_edited_or_published_again(policy_owner: User) -> None:
    first = publish(policy_owner, version="1.0")
    publish(policy_owner, version="2.0")
    first.refresh_from_db()

    edit = refusal(version_update, actor=policy_owner, version=first, title="Renamed")
    again = refusal(
        version_publish, actor=policy_owner, version=first, requires_reacknowledgement=False
    )

    assert edit.message == "This version was retired by a later one: it cannot change."
    assert again.message == "This version was retired by a later one: it cannot change."
    first.refresh_from_db()
    assert (first.state, first.title) == (VersionState.RETIRED, "Social Media Policy")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"effective_on": TODAY + datetime.timedelta(days=1)},
            "effective_on",
            "A version takes effect when it is published: publish it on its effective date",
        ),
        ({"effective_on": None}, "effective_on", "Enter the date this version takes effect"),
        (
            {"review_due_on": TODAY},
            "review_due_on",
            "Enter a review date after today: the policy is reviewed at least once a year",
        ),
        (
            {"review_due_on": TODAY - datetime.timedelta(days=1)},
            "review_due_on",
            "Enter a review date after today: the policy is reviewed at least once a year",
        ),
        (
            {"review_due_on": None},
            "review_due_on",
            "Enter a review date after today: the policy is reviewed at least once a year",
        ),
    ],
)
@pytest.mark.django_db
def test_a_version_is_published_only_in_force_today_with_a_review_date_to_come(
    policy_owner: User, values: dict[str, Any], field: str, message: str
) -> None:
    current = publish(policy_owner, version="1.0")
    drafted = draft(policy_owner, version="2.0", **values)
    events = Event.objects.count()

    error = refusal(
        version_publish, actor=policy_owner, version=drafted, requires_reacknowledgement=True
    )

    assert (error.field, error.message) == (field, message)
    drafted.refresh_from_db()
    current.refresh_from_db()
    assert (drafted.state, drafted.content_hash) == (VersionState.DRAFT, "")
    assert current.state == VersionState.PUBLISHED
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_a_draft_without_statements_is_not_published(policy_owner: User) -> None:
    drafted = draft(policy_owner, statements=["   "])

    error = refusal(
        version_publish, actor=policy_owner, version=drafted, requires_reacknowledgement=False
    )

    assert error.message == (
        "A draft needs its text and at least one statement before it is published."
    )
    drafted.refresh_from_db()
    assert drafted.state == VersionState.DRAFT


@pytest.mark.django_db
def test_only_the_policy_owner_publishes(cast: dict[str, User | None], policy_owner: User) -> None:
    drafted = draft(policy_owner)
    for name, person in cast.items():
        if name == "policy_owner" or person is None:
            continue
        error = refusal(
            version_publish, actor=person, version=drafted, requires_reacknowledgement=False
        )
        assert error.message == "Only the Policy owner can publish a version.", name
    drafted.refresh_from_db()
    assert drafted.state == VersionState.DRAFT


# ---------------------------------------------------------------------------------------------
# Signing (DEC-2)


@pytest.fixture
def version(policy_owner: User) -> PolicyVersion:
    return publish(policy_owner)


def sign_with(person: User, version: PolicyVersion, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "person": person,
        "version": version,
        "ticked": range(len(version.statements)),
        "typed_name": person.full_name,
        "questions_answered": True,
        **overrides,
    }
    return declaration_sign(**values)


@pytest.mark.django_db
def test_signing_keeps_who_which_version_its_hash_when_and_the_typed_name(
    requester: User, version: PolicyVersion
) -> None:
    declaration, created = sign_with(requester, version, typed_name="  riya   PATEL ")

    assert created is True
    assert declaration.person == requester
    assert declaration.version == version
    assert declaration.content_hash == version.content_hash
    assert declaration.signed_at == START
    assert declaration.typed_name == "riya PATEL"
    assert declaration.statements == STATEMENTS
    assert declaration.lapses_on == datetime.date(2027, 2, 2)  # the profile's 12 months
    assert len(declaration.verification_code) == 24  # five groups of four letters
    assert Event.objects.filter(action="declaration.signed", subject_id=declaration.pk).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"ticked": [0, 1]},
            "statements",
            "Tick every statement to show you accept it. If you cannot accept one, talk to your "
            "line manager before you sign.",
        ),
        (
            {"ticked": []},
            "statements",
            "Tick every statement to show you accept it. If you cannot accept one, talk to your "
            "line manager before you sign.",
        ),
        (
            {"ticked": [0, 1, 2, 3]},  # a statement the version does not have
            "statements",
            "Tick every statement to show you accept it. If you cannot accept one, talk to your "
            "line manager before you sign.",
        ),
        ({"typed_name": ""}, "typed_name", "Type your full name to sign"),
        ({"typed_name": "   "}, "typed_name", "Type your full name to sign"),
        (
            {"typed_name": "Riya Patil"},
            "typed_name",
            "Type your full name as it is on the staff list: Riya Patel",
        ),
        (
            {"typed_name": "Tom Fletcher"},  # someone else's name
            "typed_name",
            "Type your full name as it is on the staff list: Riya Patel",
        ),
    ],
)
@pytest.mark.django_db
def test_a_bad_signature_is_refused_and_nothing_is_stored(
    requester: User,
    colleague: User,
    version: PolicyVersion,
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    events = Event.objects.count()

    error = refusal(sign_with, person=requester, version=version, **overrides)

    assert (error.field, error.message) == (field, message)
    assert not Declaration.objects.exists()
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_a_draft_or_retired_version_cannot_be_signed(
    policy_owner: User, requester: User, version: PolicyVersion
) -> None:
    drafted = draft(policy_owner, version="2.0")

    assert refusal(sign_with, person=requester, version=drafted).message == (
        "This version of the policy has not been published yet."
    )
    version_publish(actor=policy_owner, version=drafted, requires_reacknowledgement=False)
    version.refresh_from_db()
    assert refusal(sign_with, person=requester, version=version).message == (
        "This version of the policy was replaced by a later one. Read and sign the current version."
    )
    assert not Declaration.objects.exists()


@pytest.mark.django_db
def test_someone_who_has_left_cannot_sign(requester: User, version: PolicyVersion) -> None:
    requester.leaving_date = TODAY
    requester.save()

    error = refusal(sign_with, person=requester, version=version)

    assert error.message == (
        "You cannot sign the declaration: you are not on the council's staff list."
    )
    assert not Declaration.objects.exists()


@pytest.mark.django_db
def test_the_questions_are_answered_first_when_the_profile_asks_and_the_version_has_them(
    policy_owner: User, administrator: User, requester: User, colleague: User
) -> None:
    asked = publish(policy_owner, questions=True)

    error = refusal(sign_with, person=requester, version=asked, questions_answered=False)
    assert error.message == "Answer the questions about the policy before you sign."
    assert not Declaration.objects.exists()

    answered, _ = sign_with(requester, asked, questions_answered=True)
    assert answered.questions_answered is True

    profile_update(actor=administrator, values={"ask_declaration_questions": False}, reason="Trial")
    unasked, _ = sign_with(colleague, asked, questions_answered=False)
    assert unasked.questions_answered is False


@pytest.mark.django_db
def test_a_version_without_questions_is_signed_without_answering_any(
    requester: User, version: PolicyVersion
) -> None:
    declaration, created = sign_with(requester, version, questions_answered=False)

    assert created is True
    assert declaration.questions_answered is False


@pytest.mark.django_db
def test_signing_the_same_version_twice_keeps_the_first(
    requester: User, version: PolicyVersion
) -> None:
    first, created = sign_with(requester, version)
    with time_machine.travel(START + datetime.timedelta(minutes=1), tick=False):
        again, created_again = sign_with(requester, version)

    assert (created, created_again) == (True, False)
    assert again == first
    assert Declaration.objects.filter(person=requester).count() == 1
    assert Event.objects.filter(action="declaration.signed").count() == 1


@pytest.mark.django_db
def test_signing_the_same_version_again_when_it_is_due_renews_the_declaration(
    requester: User, version: PolicyVersion
) -> None:
    first = sign(requester, version)
    due = datetime.datetime(2027, 1, 10, 9, tzinfo=datetime.UTC)  # 23 days before it lapses
    with time_machine.travel(due, tick=False):
        renewed, created = sign_with(requester, version)

    assert created is True
    assert renewed != first
    assert renewed.lapses_on == datetime.date(2028, 1, 10)
    first.refresh_from_db()
    assert first.superseded_at == due


@pytest.mark.django_db
def test_signing_a_new_version_supersedes_the_declaration_before(
    policy_owner: User, requester: User, version: PolicyVersion
) -> None:
    first = sign(requester, version)
    later = START + datetime.timedelta(days=40)
    with time_machine.travel(later, tick=False):
        second = sign(requester, publish(policy_owner, version="2.0"))

    first.refresh_from_db()
    assert first.superseded_at == later
    assert second.superseded_at is None
    assert second.lapses_on == datetime.date(2027, 3, 14)


# ---------------------------------------------------------------------------------------------
# No declaration, no access (DEC-3)


@pytest.fixture
def account(communications: User, leisure: ServiceArea) -> Account:
    return make_account(communications, leisure, name="Parks News")


@pytest.mark.django_db
def test_a_moderator_awaiting_their_declaration_becomes_active_by_signing(
    communications: User, outsider: User, account: Account, version: PolicyVersion
) -> None:
    second = make_account(communications, outsider.service_area, name="Housing News")  # type: ignore[arg-type]
    waiting = [
        assignment_add(actor=communications, account=each, person=outsider, reason="Covers")
        for each in (account, second)
    ]
    assert {assignment.state for assignment in waiting} == {AssignmentState.AWAITING_DECLARATION}

    declaration = sign(outsider, version)

    for assignment in waiting:
        assignment.refresh_from_db()
        assert assignment.state == AssignmentState.ACTIVE
        assert Event.objects.filter(
            action="assignment.activated", subject_id=assignment.pk, actor=None
        ).exists()
    assert "You are now an active moderator" in subjects(outsider)
    told = Notification.objects.get(recipient=outsider, subject="You are now an active moderator")
    assert "Housing News" in told.body and "Parks News" in told.body
    assert declaration.verification_code in told.body
    assert (
        subjects(communications).count("Owen Price signed the declaration and moderates again") == 1
    )


@pytest.mark.django_db
def test_someone_who_already_holds_a_current_declaration_is_active_at_once(
    communications: User, outsider: User, account: Account, version: PolicyVersion
) -> None:
    sign(outsider, version)

    assignment = assignment_add(
        actor=communications, account=account, person=outsider, reason="Covers"
    )

    assert assignment.state == AssignmentState.ACTIVE
    assert ModeratorAssignment.objects.get(pk=assignment.pk).state == AssignmentState.ACTIVE


@pytest.mark.django_db
def test_someone_whose_declaration_has_lapsed_waits_for_a_new_one(
    communications: User, outsider: User, account: Account, version: PolicyVersion
) -> None:
    sign(outsider, version)

    with time_machine.travel(datetime.datetime(2027, 2, 2, 9, tzinfo=datetime.UTC), tick=False):
        assignment = assignment_add(
            actor=communications, account=account, person=outsider, reason="Covers"
        )

    assert assignment.state == AssignmentState.AWAITING_DECLARATION


# ---------------------------------------------------------------------------------------------
# The receipt's verification code


@pytest.fixture
def signed(requester: User, version: PolicyVersion) -> Declaration:
    return sign(requester, version)


@pytest.mark.django_db
def test_a_fresh_receipt_verifies(signed: Declaration) -> None:
    result = verify(signed.verification_code)

    assert result.found
    assert result.declaration == signed
    assert (result.record_intact, result.text_unchanged) == (True, True)


@pytest.mark.django_db
def test_a_code_typed_in_lower_case_with_spaces_is_the_same_code(signed: Declaration) -> None:
    typed = signed.verification_code.lower().replace("-", " ")

    assert verify(f"  {typed} ").declaration == signed


@pytest.mark.parametrize(
    "change",
    [
        {"signed_at": START + datetime.timedelta(seconds=1)},
        {"signed_at": START - datetime.timedelta(days=30)},
        {"content_hash": "0" * 64},
    ],
    ids=["signed a second later", "back-dated", "another hash"],
)
@pytest.mark.django_db
def test_a_declaration_altered_in_the_database_no_longer_verifies(
    signed: Declaration, change: dict[str, Any]
) -> None:
    Declaration.objects.filter(pk=signed.pk).update(**change)

    result = verify(signed.verification_code)

    assert result.found
    assert result.record_intact is False


@pytest.mark.django_db
def test_a_declaration_moved_to_someone_else_no_longer_verifies(
    signed: Declaration, colleague: User
) -> None:
    Declaration.objects.filter(pk=signed.pk).update(person=colleague)

    result = verify(signed.verification_code)

    assert result.found
    assert result.record_intact is False


@pytest.mark.parametrize(
    "change",
    [
        {"text": "Moderators may share passwords with friends."},
        {"statements": ["I have read the policy."]},
    ],
    ids=["text", "statements"],
)
@pytest.mark.django_db
def test_a_policy_text_changed_in_the_database_is_reported(
    signed: Declaration, version: PolicyVersion, change: dict[str, Any]
) -> None:
    PolicyVersion.objects.filter(pk=version.pk).update(**change)

    result = verify(signed.verification_code)

    assert result.found
    assert result.text_unchanged is False


@pytest.mark.parametrize(
    "code",
    [
        "ABCD-EFGH-IJKL-MNOP-QRST",  # the right shape, letters made up
        "AAAA-AAAA-AAAA-AAAA-AAAA",
        "",
        "   ",
        "ABCD",
        "ABCD-EFGH-IJKL-MNOP-QRST-UVWX",
        "0000-1111-8888-9999-0000",  # not letters the portal writes
        "' OR 1=1 --",
        "ABCD-EFGH-IJKL-MNOP-QRS\u0000",
        "\u0391BCD-EFGH-IJKL-MNOP-QRST",  # a Greek capital alpha
    ],
)
@pytest.mark.django_db
def test_a_forged_or_malformed_code_is_not_found(signed: Declaration, code: str) -> None:
    result = verify(code)

    assert not result.found
    assert (result.record_intact, result.text_unchanged) == (False, False)


@pytest.mark.django_db
def test_a_code_with_one_letter_changed_is_not_found(signed: Declaration) -> None:
    code = signed.verification_code
    changed = ("B" if code[0] == "A" else "A") + code[1:]

    assert not verify(changed).found


@pytest.mark.django_db
def test_a_paper_declaration_has_no_code_to_verify(
    communications: User, leisure: ServiceArea, colleague: User
) -> None:
    make_account(communications, leisure, moderators=(colleague,))
    paper = Declaration.objects.get(person=colleague)

    assert paper.on_paper and paper.verification_code == ""
    assert not verify("").found


# ---------------------------------------------------------------------------------------------
# Policy text renders inert


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_in(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(markup)
    return parser.tags


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('policy')</script>",
        "Hello <script src='https://evil.example/x.js'></script>",
        '<img src="x" onerror="alert(1)">',
        '<p onmouseover="alert(1)">Hover</p>',
        "[Read the policy](javascript:alert(1))",
        "[Read the policy](JaVaScRiPt:alert(1))",
        "[Read the policy](javascript&#58;alert(1))",
        "[Read the policy](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![a picture](javascript:alert(1))",
        '![a picture](x.png "t" onerror="alert(1)")',
        "<a href='javascript:alert(1)'>click</a>",
        '<iframe src="https://evil.example"></iframe>',
        "<style>body { display: none }</style>",
        "[ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_the_policy_text_renders_inert(text: str) -> None:
    markup = str(render_policy(f"## Section\n\n{text}\n"))

    tags = tags_in(markup)
    names = {tag for tag, _ in tags}
    assert not names & {"script", "img", "iframe", "style", "object", "embed", "svg"}, markup
    for _tag, attrs in tags:
        assert not any(name.startswith("on") for name in attrs), markup
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:")), markup


def test_the_policy_text_keeps_its_headings_lists_and_plain_links() -> None:
    markup = str(
        render_policy(
            "## Lost devices\n\n- Report it **at once**\n\n[The intranet](https://intranet.example)"
        )
    )

    assert '<h2 id="lost-devices">Lost devices</h2>' in markup
    assert "<li>Report it <strong>at once</strong></li>" in markup
    assert '<a href="https://intranet.example" rel="noopener noreferrer">The intranet</a>' in (
        markup
    )


# ---------------------------------------------------------------------------------------------
# Derby asks for the requester's declaration before a request is sent (REQ-2)


@pytest.mark.django_db
def test_under_derby_a_request_waits_for_the_requesters_declaration(
    administrator: User,
    requester: User,
    colleague: User,
    line_manager: User,
    head_of_service: User,
    communications: User,
    policy_owner: User,
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    request = complete_draft(requester, [colleague])

    with pytest.raises(IncompleteRequest) as caught:
        request_submit(actor=requester, request=request)

    assert [(p.field, p.message) for p in caught.value.problems] == [
        (
            "__all__",
            "Sign the declaration accepting the social media policy before you send this "
            "request: choose \u2018Your declaration\u2019 in the menu, then come back to send it.",
        )
    ]
    request.refresh_from_db()
    assert request.status == "draft"

    sign(requester, publish(policy_owner))
    sent = request_submit(actor=requester, request=request)

    assert sent.status == "submitted"


@pytest.mark.django_db
def test_under_derby_a_lapsed_declaration_is_no_declaration(
    administrator: User,
    requester: User,
    colleague: User,
    line_manager: User,
    head_of_service: User,
    communications: User,
    policy_owner: User,
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    sign(requester, publish(policy_owner))

    a_year_on = datetime.datetime(2027, 2, 2, 9, tzinfo=datetime.UTC)
    with time_machine.travel(a_year_on, tick=False), pytest.raises(IncompleteRequest) as caught:
        request_submit(actor=requester, request=complete_draft(requester, [colleague]))

    assert [p.message for p in caught.value.problems] == [
        "Sign the declaration accepting the social media policy before you send this "
        "request: choose \u2018Your declaration\u2019 in the menu, then come back to send it."
    ]


@pytest.mark.django_db
def test_other_profiles_send_a_request_without_a_declaration(
    requester: User, colleague: User, head_of_service: User, communications: User
) -> None:
    sent = request_submit(actor=requester, request=complete_draft(requester, [colleague]))

    assert sent.status == "submitted"
    assert not Declaration.objects.exists()
