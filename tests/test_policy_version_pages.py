"""The Policy owner's pages for versions of the social media policy (DEC-1): drafting, editing,
questions before signing, publishing with and without re-acknowledgement, the difference from
the version before, and who may open what."""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from declarations.diff import Change, Row, rows
from declarations.models import PolicyVersion, Question, VersionState
from declarations.receipts import content_hash
from declarations.services.signing import declaration_sign
from declarations.services.versions import question_save, version_draft, version_publish
from governance.models import User
from governance.services.profile import profile_get

ClientFor = Callable[[User | None], Client]

TEXT_1 = """## 1. Purpose

This policy says how the council runs its social media accounts.

## 2. Passwords

Never share a password by e-mail.

## 3. Lost devices

Tell Communications the same day.
"""

TEXT_2 = """## 1. Purpose

This policy says how the council runs its social media accounts.

## 2. Passwords

Never share a password by e-mail or by text message.

## 3. Lost devices

Tell Communications the same day.

## 4. Review

The Policy owner reviews this policy every year.
"""

STATEMENTS = ["I have read the policy.", "I will keep passwords safe."]

NOT_FOUND_FOR = ["communications", "auditor", "requester", "outsider", "administrator"]


def page_of(response: Any) -> str:
    return html.unescape(response.content.decode())


def today() -> datetime.date:
    return timezone.localdate()


def draft(owner: User, number: str = "1.0", **changes: Any) -> PolicyVersion:
    values: dict[str, Any] = {
        "title": "Social media policy",
        "version": number,
        "effective_on": today(),
        "review_due_on": today() + datetime.timedelta(days=365),
        "text": TEXT_1,
        "statements": STATEMENTS,
    } | changes
    return version_draft(actor=owner, **values)


def published(owner: User, number: str = "1.0", **values: Any) -> PolicyVersion:
    return version_publish(
        actor=owner, version=draft(owner, number, **values), requires_reacknowledgement=False
    )


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def version_post(number: str = "2.0", **changes: Any) -> dict[str, str]:
    data = {
        "title": "Social media policy",
        "version": number,
        "text": TEXT_2,
        "statements": "I have read the policy.\n\n  I will keep   passwords safe.\n"
        "I will report a lost phone.",
        **date_fields("effective_on", today()),
        **date_fields("review_due_on", today() + datetime.timedelta(days=365)),
    }
    return data | changes


def question_post(**changes: str) -> dict[str, str]:
    return {
        "text": "A colleague's phone is stolen. What do you do first?",
        "correct_answer": "Tell Communications the same day",
        "wrong_answers": "Wait until Monday\nBuy a new phone",
        "clause": "3. Lost devices",
    } | changes


def ask(owner: User, version: PolicyVersion) -> Question:
    return question_save(
        actor=owner,
        version=version,
        text="A colleague's phone is stolen. What do you do first?",
        correct_answer="Tell Communications the same day",
        wrong_answers=["Wait until Monday", "Buy a new phone"],
        clause="3. Lost devices",
    )


@pytest.fixture
def people(
    policy_owner: User,
    communications: User,
    auditor: User,
    requester: User,
    outsider: User,
    administrator: User,
) -> dict[str, User]:
    return {
        "policy_owner": policy_owner,
        "communications": communications,
        "auditor": auditor,
        "requester": requester,
        "outsider": outsider,
        "administrator": administrator,
    }


# The list and the version page


def test_the_policy_owner_sees_drafts_and_can_start_a_new_version(
    policy_owner: User, client_for: ClientFor
) -> None:
    first = published(policy_owner)
    second = draft(policy_owner, "2.0", text=TEXT_2)

    page = page_of(client_for(policy_owner).get("/policy/versions/"))

    assert "Start a new version" in page
    assert f'href="/policy/versions/{second.pk}/"' in page
    assert f'href="/policy/versions/{first.pk}/"' in page
    assert "Draft" in page and "Published" in page
    assert "Review due" in page and today().strftime("%Y") in page


