"""The event codes this app writes: past tense, never renamed once written (see
accounts/events.py). A breach record's events name it by its reference only: no person, no
details, because the event log is read by people other than HR (HR-2)."""

from __future__ import annotations

CONCERN_RAISED = "breach.concern_raised"
BREACH_RECORDED = "breach.recorded"
BREACH_CHANGED = "breach.changed"
BREACH_INVESTIGATING = "breach.investigating"
BREACH_CLOSED = "breach.closed"
BREACH_REOPENED = "breach.reopened"
BREACH_PURGED = "breach.purged"
