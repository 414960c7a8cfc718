"""This app's entries on 'Your tasks' and in the service navigation."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from governance import events, navigation
from governance.models import Event, ServiceArea, User
from governance.rules import can_change_profile, can_view_organisation, can_view_profile
from governance.todo import Todo, register


@register
def administrator_todos(user: User) -> Iterator[Todo]:
    if not can_change_profile(user):
        return
    if not Event.objects.filter(action=events.PROFILE_PRESET_APPLIED).exists():
        yield Todo(
            section="Setting up the portal",
            title="Choose which council's policy the portal applies",
            url=reverse("policy_profile_preset"),
            detail="Until you choose, the portal applies Manchester City Council's rules.",
        )
    headless = ServiceArea.objects.filter(head__isnull=True).count()
    if headless:
        yield Todo(
            section="Setting up the portal",
            title=(
                f"{headless} service area{'s have' if headless != 1 else ' has'} no Head of Service"
            ),
            url=reverse("organisation"),
            detail="Requests for accounts in these areas cannot be approved. Fix the HR feed.",
        )


navigation.register(
    order=10,
    label="Your tasks",
    url_name="home",
    description="Everything waiting for you to act on.",
    visible=lambda user: user.is_authenticated,
)
navigation.register(
    order=80,
    label="Organisation",
    url_name="organisation",
    description="Service areas, their Heads of Service and staff, from the HR feed.",
    visible=can_view_organisation,
)
navigation.register(
    order=90,
    label="Policy profile",
    url_name="policy_profile",
    description="The council's rules the portal applies, with the clause behind each.",
    visible=can_view_profile,
)
