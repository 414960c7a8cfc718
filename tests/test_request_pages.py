"""The request pages as people use them: forms, drafts, errors, decisions and forged posts."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import AccountRequest, RequestStatus, StepStatus
from accounts.selectors import current_step
from accounts.services.requests import request_submit
from governance.models import Preset, User
from governance.services.profile import profile_apply_preset
from tests.declaration_helpers import holds_declaration
from tests.requests_helpers import complete_draft, decide_current

FORM = {
    "platform": "x",
    "proposed_name": "Leisure Events",
    "proposed_handle": "@LeisureEvents",
    "purpose_audience": "Events news for families",
    "aims": "Fill the summer events",
    "other_channels": "",
    "update_frequency": "Twice a day",
    "record_keeping": "",
    "backup_officer_1": "colleague@council.example",
}


def page_of(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def org(
    requester: User, colleague: User, head_of_service: User, communications: User, leisure: Any
) -> dict[str, Any]:
    return {"service_area": str(leisure.pk)}


@pytest.mark.django_db
def test_requester_fills_in_the_form_checks_answers_and_sends(
    requester: User, org: dict[str, Any], client_for: Any
) -> None:
    client = client_for(requester)

    response = client.post("/requests/new/", {**FORM, **org, "continue": ""})

    draft = AccountRequest.objects.get()
    assert response["Location"] == f"/requests/{draft.pk}/check/"
    check = page_of(client.get(response["Location"]))
    assert "Check your answers before sending your request" in check
    assert "Tom Fletcher (colleague@council.example)" in check
    assert "It goes to Head of Service, then Communications." in check

    sent = client.post(f"/requests/{draft.pk}/check/", follow=True)

    draft.refresh_from_db()
    assert draft.status == RequestStatus.SUBMITTED
    page = page_of(sent)
    assert f"{draft.reference} was submitted." in page
    assert "Who holds it now:</strong>\n        Helen Brooks" in page


@pytest.mark.django_db
def test_missing_answers_are_listed_and_everything_typed_is_kept(
    requester: User, org: dict[str, Any], client_for: Any
) -> None:
    client = client_for(requester)
    typed = {**FORM, **org, "proposed_handle": "Leisure Events", "aims": "", "continue": ""}

    response = client.post("/requests/new/", typed)

    page = page_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert '<a href="#id_proposed_handle">The handle must not contain spaces</a>' in page
    assert "Enter the account&#x27;s aims and why this platform is right for them" in page
    assert 'value="Leisure Events"' in page  # the bad handle is shown again to correct
    draft = AccountRequest.objects.get()
    assert draft.proposed_name == "Leisure Events"
    assert draft.purpose_audience == "Events news for families"
    assert draft.proposed_handle == ""  # not kept until it is a valid handle
    assert f'action="/requests/{draft.pk}/edit/"' in page


@pytest.mark.django_db
def test_saving_a_draft_needs_no_complete_answers(
    requester: User, org: dict[str, Any], client_for: Any
) -> None:
    client = client_for(requester)

    response = client.post("/requests/new/", {"proposed_name": "Half done", "save": ""})

    draft = AccountRequest.objects.get()
    assert response["Location"] == f"/requests/{draft.pk}/"
    assert draft.status == RequestStatus.DRAFT
    home = page_of(client.get("/"))
    assert f"Finish your draft {draft.reference}" in home


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("requester@council.example", "You cannot be your own backup officer: name a colleague"),
        ("nobody@council.example", "There is no member of staff with the email address"),
        ("not an email", "Enter an email address in the correct format"),
    ],
)
@pytest.mark.django_db
def test_backup_officers_must_be_other_members_of_staff(
    requester: User, org: dict[str, Any], client_for: Any, email: str, message: str
) -> None:
    response = client_for(requester).post(
        "/requests/new/", {**FORM, **org, "backup_officer_1": email, "continue": ""}
    )

    assert message in page_of(response)
    assert not AccountRequest.objects.get().backup_officers.exists()


@pytest.mark.django_db
def test_one_mistyped_backup_officer_keeps_the_ones_that_were_found(
    requester: User, colleague: User, org: dict[str, Any], client_for: Any
) -> None:
    response = client_for(requester).post(
        "/requests/new/",
        {**FORM, **org, "backup_officer_2": "nobody@council.example", "continue": ""},
    )

    page = page_of(response)
    assert "There is no member of staff with the email address" in page
    assert "at least one officer" not in page
    assert list(AccountRequest.objects.get().backup_officers.all()) == [colleague]


@pytest.mark.django_db
def test_melton_form_asks_what_a_facebook_page_is_for_and_refuses_the_council(
    administrator: User, requester: User, org: dict[str, Any], client_for: Any
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.MELTON)
    client = client_for(requester)
    assert "What is the Facebook page for?" in page_of(client.get("/requests/new/"))

    response = client.post(
        "/requests/new/",
        {
            **FORM,
            **org,
            "platform": "facebook",
            "facebook_purpose": "whole_council",
            "continue": "",
        },
    )

    page = page_of(response)
    assert '<a href="#id_facebook_purpose_1">The council&#x27;s policy does not allow' in page
    assert AccountRequest.objects.get().facebook_purpose == "whole_council"


@pytest.mark.django_db
def test_derby_form_asks_for_the_budget_code_and_e_learning_evidence(
    administrator: User, requester: User, line_manager: User, org: dict[str, Any], client_for: Any
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    holds_declaration(requester)  # Derby asks for it before a request is sent (REQ-2)
    client = client_for(requester)
    blank = page_of(client.get("/requests/new/"))
    assert "Budget code for the management-platform licence" in blank
    assert "When did you complete the data protection e-learning?" in blank

    missing = page_of(client.post("/requests/new/", {**FORM, **org, "continue": ""}))
    assert "Enter the budget code for the management-platform licence" in missing
    assert '<a href="#id_training_completed_on_0">Enter the date you completed' in missing

    draft = AccountRequest.objects.get()
    fixed = client.post(
        f"/requests/{draft.pk}/edit/",
        {
            **FORM,
            **org,
            "budget_code": "LEI-4410",
            "training_completed_on_0": "5",
            "training_completed_on_1": "1",
            "training_completed_on_2": "2026",
            "training_evidence": SimpleUploadedFile("cert.pdf", b"%PDF-1.7 done"),
            "continue": "",
        },
    )
    assert fixed["Location"] == f"/requests/{draft.pk}/check/"
    draft.refresh_from_db()
    assert draft.training_evidence_sha256 == hashlib.sha256(b"%PDF-1.7 done").hexdigest()
    assert draft.training_completed_on == datetime.date(2026, 1, 5)


@pytest.mark.django_db
def test_evidence_that_is_not_a_document_is_refused(
    administrator: User, requester: User, line_manager: User, org: dict[str, Any], client_for: Any
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)

    response = client_for(requester).post(
        "/requests/new/",
        {
            **FORM,
            **org,
            "training_evidence": SimpleUploadedFile("cert.pdf", b"MZ\x90\x00 not a pdf"),
            "save": "",
        },
    )

    assert "The selected file must be a PDF, PNG or JPG" in page_of(response)
    assert not AccountRequest.objects.get().training_evidence


@pytest.mark.django_db
def test_an_impossible_date_gets_a_plain_message(
    administrator: User, requester: User, line_manager: User, org: dict[str, Any], client_for: Any
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)

    response = client_for(requester).post(
        "/requests/new/",
        {
            **FORM,
            **org,
            "training_completed_on_0": "31",
            "training_completed_on_1": "2",
            "training_completed_on_2": "2026",
            "save": "",
        },
    )

    assert response.status_code == 200
    assert '<a href="#id_training_completed_on_0">The date must be a real date, like 27 3 2026' in (
        page_of(response)
    )


@pytest.mark.django_db
def test_approver_decides_on_the_decision_page(
    requester: User, colleague: User, head_of_service: User, communications: User, client_for: Any
) -> None:
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    step = current_step(request)
    assert step is not None
    client = client_for(head_of_service)

    page = page_of(client.get(f"/requests/{request.pk}/decide/"))
    assert "Decide: Facebook account &#x27;Summer in the Parks&#x27;" in page

    empty = page_of(client.post(f"/requests/{request.pk}/decide/", {"step": step.pk}))
    assert "Select your decision" in empty
    no_reason = client.post(
        f"/requests/{request.pk}/decide/", {"step": step.pk, "decision": "return"}
    )
    assert "Say what the requester needs to change" in page_of(no_reason)

    done = client.post(
        f"/requests/{request.pk}/decide/", {"step": step.pk, "decision": "approve"}, follow=True
    )
    assert "Your decision was recorded." in page_of(done)
    step.refresh_from_db()
    assert step.status == StepStatus.APPROVED


@pytest.mark.django_db
def test_text_over_five_thousand_characters_gets_a_message_and_is_not_kept(
    requester: User,
    colleague: User,
    head_of_service: User,
    communications: User,
    org: dict[str, Any],
    client_for: Any,
) -> None:
    essay = "word " * 1001  # 5,005 characters
    typed = client_for(requester).post(
        "/requests/new/", {**FORM, **org, "aims": essay, "continue": ""}
    )
    assert "must be 5,000 characters or fewer" in page_of(typed)
    assert AccountRequest.objects.get().aims == ""

    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    step = current_step(request)
    assert step is not None
    decided = client_for(head_of_service).post(
        f"/requests/{request.pk}/decide/",
        {"step": step.pk, "decision": "reject", "comment": essay},
    )

    assert "must be 5,000 characters or fewer" in page_of(decided)
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


@pytest.mark.django_db
def test_a_second_decision_on_the_same_step_gets_a_message(
    requester: User, colleague: User, head_of_service: User, communications: User, client_for: Any
) -> None:
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    step = current_step(request)
    assert step is not None
    client = client_for(head_of_service)
    client.post(f"/requests/{request.pk}/decide/", {"step": step.pk, "decision": "approve"})

    again = client.post(
        f"/requests/{request.pk}/decide/",
        {"step": step.pk, "decision": "reject", "comment": "No"},
        follow=True,
    )

    assert "Helen Brooks has already decided this step" in page_of(again)
    step.refresh_from_db()
    assert step.status == StepStatus.APPROVED


@pytest.mark.django_db
def test_forged_posts_change_nothing(
    requester: User,
    colleague: User,
    head_of_service: User,
    communications: User,
    outsider: User,
    client_for: Any,
) -> None:
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    step = current_step(request)
    assert step is not None
    draft = complete_draft(requester, [colleague])

    # Someone from another service decides, edits or withdraws: 404, nothing changes.
    outsider_client = client_for(outsider)
    assert (
        outsider_client.post(
            f"/requests/{request.pk}/decide/", {"step": step.pk, "decision": "approve"}
        ).status_code
        == 404
    )
    assert outsider_client.post(f"/requests/{draft.pk}/edit/", FORM).status_code == 404
    assert outsider_client.post(f"/requests/{request.pk}/withdraw/", {}).status_code == 404
    assert outsider_client.post(f"/requests/{draft.pk}/check/").status_code == 404
    # Communications can see the request but it is not their step yet: a message.
    comms = client_for(communications).post(
        f"/requests/{request.pk}/decide/", {"step": step.pk, "decision": "approve"}, follow=True
    )
    assert "You cannot decide this step of the request." in page_of(comms)
    # An approver cannot edit the requester's answers.
    assert (
        client_for(head_of_service).post(f"/requests/{request.pk}/edit/", FORM).status_code == 404
    )
    # A step id from another request answers 404.
    other = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    other_step = current_step(other)
    assert other_step is not None
    assert (
        client_for(head_of_service)
        .post(f"/requests/{request.pk}/decide/", {"step": other_step.pk, "decision": "approve"})
        .status_code
        == 404
    )

    step.refresh_from_db()
    draft.refresh_from_db()
    assert step.status == StepStatus.PENDING
    assert draft.proposed_name == "Summer in the Parks"


@pytest.mark.django_db
def test_someone_elses_draft_is_invisible(
    requester: User, colleague: User, communications: User, auditor: User, client_for: Any
) -> None:
    draft = complete_draft(requester, [colleague])

    for person in (colleague, communications, auditor):
        assert client_for(person).get(f"/requests/{draft.pk}/").status_code == 404


@pytest.mark.django_db
def test_requester_withdraws_and_the_request_says_so(
    requester: User, colleague: User, head_of_service: User, communications: User, client_for: Any
) -> None:
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    client = client_for(requester)

    response = client.post(
        f"/requests/{request.pk}/withdraw/", {"reason": "Not needed"}, follow=True
    )

    assert f"{request.reference} was withdrawn." in page_of(response)
    assert "“Not needed”" in page_of(response)
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


@pytest.mark.django_db
def test_returned_request_is_changed_and_sent_again(
    requester: User, colleague: User, head_of_service: User, communications: User, client_for: Any
) -> None:
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    decide_current(request, "return", "Say who the audience is")
    client = client_for(requester)

    detail = page_of(client.get(f"/requests/{request.pk}/"))
    assert "“Say who the audience is”" in detail
    assert "Change and resubmit" in page_of(client.get("/"))

    client.post(
        f"/requests/{request.pk}/edit/",
        {**FORM, "service_area": str(request.service_area_id), "continue": ""},
    )
    client.post(f"/requests/{request.pk}/check/")

    request.refresh_from_db()
    assert (request.status, request.round) == (RequestStatus.SUBMITTED, 2)


@pytest.mark.django_db
def test_timeline_shows_who_decided_what_and_when(
    requester: User, colleague: User, head_of_service: User, communications: User, client_for: Any
) -> None:
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    decide_current(request, comment="Good plan")

    page = page_of(client_for(requester).get(f"/requests/{request.pk}/"))

    assert f"Riya Patel submitted {request.reference}" in page
    assert f"Helen Brooks approved {request.reference} at the Head of Service step" in page
    assert "“Good plan”" in page
    assert "Who holds it now:</strong>\n        Communications" in page


@pytest.mark.django_db
def test_evidence_is_served_only_to_people_who_may_see_the_request(
    administrator: User,
    requester: User,
    colleague: User,
    line_manager: User,
    head_of_service: User,
    communications: User,
    outsider: User,
    client_for: Any,
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    holds_declaration(requester)  # Derby asks for it before a request is sent (REQ-2)
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))

    for person in (requester, line_manager, communications):
        response = client_for(person).get(f"/requests/{request.pk}/evidence/")
        assert response.status_code == 200, person
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    # A backup officer sees the request, but the certificate is the requester's own.
    backup = client_for(colleague)
    assert "Uploaded (seen by the approvers" in page_of(backup.get(f"/requests/{request.pk}/"))
    assert backup.get(f"/requests/{request.pk}/evidence/").status_code == 404
    assert client_for(outsider).get(f"/requests/{request.pk}/evidence/").status_code == 404
    assert Client().get(f"/requests/{request.pk}/evidence/").status_code == 302


@pytest.mark.django_db
def test_evidence_missing_from_storage_gets_a_message_not_an_error(
    administrator: User,
    requester: User,
    colleague: User,
    line_manager: User,
    head_of_service: User,
    communications: User,
    client_for: Any,
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    holds_declaration(requester)  # Derby asks for it before a request is sent (REQ-2)
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    request.training_evidence.storage.delete(request.training_evidence.name)

    response = client_for(line_manager).get(f"/requests/{request.pk}/evidence/", follow=True)

    assert response.status_code == 200
    assert "The evidence file for this request cannot be found" in page_of(response)


@pytest.mark.django_db
def test_every_change_link_on_check_your_answers_leads_to_a_field(
    administrator: User,
    requester: User,
    line_manager: User,
    colleague: User,
    head_of_service: User,
    communications: User,
    client_for: Any,
) -> None:
    import re

    for preset in (Preset.DERBY, Preset.MELTON):
        profile_apply_preset(actor=administrator, preset=preset)
        draft = complete_draft(requester, [colleague])
        client = client_for(requester)
        check = page_of(client.get(f"/requests/{draft.pk}/check/"))
        form = page_of(client.get(f"/requests/{draft.pk}/edit/"))

        anchors = re.findall(rf'href="/requests/{draft.pk}/edit/#([\w-]+)"', check)
        assert len(anchors) >= 9
        for anchor in anchors:
            assert f'id="{anchor}"' in form, (preset, anchor)


@pytest.mark.django_db
def test_evidence_is_kept_under_its_fingerprint_and_served_with_its_real_type(
    administrator: User,
    requester: User,
    colleague: User,
    line_manager: User,
    head_of_service: User,
    communications: User,
    client_for: Any,
) -> None:
    from accounts.services.requests import request_save_draft

    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    draft = request_save_draft(
        actor=requester,
        request=complete_draft(requester, [colleague]),
        values={},
        evidence=SimpleUploadedFile("payload.html", b"%PDF-1.4 <script>alert(1)</script>"),
    )

    digest = hashlib.sha256(b"%PDF-1.4 <script>alert(1)</script>").hexdigest()
    assert draft.training_evidence.name.endswith(f"/{digest}.pdf")
    again = request_save_draft(
        actor=requester,
        request=complete_draft(requester, [colleague]),
        values={},
        evidence=SimpleUploadedFile("again.pdf", b"%PDF-1.4 <script>alert(1)</script>"),
    )
    assert again.training_evidence.name == draft.training_evidence.name
    response = client_for(requester).get(f"/requests/{draft.pk}/evidence/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="training-evidence-{draft.reference}.pdf"'
    )


@pytest.mark.django_db
def test_the_list_shows_the_requests_i_made_am_named_in_decided_or_whose_area_i_head(
    requester: User,
    colleague: User,
    head_of_service: User,
    communications: User,
    outsider: User,
    client_for: Any,
) -> None:
    sent = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    draft = complete_draft(requester, [colleague], proposed_name="Still a draft")

    def listed(person: User) -> tuple[bool, bool, str]:
        page = page_of(client_for(person).get("/requests/"))
        mine = page.split("Your requests", 1)[-1]
        return sent.reference in mine, draft.reference in mine, page

    assert listed(requester)[:2] == (True, True)
    assert listed(colleague)[:2] == (True, False)
    assert listed(outsider)[:2] == (False, False)
    # The Head of Service of the request's area sees it waiting for them, and among the
    # requests of their area (issue 13); never the requester's draft.
    head = listed(head_of_service)
    assert head[:2] == (True, False)
    assert f"{sent.reference}</a>" in head[2].split("Your requests", 1)[0]

    decide_current(sent)

    assert listed(head_of_service)[:2] == (True, False)
    assert "Riya Patel" in listed(colleague)[2]


@pytest.mark.django_db
def test_someone_who_is_not_an_approver_never_sees_the_decision_form(
    requester: User, colleague: User, head_of_service: User, communications: User, client_for: Any
) -> None:
    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    step = current_step(request)
    assert step is not None
    backup = client_for(colleague)

    response = backup.post(f"/requests/{request.pk}/decide/", {"step": step.pk}, follow=True)

    page = page_of(response)
    assert "This request is not waiting for your decision." in page
    assert "Select your decision" not in page
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


@pytest.mark.django_db
def test_a_step_not_reached_yet_is_described_as_such(
    requester: User, colleague: User, head_of_service: User, communications: User
) -> None:
    from accounts.services.decisions import step_decide
    from governance.errors import DomainError

    request = request_submit(actor=requester, request=complete_draft(requester, [colleague]))
    later = request.steps.get(kind="communications")

    with pytest.raises(DomainError, match="has not been reached yet"):
        step_decide(
            actor=communications,
            request=request,
            step_id=later.pk,
            decision="approve",
            branding_confirmed=True,
        )


@pytest.mark.django_db
def test_the_list_query_agrees_with_the_visibility_rule(
    requester: User,
    colleague: User,
    head_of_service: User,
    communications: User,
    outsider: User,
) -> None:
    from accounts.rules import requests_visible_to
    from accounts.selectors import requests_listed
    from tests.requests_helpers import request_in

    for status in RequestStatus.values:
        request_in(status, requester, [colleague], proposed_handle=f"@{status}")
    for person in (requester, colleague, head_of_service, communications, outsider):
        by_rule = AccountRequest.objects.filter(requests_visible_to(person)).order_by(
            "-created_at", "-pk"
        )
        listed = requests_listed(person, {})
        # The union of key sets lists the same requests, in the same order, as the rule.
        assert list(listed.values_list("pk", flat=True)) == list(
            by_rule.values_list("pk", flat=True)
        ), person.email


@pytest.mark.django_db
def test_the_list_and_the_steps_waiting_are_paged(
    requester: User,
    colleague: User,
    head_of_service: User,
    communications: User,
    client_for: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("accounts.views.requests.PAGE_SIZE", 2)
    sent = [
        request_submit(
            actor=requester,
            request=complete_draft(requester, [colleague], proposed_handle=f"@Paged{n}"),
        )
        for n in range(3)
    ]
    client = client_for(head_of_service)

    def parts(path: str) -> tuple[str, str]:
        waiting, listed = page_of(client.get(path)).split("Your requests and", 1)
        return waiting, listed

    # Waiting: oldest first, two a page, the third on ?waiting=2 with the list's page kept.
    first = parts("/requests/")
    assert [r.reference in first[0] for r in sent] == [True, True, False]
    assert "1 to 2 of 3 waiting, oldest first." in first[0]
    assert "waiting=2#waiting-pages" in first[0]
    later = parts("/requests/?page=2&waiting=2")
    assert [r.reference in later[0] for r in sent] == [False, False, True]
    # The list: newest first, its late page found by its keys first, every row still shown.
    assert [r.reference in later[1] for r in sent] == [True, False, False]
    assert [r.reference in first[1] for r in sent] == [False, True, True]
    last = parts("/requests/?page=999999")[1]
    assert [r.reference in last for r in sent] == [True, False, False]
