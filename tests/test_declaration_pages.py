"""The moderator's declaration pages as people use them: their status, the questions before
signing, signing, the receipt and checking a receipt's code (DEC-2, DEC-3)."""

from __future__ import annotations

import datetime
import html
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from declarations.models import Declaration, PolicyVersion, Question
from declarations.services.signing import declaration_record_on_paper, declaration_sign
from declarations.services.versions import question_save, version_draft, version_publish
from governance.models import ServiceArea, User
from governance.services.profile import profile_get
from moderation.models import AssignmentState, ModeratorAssignment
from moderation.services.assignments import assignment_add
from tests.register_helpers import make_account

POLICY = """\
## Using council accounts

Post as the council, never as yourself.

## Passwords

Never share a password by email or chat.

## Lost or stolen devices

Report a lost or stolen phone, tablet or laptop to Communications at once.
"""

STATEMENTS = [
    "I have read the social media policy and will follow it.",
    "I will report a lost or stolen device at once.",
]

RIGHT = "Report it to Communications at once"
WRONG = "Wait a day to see whether it turns up"
CLAUSE = "Lost or stolen devices"
MISSING_CODE = "Enter the verification code from the receipt, like ABCD-EFGH-IJKL-MNOP-QRST"


class Tags(HTMLParser):
    """The real tags of a page and their attributes (text that merely looks like a tag is not
    one)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def page_of(response: Any) -> str:
    return html.unescape(response.content.decode())


def publish(
    owner: User,
    *,
    number: str = "1.0",
    text: str = POLICY,
    statements: list[str] | None = None,
    questions: bool = True,
) -> PolicyVersion:
    today = timezone.localdate()
    version = version_draft(
        actor=owner,
        title="Social media policy",
        version=number,
        effective_on=today,
        review_due_on=today + datetime.timedelta(days=365),
        text=text,
        statements=STATEMENTS if statements is None else statements,
    )
    if questions:
        question_save(
            actor=owner,
            version=version,
            text="A colleague's phone with the Facebook app on it is stolen. What do you do first?",
            correct_answer=RIGHT,
            wrong_answers=[WRONG, "Change your own password and say nothing"],
            clause=CLAUSE,
        )
    return version_publish(actor=owner, version=version, requires_reacknowledgement=False)


def sign_url(version: PolicyVersion) -> str:
    return reverse("declaration_sign", args=[version.pk])


def questions_url(version: PolicyVersion) -> str:
    return reverse("declaration_questions", args=[version.pk])


def question_field(version: PolicyVersion) -> str:
    return f"question_{Question.objects.get(version=version).pk}"


def signature(person: User, **changes: Any) -> dict[str, Any]:
    return {"statements": ["0", "1"], "typed_name": person.full_name, **changes}


def answered(client: Client, version: PolicyVersion) -> Client:
    response = client.post(questions_url(version), {question_field(version): RIGHT})
    assert response.status_code == 302
    return client


def signed(person: User, version: PolicyVersion, **when: Any) -> Declaration:
    declaration, created = declaration_sign(
        person=person,
        version=version,
        ticked=range(len(version.statements)),
        typed_name=person.full_name,
        questions_answered=True,
        **when,
    )
    assert created
    return declaration


@pytest.fixture
def version(policy_owner: User) -> PolicyVersion:
    return publish(policy_owner)


# --- Your declaration ------------------------------------------------------------------------


def test_home_says_there_is_nothing_to_sign_before_a_version_is_published(
    client_for: Any, requester: User
) -> None:
    page = page_of(client_for(requester).get(reverse("declarations")))

    assert "Nothing to sign yet" in page
    assert "has not published a version of its social media policy" in page
    assert "Read and sign" not in page


def test_home_starts_with_the_questions_when_the_version_asks_them(
    client_for: Any, requester: User, version: PolicyVersion
) -> None:
    page = page_of(client_for(requester).get(reverse("declarations")))

    assert "Not signed" in page
    assert f'href="{questions_url(version)}"' in page
    assert "First you answer 1 short question about the policy" in page
    assert f'href="{reverse("declaration_verify")}"' in page


def test_home_goes_straight_to_signing_when_the_profile_asks_no_questions(
    client_for: Any, requester: User, version: PolicyVersion
) -> None:
    profile = profile_get()
    profile.ask_declaration_questions = False
    profile.save()

    page = page_of(client_for(requester).get(reverse("declarations")))

    assert f'href="{sign_url(version)}"' in page
    assert f'href="{questions_url(version)}"' not in page


def test_home_lists_past_declarations_with_their_receipts(
    client_for: Any, requester: User, policy_owner: User, version: PolicyVersion
) -> None:
    declaration = signed(requester, version)

    page = page_of(client_for(requester).get(reverse("declarations")))

    assert "You have signed the current policy" in page
    assert f'href="{reverse("declaration_receipt", args=[declaration.pk])}"' in page
    assert "Read and sign" not in page


def test_a_leaver_cannot_open_the_declaration_pages(
    client_for: Any, requester: User, version: PolicyVersion
) -> None:
    requester.leaving_date = timezone.localdate()
    requester.save()
    client = client_for(requester)

    for url in (reverse("declarations"), questions_url(version), sign_url(version)):
        assert client.get(url).status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(client_for: Any, version: PolicyVersion) -> None:
    client = client_for(None)
    for url in (reverse("declarations"), sign_url(version), reverse("declaration_verify")):
        assert client.get(url).status_code == 302


# --- The whole journey -----------------------------------------------------------------------


def test_a_new_moderator_answers_signs_and_becomes_active(
    client_for: Any,
    requester: User,
    communications: User,
    leisure: ServiceArea,
    version: PolicyVersion,
) -> None:
    account = make_account(communications, leisure, name="Leisure Events")
    assignment_add(actor=communications, account=account, person=requester, reason="Events")
    assignment = ModeratorAssignment.objects.get(account=account, person=requester)
    assert assignment.state == AssignmentState.AWAITING_DECLARATION
    client = client_for(requester)

    home = page_of(client.get(reverse("declarations")))
    assert "Leisure Events: awaiting declaration" in home

    # Signing before answering sends them to the questions.
    response = client.get(sign_url(version))
    assert response.status_code == 302
    assert response["Location"] == questions_url(version)

    # A wrong answer is refused at its question, pointing at the section to reread.
    response = client.post(questions_url(version), {question_field(version): WRONG})
    page = page_of(response)
    assert response.status_code == 200
    assert f"That is not right. Reread section “{CLAUSE}” of the policy" in page
    assert 'href="#lost-or-stolen-devices"' in page
    assert 'id="lost-or-stolen-devices"' in page  # the text to reread is on the page
    assert "There is a problem" in page

    response = client.post(questions_url(version), {question_field(version): RIGHT})
    assert response.status_code == 302
    assert response["Location"] == sign_url(version)

    page = page_of(client.get(sign_url(version)))
    assert "Report a lost or stolen phone, tablet or laptop to Communications at once." in page
    assert "Tick each statement to confirm you accept it" in page
    assert STATEMENTS[1] in page
    assert "Type your full name" in page

    response = client.post(sign_url(version), signature(requester))
    declaration = Declaration.objects.get(person=requester)
    assert response.status_code == 302
    assert response["Location"] == reverse("declaration_receipt", args=[declaration.pk])
    assert declaration.questions_answered
    assert declaration.content_hash == version.content_hash

    receipt = page_of(client.get(response["Location"]))
    assert "You are now an active moderator of Leisure Events." in receipt
    assert declaration.verification_code in receipt
    assert ModeratorAssignment.objects.get(pk=assignment.pk).state == AssignmentState.ACTIVE


def test_signing_without_questions_records_that_none_were_answered(
    client_for: Any, requester: User, policy_owner: User
) -> None:
    version = publish(policy_owner, questions=False)
    client = client_for(requester)

    response = client.get(questions_url(version))
    assert response["Location"] == sign_url(version)

    client.post(sign_url(version), signature(requester))
    declaration = Declaration.objects.get(person=requester)
    assert not declaration.questions_answered
    assert "Not asked" in page_of(client.get(reverse("declaration_receipt", args=[declaration.pk])))


# --- The questions ---------------------------------------------------------------------------


def test_the_right_answer_is_not_always_first(
    client_for: Any, requester: User, version: PolicyVersion
) -> None:
    page = page_of(client_for(requester).get(questions_url(version)))
    offered = re.findall(r'class="govuk-radios__input"[^>]*value="([^"]+)"', page)

    assert offered == sorted([RIGHT, WRONG, "Change your own password and say nothing"])
    assert offered[0] != RIGHT


def test_an_unanswered_or_forged_answer_is_asked_again(
    client_for: Any, requester: User, version: PolicyVersion
) -> None:
    client = client_for(requester)
    for data in ({}, {question_field(version): "Something not offered"}):
        response = client.post(questions_url(version), data)
        assert response.status_code == 200
        assert "Select an answer to question 1" in page_of(response)
    assert client.get(sign_url(version)).status_code == 302


def test_a_question_written_with_html_is_shown_as_text(
    client_for: Any, requester: User, policy_owner: User
) -> None:
    today = timezone.localdate()
    draft = version_draft(
        actor=policy_owner,
        title="Social media policy",
        version="1.0",
        effective_on=today,
        review_due_on=today + datetime.timedelta(days=365),
        text=POLICY,
        statements=STATEMENTS,
    )
    question_save(
        actor=policy_owner,
        version=draft,
        text="Is <img src=x onerror=alert(1)> allowed?",
        correct_answer="No",
        wrong_answers=["Yes"],
        clause=CLAUSE,
    )
    version = version_publish(actor=policy_owner, version=draft, requires_reacknowledgement=False)

    raw = client_for(requester).get(questions_url(version)).content.decode()

    assert "<img" not in raw
    assert "&lt;img src=x onerror=alert(1)&gt;" in raw


# --- Signing: bad input and rules ------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"statements": ["0"]}, "Tick every statement to show you accept it."),
        ({"statements": []}, "Tick every statement to show you accept it."),
        ({"typed_name": "   "}, "Type your full name to sign"),
        ({"typed_name": "Someone Else"}, "Type your full name as it is on the staff list: Riya"),
        ({"statements": ["0", "1", "2"]}, "Tick every statement"),
        ({"statements": ["0", "abc"]}, "Tick every statement"),
        ({"statements": ["0", "1", "-1"]}, "Tick every statement"),
        ({"statements": ["0", "1" * 5000]}, "Tick every statement"),
        ({"statements": ["0", "\u0661"]}, "Tick every statement"),  # an Arabic-Indic one
    ],
)
def test_a_signature_that_does_not_stand_is_refused_at_its_question(
    client_for: Any,
    requester: User,
    version: PolicyVersion,
    changes: dict[str, Any],
    message: str,
) -> None:
    client = answered(client_for(requester), version)

    response = client.post(sign_url(version), signature(requester, **changes))

    assert response.status_code == 200
    page = page_of(response)
    assert message in page
    assert "There is a problem" in page
    assert not Declaration.objects.filter(person=requester).exists()


def test_a_mismatched_name_keeps_the_ticks(
    client_for: Any, requester: User, version: PolicyVersion
) -> None:
    client = answered(client_for(requester), version)

    page = client.post(sign_url(version), signature(requester, typed_name="R Patel")).content
    ticked = re.findall(rb'value="(\d)"\s+checked', page)

    assert ticked == [b"0", b"1"]


def test_the_name_is_matched_without_regard_to_case_or_spaces(
    client_for: Any, requester: User, version: PolicyVersion
) -> None:
    client = answered(client_for(requester), version)

    client.post(sign_url(version), signature(requester, typed_name="  riya   PATEL "))

    assert Declaration.objects.get(person=requester).typed_name == "riya PATEL"


def test_a_retired_version_cannot_be_signed(
    client_for: Any, requester: User, policy_owner: User, version: PolicyVersion
) -> None:
    publish(policy_owner, number="2.0")
    client = client_for(requester)

    for response in (
        client.get(sign_url(version)),
        client.post(sign_url(version), signature(requester)),
        client.get(questions_url(version)),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("declarations")
    page = page_of(client.get(reverse("declarations")))
    assert "Social media policy, version 1.0 was replaced by a later version" in page
    assert not Declaration.objects.exists()


def test_a_draft_cannot_be_signed(
    client_for: Any, requester: User, policy_owner: User, version: PolicyVersion
) -> None:
    today = timezone.localdate()
    draft = version_draft(
        actor=policy_owner,
        title="Social media policy",
        version="2.0",
        effective_on=today,
        review_due_on=today,
        text=POLICY,
        statements=STATEMENTS,
    )
    assert client_for(requester).get(sign_url(draft)).status_code == 404
    assert client_for(requester).post(sign_url(draft), signature(requester)).status_code == 404

    owner = client_for(policy_owner)
    response = owner.post(sign_url(draft), signature(policy_owner))
    assert response["Location"] == reverse("declarations")
    assert "has not been published yet" in page_of(owner.get(reverse("declarations")))
    assert not Declaration.objects.exists()


def test_a_version_that_does_not_exist_is_not_found(client_for: Any, requester: User) -> None:
    client = client_for(requester)
    assert client.get(reverse("declaration_sign", args=[999])).status_code == 404
    assert client.get(reverse("declaration_questions", args=[999])).status_code == 404
    assert client.get(reverse("declaration_sign", args=[10**20])).status_code == 404
    assert client.get(reverse("declaration_receipt", args=[10**20])).status_code == 404


def test_signing_twice_keeps_one_declaration(
    client_for: Any, requester: User, version: PolicyVersion
) -> None:
    client = answered(client_for(requester), version)

    one = client.post(sign_url(version), signature(requester))
    two = client.post(sign_url(version), signature(requester))  # the second tab

    declaration = Declaration.objects.get(person=requester)
    assert one["Location"] == two["Location"]
    assert two["Location"] == reverse("declaration_receipt", args=[declaration.pk])
    assert "You had already signed this version." in page_of(client.get(two["Location"]))


def test_a_moderator_due_to_sign_again_can_sign_the_same_version(
    client_for: Any, requester: User, version: PolicyVersion
) -> None:
    """The reminders ask them to sign again before the lapse, even when the policy has not
    changed: the new declaration replaces the old one."""
    year_ago = timezone.now() - datetime.timedelta(days=350)
    old = signed(requester, version, now=year_ago)
    client = answered(client_for(requester), version)

    client.post(sign_url(version), signature(requester))

    new = Declaration.objects.get(person=requester, superseded_at__isnull=True)
    assert new.pk != old.pk
    assert new.lapses_on > old.lapses_on


# --- Policy text -----------------------------------------------------------------------------


def test_a_policy_with_script_renders_inert_on_the_sign_page(
    client_for: Any, requester: User, policy_owner: User
) -> None:
    hostile = POLICY + (
        "\n<script>alert('script')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        '[Open this](javascript:alert(2)) and <a href="javascript:alert(3)">this</a>\n'
    )
    version = publish(policy_owner, text=hostile, questions=False)

    raw = client_for(requester).get(sign_url(version)).content.decode()
    policy = raw.split('class="app-policy-text"', 1)[1].split("</form>", 1)[0]
    tags = Tags()
    tags.feed(policy)

    assert "script" not in {tag for tag, _ in tags.found}
    assert "img" not in {tag for tag, _ in tags.found}
    attributes = [(name, value or "") for _, attrs in tags.found for name, value in attrs]
    assert not [name for name, _ in attributes if name.startswith("on")]
    assert not [value for name, value in attributes if "javascript" in value.lower()]
    assert "&lt;script&gt;alert" in policy  # shown as the words typed, not run


# --- The receipt -----------------------------------------------------------------------------


def test_the_receipt_shows_what_was_signed_and_how_to_check_it(
    client_for: Any, requester: User, version: PolicyVersion
) -> None:
    declaration = signed(requester, version)

    page = page_of(client_for(requester).get(reverse("declaration_receipt", args=[declaration.pk])))

    assert f'<span class="govuk-caption-l">{settings.COUNCIL_NAME}</span>' in page
    assert "Riya Patel" in page
    assert "Social media policy" in page
    assert version.content_hash in page
    assert declaration.verification_code in page
    assert "Check this receipt at https://portal.example/declarations/verify/" in page
    for statement in STATEMENTS:
        assert statement in page
    assert "Answered correctly before signing" in page
    assert "Print this receipt" in page


LONG_STATEMENTS = [
    "I have read the council's social media policy and I will follow it whenever I post, reply "
    "or moderate as the council.",
    "I will never share an account's password by email, chat or text message, and I will keep "
    "it only in the council's password manager.",
    "I will report a lost or stolen phone, tablet or laptop that can open a council account to "
    "Communications at once, whatever the time of day.",
    "I will remove inappropriate content and tell my line manager and Communications straight "
    "away about a mistake, a data breach or abuse.",
    "I understand that a breach of the policy is handled under the disciplinary procedure and "
    "may lead to my access being withdrawn.",
    "I will sign this declaration again when the council asks me to, and I understand that my "
    "access is suspended until I do.",
]
CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_the_receipt_prints_on_one_a4_page(
    client_for: Any, requester: User, policy_owner: User, tmp_path: Path
) -> None:
    version = publish(policy_owner, statements=LONG_STATEMENTS)
    declaration = signed(requester, version)
    client = client_for(requester)
    page = client.get(reverse("declaration_receipt", args=[declaration.pk])).content.decode()
    static = settings.STATICFILES_DIRS[0]
    (tmp_path / "receipt.html").write_text(page.replace('"/static/', f'"file://{static}/'))

    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp_path / 'receipt.pdf'}",
            f"file://{tmp_path / 'receipt.html'}",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )

    pdf = (tmp_path / "receipt.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1


def test_a_paper_declaration_has_no_code(
    client_for: Any, requester: User, communications: User
) -> None:
    declaration = declaration_record_on_paper(person=requester, actor=communications)
    assert declaration is not None

    page = page_of(client_for(requester).get(reverse("declaration_receipt", args=[declaration.pk])))

    assert "On paper, before the portal" in page
    assert "A paper declaration has no verification code" in page
    assert "Check this receipt at" not in page


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("requester", 200),
        ("communications", 200),
        ("auditor", 200),
        ("line_manager", 404),
        ("outsider", 404),
        ("policy_owner", 404),
    ],
)
def test_only_the_signer_communications_and_auditors_see_a_receipt(
    client_for: Any,
    version: PolicyVersion,
    viewer: str,
    status: int,
    request: pytest.FixtureRequest,
) -> None:
    requester = request.getfixturevalue("requester")
    declaration = signed(requester, version)
    person = request.getfixturevalue(viewer)

    response = client_for(person).get(reverse("declaration_receipt", args=[declaration.pk]))

    assert response.status_code == status


def test_a_receipt_that_does_not_exist_is_not_found(client_for: Any, requester: User) -> None:
    assert client_for(requester).get(reverse("declaration_receipt", args=[999])).status_code == 404


# --- Checking a receipt ----------------------------------------------------------------------


def check(client: Client, code: str) -> str:
    response = client.get(reverse("declaration_verify"), {"code": code})
    assert response.status_code == 200
    return page_of(response)


def test_a_genuine_receipt_with_unchanged_text(
    client_for: Any, requester: User, outsider: User, version: PolicyVersion
) -> None:
    declaration = signed(requester, version)

    page = check(client_for(outsider), declaration.verification_code.lower().replace("-", " "))

    assert "This receipt is genuine" in page
    assert f"Riya Patel signed {version} on" in page
    assert "The policy text and statements are unchanged since." in page
    # Anyone signed in may check a code; only those who may see the receipt are linked to it.
    assert reverse("declaration_receipt", args=[declaration.pk]) not in page
    signer = check(client_for(requester), declaration.verification_code)
    assert reverse("declaration_receipt", args=[declaration.pk]) in signer


def test_a_code_the_portal_never_issued(
    client_for: Any, requester: User, version: PolicyVersion
) -> None:
    signed(requester, version)

    page = check(client_for(requester), "ABCD-EFGH-IJKL-MNOP-QRST")

    assert "This code does not match any declaration" in page
    assert "This receipt is genuine" not in page


def test_an_altered_declaration_is_caught(
    client_for: Any, requester: User, version: PolicyVersion
) -> None:
    declaration = signed(requester, version)
    Declaration.objects.filter(pk=declaration.pk).update(
        signed_at=declaration.signed_at - datetime.timedelta(days=30)
    )

    page = check(client_for(requester), declaration.verification_code)

    assert "does not match the stored declaration: it may have been altered" in page
    assert "This receipt is genuine" not in page


def test_a_changed_policy_text_is_caught(
    client_for: Any, requester: User, version: PolicyVersion
) -> None:
    declaration = signed(requester, version)
    PolicyVersion.objects.filter(pk=version.pk).update(text=POLICY + "\nYou may share passwords.")

    page = check(client_for(requester), declaration.verification_code)

    assert "This receipt is genuine" in page
    assert "but the policy text stored today is not the text that was signed" in page
    assert "unchanged since" not in page


@pytest.mark.parametrize(
    "code", ["", "   ", "ABCD", "not a code at all", "A" * 100, "ABCD-EFGH-IJKL-MNOP-QRS1"]
)
def test_a_blank_or_malformed_code_is_asked_for_again(
    client_for: Any, requester: User, code: str
) -> None:
    page = check(client_for(requester), code)

    assert MISSING_CODE in page
    assert "There is a problem" in page


def test_the_verify_page_starts_empty(client_for: Any, requester: User) -> None:
    page = page_of(client_for(requester).get(reverse("declaration_verify")))

    assert "Verification code" in page
    assert MISSING_CODE not in page
