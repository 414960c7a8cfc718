from __future__ import annotations

import html
import re
from typing import Any

import pytest

from governance.models import Event, PolicyProfile, Preset, StepKind, User
from governance.services.profile import profile_apply_preset, profile_get, profile_update


@pytest.mark.parametrize(
    ("preset", "chain", "rules"),
    [
        (
            Preset.MANCHESTER,
            [StepKind.HEAD_OF_SERVICE, StepKind.COMMUNICATIONS],
            {"facebook_purpose_rule": False, "require_budget_code": False},
        ),
        (
            Preset.TELFORD,
            [StepKind.LINE_MANAGER, StepKind.HEAD_OF_SERVICE, StepKind.COMMUNICATIONS],
            {
                "required_business_case_fields": [
                    "purpose_audience",
                    "aims",
                    "other_channels",
                    "update_frequency",
                    "backup_officers",
                    "record_keeping",
                ]
            },
        ),
        (
            Preset.MELTON,
            [StepKind.HEAD_OF_SERVICE, StepKind.COMMUNICATIONS],
            {"facebook_purpose_rule": True},
        ),
        (
            Preset.DERBY,
            [StepKind.LINE_MANAGER, StepKind.HEAD_OF_SERVICE, StepKind.COMMUNICATIONS],
            {
                "require_budget_code": True,
                "require_data_protection_training": True,
                "public_block_days": 7,
            },
        ),
    ],
)
@pytest.mark.django_db
def test_each_preset_switches_on_its_councils_rules(
    administrator: User, preset: Preset, chain: list[StepKind], rules: dict[str, Any]
) -> None:
    profile = profile_apply_preset(actor=administrator, preset=preset)

    assert profile.approval_chain == chain
    for name, value in rules.items():
        assert getattr(profile, name) == value
    assert Event.objects.filter(action="profile.preset_applied").count() == 1


@pytest.mark.django_db
def test_adjusting_one_rule_makes_the_profile_custom_and_keeps_the_reason(
    administrator: User,
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)

    profile = profile_update(
        actor=administrator, values={"review_cadence_months": 4}, reason="Audit committee asked"
    )

    assert profile.preset == Preset.CUSTOM
    event = Event.objects.get(action="profile.updated")
    assert event.reason == "Audit committee asked"
    assert event.data == {"review_cadence_months": 4}
    assert profile.history.count() == 3


@pytest.mark.django_db
def test_administrator_chooses_a_preset_in_the_browser(
    administrator: User, client_for: Any
) -> None:
    client = client_for(administrator)
    profile_get()

    check = client.post("/policy-profile/preset/", {"preset": "melton"})
    assert "Check what changes" in check.content.decode()
    assert profile_get().preset == Preset.MANCHESTER
    response = client.post(
        "/policy-profile/preset/", {"preset": "melton", "checked": "+facebook_purpose"}, follow=True
    )

    page = response.content.decode()
    assert "The portal now applies Melton Borough Council" in page
    assert profile_get().facebook_purpose_rule is True


@pytest.mark.django_db
def test_choosing_nothing_says_what_to_do(administrator: User, client_for: Any) -> None:
    page = client_for(administrator).post("/policy-profile/preset/", {}).content.decode()

    assert "govuk-error-summary" in page
    assert '<a href="#id_preset_1">Select a council&#x27;s policy</a>' in page


# Every field of the profile form, as the Manchester preset fills it in.
FORM = {
    "require_head_of_service_approval": "on",
    "approval_reminder_days": "5",
    "declaration_interval_months": "12",
    "declaration_reminder_days": "30, 7, 1",
    "reacknowledgement_grace_days": "30",
    "obligations_digest_months": "3",
    "ask_declaration_questions": "on",
    "policy_review_reminder_days": "30",
    "review_cadence_months": "3",
    "review_reminder_days": "14",
    "review_escalation_days": "14",
    "credential_task_days": "5",
    "lost_device_task_days": "1",
    "credential_escalation_days": "2",
    "recovery_plan_test_months": "12",
    "public_block_days": "7",
    "breach_retention_years": "6",
    "reason": "Audit committee asked",
}


