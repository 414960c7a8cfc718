"""The event codes this app writes: past tense, never renamed once written (see
accounts/events.py)."""

from __future__ import annotations

ASSIGNMENT_PROPOSED = "assignment.proposed"
ASSIGNMENT_RECORDED = "assignment.recorded"
ASSIGNMENT_ACTIVATED = "assignment.activated"
ASSIGNMENT_ENDED = "assignment.ended"
