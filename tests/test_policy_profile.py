from __future__ import annotations

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

    response = client.post("/policy-profile/preset/", {"preset": "melton"}, follow=True)

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

    response = client_for(administrator).post("/policy-profile/edit/", form)

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