@pytest.mark.parametrize("role", ["communications", "auditor", "requester", "outsider"])
def test_others_see_published_versions_but_not_drafts(
    role: str, people: dict[str, User], client_for: ClientFor
) -> None:
    first = published(people["policy_owner"])
    second = draft(people["policy_owner"], "2.0", text=TEXT_2)
    client = client_for(people[role])

    listing = page_of(client.get("/policy/versions/"))

    assert f'href="/policy/versions/{first.pk}/"' in listing
    assert f"/policy/versions/{second.pk}/" not in listing
    assert "Start a new version" not in listing
    assert client.get(f"/policy/versions/{first.pk}/").status_code == 200
    assert client.get(f"/policy/versions/{second.pk}/").status_code == 404


def test_anonymous_visitors_are_asked_to_sign_in(policy_owner: User, client: Client) -> None:
    version = published(policy_owner)

    for url in ("/policy/versions/", f"/policy/versions/{version.pk}/"):
        assert client.get(url)["Location"].startswith("/auth/login/")


def test_a_published_version_shows_its_hash_publisher_and_re_acknowledgement(
    policy_owner: User, requester: User, client_for: ClientFor
) -> None:
    first = published(policy_owner)
    second = draft(policy_owner, "2.0", text=TEXT_2)
    ask(policy_owner, second)
    version_publish(actor=policy_owner, version=second, requires_reacknowledgement=True)

    page = page_of(client_for(requester).get(f"/policy/versions/{second.pk}/"))

    second.refresh_from_db()
    assert second.content_hash in page
    assert "by Paul Nkemelu" in page
    assert "Everyone had to sign it again" in page and "Yes:" in page
    assert "Never share a password by e-mail or by text message." in page
    assert "I will keep passwords safe." in page
    assert "A colleague's phone is stolen. What do you do first?" in page
    assert "Section to reread" in page and "3. Lost devices" in page
    assert f"/policy/versions/{second.pk}/edit/" not in page
    assert "Publish this version" not in page
    assert f'href="/policy/versions/{first.pk}/"' in page  # compared with the version before


def test_a_draft_page_offers_edit_publish_and_question_links_to_the_policy_owner(
    policy_owner: User, client_for: ClientFor
) -> None:
    version = draft(policy_owner)
    question = ask(policy_owner, version)

    page = page_of(client_for(policy_owner).get(f"/policy/versions/{version.pk}/"))

    assert f"/policy/versions/{version.pk}/publish/" in page
    assert f"/policy/versions/{version.pk}/edit/" in page
    assert f"/policy/versions/{version.pk}/questions/new/" in page
    assert f"/policy/versions/{version.pk}/questions/{question.pk}/edit/" in page
    assert f"/policy/versions/{version.pk}/questions/{question.pk}/delete/" in page
    assert "This is the first version of the policy" in page


def test_a_draft_without_statements_says_what_it_needs_before_publishing(
    policy_owner: User, client_for: ClientFor
) -> None:
    version = draft(policy_owner, statements=[])

    page = page_of(client_for(policy_owner).get(f"/policy/versions/{version.pk}/"))

    assert "A draft needs its text and at least one statement before it is published." in page
    assert f"/policy/versions/{version.pk}/publish/" not in page


# Who reaches the Policy owner's pages


def management_urls(version: PolicyVersion, question: Question) -> list[str]:
    base = f"/policy/versions/{version.pk}"
    return [
        "/policy/versions/new/",
        f"{base}/edit/",
        f"{base}/publish/",
        f"{base}/questions/new/",
        f"{base}/questions/{question.pk}/edit/",
        f"{base}/questions/{question.pk}/delete/",
    ]


@pytest.mark.parametrize("role", NOT_FOUND_FOR)
def test_everyone_but_the_policy_owner_gets_404_from_the_management_pages(
    role: str, people: dict[str, User], client_for: ClientFor
) -> None:
    version = draft(people["policy_owner"])
    question = ask(people["policy_owner"], version)
    client = client_for(people[role])

    for url in management_urls(version, question):
        assert client.get(url).status_code == 404, url
        assert client.post(url, version_post() | question_post()).status_code == 404, url

    assert PolicyVersion.objects.count() == 1
    version.refresh_from_db()
    assert version.state == VersionState.DRAFT and version.text == TEXT_1
    assert Question.objects.filter(pk=question.pk).exists()


