"""Every URL pattern of the project, with example arguments, for the permission matrix."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern itself when the route has no name
    pattern: str
    params: tuple[str, ...]
    positional: int  # unnamed regex groups, such as simple-history's admin pages
    module: str


def _params(pattern: str) -> tuple[str, ...]:
    converters = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
    groups = re.findall(r"\(\?P<(\w+)>", pattern)
    return tuple(converters + groups)


def routes() -> Iterator[Route]:
    def walk(patterns: Sequence[object], prefix: str, namespace: str | None) -> Iterator[Route]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(
                    entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
                )
            elif isinstance(entry, URLPattern):
                pattern = prefix + str(entry.pattern)
                if entry.name:
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                else:
                    name = pattern
                positional = len(re.findall(r"\((?!\?)", pattern))
                yield Route(name, pattern, _params(pattern), positional, entry.callback.__module__)

    seen: set[str] = set()
    for route in walk(get_resolver().url_patterns, "", None):
        # A later pattern with the same name is shadowed by the first (auth/email/).
        if route.name not in seen:
            seen.add(route.name)
            yield route
