from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from governance import events
from governance.changes import record_change
from governance.errors import DomainError
from governance.models import PolicyProfile, Preset, User
from governance.presets import PRESETS, PROFILE_FIELDS, preset_values

# The profile as read once in this request (ProfileMemoMiddleware): a page reads it from
# several places (its view, each to-do provider, the rules), which cost a query each. Outside a
# request (tasks, commands, tests calling services) nothing is kept: each call reads it afresh.
_memo: ContextVar[list[PolicyProfile] | None] = ContextVar("policy_profile_memo", default=None)


@contextmanager
def profile_memo() -> Iterator[None]:
    """Read the profile at most once inside this block, until it is saved again."""
    token = _memo.set([])
    try:
        yield
    finally:
        _memo.reset(token)


def _forget(**kwargs: Any) -> None:
    kept = _memo.get()
    if kept is not None:
        kept.clear()


# Any save of the profile (the services below, the admin, a fixture) is seen at once.
post_save.connect(_forget, sender=PolicyProfile, dispatch_uid="policy_profile_memo_save")
post_delete.connect(_forget, sender=PolicyProfile, dispatch_uid="policy_profile_memo_delete")


def _read() -> PolicyProfile:
    profile = PolicyProfile.objects.filter(pk=1).first()
    if profile is None:
        profile, _ = PolicyProfile.objects.get_or_create(
            pk=1, defaults={"preset": Preset.MANCHESTER, **preset_values(Preset.MANCHESTER)}
        )
    return profile


def profile_get() -> PolicyProfile:
    """The council's policy profile; Manchester's preset until an administrator picks one.

    Each call answers its own copy: a caller may change it (a bound form writes its answers onto
    its instance) without the rest of the page seeing the unsaved values.
    """
    kept = _memo.get()
    if kept is None:
        return _read()
    if not kept:
        kept.append(_read())
    return copy.deepcopy(kept[0])


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