def test_the_policy_owner_opens_every_management_page(
    policy_owner: User, client_for: ClientFor
) -> None:
    version = draft(policy_owner)
    question = ask(policy_owner, version)
    client = client_for(policy_owner)

    for url in management_urls(version, question):
        assert client.get(url).status_code == 200, url


# Drafting and editing


def test_a_new_draft_starts_from_the_published_version(
    policy_owner: User, client_for: ClientFor
) -> None:
    published(policy_owner, text=TEXT_1 + "\nA sentence only the published version has.\n")

    page = page_of(client_for(policy_owner).get("/policy/versions/new/"))

    assert "A sentence only the published version has." in page
    assert "I have read the policy.\nI will keep passwords safe." in page
    assert "like \u2018## 1. Purpose\u2019" in page  # the hint on headings


def test_the_policy_owner_drafts_a_new_version(policy_owner: User, client_for: ClientFor) -> None:
    published(policy_owner)

    response = client_for(policy_owner).post(
        "/policy/versions/new/", version_post(text=TEXT_2.replace("\n", "\r\n"))
    )

    created = PolicyVersion.objects.get(version="2.0")
    assert response["Location"] == f"/policy/versions/{created.pk}/"
    assert created.state == VersionState.DRAFT
    assert created.created_by == policy_owner
    assert created.text == TEXT_2.strip()
    assert created.statements == [
        "I have read the policy.",
        "I will keep passwords safe.",
        "I will report a lost phone.",
    ]
    assert created.review_due_on == today() + datetime.timedelta(days=365)


def test_a_new_draft_keeps_the_questions_whose_section_is_still_there(
    policy_owner: User, client_for: ClientFor
) -> None:
    first = draft(policy_owner)
    ask(policy_owner, first)
    question_save(
        actor=policy_owner,
        version=first,
        text="Where do you keep the password?",
        correct_answer="In the password manager",
        wrong_answers=["On a sticky note"],
        clause="2. Passwords",
    )
    version_publish(actor=policy_owner, version=first, requires_reacknowledgement=False)
    without_passwords = TEXT_2.replace("## 2. Passwords", "## 2. Keeping accounts safe")

    response = client_for(policy_owner).post(
        "/policy/versions/new/", version_post(text=without_passwords), follow=True
    )

    created = PolicyVersion.objects.get(version="2.0")
    kept = list(created.questions.values_list("text", "clause", "wrong_answers"))
    assert kept == [
        (
            "A colleague's phone is stolen. What do you do first?",
            "3. Lost devices",
            ["Wait until Monday", "Buy a new phone"],
        )
    ]
    page = page_of(response)
    assert "It keeps 1 of the 2 questions of version 1.0." in page
    assert (
        "“Where do you keep the password?” was left out: its section “2. Passwords” is not in "
        "the new text." in page
    )
    assert first.questions.count() == 2  # the published version's questions are untouched


def test_a_duplicate_version_number_is_refused_at_its_question(
    policy_owner: User, client_for: ClientFor
) -> None:
    published(policy_owner)

    response = client_for(policy_owner).post("/policy/versions/new/", version_post("1.0"))

    assert response.status_code == 200
    page = page_of(response)
    assert "Version 1.0 already exists: give this one another number" in page
    assert 'href="#id_version"' in page  # the error summary points at the question
    assert PolicyVersion.objects.count() == 1


def test_a_review_date_in_the_past_is_refused(policy_owner: User, client_for: ClientFor) -> None:
    past = date_fields("review_due_on", today() - datetime.timedelta(days=1))

    response = client_for(policy_owner).post("/policy/versions/new/", version_post(**past))

    assert "The review due date must be in the future" in page_of(response)
    assert not PolicyVersion.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": "two"}, "Enter the version number as numbers and dots, like 2.1"),
        ({"title": ""}, "Enter the title of the policy"),
        ({"text": "   "}, "Enter the text of the policy"),
        ({"statements": "\n \n"}, "Enter at least one statement a moderator affirms"),
        ({"effective_on_1": "13"}, "The date must be a real date"),
    ],
)
def test_what_is_typed_into_a_draft_is_checked(
    changes: dict[str, str], message: str, policy_owner: User, client_for: ClientFor
) -> None:
    response = client_for(policy_owner).post("/policy/versions/new/", version_post(**changes))

    assert message in page_of(response)
    assert not PolicyVersion.objects.exists()


