"""The event codes this app writes: past tense, never renamed once written (see
accounts/events.py)."""

from __future__ import annotations

VERSION_DRAFTED = "policy_version.drafted"
VERSION_EDITED = "policy_version.edited"
VERSION_PUBLISHED = "policy_version.published"
VERSION_RETIRED = "policy_version.retired"
DECLARATION_SIGNED = "declaration.signed"
DECLARATION_RECORDED_ON_PAPER = "declaration.recorded_on_paper"
DECLARATION_LAPSED = "declaration.lapsed"
DECLARATION_SHORTENED = "declaration.reacknowledgement_required"
