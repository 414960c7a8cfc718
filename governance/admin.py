from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from governance.models import Event, Notification, ServiceArea, StaffImport, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
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


@admin.register(ServiceArea)
class ServiceAreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "head"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["head"]


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
