from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from governance.roles import requires_mfa

SESSION_KEY = "portal_mfa_ready"


class RequireMFAMiddleware:
    """Communications, HR and administrators set up two-step verification before anything else.

    Until they have an authenticator app registered, every page except sign-in, sign-out and
    the set-up pages themselves sends them to set it up.
    """

    allowed_prefixes = ("/auth/", "/static/", "/healthz", "/accessibility/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.session.get(SESSION_KEY)
            and not request.path.startswith(self.allowed_prefixes)
            and requires_mfa(user)
        ):
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                messages.info(
                    request,
                    "Your role needs two-step verification. Set up an authenticator app "
                    "to continue.",
                )
                return redirect(reverse("mfa_activate_totp"))
            request.session[SESSION_KEY] = True
        return self.get_response(request)