def test_the_policy_owner_edits_a_draft(policy_owner: User, client_for: ClientFor) -> None:
    version = draft(policy_owner, "2.0")
    client = client_for(policy_owner)

    form = page_of(client.get(f"/policy/versions/{version.pk}/edit/"))
    response = client.post(f"/policy/versions/{version.pk}/edit/", version_post("2.1"))

    assert "Never share a password by e-mail." in form
    assert response["Location"] == f"/policy/versions/{version.pk}/"
    version.refresh_from_db()
    assert version.version == "2.1"
    assert "## 4. Review" in version.text
    assert len(version.statements) == 3


@pytest.mark.parametrize("retire", [False, True])
def test_a_published_or_retired_version_cannot_be_edited(
    retire: bool, policy_owner: User, client_for: ClientFor
) -> None:
    version = published(policy_owner)
    if retire:
        published(policy_owner, "2.0", text=TEXT_2)
    version.refresh_from_db()
    before = (version.text, list(version.statements), version.version, version.content_hash)
    client = client_for(policy_owner)

    shown = client.get(f"/policy/versions/{version.pk}/edit/", follow=True)
    sent = client.post(f"/policy/versions/{version.pk}/edit/", version_post("9.9"), follow=True)

    message = (
        "This version was retired by a later one: it cannot change."
        if retire
        else "This version is published: its text and statements cannot change."
    )
    assert message in page_of(shown)
    assert message in page_of(sent)
    version.refresh_from_db()
    assert (version.text, version.statements, version.version, version.content_hash) == before


# Questions


def test_the_policy_owner_adds_edits_and_deletes_a_question(
    policy_owner: User, client_for: ClientFor
) -> None:
    version = draft(policy_owner)
    client = client_for(policy_owner)

    form = page_of(client.get(f"/policy/versions/{version.pk}/questions/new/"))
    added = client.post(f"/policy/versions/{version.pk}/questions/new/", question_post())
    question = Question.objects.get(version=version)
    changed = client.post(
        f"/policy/versions/{version.pk}/questions/{question.pk}/edit/",
        question_post(clause="2. Passwords", wrong_answers="Wait\n\nIgnore it\n"),
    )

    assert '<option value="2. Passwords">2. Passwords</option>' in form
    assert added["Location"] == changed["Location"] == f"/policy/versions/{version.pk}/"
    question.refresh_from_db()
    assert question.clause == "2. Passwords"
    assert question.wrong_answers == ["Wait", "Ignore it"]

    confirm = page_of(client.get(f"/policy/versions/{version.pk}/questions/{question.pk}/delete/"))
    deleted = client.post(f"/policy/versions/{version.pk}/questions/{question.pk}/delete/")

    assert "Delete this question?" in confirm and question.text in confirm
    assert deleted["Location"] == f"/policy/versions/{version.pk}/"
    assert not Question.objects.exists()


def test_a_clause_not_among_the_headings_is_refused(
    policy_owner: User, client_for: ClientFor
) -> None:
    version = draft(policy_owner)

    response = client_for(policy_owner).post(
        f"/policy/versions/{version.pk}/questions/new/", question_post(clause="9. Nowhere")
    )

    assert "Select one of the sections of the policy text" in page_of(response)
    assert not Question.objects.exists()


def test_the_right_answer_among_the_wrong_ones_is_refused_at_its_question(
    policy_owner: User, client_for: ClientFor
) -> None:
    version = draft(policy_owner)

    response = client_for(policy_owner).post(
        f"/policy/versions/{version.pk}/questions/new/",
        question_post(wrong_answers="tell communications the same day\nWait"),
    )

    page = page_of(response)
    assert "The right answer is also among the wrong answers" in page
    assert 'href="#id_wrong_answers"' in page
    assert not Question.objects.exists()


def test_a_text_without_sections_says_to_add_headings_first(
    policy_owner: User, client_for: ClientFor
) -> None:
    version = draft(policy_owner, text="Just one paragraph.")

    page = page_of(client_for(policy_owner).get(f"/policy/versions/{version.pk}/questions/new/"))

    assert "The policy text has no sections yet." in page


