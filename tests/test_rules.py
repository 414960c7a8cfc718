"""Rules written twice on purpose, as a predicate and as a query, must agree: who approves a
step (``step_approvers`` / ``steps_awaiting``) and who may see a request or an account."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Account, AccountRequest, AccountStatus, ApprovalStep, RequestStatus
from accounts.rules import (
    approves_this_round,
    can_see_account,
    can_view_request,
    requests_visible_to,
    step_approvers,
    steps_awaiting,
    visible_account_ids,
)
from governance import roles
from governance.models import Preset, ServiceArea, User
from governance.services.profile import profile_apply_preset
from moderation.models import Incident, IncidentKind
from moderation.rules import can_see_every_incident, can_view_incident, incidents_visible_to
from moderation.services.impersonation import impersonation_report
from moderation.services.incidents import incident_report
from tests.conftest import make_person
from tests.declaration_helpers import holds_declaration
from tests.register_helpers import account_in, make_account
from tests.requests_helpers import request_in


@pytest.mark.django_db
def test_steps_awaiting_agrees_with_step_approvers_for_everyone(
    cast: dict[str, User | None],
    colleague: User,
    line_manager: User,
    head_of_service: User,
    administrator: User,
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    requester = cast["requester"]
    assert requester is not None
    named_comms = make_person("nia@council.example", "Nia Comms", groups=(roles.COMMUNICATIONS,))
    # Backup officers who hold an approver's role: the line manager, the Head of Service and
    # a member of Communications, each named on a request of its own.
    for number, backups in enumerate(
        [[colleague], [line_manager], [head_of_service], [named_comms]]
    ):
        request_in(RequestStatus.DRAFT, requester, backups, proposed_handle=f"@r{number}")
    requests = list(AccountRequest.objects.all())
    people = [person for person in cast.values() if person is not None] + [colleague, named_comms]
    for request in requests:
        for position, kind in enumerate(["line_manager", "head_of_service", "communications"]):
            ApprovalStep.objects.create(request=request, round=1, position=position + 1, kind=kind)
    for person in people:
        by_query = set(
            ApprovalStep.objects.filter(steps_awaiting(person)).values_list("pk", flat=True)
        )
        by_rule = {
            step.pk
            for step in ApprovalStep.objects.select_related("request")
            if any(approver.pk == person.pk for approver in step_approvers(step.request, step.kind))
        }
        assert by_query == by_rule, person.email


@pytest.mark.django_db
def test_the_request_list_query_agrees_with_can_view_request(
    cast: dict[str, User | None], colleague: User, administrator: User
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    requester = cast["requester"]
    assert requester is not None
    holds_declaration(requester)  # Derby asks for it before a request is sent (REQ-2)
    for status in RequestStatus.values:
        request_in(status, requester, [colleague], proposed_handle=f"@{status}")
    for person in [p for p in cast.values() if p is not None] + [colleague]:
        listed = set(
            AccountRequest.objects.filter(requests_visible_to(person)).values_list("pk", flat=True)
        )
        viewable = {r.pk for r in AccountRequest.objects.all() if can_view_request(person, r)}
        # Requests that only wait for this person's decision are listed apart, as their tasks.
        only_approver = {
            r.pk
            for r in AccountRequest.objects.all()
            if approves_this_round(person, r) and not r.steps.filter(decided_by=person).exists()
        }
        assert listed <= viewable, person.email
        assert viewable - listed <= only_approver, person.email


@pytest.mark.django_db
def test_visible_accounts_agree_with_can_see_account(
    cast: dict[str, User | None], colleague: User, leisure: ServiceArea
) -> None:
    comms = cast["communications"]
    requester = cast["requester"]
    assert comms is not None and requester is not None
    make_account(comms, leisure, moderators=(colleague,), responsible_officer=requester)
    make_account(comms, leisure, moderators=(requester,))
    account_in(AccountStatus.UNAPPROVED, comms, leisure, ())
    ids = list(Account.objects.values_list("pk", flat=True))
    for person in [p for p in cast.values() if p is not None] + [colleague]:
        expected = {
            account.pk for account in Account.objects.all() if can_see_account(person, account)
        }
        assert set(visible_account_ids(person, ids)) == expected, person.email


@pytest.mark.django_db
def test_the_incident_list_query_agrees_with_can_view_incident(
    cast: dict[str, User | None], colleague: User
) -> None:
    """Including a report from a member of the public, which has no reporter: nobody finds it
    by being its reporter or their manager (issue 11); auditors read every incident (AUD-1)."""
    requester = cast["requester"]
    assert requester is not None
    for reporter in (requester, colleague):
        incident_report(
            reporter=reporter,
            kind=IncidentKind.MISTAKEN_POST,
            happened_on=timezone.localdate(),
            what_happened="Posted to the wrong account",
            account_described="Leisure Offers",
        )
    impersonation_report(address="@leisure_offers_official")
    assert Incident.objects.count() == 3
    for person in [p for p in cast.values() if p is not None] + [colleague]:
        listed = set(
            Incident.objects.filter(incidents_visible_to(person)).values_list("pk", flat=True)
        )
        viewable = {i.pk for i in Incident.objects.all() if can_view_incident(person, i)}
        assert listed == viewable, person.email
    readers = {name for name, member in cast.items() if member and can_see_every_incident(member)}
    assert readers == {"communications", "hr", "auditor"}
    public = Incident.objects.get(reporter=None)
    for name, member in cast.items():
        if member is not None and name not in readers:
            assert not can_view_incident(member, public), name
