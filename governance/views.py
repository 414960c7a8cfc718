from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Field
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from governance import roles
from governance.celery import app as celery_app
from governance.controls import ControlChange, controls_changed
from governance.decorators import allowed_if
from governance.forms import PresetForm, ProfileForm, StaffImportConfirmForm, StaffImportForm
from governance.http import AuthenticatedRequest
from governance.models import PolicyProfile, Preset, ServiceArea, StaffImport, User
from governance.navigation import offers, sections_for
from governance.presets import PRESETS, PROFILE_FIELDS, preset_values
from governance.rules import (
    can_change_profile,
    can_import_staff,
    can_view_organisation,
    can_view_profile,
)
from governance.services.profile import profile_apply_preset, profile_get, profile_update
from governance.services.staff_import import (
    MAX_UPLOAD_ROWS,
    ImportRejected,
    ImportReport,
    LeaversNeedConfirmation,
    import_staff,
)
from governance.snapshots import Snapshot
from governance.todo import Todo, todos_for

PAGE_SIZE = 50


@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    todos = todos_for(request.user)
    # Sections in the order of their most pressing task: a lost device comes first.
    sections: dict[str, list[Todo]] = {}
    for todo in todos:
        sections.setdefault(todo.section, []).append(todo)
    grouped = list(sections.items())
    return render(
        request,
        "governance/home.html",
        {
            "todo_count": len(todos),
            "todo_sections": grouped,
            "notifications": request.user.notifications.all()[:5],
            "role_labels": roles.role_labels(request.user),
            "role_summaries": roles.ROLE_SUMMARIES,
            "sections": sections_for(request.user),
        },
    )


@require_GET
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(request.user.notifications.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/notifications.html", {"page": page})


@login_not_required
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/accessibility.html")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return False
    return True


def _broker_ok() -> bool:
    url = celery_app.conf.broker_write_url or celery_app.conf.broker_url or ""
    if url.startswith("filesystem"):
        return Path(settings.CELERY_BROKER_FOLDER).is_dir()
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
    except Exception:
        return False
    return True


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": "ok" if _database_ok() else "down",
        "broker": "ok" if _broker_ok() else "down",
    }
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )


def _staff_by_area() -> dict[int, int]:
    """How many people work in each service area, leavers left out."""
    in_post = User.objects.filter(leaver_recorded_at__isnull=True, service_area__isnull=False)
    counted = in_post.order_by().values("service_area").annotate(people=Count("pk"))
    return {row["service_area"]: row["people"] for row in counted}


@allowed_if(can_view_organisation)
@require_GET
def organisation(request: AuthenticatedRequest) -> HttpResponse:
    # Counting a large council's staff by area reads every member of staff (170 ms at 200,000):
    # the counts are kept until the next change (every joiner, mover and leaver is an event).
    counts = Snapshot().get("staff-by-area", _staff_by_area)
    areas = [(area, counts.get(area.pk, 0)) for area in ServiceArea.objects.select_related("head")]
    return render(
        request,
        "governance/organisation.html",
        {
            "areas": areas,
            "imports": StaffImport.objects.select_related("imported_by")[:5],
            "can_import": can_import_staff(request.user),
        },
    )


@allowed_if(can_view_organisation)
@require_GET
def service_area_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    area = get_object_or_404(ServiceArea.objects.select_related("head"), code=code)
    staff = area.staff.select_related("line_manager").order_by("full_name")
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/service_area.html", {"area": area, "page": page})


# A complete feed awaiting confirmation waits in the cache (Redis, shared by the web workers),
# not on disk: the staff list is personal data, and the cache forgets it by itself.
PENDING_IMPORT_KEY = "staff-import-pending:"
PENDING_IMPORT_SECONDS = 30 * 60


