"""A leaver moderates nothing from their leaving date (ORG-3): the register stops counting them,
and a review reminder goes to someone who can act."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from accounts.register_queries import register_rows
from governance.models import Event, ServiceArea, User
from governance.services.leavers import record_due_leavers
from moderation.models import AssignmentState, ModeratorAssignment
from tests.register_helpers import make_account


@pytest.mark.django_db
def test_a_leavers_assignments_end_on_their_leaving_date(
    communications: User, requester: User, colleague: User, leisure: ServiceArea
) -> None:
    account = make_account(communications, leisure, moderators=(requester, colleague))
    left_on = timezone.localdate() - datetime.timedelta(days=2)
    requester.leaving_date = left_on
    requester.save(update_fields=["leaving_date"])

    assert record_due_leavers() == 1
    record_due_leavers()  # a second run changes nothing

    ended = ModeratorAssignment.objects.get(account=account, person=requester)
    assert ended.state == AssignmentState.ENDED
    assert ended.ends_on == left_on
    assert Event.objects.filter(action="assignment.ended", subject_id=ended.pk).count() == 1
    row: Any = register_rows(communications).get(pk=account.pk)
    assert row.active_moderators == 1
    still = ModeratorAssignment.objects.get(account=account, person=colleague)
    assert still.state == AssignmentState.ACTIVE
