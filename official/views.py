"""The public register of official accounts: no sign-in (issue 11). Filled in by its pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse


@login_not_required
def official_accounts(request: HttpRequest) -> HttpResponse:
    raise Http404


official_check = official_report = official_report_sent = official_open_data = official_accounts


@login_not_required
def official_open_data_file(request: HttpRequest, fmt: str) -> HttpResponse:
    raise Http404