def error_messages(page: str) -> list[str]:
    """What the error summary lists, in order."""
    summary = page.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return [link.split(">", 1)[1] for link in re.findall(r"<a [^>]*>[^<]*", summary)]


@pytest.mark.django_db
def test_bad_numbers_in_the_profile_form_get_plain_messages_and_change_nothing(
    administrator: User, client_for: Any
) -> None:
    profile_get()
    form = {
        **FORM,
        "approval_reminder_days": "0",
        "declaration_interval_months": "twelve",
        "reason": "",
    }

    page = client_for(administrator).post("/policy-profile/edit/", form).content.decode()

    assert error_messages(page) == [
        "Enter a number from 1 to 60",
        "Enter a whole number, like 6",
        "Enter why you are changing the profile",
    ]
    assert PolicyProfile.objects.get().declaration_interval_months == 12


@pytest.mark.django_db
def test_the_declaration_rules_are_saved_from_the_profile_form(
    administrator: User, client_for: Any
) -> None:
    profile_get()
    form = {
        **FORM,
        "declaration_reminder_days": " 7,30 ,14, 7",
        "reacknowledgement_grace_days": "21",
        "obligations_digest_months": "6",
        "require_requester_declaration": "on",
        "policy_review_reminder_days": "60",
    }
    del form["ask_declaration_questions"]
    client = client_for(administrator)

    check = client.post("/policy-profile/edit/", form)
    assert check.status_code == 200
    assert "Policy accepted before a request" in page_text(check)
    assert PolicyProfile.objects.get().require_requester_declaration is False
    response = client.post("/policy-profile/edit/", {**form, "checked": "+requester_declaration"})

    assert response.status_code == 302
    profile = PolicyProfile.objects.get()
    assert profile.declaration_reminder_days == [30, 14, 7]
    assert (
        profile.reacknowledgement_grace_days,
        profile.obligations_digest_months,
        profile.ask_declaration_questions,
        profile.require_requester_declaration,
        profile.policy_review_reminder_days,
    ) == (21, 6, False, True, 60)
    assert profile.preset == Preset.CUSTOM


@pytest.mark.django_db
def test_the_profile_form_shows_the_reminder_days_as_typed(
    administrator: User, client_for: Any
) -> None:
    profile_get()

    page = client_for(administrator).get("/policy-profile/edit/").content.decode()

    assert 'name="declaration_reminder_days" value="30, 7, 1"' in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("thirty", "Enter whole numbers of days separated by commas, like 30, 7, 1"),
        ("30 7 1", "Enter whole numbers of days separated by commas, like 30, 7, 1"),
        ("-1", "Enter whole numbers of days separated by commas, like 30, 7, 1"),
        ("7.5", "Enter whole numbers of days separated by commas, like 30, 7, 1"),
        ("\u0663\u0660", "Enter whole numbers of days separated by commas, like 30, 7, 1"),
        ("0", "Enter days from 1 to 90"),
        ("30, 7, 0", "Enter days from 1 to 90"),
        ("100", "Enter days from 1 to 90"),
        ("60, 30, 14, 7, 3, 1", "Enter no more than 5 reminder days"),
        (
            "1, " * 20,
            "Days before a declaration lapses that its moderator is reminded must be 40 "
            "characters or fewer",
        ),
    ],
)
@pytest.mark.django_db
def test_bad_reminder_days_get_plain_messages_and_change_nothing(
    administrator: User, client_for: Any, typed: str, message: str
) -> None:
    profile_get()

    page = (
        client_for(administrator)
        .post("/policy-profile/edit/", {**FORM, "declaration_reminder_days": typed})
        .content.decode()
    )

    assert error_messages(page) == [message]
    assert PolicyProfile.objects.get().declaration_reminder_days == [30, 7, 1]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("reacknowledgement_grace_days", "0", "Enter a number from 1 to 90"),
        ("reacknowledgement_grace_days", "91", "Enter a number from 1 to 90"),
        ("obligations_digest_months", "13", "Enter a number from 1 to 12"),
        ("obligations_digest_months", "quarterly", "Enter a whole number, like 6"),
        ("policy_review_reminder_days", "181", "Enter a number from 1 to 180"),
        ("policy_review_reminder_days", "", "Enter a number"),
    ],
)
@pytest.mark.django_db
def test_bad_declaration_numbers_get_plain_messages_and_change_nothing(
    administrator: User, client_for: Any, field: str, typed: str, message: str
) -> None:
    before = profile_get()

    page = (
        client_for(administrator)
        .post("/policy-profile/edit/", {**FORM, field: typed})
        .content.decode()
    )

    assert error_messages(page) == [message]
    assert getattr(PolicyProfile.objects.get(), field) == getattr(before, field)


