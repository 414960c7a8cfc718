"""The public register of official accounts, with no sign-in (issue 11): the list, "Is this an
official account?", the report of an account pretending to be the council's, and the open data.

Every page is the same for everyone and reads only what official/selectors.py reads (published
accounts), turned here into rows of the public fields: a template never holds an account, so
nothing it could reach through one (moderators, custody, the responsible officer) can appear.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from accounts.models import Account, AccountStatus, Platform
from governance.errors import DomainError
from governance.pagination import key_page, rows_for_keys
from governance.snapshots import Snapshot
from governance.spreadsheets import csv_download
from moderation.forms import IMAGE_TYPES, new_token
from moderation.services.impersonation import impersonation_report
from official import ratelimit, selectors
from official.forms import ADDRESS_MISSING, CheckForm, ReportForm
from official.lookup import LONGEST_INPUT
from official.selectors import Answer, Verdict, closed_on, lookup, official_since

PAGE_SIZE = 50
# The closed accounts the list page names, most recently closed first; the open data has all.
CLOSED_SHOWN = 20
CACHE_SECONDS = 300
SCHEMA_VERSION = 1
FIELDS = [
    "platform",
    "platform_name",
    "name",
    "handle",
    "url",
    "service_area",
    "status",
    "official_since",
    "closed_on",
]
# Platform names are brands, except these words.
PLATFORM_WORDS: dict[str, Any] = {
    Platform.BLOG: gettext_lazy("Blog"),
    Platform.FORUM: gettext_lazy("Discussion forum"),
}
# The verdicts that name one of our accounts: a report about the address is linked to it.
NAMES_OURS = {Verdict.OFFICIAL, Verdict.CLOSED, Verdict.LOOKALIKE}


def _public(response: HttpResponse) -> HttpResponse:
    """The same for everyone, so any cache may keep it for five minutes."""
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


def _platform_name(account: Account) -> str:
    return str(PLATFORM_WORDS.get(account.platform, account.platform_name))


def _link(url: str) -> str:
    """A web address the page may link to: http or https only."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def _row(account: Account) -> dict[str, Any]:
    """An account as the public pages show it: its published fields and nothing else."""
    return {
        "platform": _platform_name(account),
        "name": account.name,
        "handle": account.handle,
        "url": account.url,
        "link": _link(account.url),
        "service_area": account.service_area.name,
        "official": account.status == AccountStatus.ACTIVE,
        "official_since": official_since(account),
        "closed_on": closed_on(account),
    }


def _recently_closed() -> tuple[list[dict[str, Any]], bool]:
    closed = selectors.public_accounts().filter(status=AccountStatus.CLOSED)
    closed = closed.order_by(F("closed_at").desc(nulls_last=True), "platform", "name", "pk")
    # One more than is shown says whether there are more, without counting them.
    recent = list(closed[: CLOSED_SHOWN + 1])
    return [_row(account) for account in recent[:CLOSED_SHOWN]], len(recent) > CLOSED_SHOWN


@login_not_required
@require_GET
def official_accounts(request: HttpRequest) -> HttpResponse:
    # The same for everyone (official/base.html shows nothing of who is looking): each page is
    # kept, rendered, until the next change in the portal.
    snapshot = Snapshot()
    accounts = selectors.official_accounts()
    count = snapshot.get("official-count", accounts.count)
    page = key_page(accounts, request.GET.get("page"), PAGE_SIZE, count=count)

    def rendered() -> bytes:
        closed, closed_more = snapshot.get("official-closed", _recently_closed)
        context = {
            "page": page,
            # Found by their keys first: the days each became official are read for these
            # rows alone, not for every row a late page skips.
            "rows": [_row(row) for row in rows_for_keys(accounts, list(page))],
            "closed": closed,
            "closed_more": closed_more,
            "form": CheckForm(),
        }
        return render(request, "official/accounts.html", context).content

    return _public(HttpResponse(snapshot.get("official-page-html", rendered, page.number)))


def _not_an_account(address: str) -> str:
    if not address.strip("@ "):
        return str(ADDRESS_MISSING)
    if "/" in address or "." in address:
        return _(
            "This is a link to a post or a page of the platform, not an account: open the "
            "account's own page and copy its address, or enter its handle"
        )
    return _("Enter the handle without spaces, like @DemoCouncil, or the account's web address")


def _report_url(address: str) -> str:
    return f"{reverse('official_report')}?{urlencode({'address': address})}"


