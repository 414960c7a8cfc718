from __future__ import annotations

import datetime
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache
from django.test import Client

from governance.models import User
from tests.conftest import PASSWORD, TOTP_SECRET
from tests.totp import totp_code


def sign_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post("/auth/login/", {"login": email, "password": password})


@pytest.mark.django_db
def test_staff_sign_in_with_email_and_password(requester: User) -> None:
    client = Client()

    response = sign_in(client, "Requester@Council.example")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Your tasks" in client.get("/").content.decode()


@pytest.mark.django_db
def test_wrong_password_gets_a_message_on_the_page(requester: User) -> None:
    response = sign_in(Client(), "requester@council.example", "wrong-password")

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "The email address and/or password you specified are not correct." in page


@pytest.mark.django_db
def test_repeated_wrong_passwords_are_throttled(requester: User, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,3/5m/key"}
    cache.clear()
    client = Client()
    for _ in range(3):
        assert sign_in(client, "requester@council.example", "wrong").status_code == 200

    blocked = sign_in(client, "requester@council.example", PASSWORD)

    assert "Too many failed login attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


@pytest.mark.django_db
def test_mfa_user_is_asked_for_a_code_after_the_password(communications: User) -> None:
    client = Client()

    response = sign_in(client, "comms@council.example")
    assert response["Location"] == "/auth/2fa/authenticate/"
    assert "_auth_user_id" not in client.session

    accepted_now = {totp_code(TOTP_SECRET, offset=offset) for offset in (-1, 0, 1, 2)}
    code = next(
        code
        for code in ("000000", "111111", "222222", "333333", "444444")
        if code not in accepted_now
    )
    wrong = client.post("/auth/2fa/authenticate/", {"code": code})
    assert "Incorrect code." in wrong.content.decode()

    right = client.post("/auth/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
    assert right.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_code_from_the_neighbouring_step_is_accepted_but_not_an_older_one(
    communications: User, time_machine: Any
) -> None:
    """A phone's clock a few seconds out, or a code typed as it changes, still signs in."""
    time_machine.move_to(datetime.datetime(2026, 11, 2, 9, 0, 5, tzinfo=datetime.UTC), tick=False)
    late = Client()
    sign_in(late, "comms@council.example")
    too_late = Client()
    sign_in(too_late, "comms@council.example")

    stale = too_late.post("/auth/2fa/authenticate/", {"code": totp_code(TOTP_SECRET, offset=-2)})
    drifted = late.post("/auth/2fa/authenticate/", {"code": totp_code(TOTP_SECRET, offset=-1)})

    assert "Incorrect code." in stale.content.decode()
    assert drifted.status_code == 302
    assert late.get("/").status_code == 200


@pytest.mark.django_db
def test_a_used_code_cannot_sign_in_a_second_time(communications: User) -> None:
    code = totp_code(TOTP_SECRET)
    first, second = Client(), Client()
    sign_in(first, "comms@council.example")
    sign_in(second, "comms@council.example")

    assert first.post("/auth/2fa/authenticate/", {"code": code}).status_code == 302
    replayed = second.post("/auth/2fa/authenticate/", {"code": code})

    assert "Incorrect code." in replayed.content.decode()
    assert "_auth_user_id" not in second.session


@pytest.mark.django_db
def test_communications_without_an_authenticator_must_set_one_up_first(db: Any) -> None:
    from django.contrib.auth.models import Group

    comms = User.objects.create_user("new.comms@council.example", PASSWORD, full_name="New Comms")
    comms.groups.add(Group.objects.get(name="Communications"))
    client = Client()
    assert sign_in(client, "new.comms@council.example")["Location"] == "/"

    for path in ("/", "/organisation/", "/policy-profile/", "/notifications/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/auth/2fa/totp/activate/"

    setup = client.get("/auth/2fa/totp/activate/", follow=True)
    assert "Set up two-step verification" in setup.content.decode()
    assert "Your role needs two-step verification." in setup.content.decode()


@pytest.mark.django_db
def test_setting_up_an_authenticator_opens_the_portal(db: Any) -> None:
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    User.objects.create_superuser("root@council.example", PASSWORD)
    client = Client()
    sign_in(client, "root@council.example")
    assert client.get("/")["Location"] == "/auth/2fa/totp/activate/"
    client.get("/auth/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post("/auth/2fa/totp/activate/", {"code": totp_code(secret)})

    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_required_two_step_verification_cannot_be_turned_off(communications: User) -> None:
    client = Client()
    sign_in(client, "comms@council.example")
    client.post("/auth/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
    assert client.get("/auth/2fa/totp/deactivate/")["Location"].startswith("/auth/reauthenticate/")
    client.post("/auth/reauthenticate/", {"password": PASSWORD})

    page = client.get("/auth/2fa/totp/deactivate/").content.decode()
    client.post("/auth/2fa/totp/deactivate/")

    assert "your role needs two-step verification, so you cannot turn it off" in page.lower()
    assert Authenticator.objects.filter(user=communications, type="totp").exists()


@pytest.mark.django_db
def test_there_is_no_public_sign_up() -> None:
    response = Client().get("/auth/signup/")

    assert "You cannot register here" in response.content.decode()
    Client().post(
        "/auth/signup/",
        {
            "email": "stranger@example.com",
            "password1": "Pa55word-long!",
            "password2": "Pa55word-long!",
        },
    )
    assert not User.objects.filter(email="stranger@example.com").exists()


@pytest.mark.django_db
def test_a_leaver_cannot_sign_in_and_loses_their_session(requester: User, client_for: Any) -> None:
    client = client_for(requester)
    assert client.get("/").status_code == 200

    requester.leaving_date = datetime.date(2020, 1, 31)
    requester.save()

    assert client.get("/").status_code == 302
    fresh = Client()
    refused = sign_in(fresh, "requester@council.example")
    assert refused["Location"] == "/auth/inactive/"
    assert "This happens after your leaving date" in fresh.get(refused["Location"]).content.decode()
    assert fresh.get("/").status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_a_link_by_email(requester: User) -> None:
    response = Client().post("/auth/password/reset/", {"email": "requester@council.example"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/auth/password/reset/key/" in mail.outbox[0].body


@pytest.mark.django_db
def test_staff_imported_without_a_password_can_set_one_by_reset(db: Any) -> None:
    from governance.services.staff_import import import_staff

    import_staff(
        data=b"employee_number,email,full_name,service_area_code,service_area_name\n"
        b"E1,new.starter@council.example,New Starter,leisure,Leisure\n",
        filename="hr.csv",
        actor=None,
    )

    Client().post("/auth/password/reset/", {"email": "new.starter@council.example"})

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_work_email_cannot_be_changed_in_the_portal(requester: User, client_for: Any) -> None:
    client = client_for(requester)

    page = client.get("/auth/email/").content.decode()
    client.post("/auth/email/", {"email": "personal@gmail.example", "action_add": ""})

    assert "It comes from the council's HR system" in page
    requester.refresh_from_db()
    assert requester.email == "requester@council.example"


@pytest.mark.django_db
def test_admin_site_sign_in_goes_through_the_portal(administrator: User) -> None:
    response = Client().get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/auth/login/")


@pytest.mark.django_db
def test_signed_in_staff_who_are_not_administrators_get_404_from_the_admin_site(
    requester: User, client_for: Any
) -> None:
    assert client_for(requester).get("/admin/").status_code == 404