@pytest.mark.django_db
def test_profile_page_shows_where_each_rule_comes_from(auditor: User, client_for: Any) -> None:
    page = client_for(auditor).get("/policy-profile/").content.decode()

    assert "MSM 5.12, MDM 8.9 &#x27;regularly review&#x27;" in page
    assert "Head of Service → Communications" in page
    assert "Choose a council" not in page


# ---------------------------------------------------------------------------------------------
# Checking what a change loses and gains before it is saved (issue 11: the clause map)


def page_text(response: Any) -> str:
    """The words of the page, its entities read and its markup gone."""
    words = re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode()))
    return re.sub(r"\s+", " ", words)


def page_text_of(fragment: str) -> str:
    """The words of part of a page."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(fragment))).strip()


def hidden_answers(response: Any) -> dict[str, list[str]]:
    """What the check page's form posts back."""
    found: dict[str, list[str]] = {}
    for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', response.content.decode()
    ):
        found.setdefault(name, []).append(html.unescape(value))
    return found


@pytest.mark.django_db
def test_switching_a_control_off_shows_what_the_council_loses_before_saving(
    administrator: User, client_for: Any
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    client = client_for(administrator)
    form = {
        **FORM,
        "require_budget_code": "on",
        "require_data_protection_training": "on",
        "require_requester_declaration": "on",
        "required_business_case_fields": ["purpose_audience", "aims"],
        "reason": "The line manager step slows every request",
    }
    events = Event.objects.count()

    check = client.post("/policy-profile/edit/", form)

    words = page_text(check)
    assert check.status_code == 200
    assert "Check what changes" in words
    assert "You lose The requester's line manager approves first — DER 'Line manager approval'" in (
        words
    )
    assert "You gain" not in words
    assert "Nothing has been saved yet." in words
    assert "Save the change" in words and "Go back and change" in words
    assert PolicyProfile.objects.get().require_line_manager_approval is True
    assert Event.objects.count() == events
    answers = hidden_answers(check)
    assert answers["checked"] == ["-line_manager"]
    assert answers["required_business_case_fields"] == ["purpose_audience", "aims"]
    assert answers["reason"] == ["The line manager step slows every request"]
    assert "require_line_manager_approval" not in answers

    saved = client.post("/policy-profile/edit/", answers, follow=True)

    assert "The policy profile was saved." in page_text(saved)
    profile = PolicyProfile.objects.get()
    assert profile.require_line_manager_approval is False
    assert profile.preset == Preset.CUSTOM
    assert profile.based_on == Preset.DERBY
    assert Event.objects.get(action="profile.updated").reason == (
        "The line manager step slows every request"
    )


@pytest.mark.django_db
def test_a_change_lists_what_it_gains_and_loses_with_the_councils_clauses(
    administrator: User, client_for: Any
) -> None:
    profile_get()  # Manchester's
    form = {**FORM, "require_line_manager_approval": "on"}
    del form["require_head_of_service_approval"]

    check = client_for(administrator).post("/policy-profile/edit/", form)

    lost = check.content.decode().split('id="lost">', 1)[1].split("</ul>", 1)[0]
    gained = check.content.decode().split('id="gained">', 1)[1].split("</ul>", 1)[0]
    assert page_text_of(lost) == "The Head of Service approves — MSM 5.2, MDM 8.4"
    assert page_text_of(gained) == (
        "The requester's line manager approves first — the portal's own rule: "
        "Manchester City Council's policy has no clause for it"
    )
    assert hidden_answers(check)["checked"] == ["-head_of_service +line_manager"]
    assert PolicyProfile.objects.get().require_head_of_service_approval is True


@pytest.mark.django_db
def test_applying_a_preset_lists_what_it_loses_with_the_new_policys_clauses(
    administrator: User, client_for: Any
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.MANCHESTER)
    client = client_for(administrator)

    check = client.post("/policy-profile/preset/", {"preset": "derby"})

    words = page_text(check)
    assert "You gain" in words and "You lose" not in words
    assert "The requester's line manager approves first — DER 'Line manager approval'" in words
    assert (
        "A licence budget for the management platform — DER 'Social media for work use' "
        "(budget for a user licence)"
    ) in words
    assert "Apply Derby City Council's rules" in words
    assert PolicyProfile.objects.get().preset == Preset.MANCHESTER
    assert Event.objects.filter(action="profile.preset_applied").count() == 1  # Manchester's

    applied = client.post("/policy-profile/preset/", hidden_answers(check), follow=True)

    assert "The portal now applies Derby City Council's rules." in page_text(applied)
    assert PolicyProfile.objects.get().require_budget_code is True


@pytest.mark.django_db
def test_going_back_from_the_check_keeps_the_answers_and_saves_nothing(
    administrator: User, client_for: Any
) -> None:
    profile_get()
    client = client_for(administrator)
    form = {**FORM, "facebook_purpose_rule": "on", "review_cadence_months": "4"}
    check = client.post("/policy-profile/edit/", form)

    back = client.post("/policy-profile/edit/", {**hidden_answers(check), "back": "1"})
    preset_check = client.post("/policy-profile/preset/", {"preset": "melton"})
    preset_back = client.post(
        "/policy-profile/preset/", {**hidden_answers(preset_check), "back": "1"}
    )

    page = back.content.decode()
    assert back.status_code == 200
    assert "Adjust the policy profile" in page
    assert re.search(r'name="facebook_purpose_rule"[^>]*checked', page)
    assert 'name="review_cadence_months" value="4"' in page
    assert "Audit committee asked" in page
    assert "There is a problem" not in page
    assert re.search(r'value="melton"[^>]*checked', preset_back.content.decode())
    profile = PolicyProfile.objects.get()
    assert (profile.facebook_purpose_rule, profile.review_cadence_months) == (False, 3)
    assert profile.preset == Preset.MANCHESTER
    assert not Event.objects.filter(action__startswith="profile.").exists()


@pytest.mark.django_db
def test_a_change_that_switches_no_control_saves_at_once(
    administrator: User, client_for: Any
) -> None:
    profile_get()

    response = client_for(administrator).post(
        "/policy-profile/edit/", {**FORM, "review_cadence_months": "6"}
    )

    assert response.status_code == 302
    assert PolicyProfile.objects.get().review_cadence_months == 6


@pytest.mark.django_db
def test_a_check_gone_stale_is_shown_again_before_anything_is_saved(
    administrator: User, client_for: Any
) -> None:
    """Another administrator switched the line manager step on while this one was checking
    a change that switched the Head of Service off: the same answers now do more."""
    profile_get()
    client = client_for(administrator)
    form = {**FORM, "require_line_manager_approval": "on"}
    del form["require_head_of_service_approval"]
    check = client.post("/policy-profile/edit/", form)
    assert hidden_answers(check)["checked"] == ["-head_of_service +line_manager"]
    profile_update(
        actor=administrator, values={"require_line_manager_approval": True}, reason="Agreed"
    )

    again = client.post("/policy-profile/edit/", hidden_answers(check))

    assert again.status_code == 200
    assert "The profile has changed since you checked" in page_text(again)
    assert hidden_answers(again)["checked"] == ["-head_of_service"]
    assert PolicyProfile.objects.get().require_head_of_service_approval is True
    saved = client.post("/policy-profile/edit/", hidden_answers(again))
    assert saved.status_code == 302
    assert PolicyProfile.objects.get().require_head_of_service_approval is False


@pytest.mark.django_db
def test_the_profile_page_links_to_the_clause_map_for_those_who_may_read_it(
    administrator: User, auditor: User, legal: User, client_for: Any
) -> None:
    for person, linked in ((administrator, True), (auditor, True), (legal, False)):
        page = client_for(person).get("/policy-profile/").content.decode()
        assert ('href="/compliance/clauses/"' in page) is linked, person
