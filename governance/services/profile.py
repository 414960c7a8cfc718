from __future__ import annotations

from typing import Any

from django.db import transaction

from governance import events
from governance.changes import record_change
from governance.errors import DomainError
from governance.models import PolicyProfile, Preset, User
from governance.presets import PRESETS, PROFILE_FIELDS, preset_values


def profile_get() -> PolicyProfile:
    """The council's policy profile; Manchester's preset until an administrator picks one."""
    profile = PolicyProfile.objects.filter(pk=1).first()
    if profile is None:
        profile, _ = PolicyProfile.objects.get_or_create(
            pk=1, defaults={"preset": Preset.MANCHESTER, **preset_values(Preset.MANCHESTER)}
        )
    return profile


def _describe(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in PROFILE_FIELDS if name in values}


def profile_apply_preset(*, actor: User, preset: str) -> PolicyProfile:
    if preset not in PRESETS:
        raise DomainError("Choose one of the councils' presets.")
    with transaction.atomic():
        profile_get()
        profile = PolicyProfile.objects.select_for_update().get(pk=1)
        values = preset_values(preset)
        for name, value in values.items():
            setattr(profile, name, value)
        profile.preset = preset
        profile.based_on = preset
        record_change(
            profile,
            actor=actor,
            action=events.PROFILE_PRESET_APPLIED,
            summary=f"Applied the {Preset(preset).label} preset to the policy profile",
            data=_describe(values),
        )
    return profile


def profile_update(*, actor: User, values: dict[str, Any], reason: str) -> PolicyProfile:
    """Adjust single values; the profile then counts as custom."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(f"These are not policy profile settings: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        profile_get()
        profile = PolicyProfile.objects.select_for_update().get(pk=1)
        changed = {name: value for name, value in values.items() if getattr(profile, name) != value}
        if not changed:
            return profile
        for name, value in changed.items():
            setattr(profile, name, value)
        if profile.preset in PRESETS and any(
            getattr(profile, name) != value for name, value in preset_values(profile.preset).items()
        ):
            profile.preset = Preset.CUSTOM
        record_change(
            profile,
            actor=actor,
            action=events.PROFILE_UPDATED,
            summary="Changed the policy profile: " + ", ".join(sorted(changed)),
            reason=reason,
            data=_describe(changed),
        )
    return profile
