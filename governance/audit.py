"""Event rows for changes made outside the portal's own services (SPEC AUD-2).

Two places change who can do what without going through a service: the Django admin (a
service area's Head of Service, a person's groups and administrator flag) and django-allauth's
sign-in settings (two-step verification, passwords). The admin calls ``record_changes`` from its
save and delete hooks; allauth's signals are received here, connected in ``GovernanceConfig``.
Action codes are in the past tense and never renamed once written.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.db import models
from django.http import HttpRequest

from governance.models import ServiceArea, User
from governance.services.events import event_record

MFA_ENABLED = "mfa.enabled"
MFA_REMOVED = "mfa.removed"
MFA_RECOVERY_CODES_REPLACED = "mfa.recovery_codes_replaced"
# Action codes, not passwords (ruff's S105 goes by the name).
PASSWORD_CHANGED = "password.changed"  # noqa: S105
PASSWORD_SET = "password.set"  # noqa: S105
PASSWORD_RESET = "password.reset"  # noqa: S105
PERSON_ADDED = "person.added"
PERSON_RECORD_CHANGED = "person.record_changed"
PERSON_GROUPS_CHANGED = "person.groups_changed"
PERSON_SUPERUSER_CHANGED = "person.superuser_changed"
PERSON_ACTIVE_CHANGED = "person.active_changed"
PERSON_REMOVED = "person.removed"
SERVICE_AREA_ADDED = "service_area.added"
SERVICE_AREA_HEAD_CHANGED = "service_area.head_changed"
SERVICE_AREA_CHANGED = "service_area.changed"
SERVICE_AREA_REMOVED = "service_area.removed"

IN_ADMIN = "in the administration pages"
# Staff record fields an administrator can change in the admin, besides the flags and groups.
PERSON_RECORD_FIELDS = (
    "email",
    "full_name",
    "employee_number",
    "job_title",
    "service_area",
    "line_manager",
    "leaving_date",
    "is_staff",
)
AUTHENTICATOR_NAMES = {
    Authenticator.Type.TOTP: "an authenticator app",
    Authenticator.Type.WEBAUTHN: "a security key",
}


@dataclass(frozen=True)
class Change:
    action: str
    summary: str
    data: dict[str, Any] = field(default_factory=dict)


def record_changes(*, actor: User, subject: models.Model, changes: list[Change]) -> None:
    for change in changes:
        event_record(
            actor=actor,
            action=change.action,
            subject=subject,
            summary=change.summary,
            data=change.data,
        )


def _field(name: str, instance: models.Model) -> models.Field[Any, Any]:
    field = instance._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _value(instance: models.Model, name: str) -> Any:
    """A field's value as JSON: the id for a link to another record, ISO text for a date."""
    value = getattr(instance, _field(name, instance).attname)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def person_changes(*, actor: User, before: User | None, after: User) -> list[Change]:
    """What an administrator changed on a person's record, flags apart from the rest."""
    if before is None:
        return [Change(PERSON_ADDED, f"{actor.full_name} added {after.full_name} {IN_ADMIN}")]
    changes = []
    if before.is_superuser != after.is_superuser:
        verb = "made" if after.is_superuser else "removed"
        role = "an administrator" if after.is_superuser else "as an administrator"
        changes.append(
            Change(
                PERSON_SUPERUSER_CHANGED,
                f"{actor.full_name} {verb} {after.full_name} {role} {IN_ADMIN}",
                {"is_superuser": [before.is_superuser, after.is_superuser]},
            )
        )
    if before.is_active != after.is_active:
        verb = "allowed" if after.is_active else "stopped"
        changes.append(
            Change(
                PERSON_ACTIVE_CHANGED,
                f"{actor.full_name} {verb} {after.full_name} signing in {IN_ADMIN}",
                {"is_active": [before.is_active, after.is_active]},
            )
        )
    changed = {
        name: [_value(before, name), _value(after, name)]
        for name in PERSON_RECORD_FIELDS
        if _value(before, name) != _value(after, name)
    }
    if changed:
        labels = ", ".join(str(_field(name, after).verbose_name) for name in changed)
        changes.append(
            Change(
                PERSON_RECORD_CHANGED,
                f"{actor.full_name} changed {after.full_name}'s {labels} {IN_ADMIN}",
                changed,
            )
        )
    return changes


def person_groups_change(
    *, actor: User, person: User, before: set[str], after: set[str]
) -> list[Change]:
    if before == after:
        return []
    added, removed = sorted(after - before), sorted(before - after)
    parts = []
    if added:
        parts.append(f"added {person.full_name} to {', '.join(added)}")
    if removed:
        parts.append(f"removed {person.full_name} from {', '.join(removed)}")
    return [
        Change(
            PERSON_GROUPS_CHANGED,
            f"{actor.full_name} {' and '.join(parts)} {IN_ADMIN}",
            {"added": added, "removed": removed},
        )
    ]


def _name(person: User | None) -> str:
    return person.full_name if person is not None else "nobody"


