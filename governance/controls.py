"""The controls the portal enforces, and the clauses of each council's policy they serve (AUD-1).

One catalogue for three pages: the compliance statement quotes the clauses of the policy the
profile is based on, next to each control's live figure; the clause map shows the four
policies side by side; and the policy profile's check page says which clauses a change keeps
and which it loses before it is saved. A control that a profile rule can switch off names that
rule (``switched_by``); the others are always on. A council whose policy is silent on a control
still has it, as the portal's default, and the pages say so.

The figures live with the compliance app (compliance/figures.py), which registers one for
each control key here; tests/test_compliance_statement.py checks every control has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from governance.models import PolicyProfile, Preset, StepKind

MANCHESTER, TELFORD, MELTON, DERBY = (
    Preset.MANCHESTER.value,
    Preset.TELFORD.value,
    Preset.MELTON.value,
    Preset.DERBY.value,
)
POLICIES = [MANCHESTER, TELFORD, MELTON, DERBY]


@dataclass(frozen=True)
class Control:
    key: str
    title: str
    # One plain sentence; {names} are filled from the profile (see ``control_values``).
    sentence: str
    # The clauses each council's policy has for it; none means that policy is silent.
    clauses: dict[str, tuple[str, ...]]
    # A yes/no rule of the policy profile that switches the control off; "" if always on.
    switched_by: str = ""

    def clauses_for(self, policy: str) -> tuple[str, ...]:
        return self.clauses.get(policy, ())

    def is_on(self, values: Any) -> bool:
        """``values``: a profile, or a mapping of its rules (a change not yet saved)."""
        if not self.switched_by:
            return True
        if isinstance(values, dict):
            return bool(values.get(self.switched_by))
        return bool(getattr(values, self.switched_by))

    def describe(self, profile: PolicyProfile) -> str:
        return self.sentence.format(**control_values(profile))


CONTROLS: list[Control] = [
    Control(
        "approval",
        "Approval before an account opens",
        "No official account opens until its request has passed the approval chain "
        "({chain}); an account found outside the process is recorded as unapproved.",
        {
            MANCHESTER: ("MSM 5.2", "MSM 7.5", "MDM 6.4", "MDM 8.4"),
            TELFORD: ("TW 'Starting a Social Media Network?'",),
            MELTON: ("MEL Procedure 4",),
            DERBY: ("DER 'Social media for work use'",),
        },
    ),
    Control(
        "line_manager",
        "The requester's line manager approves first",
        "The requester's line manager approves each request before anyone else.",
        {
            TELFORD: ("TW 'Starting a Social Media Network?'",),
            DERBY: ("DER 'Line manager approval'",),
        },
        switched_by="require_line_manager_approval",
    ),
    Control(
        "head_of_service",
        "The Head of Service approves",
        "The Head of Service of the account's service area approves each request.",
        {
            MANCHESTER: ("MSM 5.2", "MDM 8.4"),
            MELTON: ("MEL Procedure 4",),
        },
        switched_by="require_head_of_service_approval",
    ),
    Control(
        "business_case",
        "A business case for every account",
        "Each request answers the business case questions the council requires "
        "({business_case_count} of 6) before it can be sent.",
        {TELFORD: ("TW 'Starting a Social Media Network?'",)},
    ),
    Control(
        "budget_code",
        "A licence budget for the management platform",
        "A request names the budget code for its management-platform licence.",
        {DERBY: ("DER 'Social media for work use' (budget for a user licence)",)},
        switched_by="require_budget_code",
    ),
    Control(
        "data_protection_training",
        "Data protection e-learning before a request",
        "A request gives the date of the requester's data-protection e-learning, with evidence.",
        {DERBY: ("DER 'Social media for work use' (mandatory Data Protection e-learning)",)},
        switched_by="require_data_protection_training",
    ),
    Control(
        "facebook_purpose",
        "Facebook pages only for a purpose",
        "A Facebook page is approved only for an event, activity, project or established group.",
        {MELTON: ("MEL Procedure 3",)},
        switched_by="facebook_purpose_rule",
    ),
    Control(
        "requester_declaration",
        "Policy accepted before a request",
        "A request can be sent only by someone who holds a current declaration.",
        {DERBY: ("DER 'Social media for work use' (evidence of policy acceptance)",)},
        switched_by="require_requester_declaration",
    ),
    Control(
        "register",
        "A register of every account",
        "Communications keeps the register of every account, its moderators and where its "
        "sign-in details are kept (never the password itself).",
        {MANCHESTER: ("MSM 7.5", "MDM 6.4")},
    ),
    Control(
        "branding",
        "Branding approved by Communications",
        "Communications approves each account's branding before it opens.",
        {MANCHESTER: ("MSM 5.5", "MDM 8.7")},
    ),
    Control(
        "cover",
        "Cover during sickness or leave",
        "Each open account has at least two active moderators, so that someone can cover "
        "sickness or leave.",
        {
            MANCHESTER: ("MSM 7.2",),
            TELFORD: ("TW 'Starting a Social Media Network?'",),
        },
    ),
    Control(
        "declarations",
        "A signed declaration for every moderator",
        "Every moderator signs the declaration before they moderate and again every "
        "{declaration_interval_months} months, and is reminded of the consequences every "
        "{obligations_digest_months} months; without a current declaration their access is "
        "suspended.",
        {
            MANCHESTER: ("MSM 7.3", "MDM 6.2"),
            DERBY: ("DER 'Social media for work use' (evidence of policy acceptance)",),
        },
    ),
    Control(
        "password_changes",
        "Passwords changed when a moderator stops",
        "When a moderator stops or leaves, their access is removed or the password changed "
        "within {credential_task_days} days, and Communications is told.",
        {MANCHESTER: ("MSM 5.3", "MSM 7.2", "MDM 8.5")},
    ),
    Control(
        "lost_devices",
        "Passwords changed after a lost device",
        "A lost or stolen device raises a password change on every account it could open, due "
        "within {lost_device_days}.",
        {MANCHESTER: ("MSM 5.18", "MDM 10.3")},
    ),
    Control(
        "secure_sessions",
        "Secure sessions turned on",
        "Each open account has secure sessions or two-step verification turned on at the platform.",
        {MANCHESTER: ("MSM 5.17", "MDM 8.10")},
    ),
    Control(
        "reviews",
        "Regular reviews of each account",
        "Each active account is reviewed every {review_cadence_months} months; its moderators "
        "are reminded {review_reminder_days} days before, and Communications is told "
        "{review_escalation_days} days after a review is overdue.",
        {
            MANCHESTER: ("MSM 5.12", "MDM 8.9"),
            MELTON: ("MEL Procedure 6",),
        },
    ),
    Control(
        "incidents",
        "Mistakes and data breaches reported at once",
        "Staff report mistaken posts, data breaches and suspicious content to Communications in "
        "the portal; a data breach that may harm people is flagged for the ICO within 72 hours.",
        {
            MANCHESTER: ("MSM 5.12", "MSM 5.16", "MDM 10.1", "MDM 10.2"),
            MELTON: ("MEL Policy 9",),
        },
    ),
    Control(
        "public_abuse",
        "Abusive public posts handled the same way each time",
        "Abusive posts by the public are handled as cases: hidden, reported, the author blocked "
        "for {public_block_days} days, and Legal consulted before anything further.",
        {DERBY: ("DER 'How we will deal with unacceptable behaviour'",)},
    ),
    Control(
        "impersonation",
        "Residents can tell an official account from a fake",
        "The public register of official accounts says which accounts are the council's, and "
        "a report of an account pretending to be the council's reaches Communications.",
        {MANCHESTER: ("MSM 7.5", "MSM 9.1", "MDM 6.4")},
    ),
    Control(
        "policy_review",
        "The policy kept up to date",
        "The Policy owner publishes each version of the policy with a review date, and is "
        "reminded {policy_review_reminder_days} days before it.",
        {
            MANCHESTER: ("MSM 7.6", "MSM 10.1"),
            DERBY: ("DER document control (Next Review date)",),
        },
    ),
    Control(
        "breaches",
        "Breaches dealt with by HR",
        "HR records breaches of the policy and what was done about them; only HR sees those "
        "records, and they are deleted after {breach_retention_years} years.",
        {
            MANCHESTER: ("MSM 7.7", "MSM 8.1", "MDM 6.5", "MDM 12.1"),
            MELTON: ("MEL Policy 9",),
        },
    ),
]

BY_KEY = {control.key: control for control in CONTROLS}


def control_values(profile: PolicyProfile) -> dict[str, Any]:
    """The profile's rules, and the few phrases the sentences need, by name."""
    values = {field.name: getattr(profile, field.name) for field in profile._meta.concrete_fields}
    values["chain"] = ", then ".join(str(StepKind(kind).label) for kind in profile.approval_chain)
    values["business_case_count"] = len(profile.required_business_case_fields)
    days = profile.lost_device_task_days
    values["lost_device_days"] = f"{days} day" if days == 1 else f"{days} days"
    return values


@dataclass(frozen=True)
class ControlChange:
    control: Control
    clauses: tuple[str, ...]


def controls_changed(
    before: Any, after: dict[str, Any], policy: str
) -> tuple[list[ControlChange], list[ControlChange]]:
    """What a change to the profile loses and gains: the controls it switches off and on, each
    with the clauses of ``policy`` (the council's own) that it serves."""
    lost = [
        ControlChange(control, control.clauses_for(policy))
        for control in CONTROLS
        if control.is_on(before) and not control.is_on(after)
    ]
    gained = [
        ControlChange(control, control.clauses_for(policy))
        for control in CONTROLS
        if not control.is_on(before) and control.is_on(after)
    ]
    return lost, gained