@login_not_required
@require_GET
def official_check(request: HttpRequest) -> HttpResponse:
    if "address" not in request.GET:
        return _public(render(request, "official/check.html", {"form": CheckForm()}))
    if not ratelimit.within_limit(request, ratelimit.CHECK):
        return ratelimit.too_many_requests(request)
    form = CheckForm(request.GET)
    answer: Answer | None = None
    if form.is_valid():
        address = form.cleaned_data["address"]
        answer = lookup(address)
        if answer.verdict is Verdict.NOT_AN_ACCOUNT:
            form.add_error("address", _not_an_account(address))
            answer = None
    context: dict[str, Any] = {"form": form}
    if answer is not None:
        context |= {
            "verdict": answer.verdict.value,
            "asked": answer.asked,
            "rows": [_row(account) for account in answer.accounts],
            "report_url": _report_url(answer.asked),
            # Checking another address starts from an empty box.
            "form": CheckForm(),
        }
    return _public(render(request, "official/check.html", context))


def _looks_like(address: str) -> Account | None:
    """The published account the reported address is, or imitates, if the lookup finds one."""
    answer = lookup(address)
    return answer.account if answer.verdict in NAMES_OURS else None


def _max_megabytes() -> str:
    return f"{settings.EVIDENCE_MAX_BYTES / (1024 * 1024):g} MB"


def _report_page(request: HttpRequest, form: ReportForm) -> HttpResponse:
    return render(
        request,
        "official/report.html",
        {
            "form": form,
            "image_types": IMAGE_TYPES,
            "max_megabytes": _max_megabytes(),
            "screenshot_again": form.screenshot_again() if form.is_bound else "",
        },
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def official_report(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        address = request.GET.get("address", "")
        form = ReportForm(initial={"address": address[:LONGEST_INPUT], "started_with": new_token()})
        return _report_page(request, form)
    if not ratelimit.within_limit(request, ratelimit.REPORT):
        return ratelimit.too_many_requests(request)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        answers = form.report()
        try:
            impersonation_report(**answers, looks_like=_looks_like(answers["address"]))
        except DomainError as error:
            form.show(error)
        else:
            return redirect("official_report_sent")
    return _report_page(request, form)


@login_not_required
@require_GET
def official_report_sent(request: HttpRequest) -> HttpResponse:
    return _public(render(request, "official/report_sent.html"))


@login_not_required
@require_GET
def official_open_data(request: HttpRequest) -> HttpResponse:
    return _public(render(request, "official/open_data.html", {"schema_version": SCHEMA_VERSION}))


def _record(account: Account) -> dict[str, Any]:
    """One account in the open data. Stable: see docs/open-data.md before changing it."""
    since = official_since(account)
    closed = closed_on(account)
    return {
        "platform": account.platform,
        "platform_name": account.platform_name,
        "name": account.name,
        # Without a leading @, so that every platform's handle is written the same way (and a
        # spreadsheet does not take "@name" for the start of a formula).
        "handle": account.handle.strip().lstrip("@"),
        "url": account.url or None,
        "service_area": account.service_area.name,
        "status": "official" if account.status == AccountStatus.ACTIVE else "closed",
        "official_since": since.isoformat() if since else None,
        "closed_on": closed.isoformat() if closed else None,
    }


def _json_body(records: list[dict[str, Any]]) -> bytes:
    document = {
        "schema_version": SCHEMA_VERSION,
        "council": settings.COUNCIL_NAME,
        "source": settings.SITE_URL + reverse("official_accounts"),
        "documentation": settings.SITE_URL + reverse("official_open_data"),
        "fields": FIELDS,
        "accounts": records,
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _csv_body(records: list[dict[str, Any]]) -> bytes:
    """The whole file at once, for its ETag (the register is small); written by the portal's
    spreadsheet writer, which neutralises cells a spreadsheet would run as formulas."""
    lines = [FIELDS, *([record[name] or "" for name in FIELDS] for record in records)]
    streamed = csv_download(lines, "accounts")
    return b"".join(streamed)


@login_not_required
@require_safe
def official_open_data_file(request: HttpRequest, fmt: str) -> HttpResponse:
    records = [_record(account) for account in selectors.public_accounts()]
    if fmt == "csv":
        body, content_type = _csv_body(records), "text/csv; charset=utf-8"
    else:
        body, content_type = _json_body(records), "application/json"
    etag = f'"{hashlib.sha256(body).hexdigest()}"'
    response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"
    if fmt == "csv":
        # Inline, not as an attachment: open data is meant to be kept by caches, and the
        # portal's NoStoreMiddleware keeps every attachment (a personal export) out of them.
        response["Content-Disposition"] = 'inline; filename="official-accounts.csv"'
    _public(response)
    # 304 Not Modified for a client that sends the ETag it has.
    return get_conditional_response(request, etag=etag, response=response) or response
