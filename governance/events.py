"""The event codes the core writes: past tense, never renamed once written (event rows are
chained; see accounts/events.py). The event log's own integrity codes are in governance/audit.py."""

from __future__ import annotations

PROFILE_PRESET_APPLIED = "profile.preset_applied"
PROFILE_UPDATED = "profile.updated"
STAFF_IMPORTED = "staff.imported"
STAFF_LEFT = "staff.left"
