from __future__ import annotations

from typing import Any

import pytest

from accounts.models import AccountStatus
from governance.models import ServiceArea, User
from governance.services.notifications import notify
from governance.services.profile import profile_apply_preset
from tests.register_helpers import make_account


@pytest.mark.django_db
def test_home_shows_an_officer_their_empty_task_list(requester: User, client_for: Any) -> None:
    page = client_for(requester).get("/").content.decode()

    assert "Hello Riya." in page
    assert "You have nothing to do right now." in page
    assert "Your roles" not in page


@pytest.mark.parametrize(
    ("person", "role", "summary"),
    [
        ("communications", "Communications", "keep the register of official accounts"),
        ("hr", "HR", "breaches of the social media policy"),
        ("policy_owner", "Policy owner", "publish the social media policy"),
        ("legal", "Legal", "advise Communications on abusive posts"),
        ("auditor", "Auditor", "You cannot change anything."),
        ("head_of_service", "Head of Service", "approve requests for accounts"),
        ("line_manager", "Line manager", "look after your team"),
        ("administrator", "Administrator", "manage staff data"),
    ],
)
@pytest.mark.django_db
def test_home_tells_each_role_what_it_is_for(
    cast: dict[str, User], client_for: Any, person: str, role: str, summary: str
) -> None:
    page = client_for(cast[person]).get("/").content.decode()

    assert f'<dt class="govuk-summary-list__key">{role}</dt>' in page
    assert summary in page


@pytest.mark.django_db
def test_navigation_offers_only_what_the_role_may_open(
    cast: dict[str, User], client_for: Any
) -> None:
    requester_page = client_for(cast["requester"]).get("/").content.decode()
    admin_page = client_for(cast["administrator"]).get("/").content.decode()

    assert 'href="/organisation/"' not in requester_page
    assert 'href="/policy-profile/"' not in requester_page
    assert 'href="/organisation/"' in admin_page
    assert 'href="/policy-profile/"' in admin_page


@pytest.mark.django_db
def test_administrator_is_asked_to_choose_the_policy_and_fix_headless_areas(
    administrator: User, client_for: Any
) -> None:
    ServiceArea.objects.create(code="parks", name="Parks")

    page = client_for(administrator).get("/").content.decode()

    assert "Choose which council&#x27;s policy the portal applies" in page
    assert "1 service area has no Head of Service" in page

    profile_apply_preset(actor=administrator, preset="derby")
    page = client_for(administrator).get("/").content.decode()
    assert "Choose which council" not in page


@pytest.mark.django_db
def test_recent_notifications_show_on_the_home_page(requester: User, client_for: Any) -> None:
    notify(recipients=[requester], key="k", subject="Your request was approved", body="Yes")

    page = client_for(requester).get("/").content.decode()

    assert "Your request was approved" in page


@pytest.mark.django_db
def test_communications_home_lists_the_first_ten_of_each_register_task_and_leads_to_the_rest(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    for number in range(13):
        make_account(
            communications,
            leisure,
            name=f"Setting up {number:02d}",
            status=AccountStatus.BEING_SET_UP,
        )
    make_account(communications, leisure, name="Old page", closure_recommended=True)

    page = client_for(communications).get("/").content.decode()

    assert page.count("Finish setting up Setting up") == 10
    assert "Finish setting up Setting up 09" in page and "Setting up 10" not in page
    assert "3 more accounts being set up" in page
    assert f'href="/register/?status={AccountStatus.BEING_SET_UP}"' in page
    assert "Close Old page" in page and "more accounts a review recommends" not in page
