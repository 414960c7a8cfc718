"""Figures worked out once per change in the portal, not once per page.

Every change in the portal writes an event, and events are numbered in order (the chain head's
``seq``). A figure computed from the records therefore cannot change until the next event is
written or the day turns: the dashboard's counts and charts and the compliance statement are kept
in the shared cache under the latest event's number and the date, and worked out again only when
either moves on. A change made outside the portal (straight into the database) writes no event:
nothing is kept longer than ``TIMEOUT`` seconds, so such a change shows within that time.

The cache is a help, never a need: when Redis cannot be reached, the cache finds nothing
(governance/cache.py) and the figures are worked out afresh.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from governance.models import EventChainHead

T = TypeVar("T")
TIMEOUT = 15 * 60
_MISSING = object()
# What ``Snapshot.held`` keeps in this process: a figure's name, its token and its value.
_in_process: dict[str, tuple[str, Any]] = {}


class Snapshot:
    """The records as they stand at one page's request: read the event count once, then keep
    each figure under it."""

    def __init__(self) -> None:
        head = EventChainHead.objects.values_list("seq", flat=True).first()
        # Event numbers restart in every database: two portals (or test runs) sharing one
        # Redis must not read each other's figures.
        database = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()
        self.version = f"{database[:12]}:{head or 0}:{timezone.localdate().isoformat()}"

    def get(self, name: str, compute: Callable[[], T], *scope: Hashable) -> T:
        """``compute()``, or what it gave for the same ``name`` and ``scope`` (who is asking,
        for which period) since the last change."""
        key = self._key(name, scope)
        found: Any = cache.get(key, _MISSING)
        if found is not _MISSING:
            return found
        value = compute()
        cache.set(key, value, TIMEOUT)
        return value

    def held(self, name: str, compute: Callable[[], T]) -> T:
        """``get``, and held in this process as well until the next change, for a large figure
        read on every request (an index of every published account): fetching it from the
        cache and unpickling it would cost more than the request itself. Each value kept in
        the cache gets a token; this process uses what it holds while the cache still has the
        same token, so a cleared cache (or a new change) is never answered from memory."""
        mark = f"{self._key(name, ())}:token"
        token = cache.get(mark)
        held = _in_process.get(name)
        if token is not None and held is not None and held[0] == token:
            return held[1]
        value = self.get(name, compute)
        if token is None:
            cache.add(mark, secrets.token_hex(8), TIMEOUT)
            token = cache.get(mark)
        if token is not None:  # None: the cache cannot be reached, so nothing is held
            _in_process[name] = (token, value)
        return value

    def _key(self, name: str, scope: tuple[Hashable, ...]) -> str:
        # The scope may carry a list's filters as typed: hashed, so a key stays short and safe.
        scope_hash = hashlib.sha256("\x1f".join(map(str, scope)).encode()).hexdigest()[:32]
        return ":".join(["snapshot", name, scope_hash, self.version])

    def html(
        self, name: str, template: str, context: Callable[[], dict[str, Any]], *scope: Hashable
    ) -> SafeString:
        """``template`` rendered with ``context()``, kept like a figure: a page of charts costs
        its rendering once per change, not on every view. The template must draw only on what
        ``name`` and ``scope`` pin down (no request, no person but the one in ``scope``)."""
        return mark_safe(  # noqa: S308 - rendered by a template, which escaped it
            self.get(f"{name}-html", lambda: render_to_string(template, context()), *scope)
        )
