from __future__ import annotations

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


@pytest.mark.django_db
def test_bad_numbers_in_the_profile_form_get_plain_messages_and_change_nothing(
    administrator: User, client_for: Any
) -> None:
    profile_get()
    form = {
        "require_head_of_service_approval": "on",
        "approval_reminder_days": "0",
        "declaration_interval_months": "twelve",
        "review_cadence_months": "3",
        "review_reminder_days": "14",
        "review_escalation_days": "14",
        "credential_task_days": "5",
        "lost_device_task_days": "1",
        "credential_escalation_days": "2",
        "recovery_plan_test_months": "12",
        "public_block_days": "7",
        "breach_retention_years": "6",
        "reason": "",
    }

    page = client_for(administrator).post("/policy-profile/edit/", form).content.decode()

    assert "Enter a number from 1 to 60" in page
    assert "Enter a whole number, like 6" in page
    assert "Enter why you are changing the profile" in page
    assert PolicyProfile.objects.get().declaration_interval_months == 12


@pytest.mark.django_db
def test_profile_page_shows_where_each_rule_comes_from(auditor: User, client_for: Any) -> None:
    page = client_for(auditor).get("/policy-profile/").content.decode()

    assert "MSM 5.12, MDM 8.9 &#x27;regularly review&#x27;" in page
    assert "Head of Service → Communications" in page
    assert "Choose a council" not in page
