from __future__ import annotations

from typing import Any

from allauth.mfa.admin import AuthenticatorAdmin as BaseAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from governance import audit
from governance.history import EVENT_MARK
from governance.models import Event, Notification, ServiceArea, StaffImport, User


def _actor(request: HttpRequest) -> User:
    # PortalAdminSite lets only signed-in administrators in.
    assert isinstance(request.user, User)
    return request.user


class EventLoggingAdmin(admin.ModelAdmin):
    """Writes an event row for every change an administrator saves or deletes (SPEC AUD-2), in
    the admin's own transaction, as the portal's services do for every other change."""

    def changes(self, actor: User, before: Any, after: Any) -> list[audit.Change]:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = type(obj).objects.filter(pk=obj.pk).first() if change else None
        changes = self.changes(_actor(request), before, obj)
        if changes:
            # Marks the history row as told by the event, as governance.history does.
            obj._change_reason = f"{EVENT_MARK}{changes[0].action}"
        try:
            super().save_model(request, obj, form, change)
        finally:
            obj.__dict__.pop("_change_reason", None)
        audit.record_changes(actor=_actor(request), subject=obj, changes=changes)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record_changes(
            actor=_actor(request),
            subject=obj,
            changes=audit.removal(actor=_actor(request), subject=obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit.record_changes(
                actor=_actor(request),
                subject=obj,
                changes=audit.removal(actor=_actor(request), subject=obj),
            )
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(EventLoggingAdmin, SimpleHistoryAdmin, BaseUserAdmin):
    ordering = ["full_name"]
    list_display = [
        "full_name",
        "email",
        "job_title",
        "service_area",
        "line_manager",
        "leaving_date",
    ]
    list_filter = ["service_area", "groups", "is_superuser"]
    search_fields = ["full_name", "email", "employee_number"]
    list_select_related = ["service_area", "line_manager"]
    autocomplete_fields = ["line_manager"]
    readonly_fields = ["leaver_recorded_at", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Staff record",
            {
                "fields": (
                    "full_name",
                    "employee_number",
                    "job_title",
                    "service_area",
                    "line_manager",
                    "leaving_date",
                    "leaver_recorded_at",
                )
            },
        ),
        ("Roles", {"fields": ("groups", "is_superuser", "is_staff", "is_active")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "full_name", "password1", "password2")}),)
    filter_horizontal = ["groups"]

    def changes(self, actor: User, before: Any, after: Any) -> list[audit.Change]:
        return audit.person_changes(actor=actor, before=before, after=after)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        person = form.instance
        before = set(person.groups.values_list("name", flat=True))
        super().save_related(request, form, formsets, change)
        after = set(person.groups.values_list("name", flat=True))
        audit.record_changes(
            actor=_actor(request),
            subject=person,
            changes=audit.person_groups_change(
                actor=_actor(request), person=person, before=before, after=after
            ),
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            person = self.get_object(request, unquote(id))
            if person is not None:
                audit.password_changed_in_admin(actor=_actor(request), person=person)
        return response


@admin.register(ServiceArea)
class ServiceAreaAdmin(EventLoggingAdmin, SimpleHistoryAdmin):
    list_display = ["name", "code", "head"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["head"]

    def changes(self, actor: User, before: Any, after: Any) -> list[audit.Change]:
        return audit.service_area_changes(actor=actor, before=before, after=after)


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(BaseAuthenticatorAdmin):
    """Administrators may remove a person's lost authenticator, never add or edit its secret."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        assert isinstance(obj, Authenticator)
        self._record_removal(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for authenticator in queryset.select_related("user"):
            self._record_removal(request, authenticator)
        super().delete_queryset(request, queryset)

    def _record_removal(self, request: HttpRequest, authenticator: Authenticator) -> None:
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return
        audit.record_changes(
            actor=_actor(request),
            subject=authenticator.user,
            changes=audit.removal(actor=_actor(request), subject=authenticator),
        )


@admin.register(StaffImport)
class StaffImportAdmin(ReadOnlyAdmin):
    list_display = ["filename", "imported_at", "imported_by", "created", "updated", "leavers"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "occurred_at", "actor", "action", "summary"]
    list_filter = ["action"]
    search_fields = ["summary", "action"]
    list_select_related = ["actor"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["subject", "recipient", "created_at", "sent_at", "attempts"]
    list_select_related = ["recipient"]
    search_fields = ["subject", "recipient__email"]
