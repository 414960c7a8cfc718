from __future__ import annotations

from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from governance import roles


class PortalAdminSite(admin.AdminSite):
    """Django's admin for administrators only, signed in through the portal (with MFA).

    Anyone else who is signed in gets 404, as on every page they may not see; the admin's own
    password form is replaced by the portal's sign-in, so it cannot bypass two-step checks.
    """

    site_header = "Social media governance: administration"
    site_title = "Administration"
    index_title = "Records"

    def has_permission(self, request: HttpRequest) -> bool:
        # Who is an administrator is the portal's rule; an inactive person is never let in.
        return bool(request.user.is_active and roles.is_administrator(request.user))

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, view)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return redirect_to_login(
            request.GET.get("next", reverse("admin:index")), reverse("account_login")
        )
