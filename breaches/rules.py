"""Who may do what with breach records (HR-1, HR-2): HR alone reads and changes them. Being an
administrator gives nothing here: the rules ask for the HR group, never for superuser status.
Line managers and Communications raise a concern and learn only that it was received."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from governance import roles
from governance.models import User


def handles_breaches(user: Any, record: Any = None) -> bool:
    """HR (MSM 8.1: breaches are dealt with under the disciplinary procedure)."""
    return roles.is_hr(user)


def can_raise_concern(user: Any) -> bool:
    """Line managers and Communications (HR-2); HR records a breach itself."""
    return roles.is_communications(user) or roles.is_line_manager(user)


def can_raise_concern_about(user: Any, person: User) -> bool:
    """Communications about any member of staff; a line manager about their own team. Nobody
    raises a concern about themselves."""
    if not can_raise_concern(user) or person.pk == user.pk:
        return False
    return roles.is_communications(user) or person.line_manager_id == user.pk


def team_of(user: Any) -> QuerySet[User]:
    """The people a line manager picks from when raising a concern: their own team, still
    working here (``can_raise_concern_about``)."""
    return User.objects.filter(line_manager=user, is_active=True, leaver_recorded_at__isnull=True)
