"""Pages of long lists that cost as much late in the list as early.

A page's keys are found first, sorted and filtered without the rest of the rows' columns and
figures; then only that page's rows are read. ``OFFSET`` otherwise works out every figure of
every row it skips, and a late page of a large register cost ten times the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from governance.snapshots import Snapshot


def _paginator(object_list: Any, per_page: int, count: int | None) -> Paginator[Any]:
    paginator = Paginator(object_list, per_page)
    if count is not None:
        # Counted already (or kept): the paginator does not count again.
        paginator.count = count
    return paginator


def key_page(
    rows: QuerySet[Any], number: str | int | None, per_page: int, *, count: int | None = None
) -> Page[Any]:
    """The page ``number`` of the keys of ``rows`` (its ``object_list`` is not read until
    asked)."""
    return _paginator(rows.values_list("pk", flat=True), per_page, count).get_page(number)


def kept_page(keys: list[Any], number: int, per_page: int, count: int) -> Page[Any]:
    """A page rebuilt from its keys and the list's count, as ``key_page`` found them."""
    return Page(keys, number, _paginator(keys, per_page, count))


def kept_key_page(
    snapshot: Snapshot,
    name: str,
    rows: QuerySet[Any],
    number: str | None,
    per_page: int,
    *scope: Any,
    count: int | None = None,
) -> Page[Any]:
    """``key_page``, its keys and the list's count kept until the next change in the portal
    (``snapshot``), for a list that costs more to sort and count than to show: the same for
    everyone who may see it, or told apart by ``scope`` (with the list's filters)."""

    def found() -> tuple[list[Any], int, int]:
        page = key_page(rows, number, per_page, count=count)
        return list(page), page.paginator.count, page.number

    keys, total, page_number = snapshot.get(name, found, *scope, number)
    return kept_page(keys, page_number, per_page, total)


def rows_for_keys(rows: QuerySet[Any], keys: Sequence[Any]) -> list[Any]:
    """The rows with these keys, in the keys' order (one gone since is left out)."""
    found = {row.pk: row for row in rows.filter(pk__in=keys)}
    return [found[key] for key in keys if key in found]


def page_by_keys(rows: QuerySet[Any], number: str | None, per_page: int) -> Page[Any]:
    """The page ``number`` of ``rows``: its keys first, then its rows."""
    page = key_page(rows, number, per_page)
    page.object_list = rows_for_keys(rows, list(page.object_list))
    return page
