"""Changes made in the Django admin write event rows, and the admin refuses what would quietly
take roles away or put hidden characters in names (issue 7 review).

Groups give the portal's roles; allauth's e-mail addresses, linked sign-in accounts, tokens and
sign-in applications say who can sign in as whom. Each change to them is on the record with
the administrator who made it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib.auth.models import Group, Permission
from django.test import Client

from governance import roles
from governance.models import Event, ServiceArea, User
from governance.services.events import events_verify_chain
from governance.validators import ONE_LINE_MESSAGE
from tests.test_event_integrity import person_form


def admin_post(client: Client, url: str, data: dict[str, Any]) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def events_about(subject: Any) -> list[Event]:
    return list(Event.objects.for_subject(subject).order_by("seq"))


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Groups


@pytest.mark.django_db
def test_adding_renaming_and_removing_a_group_write_events(
    administrator: User, requester: User, client_for: Callable[..., Client]
) -> None:
    client = client_for(administrator)
    admin_post(client, "/admin/auth/group/add/", {"name": "Web editors"})
    group = Group.objects.get(name="Web editors")
    requester.groups.add(group)

    admin_post(client, f"/admin/auth/group/{group.pk}/change/", {"name": "Site editors"})
    admin_post(client, f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"})

    events = events_about(group)
    assert [event.action for event in events] == ["group.added", "group.changed", "group.removed"]
    assert {event.actor for event in events} == {administrator}
    assert events[1].data == {"name": ["Web editors", "Site editors"]}
    assert events[2].data == {"name": "Site editors", "members": [requester.pk]}
    assert events[2].summary == (
        "Alex Morgan removed the group Site editors, which 1 person was in, in the "
        "administration pages"
    )
    assert events_verify_chain() == []


@pytest.mark.django_db
def test_changing_a_groups_permissions_writes_an_event(
    administrator: User, client_for: Callable[..., Client]
) -> None:
    group = Group.objects.create(name="Web editors")
    permission = Permission.objects.get(codename="view_servicearea")

    admin_post(
        client_for(administrator),
        f"/admin/auth/group/{group.pk}/change/",
        {"name": group.name, "permissions": [permission.pk]},
    )

    (event,) = events_about(group)
    assert (event.action, event.actor) == ("group.changed", administrator)
    assert event.data == {"permissions": {"added": ["governance.view_servicearea"], "removed": []}}


@pytest.mark.django_db
def test_a_role_group_cannot_be_renamed(
    administrator: User, communications: User, client_for: Callable[..., Client]
) -> None:
    group = Group.objects.get(name=roles.COMMUNICATIONS)

    response = client_for(administrator).post(
        f"/admin/auth/group/{group.pk}/change/", {"name": "Comms team"}
    )

    assert response.status_code == 200
    assert (
        "The Communications group cannot be renamed: the portal gives the Communications role "
        "to the people in the group of that name"
    ) in response.content.decode()
    group.refresh_from_db()
    assert group.name == roles.COMMUNICATIONS
    assert roles.is_communications(User.objects.get(pk=communications.pk))
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_a_role_group_cannot_be_deleted(
    administrator: User, communications: User, client_for: Callable[..., Client]
) -> None:
    group = Group.objects.get(name=roles.COMMUNICATIONS)
    client = client_for(administrator)

    response = client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}, follow=True)

    assert response.redirect_chain[-1][0] == f"/admin/auth/group/{group.pk}/change/"
    assert any(
        "The Communications group cannot be deleted" in text for text in messages_of(response)
    )
    assert Group.objects.filter(name=roles.COMMUNICATIONS).exists()
    assert roles.is_communications(User.objects.get(pk=communications.pk))
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_role_groups_cannot_be_deleted_with_others_from_the_list(
    administrator: User, auditor: User, hr: User, client_for: Callable[..., Client]
) -> None:
    other = Group.objects.create(name="Web editors")
    hr_and_auditor = Group.objects.filter(name__in=[roles.HR, roles.AUDITOR])
    chosen = [other.pk, *hr_and_auditor.values_list("pk", flat=True)]

    response = client_for(administrator).post(
        "/admin/auth/group/",
        {"action": "delete_selected", "_selected_action": chosen, "post": "yes"},
        follow=True,
    )

    assert any(
        "The Auditor and HR groups cannot be deleted: the portal gives each of these roles" in text
        for text in messages_of(response)
    )
    assert Group.objects.filter(pk__in=chosen).count() == len(chosen)
    assert not Event.objects.exists()


# Who can sign in as whom


@pytest.mark.django_db
def test_changing_someones_email_address_writes_an_event_on_their_record(
    administrator: User, requester: User, client_for: Callable[..., Client]
) -> None:
    address = EmailAddress.objects.create(
        user=requester, email=requester.email, primary=True, verified=False
    )

    admin_post(
        client_for(administrator),
        f"/admin/account/emailaddress/{address.pk}/change/",
        {
            "user": requester.pk,
            "email": "riya@elsewhere.example",
            "primary": "on",
            "verified": "on",
        },
    )

    (event,) = events_about(requester)
    assert (event.action, event.actor) == ("email_address.changed", administrator)
    assert event.data == {
        "email": ["requester@council.example", "riya@elsewhere.example"],
        "verified": [False, True],
    }
    assert event.summary.startswith("Alex Morgan changed the ")


@pytest.mark.django_db
def test_adding_verifying_and_removing_an_email_address_write_events(
    administrator: User, requester: User, client_for: Callable[..., Client]
) -> None:
    client = client_for(administrator)
    admin_post(
        client,
        "/admin/account/emailaddress/add/",
        {"user": requester.pk, "email": "riya.patel@council.example"},
    )
    address = EmailAddress.objects.get(email="riya.patel@council.example")

    client.post(
        "/admin/account/emailaddress/",
        {"action": "make_verified", "_selected_action": [address.pk]},
    )
    client.post(f"/admin/account/emailaddress/{address.pk}/delete/", {"post": "yes"})

    assert not EmailAddress.objects.filter(pk=address.pk).exists()
    events = events_about(requester)
    assert [(event.action, event.actor) for event in events] == [
        ("email_address.added", administrator),
        ("email_address.changed", administrator),
        ("email_address.removed", administrator),
    ]
    assert events[1].data == {"verified": [False, True]}
    assert "marked Riya Patel's e-mail address riya.patel@council.example as verified" in (
        events[1].summary
    )


@pytest.mark.django_db
def test_linking_a_sign_in_account_to_someone_writes_an_event_on_their_record(
    administrator: User, requester: User, client_for: Callable[..., Client]
) -> None:
    admin_post(
        client_for(administrator),
        "/admin/socialaccount/socialaccount/add/",
        {
            "user": requester.pk,
            "provider": "microsoft",
            "uid": "attacker-oid",
            "extra_data": '{"id": "attacker-oid"}',
        },
    )

    (event,) = events_about(requester)
    assert (event.action, event.actor) == ("social_account.added", administrator)
    assert event.data == {"user": requester.pk, "provider": "microsoft", "uid": "attacker-oid"}


@pytest.mark.django_db
def test_moving_a_sign_in_account_to_another_person_writes_an_event(
    administrator: User, requester: User, colleague: User, client_for: Callable[..., Client]
) -> None:
    account = SocialAccount.objects.create(
        user=requester, provider="microsoft", uid="oid-1", extra_data={"id": "oid-1"}
    )

    admin_post(
        client_for(administrator),
        f"/admin/socialaccount/socialaccount/{account.pk}/change/",
        {
            "user": colleague.pk,
            "provider": "microsoft",
            "uid": "oid-1",
            "extra_data": '{"id": "oid-1", "mail": "tom@council.example"}',
        },
    )

    (event,) = events_about(colleague)
    assert (event.action, event.actor) == ("social_account.changed", administrator)
    assert event.data == {"user": [requester.pk, colleague.pk], "extra_data": "changed"}


@pytest.mark.django_db
def test_sign_in_tokens_and_app_secrets_are_recorded_without_their_values(
    administrator: User, requester: User, client_for: Callable[..., Client]
) -> None:
    client = client_for(administrator)
    app = SocialApp.objects.create(
        provider="microsoft", name="Council tenant", client_id="client", secret="app-secret-1"
    )
    account = SocialAccount.objects.create(user=requester, provider="microsoft", uid="oid-1")
    token = SocialToken.objects.create(app=app, account=account, token="token-value-1")

    admin_post(
        client,
        f"/admin/socialaccount/socialtoken/{token.pk}/change/",
        {
            "app": app.pk,
            "account": account.pk,
            "token": "token-value-2",
            "token_secret": "",
            "expires_at_0": "",
            "expires_at_1": "",
        },
    )
    admin_post(client, f"/admin/socialaccount/socialapp/{app.pk}/delete/", {"post": "yes"})

    (token_event,) = events_about(requester)
    assert (token_event.action, token_event.actor) == ("social_token.changed", administrator)
    assert token_event.data == {"token": "changed"}
    (app_event,) = events_about(app)
    assert (app_event.action, app_event.actor) == ("social_app.removed", administrator)
    assert app_event.data == {
        "provider": "microsoft",
        "provider_id": "",
        "name": "Council tenant",
        "client_id": "client",
    }
    written = str(list(Event.objects.values_list("summary", "data")))
    assert "token-value" not in written
    assert "app-secret" not in written


# The administrator rule


@pytest.mark.django_db
def test_the_admin_asks_the_portals_administrator_rule(
    administrator: User, client_for: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(administrator)
    assert client.get("/admin/").status_code == 200

    monkeypatch.setattr(roles, "is_administrator", lambda user: False)

    assert client.get("/admin/").status_code == 404


# Hidden characters in names


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", "Riya Patel\r\nBcc: everyone@council.example"),
        ("full_name", "Riya \u202eletaP"),
        ("job_title", "Events\u200b Officer"),
        ("job_title", "Events Officer\u2066"),
    ],
)
def test_the_admin_refuses_hidden_characters_in_a_persons_name_and_job_title(
    administrator: User,
    requester: User,
    client_for: Callable[..., Client],
    field: str,
    value: str,
) -> None:
    response = client_for(administrator).post(
        f"/admin/governance/user/{requester.pk}/change/", person_form(requester, **{field: value})
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [ONE_LINE_MESSAGE]
    requester.refresh_from_db()
    assert (requester.full_name, requester.job_title) == ("Riya Patel", "Officer")
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_hidden_characters_in_a_service_area_name(
    administrator: User, leisure: ServiceArea, client_for: Callable[..., Client]
) -> None:
    response = client_for(administrator).post(
        f"/admin/governance/servicearea/{leisure.pk}/change/",
        {"code": leisure.code, "name": "Leisure\r\nBcc: everyone@council.example", "head": ""},
    )

    assert response.status_code == 200
    assert ONE_LINE_MESSAGE in response.content.decode()
    leisure.refresh_from_db()
    assert leisure.name == "Leisure and Culture"
    assert not Event.objects.exists()