def test_questions_of_a_published_version_cannot_change(
    policy_owner: User, client_for: ClientFor
) -> None:
    version = draft(policy_owner)
    question = ask(policy_owner, version)
    version_publish(actor=policy_owner, version=version, requires_reacknowledgement=False)
    client = client_for(policy_owner)
    base = f"/policy/versions/{version.pk}/questions"

    added = client.post(f"{base}/new/", question_post(text="Another?"), follow=True)
    changed = client.post(
        f"{base}/{question.pk}/edit/", question_post(text="Changed?"), follow=True
    )
    deleted = client.post(f"{base}/{question.pk}/delete/", follow=True)

    for response in (added, changed, deleted):
        assert "This version is published: its text and statements cannot change." in page_of(
            response
        )
    question.refresh_from_db()
    assert question.text == "A colleague's phone is stolen. What do you do first?"
    assert Question.objects.count() == 1


# Publishing


def test_the_publish_page_shows_the_difference_and_asks_about_re_acknowledgement(
    policy_owner: User, client_for: ClientFor
) -> None:
    published(policy_owner)
    second = draft(policy_owner, "2.0", text=TEXT_2, statements=[*STATEMENTS[:1], "New one."])

    page = page_of(client_for(policy_owner).get(f"/policy/versions/{second.pk}/publish/"))

    assert "Does everyone need to sign this version again?" in page
    assert 'type="radio"' in page
    assert "<del>Never share a password by e-mail.</del>" in page
    assert "<ins>Never share a password by e-mail or by text message.</ins>" in page
    assert "<ins>## 4. Review</ins>" in page
    assert "<del>I will keep passwords safe.</del>" in page
    assert "<ins>New one.</ins>" in page
    assert "Added" in page and "Removed" in page
    assert "Version 1.0 is retired at the same moment." in page


def test_publishing_without_re_acknowledgement_retires_the_version_before(
    policy_owner: User, requester: User, client_for: ClientFor
) -> None:
    first = published(policy_owner)
    declaration, _ = declaration_sign(
        person=requester,
        version=first,
        ticked=[0, 1],
        typed_name="Riya Patel",
        questions_answered=True,
    )
    second = draft(policy_owner, "2.0", text=TEXT_2)

    response = client_for(policy_owner).post(
        f"/policy/versions/{second.pk}/publish/", {"requires_reacknowledgement": "no"}, follow=True
    )

    assert "Version 2.0 is published. People sign it when their declaration is next due." in (
        page_of(response)
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == VersionState.RETIRED and first.retired_at is not None
    assert second.state == VersionState.PUBLISHED
    assert second.requires_reacknowledgement is False
    assert second.published_by == policy_owner
    assert second.content_hash == content_hash(second.text, second.statements)
    lapses_on = declaration.lapses_on
    declaration.refresh_from_db()
    assert declaration.lapses_on == lapses_on


def test_publishing_with_re_acknowledgement_brings_every_lapse_forward(
    policy_owner: User, requester: User, client_for: ClientFor
) -> None:
    first = published(policy_owner)
    declaration, _ = declaration_sign(
        person=requester,
        version=first,
        ticked=[0, 1],
        typed_name="Riya Patel",
        questions_answered=True,
    )
    second = draft(policy_owner, "2.0", text=TEXT_2)
    grace = profile_get().reacknowledgement_grace_days

    response = client_for(policy_owner).post(
        f"/policy/versions/{second.pk}/publish/", {"requires_reacknowledgement": "yes"}, follow=True
    )

    assert f"Everyone must sign it within {grace} days." in page_of(response)
    second.refresh_from_db()
    assert second.state == VersionState.PUBLISHED and second.requires_reacknowledgement
    assert second.content_hash == content_hash(TEXT_2, STATEMENTS)
    declaration.refresh_from_db()
    assert declaration.lapses_on == today() + datetime.timedelta(days=grace)
    assert PolicyVersion.objects.get(pk=first.pk).state == VersionState.RETIRED


def test_publishing_asks_for_an_answer(policy_owner: User, client_for: ClientFor) -> None:
    version = draft(policy_owner)

    response = client_for(policy_owner).post(f"/policy/versions/{version.pk}/publish/", {})

    assert "Select whether everyone needs to sign this version again" in page_of(response)
    version.refresh_from_db()
    assert version.state == VersionState.DRAFT


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"effective_on": today() + datetime.timedelta(days=3)},
            "A version takes effect when it is published: publish it on its effective date",
        ),
        (
            {"review_due_on": today() - datetime.timedelta(days=1)},
            "Enter a review date after today",
        ),
    ],
)
def test_publishing_is_refused_with_a_clear_message_when_the_dates_do_not_allow_it(
    dates: dict[str, datetime.date], message: str, policy_owner: User, client_for: ClientFor
) -> None:
    version = draft(policy_owner)
    # A draft's review date passes while it waits, or its effective date is still ahead.
    PolicyVersion.objects.filter(pk=version.pk).update(**dates)

    response = client_for(policy_owner).post(
        f"/policy/versions/{version.pk}/publish/", {"requires_reacknowledgement": "no"}
    )

    assert message in page_of(response)
    version.refresh_from_db()
    assert version.state == VersionState.DRAFT and version.content_hash == ""