def service_area_changes(
    *, actor: User, before: ServiceArea | None, after: ServiceArea
) -> list[Change]:
    if before is None:
        return [
            Change(
                SERVICE_AREA_ADDED,
                f"{actor.full_name} added the service area {after.name} {IN_ADMIN}",
                {"head": after.head_id},
            )
        ]
    changes = []
    if before.head_id != after.head_id:
        changes.append(
            Change(
                SERVICE_AREA_HEAD_CHANGED,
                f"{actor.full_name} made {_name(after.head)} Head of Service of {after.name} "
                f"instead of {_name(before.head)} {IN_ADMIN}",
                {"head": [before.head_id, after.head_id]},
            )
        )
    changed = {
        name: [_value(before, name), _value(after, name)]
        for name in ("code", "name")
        if _value(before, name) != _value(after, name)
    }
    if changed:
        changes.append(
            Change(
                SERVICE_AREA_CHANGED,
                f"{actor.full_name} changed the {' and '.join(changed)} of the service area "
                f"{after.name} {IN_ADMIN}",
                changed,
            )
        )
    return changes


def removal(*, actor: User, subject: models.Model) -> list[Change]:
    if isinstance(subject, User):
        return [Change(PERSON_REMOVED, f"{actor.full_name} removed {subject.full_name} {IN_ADMIN}")]
    if isinstance(subject, ServiceArea):
        return [
            Change(
                SERVICE_AREA_REMOVED,
                f"{actor.full_name} removed the service area {subject.name} {IN_ADMIN}",
            )
        ]
    if isinstance(subject, Authenticator):
        return [_authenticator_removed(actor, subject)]
    return []


def _authenticator_removed(actor: User, authenticator: Authenticator) -> Change:
    person = authenticator.user
    what = AUTHENTICATOR_NAMES.get(authenticator.type, "two-step verification")
    if actor.pk == person.pk:
        summary = f"{person.full_name} removed two-step verification with {what}"
    else:
        summary = f"{actor.full_name} removed {person.full_name}'s two-step verification {IN_ADMIN}"
    return Change(MFA_REMOVED, summary, {"type": authenticator.type})


def _actor(request: HttpRequest | None, user: User) -> User:
    signed_in = getattr(request, "user", None)
    return signed_in if isinstance(signed_in, User) else user


# Recovery codes come and go with the authenticator app they back up, which is recorded itself.


def on_authenticator_added(
    sender: Any, request: HttpRequest | None, user: User, authenticator: Authenticator, **kw: Any
) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return
    what = AUTHENTICATOR_NAMES.get(authenticator.type, "two-step verification")
    event_record(
        actor=_actor(request, user),
        action=MFA_ENABLED,
        subject=user,
        summary=f"{user.full_name} set up two-step verification with {what}",
        data={"type": authenticator.type},
    )


def on_authenticator_removed(
    sender: Any, request: HttpRequest | None, user: User, authenticator: Authenticator, **kw: Any
) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return
    actor = _actor(request, user)
    record_changes(
        actor=actor, subject=user, changes=[_authenticator_removed(actor, authenticator)]
    )


def on_authenticator_reset(
    sender: Any, request: HttpRequest | None, user: User, authenticator: Authenticator, **kw: Any
) -> None:
    event_record(
        actor=_actor(request, user),
        action=MFA_RECOVERY_CODES_REPLACED,
        subject=user,
        summary=f"{user.full_name} replaced their two-step verification recovery codes",
        data={"type": authenticator.type},
    )


def _on_password(action: str, words: str) -> Callable[..., None]:
    """A receiver for one of allauth's password signals. A reset link is used by nobody signed
    in, so the person who received the e-mailed link is the actor."""

    def receiver(sender: Any, request: HttpRequest | None, user: User, **kw: Any) -> None:
        event_record(
            actor=_actor(request, user),
            action=action,
            subject=user,
            summary=f"{user.full_name} {words}",
        )

    receiver.__name__ = f"on_{action.replace('.', '_')}"
    return receiver


PASSWORD_RECEIVERS = (
    (password_changed, _on_password(PASSWORD_CHANGED, "changed their password")),
    (password_set, _on_password(PASSWORD_SET, "set a password")),
    (
        password_reset,
        _on_password(PASSWORD_RESET, "chose a new password with a reset link sent by e-mail"),
    ),
)


def password_changed_in_admin(*, actor: User, person: User) -> None:
    event_record(
        actor=actor,
        action=PASSWORD_CHANGED,
        subject=person,
        summary=f"{actor.full_name} changed {person.full_name}'s password {IN_ADMIN}",
    )


def connect() -> None:
    for signal, receiver in (
        (authenticator_added, on_authenticator_added),
        (authenticator_removed, on_authenticator_removed),
        (authenticator_reset, on_authenticator_reset),
        *PASSWORD_RECEIVERS,
    ):
        signal.connect(receiver, dispatch_uid=f"governance.audit.{receiver.__name__}")
