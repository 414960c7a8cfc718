"""Deployment checks of the portal's own settings, run by ``manage.py check --deploy``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

CHECKPOINT_RECIPIENTS_UNSET = CheckWarning(
    "EVENT_CHECKPOINT_RECIPIENTS is not set, so the daily event log checkpoint is only "
    "queued as notifications to the Auditor group, which anyone who can write to the database "
    "can stop: nobody outside the portal would then hold a checkpoint.",
    hint="Set EVENT_CHECKPOINT_RECIPIENTS to the auditors' own mailbox (comma-separated "
    "e-mail addresses), outside the portal's mail domain if possible. See docs/deployment.md.",
    id="governance.W001",
)


@register(Tags.security, deploy=True)
def event_checkpoint_recipients(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or settings.EVENT_CHECKPOINT_RECIPIENTS:
        return []
    return [CHECKPOINT_RECIPIENTS_UNSET]
