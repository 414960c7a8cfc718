"""The event codes this app writes: past tense, never renamed once written (see
accounts/events.py)."""

from __future__ import annotations

ASSIGNMENT_PROPOSED = "assignment.proposed"
ASSIGNMENT_RECORDED = "assignment.recorded"
ASSIGNMENT_ACTIVATED = "assignment.activated"
ASSIGNMENT_ENDED = "assignment.ended"
ASSIGNMENT_SUSPENDED = "assignment.suspended"
ASSIGNMENT_RESTORED = "assignment.restored"
PASSWORD_CHANGED = "password.changed"  # noqa: S105 - an event code, not a password
CREDENTIAL_TASK_RAISED = "credential_task.raised"
CREDENTIAL_TASK_DONE = "credential_task.done"
CREDENTIAL_TASK_CANCELLED = "credential_task.cancelled"
DEVICE_REPORTED = "device.reported"
DEVICE_REPORT_ADDED_TO = "device.report_added_to"
DEVICE_REPORT_CLOSED = "device.report_closed"
RECOVERY_PLAN_TEST_DUE = "recovery_plan.test_due"
INCIDENT_REPORTED = "incident.reported"
IMPERSONATION_REPORTED = "incident.impersonation_reported"
INCIDENT_ACCOUNT_LINKED = "incident.account_linked"
INCIDENT_EVIDENCE_ADDED = "incident.evidence_added"
INCIDENT_CLOSED = "incident.closed"
ABUSE_CASE_OPENED = "abuse_case.opened"
ABUSE_CASE_STEP = "abuse_case.step_recorded"
ABUSE_CASE_CLOSED = "abuse_case.closed"
ABUSE_CASE_REOPENED = "abuse_case.reopened"
ABUSE_BLOCK_ENDED = "abuse_case.block_ended"
