"""Forms sent twice or sent empty, a backup officer in Communications, and e-mail wording from
templates: findings of the hostile probe (issue 7), each seen as a person would see it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import AccountRequest, AccountReview, RequestStatus
from accounts.selectors import current_step
from governance import roles
from governance.emails import render_email
from governance.models import Notification, Preset, ServiceArea, User
from governance.services.profile import profile_apply_preset
from tests.conftest import make_person
from tests.declaration_helpers import holds_declaration
from tests.register_helpers import make_account
from tests.requests_helpers import complete_draft, decide_current, request_in


def page_of(response: Any) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_a_review_form_sent_twice_records_one_review(
    communications: User, requester: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(communications, leisure, moderators=(requester,))
    client = client_for(requester)
    today = timezone.localdate()
    answers = {
        "reviewed_on_0": str(today.day),
        "reviewed_on_1": str(today.month),
        "reviewed_on_2": str(today.year),
        "found_inappropriate": "no",
        "outcome": "keep",
    }

    first = client.post(f"/register/{account.pk}/reviews/new/", answers, follow=True)
    again = client.post(f"/register/{account.pk}/reviews/new/", answers, follow=True)

    assert "Your review was recorded." in page_of(first)
    assert AccountReview.objects.filter(account=account).count() == 1
    assert "You have already recorded a review of" in page_of(again)


@pytest.mark.django_db
def test_an_empty_new_request_keeps_no_blank_draft(requester: User, client_for: Any) -> None:
    client = client_for(requester)

    response = client.post("/requests/new/", {})

    assert response.status_code == 200
    assert "There is a problem" in page_of(response)
    assert "Answer at least one question before you save or continue" in page_of(response)
    assert not AccountRequest.objects.filter(requester=requester).exists()


@pytest.mark.django_db
def test_a_new_request_with_one_answer_is_kept_as_a_draft(requester: User, client_for: Any) -> None:
    client = client_for(requester)

    client.post("/requests/new/", {"proposed_name": "Summer in the Parks", "save": "Save"})

    draft = AccountRequest.objects.get(requester=requester)
    assert draft.status == RequestStatus.DRAFT
    assert draft.proposed_name == "Summer in the Parks"


@pytest.mark.django_db
def test_a_backup_officer_in_communications_cannot_give_the_final_approval(
    requester: User,
    line_manager: User,
    head_of_service: User,
    communications: User,
    administrator: User,
    client_for: Any,
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    holds_declaration(requester)  # Derby asks for it before a request is sent (REQ-2)
    named = make_person("nia@council.example", "Nia Comms", groups=(roles.COMMUNICATIONS,))
    request = request_in(RequestStatus.SUBMITTED, requester, [named])
    request = decide_current(request)  # line manager
    request = decide_current(request)  # Head of Service
    step = current_step(request)
    assert step is not None
    client = client_for(named)

    detail = page_of(client.get(f"/requests/{request.pk}/"))
    sent = client.post(
        f"/requests/{request.pk}/decide/",
        {"step": step.pk, "decision": "approve", "branding_confirmed": "on"},
        follow=True,
    )

    assert "Record your decision" not in detail
    assert f'href="/requests/{request.pk}/decide/"' not in detail
    step.refresh_from_db()
    assert step.decided_by is None
    assert "You are named in this request, so you cannot decide any step of it." in page_of(sent)
    # The other member of Communications is asked; the named officer is not.
    asked = set(
        Notification.objects.filter(subject__endswith="needs your decision").values_list(
            "recipient__email", flat=True
        )
    )
    assert communications.email in asked
    assert named.email not in asked


@pytest.mark.django_db
def test_notification_wording_comes_from_templates_as_plain_text(
    requester: User, colleague: User
) -> None:
    requester.full_name = "Siobhan O'Brien & Co"
    requester.save(update_fields=["full_name"])
    request = request_in(RequestStatus.DRAFT, requester, [colleague])
    step_kind = type("Step", (), {"get_kind_display": "Line manager"})()

    subject, body = render_email(
        "accounts/email/step_waiting.txt", {"request": request, "step": step_kind}
    )

    assert subject == f"{request.reference} needs your decision"
    assert body.startswith("Siobhan O'Brien & Co asked for a new official account")
    assert "&#x27;" not in body
    assert "&amp;" not in body


@pytest.mark.django_db
def test_naming_your_line_manager_as_a_backup_officer_says_why_it_cannot_be_sent(
    requester: User, line_manager: User, administrator: User, client_for: Any
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    draft = complete_draft(requester, [line_manager])

    page = page_of(client_for(requester).get(f"/requests/{draft.pk}/check/"))

    assert (
        "Sam Okafor must approve this request as your line manager, so cannot also be a backup "
        "officer on it." in page
    )
    assert "no line manager" not in page


@pytest.mark.django_db
def test_a_new_request_page_sent_twice_continues_one_draft(
    requester: User, client_for: Any
) -> None:
    client = client_for(requester)
    page = page_of(client.get("/requests/new/"))
    (started,) = re.findall(r'name="started" value="([0-9a-f-]+)"', page)
    answers = {"started": started, "platform": "x", "proposed_name": "Twice", "save": "Save"}

    first = client.post("/requests/new/", answers)
    second = client.post("/requests/new/", {**answers, "proposed_name": "Twice, corrected"})

    draft = AccountRequest.objects.get(requester=requester)
    assert first["Location"] == second["Location"] == f"/requests/{draft.pk}/"
    assert draft.proposed_name == "Twice, corrected"
    again = page_of(client.get("/requests/new/"))
    assert started not in again  # a fresh page starts a fresh draft


@pytest.mark.django_db
def test_invisible_characters_are_no_answer_to_a_required_question(
    requester: User,
    colleague: User,
    line_manager: User,
    communications: User,
    administrator: User,
    client_for: Any,
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    holds_declaration(requester)  # Derby asks for it before a request is sent (REQ-2)
    request = request_in(RequestStatus.SUBMITTED, requester, [colleague])
    step = current_step(request)
    assert step is not None

    response = client_for(line_manager).post(
        f"/requests/{request.pk}/decide/",
        {"step": step.pk, "decision": "return", "comment": "\u200b\u200b \u202e"},
    )

    assert "Say what the requester needs to change" in page_of(response)
    step.refresh_from_db()
    assert step.status == "pending"


@pytest.mark.django_db
def test_an_altered_step_on_the_decision_page_asks_to_decide_again(
    requester: User,
    colleague: User,
    line_manager: User,
    communications: User,
    administrator: User,
    client_for: Any,
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    holds_declaration(requester)  # Derby asks for it before a request is sent (REQ-2)
    request = request_in(RequestStatus.SUBMITTED, requester, [colleague])

    response = client_for(line_manager).post(
        f"/requests/{request.pk}/decide/", {"step": "abc", "decision": "approve"}, follow=True
    )

    assert "This page was out of date. Decide the request again." in page_of(response)
    assert 'value="abc"' not in page_of(response)


@pytest.mark.django_db
def test_a_review_sent_after_the_account_was_closed_says_why(
    communications: User, requester: User, leisure: ServiceArea, client_for: Any
) -> None:
    from accounts.services.register import account_change_status

    account = make_account(
        communications, leisure, moderators=(requester,), responsible_officer=requester
    )
    client = client_for(requester)
    client.get(f"/register/{account.pk}/reviews/new/")
    account_change_status(actor=communications, account=account, action="close", reason="Old")
    today = timezone.localdate()

    response = client.post(
        f"/register/{account.pk}/reviews/new/",
        {
            "reviewed_on_0": str(today.day),
            "reviewed_on_1": str(today.month),
            "reviewed_on_2": str(today.year),
            "found_inappropriate": "no",
            "outcome": "keep",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "The account is closed, so it cannot be reviewed." in page_of(response)
