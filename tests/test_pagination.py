"""The pagination under every long list: the first and last pages, two either side of the
current one, and an ellipsis for what is left out, however many pages there are."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from governance.templatetags.portal import page_items


def _page(number: int, pages: int) -> SimpleNamespace:
    return SimpleNamespace(number=number, paginator=SimpleNamespace(num_pages=pages))


@pytest.mark.parametrize(
    ("number", "pages", "shown"),
    [
        (1, 1, [1]),
        (1, 2, [1, 2]),
        (1, 6, [1, 2, 3, None, 6]),
        (4, 7, [1, 2, 3, 4, 5, 6, 7]),
        (5, 9, [1, None, 3, 4, 5, 6, 7, None, 9]),
        (50, 415, [1, None, 48, 49, 50, 51, 52, None, 415]),
        (415, 415, [1, None, 413, 414, 415]),
    ],
)
def test_the_pages_offered_are_the_ends_and_two_either_side(
    number: int, pages: int, shown: list[int | None]
) -> None:
    assert page_items(_page(number, pages)) == shown


def test_a_million_pages_cost_what_ten_do() -> None:
    # Only the numbers shown are looked at: the register of a shared service has thousands of
    # pages, and each was once a loop in the template.
    assert page_items(_page(500_000, 1_000_000)) == [
        1, None, 499_998, 499_999, 500_000, 500_001, 500_002, None, 1_000_000
    ]  # fmt: skip