def test_a_published_version_cannot_be_published_again(
    policy_owner: User, client_for: ClientFor
) -> None:
    version = published(policy_owner)
    published_at = version.published_at

    response = client_for(policy_owner).post(
        f"/policy/versions/{version.pk}/publish/",
        {"requires_reacknowledgement": "yes"},
        follow=True,
    )

    assert "This version is published: its text and statements cannot change." in page_of(response)
    version.refresh_from_db()
    assert version.published_at == published_at and not version.requires_reacknowledgement


# The difference, and text that must not run


def test_the_version_page_shows_what_changed_from_the_version_before(
    policy_owner: User, client_for: ClientFor
) -> None:
    published(policy_owner)
    second = published(policy_owner, "2.0", text=TEXT_2)

    page = page_of(client_for(policy_owner).get(f"/policy/versions/{second.pk}/"))

    assert "<del>Never share a password by e-mail.</del>" in page
    assert "<ins>Never share a password by e-mail or by text message.</ins>" in page
    assert "The statements have not changed." in page


def test_long_unchanged_runs_are_collapsed_with_context_either_side() -> None:
    before = [f"line {number}" for number in range(1, 21)]
    after = [*before[:10], "new line", *before[10:]]

    shown = rows(before, after)

    assert shown == [
        Row(Change.SKIPPED, skipped=8),
        Row(Change.UNCHANGED, "line 9"),
        Row(Change.UNCHANGED, "line 10"),
        Row(Change.ADDED, "new line"),
        Row(Change.UNCHANGED, "line 11"),
        Row(Change.UNCHANGED, "line 12"),
        Row(Change.SKIPPED, skipped=8),
    ]


def test_a_short_unchanged_run_between_changes_is_shown_whole() -> None:
    shown = rows(["a", "b", "c", "d", "e"], ["A", "b", "c", "d", "E"])

    assert [row.change for row in shown] == [
        Change.REMOVED,
        Change.ADDED,
        Change.UNCHANGED,
        Change.UNCHANGED,
        Change.UNCHANGED,
        Change.REMOVED,
        Change.ADDED,
    ]


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


HOSTILE = """## 1. Purpose

<script>alert("policy")</script>

<img src="x" onerror="alert(1)">

[Read more](javascript:alert(2)) and <a href="javascript:alert(3)">here</a>.
"""


def test_markdown_with_script_onerror_or_javascript_links_renders_inert(
    policy_owner: User, client_for: ClientFor
) -> None:
    published(policy_owner)
    version = draft(policy_owner, "2.0", text=HOSTILE)

    response = client_for(policy_owner).get(f"/policy/versions/{version.pk}/")

    parser = Tags()
    parser.feed(response.content.decode())
    scripts = [attrs.get("src") or "" for tag, attrs in parser.found if tag == "script"]
    assert all(src.startswith("/static/") for src in scripts)
    assert not [tag for tag, _ in parser.found if tag == "img"]
    for _tag, attrs in parser.found:
        assert not [name for name in attrs if name.startswith("on")]
        assert not (attrs.get("href") or "").strip().lower().startswith("javascript:")
    assert 'alert("policy")' in page_of(response)  # shown as text, not run
