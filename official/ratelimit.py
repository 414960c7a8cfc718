"""The public register's own rate limits: lookups and reports from one network, counted by
django-allauth's limiter under ACCOUNT_RATE_LIMITS ("official_check", "official_report"), so
that they share its cache, its client address behind a proxy and its IPv6 prefixes.

allauth's public ``consume`` lets every GET through (its limits guard forms that are POSTed);
a lookup is a GET, so the limiter is asked with ``limit_get``.
"""

from __future__ import annotations

from http import HTTPStatus

from allauth.core.internal import ratelimit
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

CHECK = "official_check"
REPORT = "official_report"
# What the page asks: wait a minute. The limiter's windows are in settings.
RETRY_AFTER_SECONDS = 60


def within_limit(request: HttpRequest, action: str) -> bool:
    """Count this request against ``action``'s limits; False once one of them is reached."""
    usage = ratelimit.consume(request, app="allauth.account", action=action, limit_get=True)
    return usage is not None


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """The public GOV.UK page (templates/429.html is sign-in's), never kept by a cache: the
    next request may be let through."""
    response = render(request, "official/429.html", status=HTTPStatus.TOO_MANY_REQUESTS)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