@allowed_if(can_import_staff)
@require_http_methods(["GET", "POST"])
def staff_import(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST" and "token" in request.POST:
        return _staff_import_confirm(request)
    problems = None
    form = StaffImportForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            report = import_staff(
                data=data,
                filename=upload.name,
                actor=request.user,
                complete_feed=form.cleaned_data["complete_feed"],
                max_rows=MAX_UPLOAD_ROWS,
            )
        except LeaversNeedConfirmation as asked:
            token = secrets.token_urlsafe(32)
            pending = {"data": data, "filename": upload.name, "user": request.user.pk}
            cache.set(f"{PENDING_IMPORT_KEY}{token}", pending, PENDING_IMPORT_SECONDS)
            return _staff_import_ask(request, asked, token=token, filename=upload.name)
        except ImportRejected as rejected:
            problems = rejected.problems
        else:
            return _staff_import_done(request, report)
    return render(request, "governance/staff_import.html", {"form": form, "problems": problems})


def _staff_import_ask(
    request: AuthenticatedRequest, asked: LeaversNeedConfirmation, *, token: str, filename: str
) -> HttpResponse:
    form = StaffImportConfirmForm(initial={"token": token, "leavers": asked.leavers})
    return render(
        request,
        "governance/staff_import_confirm.html",
        {"form": form, "asked": asked, "filename": filename},
    )


def _staff_import_confirm(request: AuthenticatedRequest) -> HttpResponse:
    form = StaffImportConfirmForm(request.POST)
    key = f"{PENDING_IMPORT_KEY}{form.data.get('token', '')}"
    pending = cache.get(key) if form.is_valid() else None
    if pending is None or pending["user"] != request.user.pk:
        messages.error(request, "Nothing was imported: the upload has expired. Upload it again.")
        return redirect("staff_import")
    if "cancel" in request.POST:
        cache.delete(key)
        messages.success(request, "Nothing was imported.")
        return redirect("organisation")
    try:
        report = import_staff(
            data=pending["data"],
            filename=pending["filename"],
            actor=request.user,
            complete_feed=True,
            confirm_leavers=form.cleaned_data["leavers"],
            max_rows=MAX_UPLOAD_ROWS,
        )
    except LeaversNeedConfirmation as asked:
        # The staff in the portal changed since the question: ask again with the new number.
        return _staff_import_ask(
            request, asked, token=form.cleaned_data["token"], filename=pending["filename"]
        )
    except ImportRejected as rejected:
        cache.delete(key)
        context = {"form": StaffImportForm(), "problems": rejected.problems}
        return render(request, "governance/staff_import.html", context)
    cache.delete(key)
    return _staff_import_done(request, report)


def _staff_import_done(request: AuthenticatedRequest, report: ImportReport) -> HttpResponse:
    assert report.record is not None
    messages.success(request, "The staff list was imported.")
    return redirect("staff_import_detail", pk=report.record.pk)


@allowed_if(can_view_organisation)
@require_GET
def staff_import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(StaffImport.objects.select_related("imported_by"), pk=pk)
    return render(request, "governance/staff_import_detail.html", {"record": record})


@allowed_if(can_view_profile)
@require_GET
def policy_profile(request: AuthenticatedRequest) -> HttpResponse:
    profile = profile_get()
    sources = PRESETS.get(profile.preset, {})
    rows = []
    for name in PROFILE_FIELDS:
        field = PolicyProfile._meta.get_field(name)
        assert isinstance(field, Field)
        value = getattr(profile, name)
        source = sources[name].source if name in sources else "Adjusted by an administrator"
        rows.append((capfirst(str(field.verbose_name)), value, source, name))
    return render(
        request,
        "governance/policy_profile.html",
        {
            "profile": profile,
            "rows": rows,
            "can_change": can_change_profile(request.user),
            "presets": [(key, Preset(key).label) for key in PRESETS],
            "offers_clause_map": offers(request.user, "compliance_clauses"),
        },
    )


# The answers a check page posts back: the change's controls, as the administrator saw them.
CHECKED = "checked"
# "Go back and change": the form again, with the answers as they were.
BACK = "back"


def _changes_seen(lost: list[ControlChange], gained: list[ControlChange]) -> str:
    """What the check page showed, so that a change that switches something else by the time
    it is confirmed (another administrator saved first) is checked again."""
    return " ".join(
        [f"-{change.control.key}" for change in lost]
        + [f"+{change.control.key}" for change in gained]
    )


def _check_changes(
    request: AuthenticatedRequest,
    *,
    lost: list[ControlChange],
    gained: list[ControlChange],
    policy: str,
    confirm_label: str,
) -> HttpResponse | None:
    """Before a change that switches a control off or on is saved: the page that says what the
    council loses and gains, with the clauses of its policy each control serves (AUD-1). None
    when there is nothing to check, or the administrator confirmed what is still true."""
    if not lost and not gained:
        return None
    seen = _changes_seen(lost, gained)
    checked = request.POST.get(CHECKED)
    if checked == seen:
        return None
    answers = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in {"csrfmiddlewaretoken", CHECKED, BACK}
        for value in values
    ]
    return render(
        request,
        "governance/policy_profile_check.html",
        {
            "lost": lost,
            "gained": gained,
            "policy": Preset(policy).label,
            "answers": answers,
            "seen": seen,
            "changed_since": checked is not None,
            "confirm_label": confirm_label,
            "offers_clause_map": offers(request.user, "compliance_clauses"),
        },
    )


@allowed_if(can_change_profile)
@require_http_methods(["GET", "POST"])
def policy_profile_preset(request: AuthenticatedRequest) -> HttpResponse:
    profile = profile_get()
    initial = {"preset": profile.preset} if profile.preset in PRESETS else {}
    form = PresetForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid() and BACK not in request.POST:
        preset = form.cleaned_data["preset"]
        lost, gained = controls_changed(profile, preset_values(preset), preset)
        check = _check_changes(
            request,
            lost=lost,
            gained=gained,
            policy=preset,
            confirm_label=f"Apply {Preset(preset).label}'s rules",
        )
        if check is not None:
            return check
        profile = profile_apply_preset(actor=request.user, preset=preset)
        messages.success(request, f"The portal now applies {profile.get_preset_display()}'s rules.")
        return redirect("policy_profile")
    return render(request, "governance/policy_profile_preset.html", {"form": form})


@allowed_if(can_change_profile)
@require_http_methods(["GET", "POST"])
def policy_profile_edit(request: AuthenticatedRequest) -> HttpResponse:
    profile = profile_get()
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    # is_valid() writes the answers onto the form's instance: compare with a fresh copy.
    before = profile_get()
    if request.method == "POST" and form.is_valid() and BACK not in request.POST:
        values = {name: form.cleaned_data[name] for name in PROFILE_FIELDS}
        lost, gained = controls_changed(before, values, before.based_on)
        check = _check_changes(
            request,
            lost=lost,
            gained=gained,
            policy=before.based_on,
            confirm_label="Save the change",
        )
        if check is not None:
            return check
        profile_update(actor=request.user, values=values, reason=form.cleaned_data["reason"])
        messages.success(request, "The policy profile was saved.")
        return redirect("policy_profile")
    return render(request, "governance/policy_profile_edit.html", {"form": form})


@require_GET
def email_managed_by_hr(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "governance/email_managed_by_hr.html")
