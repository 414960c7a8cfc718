"""Sign-in rules: staff come from the HR import, leavers cannot sign in, no public sign-up."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.internal.stagekit import clear_login
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from governance.roles import requires_mfa, with_roles


class StaffAuthenticationBackend(AuthenticationBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        # Also ends the sessions of people whose leaving date has passed, since Django checks
        # this again when it loads the user of each request.
        return bool(super().user_can_authenticate(user)) and not getattr(user, "has_left", False)

    def get_user(self, user_id: Any) -> Any:
        # The person of each request comes with their roles, which nearly every page asks.
        user = with_roles(get_user_model()._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        # Password or Microsoft sign-in alike: after their leaving date, people see why.
        if getattr(user, "has_left", False):
            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Setting up a first authenticator straight after signing in needs no second password.

        Communications, HR and administrators are sent to set one up as soon as they sign in;
        asking for the password they typed seconds ago would only get in their way. Every
        other sensitive change (turning it off, new recovery codes) still asks.
        """
        request = context.request
        if (
            app == "allauth.mfa"
            and request is not None
            and request.path == reverse("mfa_activate_totp")
            and not Authenticator.objects.filter(user=request.user).exists()
            and _signed_in_within(request, account_settings.REAUTHENTICATION_TIMEOUT)
        ):
            return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))


def _signed_in_within(request: HttpRequest, seconds: int) -> bool:
    records = get_authentication_records(request, request.user)
    return any(time.time() - record.get("at", 0) < seconds for record in records)


class PortalSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False


class PortalMFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and requires_mfa(authenticator.user):
            return False
        return bool(super().can_delete_authenticator(authenticator))
