"""What changed between two versions of the policy (DEC-1: publishing shows the difference from
the version before).

The text is compared line by line as the Policy owner typed it, blank lines aside (they only
separate paragraphs in Markdown); the statements one by one. Long runs of unchanged lines are
collapsed to a count, with a few lines of context kept either side of each change.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

from declarations.models import PolicyVersion, VersionState

CONTEXT = 2


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Row:
    change: Change
    line: str = ""
    skipped: int = 0  # for SKIPPED: how many unchanged lines are not shown


@dataclass(frozen=True)
class Difference:
    before: PolicyVersion | None
    text: list[Row]
    statements: list[Row]

    @property
    def text_changed(self) -> bool:
        return _changed(self.text)

    @property
    def statements_changed(self) -> bool:
        return _changed(self.statements)


def _changed(rows: list[Row]) -> bool:
    return any(row.change in (Change.ADDED, Change.REMOVED) for row in rows)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def rows(before: list[str], after: list[str], *, context: int = CONTEXT) -> list[Row]:
    """Each line added, removed or unchanged, in reading order; unchanged runs longer than the
    context either side of a change become one SKIPPED row."""
    every: list[Row] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            every += [Row(Change.UNCHANGED, line) for line in before[a_start:a_end]]
            continue
        every += [Row(Change.REMOVED, line) for line in before[a_start:a_end]]
        every += [Row(Change.ADDED, line) for line in after[b_start:b_end]]
    return _collapse(every, context)


def _collapse(every: list[Row], context: int) -> list[Row]:
    shown: list[Row] = []
    run: list[Row] = []
    for row in [*every, None]:
        if row is not None and row.change == Change.UNCHANGED:
            run.append(row)
            continue
        at_start, at_end = len(shown) == 0, row is None
        keep_before = 0 if at_start else context
        keep_after = 0 if at_end else context
        if len(run) > keep_before + keep_after + 1:
            hidden = len(run) - keep_before - keep_after
            shown += run[:keep_before]
            shown.append(Row(Change.SKIPPED, skipped=hidden))
            shown += run[len(run) - keep_after :] if keep_after else []
        else:
            shown += run
        run = []
        if row is not None:
            shown.append(row)
    return shown


def version_before(version: PolicyVersion) -> PolicyVersion | None:
    """What a version is compared with: for a draft, the version published now; for a published
    or retired version, the one published before it."""
    published = PolicyVersion.objects.exclude(published_at__isnull=True)
    if version.state == VersionState.DRAFT or version.published_at is None:
        return published.filter(state=VersionState.PUBLISHED).first()
    return (
        published.filter(published_at__lt=version.published_at)
        .exclude(pk=version.pk)
        .order_by("-published_at", "-pk")
        .first()
    )


def difference(version: PolicyVersion) -> Difference:
    before = version_before(version)
    old_text = before.text if before else ""
    old_statements = list(before.statements) if before else []
    return Difference(
        before=before,
        text=rows(_lines(old_text), _lines(version.text)),
        statements=rows(old_statements, list(version.statements)),
    )
