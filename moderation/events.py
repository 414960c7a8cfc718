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
