from __future__ import annotations

import time
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.defaults import page_not_found

from governance.roles import requires_mfa
from governance.services.profile import profile_memo

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


class IdleTimeoutMiddleware:
    """A session ends after ``SESSION_COOKIE_AGE`` seconds without a request.

    Each save pushes the session's expiry forward. Saving on every page would cost three
    queries a page (Django's SESSION_SAVE_EVERY_REQUEST), so a session is saved again only
    once ``SESSION_TOUCH_SECONDS`` have passed since its last save: the idle timeout is then
    honoured to within that much.
    """

    key = "portal_touched"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session, now = request.session, int(time.time())
            if session.modified or now - session.get(self.key, 0) >= settings.SESSION_TOUCH_SECONDS:
                session[self.key] = now
        return response


class NoStoreMiddleware:
    """Nothing a signed-in person sees, and no download, is kept by a browser or a proxy.

    Pages, exports and evidence hold personal data; on a shared council PC the browser's cache
    and its back button would otherwise show them to the next person. Static files never get
    here: WhiteNoise answers them higher up the stack, with its own long cache headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        download = response.get("Content-Disposition", "").lower().startswith("attachment")
        if download or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response


class PortalNotFoundMiddleware:
    """With DEBUG on, a missing page still shows the portal's own page (templates/404.html).

    Django's technical 404 page lists every URL pattern: confusing for a council officer trying
    the portal with `make run`. TECHNICAL_404=true brings it back for a developer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No resolver match: the address matched no URL pattern.
        if response.status_code == 404 and request.resolver_match is None and self.active():
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404) and self.active():
            return page_not_found(request, exception)
        return None

    @staticmethod
    def active() -> bool:
        return settings.DEBUG and not settings.TECHNICAL_404


class ProfileMemoMiddleware:
    """The policy profile is read at most once a request (governance.services.profile), and
    afresh after it is saved: each request starts without the last one's copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with profile_memo():
            return self.get_response(request)
