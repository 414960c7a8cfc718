from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as BaseAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from allauth.socialaccount.admin import SocialAccountAdmin as BaseSocialAccountAdmin
from allauth.socialaccount.admin import SocialAppAdmin as BaseSocialAppAdmin
from allauth.socialaccount.admin import SocialTokenAdmin as BaseSocialTokenAdmin
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from governance import audit, roles
from governance.history import marked_for_event
from governance.models import Event, Notification, ServiceArea, StaffImport, User


def _actor(request: HttpRequest) -> User:
    # PortalAdminSite lets only signed-in administrators in.
    assert isinstance(request.user, User)
    return request.user


class EventLoggingAdmin(admin.ModelAdmin):
    """Writes an event row for every change an administrator saves or deletes (SPEC AUD-2), in
    the admin's own transaction, as the portal's services do for every other change."""

    # The rule that says, as event rows, what an administrator's save changed
    # (audit.person_changes, audit.service_area_changes); RecordAdmin diffs its fields instead.
    change_rule: Callable[..., list[audit.Change]]

    def changes(self, actor: User, before: Any, after: Any) -> list[audit.Change]:
        return type(self).change_rule(actor=actor, before=before, after=after)

    def removal(self, actor: User, obj: Any) -> list[audit.Change]:
        return audit.removal(actor=actor, subject=obj)

    def subject(self, obj: Any) -> Model:
        """The record whose timeline the event belongs on."""
        assert isinstance(obj, Model)
        return obj

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = type(obj).objects.filter(pk=obj.pk).first() if change else None
        changes = self.changes(_actor(request), before, obj)
        with marked_for_event(obj, action=changes[0].action if changes else None):
            super().save_model(request, obj, form, change)
        audit.record_changes(actor=_actor(request), subject=self.subject(obj), changes=changes)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record_changes(
            actor=_actor(request),
            subject=self.subject(obj),
            changes=self.removal(_actor(request), obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit.record_changes(
                actor=_actor(request),
                subject=self.subject(obj),
                changes=self.removal(_actor(request), obj),
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
    change_rule = staticmethod(audit.person_changes)

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
    change_rule = staticmethod(audit.service_area_changes)


# Groups give the portal's roles, and allauth's records say who can sign in as whom: a change
# to either is recorded like a change to a person. Codes are past tense, never renamed.
GROUP_ADDED = "group.added"
GROUP_CHANGED = "group.changed"
GROUP_REMOVED = "group.removed"
EMAIL_ADDRESS_ADDED = "email_address.added"
EMAIL_ADDRESS_CHANGED = "email_address.changed"
EMAIL_ADDRESS_REMOVED = "email_address.removed"
SOCIAL_ACCOUNT_ADDED = "social_account.added"
SOCIAL_ACCOUNT_CHANGED = "social_account.changed"
SOCIAL_ACCOUNT_REMOVED = "social_account.removed"
SOCIAL_TOKEN_ADDED = "social_token.added"  # noqa: S105 - an action code, not a token
SOCIAL_TOKEN_CHANGED = "social_token.changed"  # noqa: S105
SOCIAL_TOKEN_REMOVED = "social_token.removed"  # noqa: S105
SOCIAL_APP_ADDED = "social_app.added"
SOCIAL_APP_CHANGED = "social_app.changed"
SOCIAL_APP_REMOVED = "social_app.removed"
# Written down as "changed", never with their values: the event log is no place for secrets.
VALUE_NOT_WRITTEN = "changed"


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


class RecordAdmin(EventLoggingAdmin):
    """An event row for each record added, changed or removed: which fields changed, with
    their old and new values except for secrets."""

    action_added: str
    action_changed: str
    action_removed: str
    fields_logged: tuple[str, ...]
    secret_fields: tuple[str, ...] = ()

    def describe(self, obj: Any) -> str:
        """How the summary names the record; each admin below words it for its records."""
        return f"the {obj._meta.verbose_name} {obj}"

    def values(self, obj: Any) -> dict[str, Any]:
        return {
            name: _json(getattr(obj, obj._meta.get_field(name).attname))
            for name in self.fields_logged
        }

    def changes(self, actor: User, before: Any, after: Any) -> list[audit.Change]:
        if before is None:
            summary = f"{actor.full_name} added {self.describe(after)} {audit.IN_ADMIN}"
            return [audit.Change(self.action_added, summary, self.public_values(after))]
        old, new = self.values(before), self.values(after)
        changed = {
            name: VALUE_NOT_WRITTEN if name in self.secret_fields else [old[name], new[name]]
            for name in self.fields_logged
            if old[name] != new[name]
        }
        if not changed:
            return []
        labels = ", ".join(str(after._meta.get_field(name).verbose_name) for name in changed)
        summary = (
            f"{actor.full_name} changed the {labels} of {self.describe(after)} {audit.IN_ADMIN}"
        )
        return [audit.Change(self.action_changed, summary, changed)]

    def removal(self, actor: User, obj: Any) -> list[audit.Change]:
        summary = f"{actor.full_name} removed {self.describe(obj)} {audit.IN_ADMIN}"
        return [audit.Change(self.action_removed, summary, self.public_values(obj))]

    def public_values(self, obj: Any) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.values(obj).items()
            if name not in self.secret_fields
        }


def role_group_refusal(names: list[str], doing: str) -> str:
    if len(names) == 1:
        return (
            f"The {names[0]} group cannot be {doing}: the portal gives the {names[0]} role to "
            "the people in the group of that name, so everyone in it would lose the role. To "
            "change who has the role, change the groups on their staff records."
        )
    return (
        f"The {', '.join(names[:-1])} and {names[-1]} groups cannot be {doing}: the portal "
        "gives each of these "
        "roles to the people in the group of that name, so everyone in them would lose their "
        "role. To change who has a role, change the groups on their staff records."
    )


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "permissions"]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        # self.instance still holds the saved name here: the form copies its answers later.
        if self.instance.pk and self.instance.name in roles.GROUPS and name != self.instance.name:
            raise forms.ValidationError(role_group_refusal([self.instance.name], "renamed"))
        return name


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(RecordAdmin, BaseGroupAdmin):
    """Who holds each role is the membership of a group named in governance.roles: renaming or
    deleting one of those would take the role away from everyone in it, so both are refused."""

    form = GroupForm
    action_added, action_changed, action_removed = GROUP_ADDED, GROUP_CHANGED, GROUP_REMOVED
    fields_logged = ("name",)
    actions = ["delete_selected"]

    def describe(self, obj: Any) -> str:
        return f"the group {obj.name}"

    def removal(self, actor: User, obj: Any) -> list[audit.Change]:
        members = sorted(obj.user_set.values_list("pk", flat=True))
        summary = (
            f"{actor.full_name} removed the group {obj.name}, which {len(members)} "
            f"{'person was' if len(members) == 1 else 'people were'} in, {audit.IN_ADMIN}"
        )
        return [audit.Change(GROUP_REMOVED, summary, {"name": obj.name, "members": members})]

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        group = form.instance
        before = _permission_names(group)
        super().save_related(request, form, formsets, change)
        after = _permission_names(group)
        if before == after:
            return
        added, removed = sorted(after - before), sorted(before - after)
        audit.record_changes(
            actor=_actor(request),
            subject=group,
            changes=[
                audit.Change(
                    GROUP_CHANGED,
                    f"{_actor(request).full_name} changed the permissions of the group "
                    f"{group.name} {audit.IN_ADMIN}",
                    {"permissions": {"added": added, "removed": removed}},
                )
            ],
        )

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        group = self.get_object(request, unquote(object_id))
        if group is not None and group.name in roles.GROUPS:
            self.message_user(request, role_group_refusal([group.name], "deleted"), messages.ERROR)
            return redirect("admin:auth_group_change", group.pk)
        return super().delete_view(request, object_id, extra_context)

    @admin.action(
        permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s")
    )
    def delete_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        kept = sorted(queryset.filter(name__in=roles.GROUPS).values_list("name", flat=True))
        if kept:
            self.message_user(request, role_group_refusal(kept, "deleted"), messages.ERROR)
            return None
        return delete_selected(self, request, queryset)


def _permission_names(group: Group) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(RecordAdmin, BaseEmailAddressAdmin):
    """A person's e-mail addresses are how they sign in and reset their password."""

    action_added = EMAIL_ADDRESS_ADDED
    action_changed = EMAIL_ADDRESS_CHANGED
    action_removed = EMAIL_ADDRESS_REMOVED
    fields_logged = ("user", "email", "verified", "primary")

    def describe(self, obj: Any) -> str:
        return f"{obj.user.full_name}'s e-mail address {obj.email}"

    def subject(self, obj: Any) -> Model:
        return obj.user

    def make_verified(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        unverified = list(queryset.filter(verified=False).values_list("pk", flat=True))
        super().make_verified(request, queryset)
        for address in EmailAddress.objects.filter(pk__in=unverified, verified=True):
            audit.record_changes(
                actor=_actor(request),
                subject=address.user,
                changes=[
                    audit.Change(
                        EMAIL_ADDRESS_CHANGED,
                        f"{_actor(request).full_name} marked {self.describe(address)} as "
                        f"verified {audit.IN_ADMIN}",
                        {"verified": [False, True]},
                    )
                ],
            )

    make_verified.short_description = BaseEmailAddressAdmin.make_verified.short_description  # type: ignore[attr-defined]


admin.site.unregister(SocialAccount)


@admin.register(SocialAccount)
class SocialAccountAdmin(RecordAdmin, BaseSocialAccountAdmin):
    """A linked Microsoft account signs its holder in as the person it is linked to."""

    action_added = SOCIAL_ACCOUNT_ADDED
    action_changed = SOCIAL_ACCOUNT_CHANGED
    action_removed = SOCIAL_ACCOUNT_REMOVED
    fields_logged = ("user", "provider", "uid", "extra_data")
    secret_fields = ("extra_data",)

    def describe(self, obj: Any) -> str:
        return f"{obj.user.full_name}'s {obj.provider} sign-in (account {obj.uid})"

    def subject(self, obj: Any) -> Model:
        return obj.user


admin.site.unregister(SocialToken)


@admin.register(SocialToken)
class SocialTokenAdmin(RecordAdmin, BaseSocialTokenAdmin):
    action_added = SOCIAL_TOKEN_ADDED
    action_changed = SOCIAL_TOKEN_CHANGED
    action_removed = SOCIAL_TOKEN_REMOVED
    fields_logged = ("app", "account", "token", "token_secret", "expires_at")
    secret_fields = ("token", "token_secret")

    def describe(self, obj: Any) -> str:
        account = obj.account
        return f"a {account.provider} sign-in token of {account.user.full_name}"

    def subject(self, obj: Any) -> Model:
        return obj.account.user


admin.site.unregister(SocialApp)


@admin.register(SocialApp)
class SocialAppAdmin(RecordAdmin, BaseSocialAppAdmin):
    """Which Microsoft tenant and application the portal trusts to say who is signing in."""

    action_added = SOCIAL_APP_ADDED
    action_changed = SOCIAL_APP_CHANGED
    action_removed = SOCIAL_APP_REMOVED
    fields_logged = ("provider", "provider_id", "name", "client_id", "secret", "key", "settings")
    secret_fields = ("secret", "key", "settings")

    def describe(self, obj: Any) -> str:
        return f"the {obj.provider} sign-in application {obj.name}"


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
