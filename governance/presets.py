"""The four councils' policies as policy-profile presets (SPEC ORG-4).

Each value names the clause it comes from; where a policy is silent, the value is the portal's
default and says so. docs/policy-profiles.md explains each choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from governance.models import BusinessCaseField, Preset

ALL_BUSINESS_CASE_FIELDS = [choice.value for choice in BusinessCaseField]
CORE_BUSINESS_CASE_FIELDS = [
    BusinessCaseField.PURPOSE_AUDIENCE.value,
    BusinessCaseField.AIMS.value,
    BusinessCaseField.BACKUP_OFFICERS.value,
]


@dataclass(frozen=True)
class Setting:
    value: Any
    source: str


PRESETS: dict[str, dict[str, Setting]] = {
    Preset.MANCHESTER: {
        "require_line_manager_approval": Setting(False, "MSM 5.2 names no line manager step"),
        "require_head_of_service_approval": Setting(True, "MSM 5.2, MDM 8.4"),
        "required_business_case_fields": Setting(
            CORE_BUSINESS_CASE_FIELDS, "Portal default: MSM asks for no business case"
        ),
        "require_budget_code": Setting(False, "Not in MSM"),
        "require_data_protection_training": Setting(False, "Not in MSM"),
        "facebook_purpose_rule": Setting(False, "Not in MSM"),
        "approval_reminder_days": Setting(5, "Portal default"),
        "declaration_interval_months": Setting(12, "MSM 7.3 'regularly reminded'"),
        "declaration_reminder_days": Setting([30, 7, 1], "Portal default"),
        "reacknowledgement_grace_days": Setting(30, "Portal default"),
        "obligations_digest_months": Setting(3, "MSM 7.3 'regularly reminded of the consequences'"),
        "ask_declaration_questions": Setting(True, "Portal default (MSM 7.3 'affirm')"),
        "require_requester_declaration": Setting(False, "Not in MSM"),
        "policy_review_reminder_days": Setting(30, "MSM 10.1 'reviewed periodically'"),
        "review_cadence_months": Setting(3, "MSM 5.12, MDM 8.9 'regularly review'"),
        "review_reminder_days": Setting(14, "Portal default"),
        "review_escalation_days": Setting(14, "Portal default"),
        "credential_task_days": Setting(5, "Portal default (MSM 5.3, 7.2: Communications told)"),
        "lost_device_task_days": Setting(
            1, "MSM 5.18 'notified immediately so that passwords can be changed'"
        ),
        "credential_escalation_days": Setting(2, "Portal default"),
        "recovery_plan_test_months": Setting(12, "Portal default (REG-1a: a yearly test)"),
        "public_block_days": Setting(7, "Portal default (DER's one week)"),
        "breach_retention_years": Setting(6, "Portal default: MSM 8 sets no period"),
    },
    Preset.TELFORD: {
        "require_line_manager_approval": Setting(
            True, "TW 'discuss this with your manager' before Communications"
        ),
        "require_head_of_service_approval": Setting(
            True, "REQ-3 (TW names no Head of Service step; the spec asks it of every council)"
        ),
        "required_business_case_fields": Setting(
            ALL_BUSINESS_CASE_FIELDS, "TW 'Starting a Social Media Network?'"
        ),
        "require_budget_code": Setting(False, "Not in TW"),
        "require_data_protection_training": Setting(False, "Not in TW"),
        "facebook_purpose_rule": Setting(False, "Not in TW"),
        "approval_reminder_days": Setting(5, "Portal default"),
        "declaration_interval_months": Setting(12, "Portal default"),
        "declaration_reminder_days": Setting([30, 7, 1], "Portal default"),
        "reacknowledgement_grace_days": Setting(30, "Portal default"),
        "obligations_digest_months": Setting(6, "Portal default: TW sets no cadence"),
        "ask_declaration_questions": Setting(True, "Portal default"),
        "require_requester_declaration": Setting(False, "Not in TW"),
        "policy_review_reminder_days": Setting(30, "Portal default"),
        "review_cadence_months": Setting(6, "Portal default: TW sets no review period"),
        "review_reminder_days": Setting(14, "Portal default"),
        "review_escalation_days": Setting(14, "Portal default"),
        "credential_task_days": Setting(5, "Portal default: TW sets no period"),
        "lost_device_task_days": Setting(1, "Portal default: TW is silent on lost devices"),
        "credential_escalation_days": Setting(2, "Portal default"),
        "recovery_plan_test_months": Setting(12, "Portal default (REG-1a: a yearly test)"),
        "public_block_days": Setting(7, "Portal default (DER's one week)"),
        "breach_retention_years": Setting(6, "Portal default"),
    },
    Preset.MELTON: {
        "require_line_manager_approval": Setting(False, "MEL Procedure 4 names no line manager"),
        "require_head_of_service_approval": Setting(True, "MEL Procedure 4"),
        "required_business_case_fields": Setting(
            CORE_BUSINESS_CASE_FIELDS, "Portal default: MEL asks for no business case"
        ),
        "require_budget_code": Setting(False, "Not in MEL"),
        "require_data_protection_training": Setting(False, "Not in MEL"),
        "facebook_purpose_rule": Setting(True, "MEL Procedure 3"),
        "approval_reminder_days": Setting(5, "Portal default"),
        "declaration_interval_months": Setting(12, "Portal default"),
        "declaration_reminder_days": Setting([30, 7, 1], "Portal default"),
        "reacknowledgement_grace_days": Setting(30, "Portal default"),
        "obligations_digest_months": Setting(6, "Portal default: MEL sets no cadence"),
        "ask_declaration_questions": Setting(True, "Portal default"),
        "require_requester_declaration": Setting(False, "Not in MEL"),
        "policy_review_reminder_days": Setting(30, "Portal default"),
        "review_cadence_months": Setting(3, "MEL Procedure 6 'checked ... on a regular basis'"),
        "review_reminder_days": Setting(14, "Portal default"),
        "review_escalation_days": Setting(14, "Portal default"),
        "credential_task_days": Setting(5, "Portal default: MEL sets no period"),
        "lost_device_task_days": Setting(1, "Portal default: MEL is silent on lost devices"),
        "credential_escalation_days": Setting(2, "Portal default"),
        "recovery_plan_test_months": Setting(12, "Portal default (REG-1a: a yearly test)"),
        "public_block_days": Setting(7, "Portal default (DER's one week)"),
        "breach_retention_years": Setting(6, "Portal default"),
    },
    Preset.DERBY: {
        "require_line_manager_approval": Setting(True, "DER 'Line manager approval'"),
        "require_head_of_service_approval": Setting(
            True, "REQ-3 (DER names an accountable Head of Service)"
        ),
        "required_business_case_fields": Setting(
            CORE_BUSINESS_CASE_FIELDS, "Portal default: DER's toolkit is not in the policy"
        ),
        "require_budget_code": Setting(True, "DER 'budget for a user licence'"),
        "require_data_protection_training": Setting(
            True, "DER 'mandatory Data Protection e-learning'"
        ),
        "facebook_purpose_rule": Setting(False, "Not in DER"),
        "approval_reminder_days": Setting(5, "Portal default"),
        "declaration_interval_months": Setting(12, "DER 'Evidence of Policy acceptance'"),
        "declaration_reminder_days": Setting([30, 7, 1], "Portal default"),
        "reacknowledgement_grace_days": Setting(30, "Portal default"),
        "obligations_digest_months": Setting(6, "Portal default: DER sets no cadence"),
        "ask_declaration_questions": Setting(True, "Portal default"),
        "require_requester_declaration": Setting(
            True, "DER 'Evidence of Policy acceptance' before an account"
        ),
        "policy_review_reminder_days": Setting(30, "DER document control 'Next Review date'"),
        "review_cadence_months": Setting(6, "Portal default: DER sets no review period"),
        "review_reminder_days": Setting(14, "Portal default"),
        "review_escalation_days": Setting(14, "Portal default"),
        "credential_task_days": Setting(5, "Portal default: DER sets no period"),
        "lost_device_task_days": Setting(1, "Portal default: DER is silent on lost devices"),
        "credential_escalation_days": Setting(2, "Portal default"),
        "recovery_plan_test_months": Setting(12, "Portal default (REG-1a: a yearly test)"),
        "public_block_days": Setting(7, "DER 'initially ... for one week'"),
        "breach_retention_years": Setting(6, "Portal default"),
    },
}

PROFILE_FIELDS = list(PRESETS[Preset.MANCHESTER])


def preset_values(preset: str) -> dict[str, Any]:
    return {name: setting.value for name, setting in PRESETS[preset].items()}
