"""What an import tells people: the report of a finished import, and why one was refused.

Each refusal is a list of RowProblem (line 0 is the whole file), shown line by line on the
upload page and by the import_staff command.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from governance.models import StaffImport


@dataclass
class RowProblem:
    line: int
    message: str


class ImportRejected(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class LeaversNeedConfirmation(ImportRejected):
    """A complete feed would record more leavers than it may without their number confirmed."""

    def __init__(self, *, leavers: int, staff: int, names: list[str], confirmed: int | None):
        message = (
            f"The file is marked as the complete staff list, so the {leavers:,} people in the "
            f"portal who are not in it (of {staff:,} current staff) would be recorded as leavers "
            "today."
        )
        if confirmed is not None:
            message += f" You confirmed {confirmed:,}, so nothing was imported."
        super().__init__([RowProblem(0, message)])
        self.leavers = leavers
        self.staff = staff
        self.names = names
        self.more = leavers - len(names)
        self.confirmed = confirmed


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    leavers: int = 0
    areas_created: int = 0
    areas_updated: int = 0
    heads_changed: int = 0
    addresses_fixed: int = 0
    record: StaffImport | None = field(default=None, repr=False)

    @property
    def changed_anything(self) -> bool:
        return any(
            (
                self.created,
                self.updated,
                self.leavers,
                self.areas_created,
                self.areas_updated,
                self.heads_changed,
                self.addresses_fixed,
            )
        )

    def summary(self, filename: str) -> str:
        """One line for the event log."""
        return (
            f"Imported {filename}: {self.created} new, {self.updated} changed, "
            f"{self.unchanged} unchanged, {self.leavers} leavers"
        )


def listed(items: list[str], *, most: int = 10) -> str:
    """'2, 3 and 4'; a long list ends 'and 40 more'."""
    if len(items) > most:
        return f"{', '.join(items[:most])} and {len(items) - most:,} more"
    return f"{', '.join(items[:-1])} and {items[-1]}" if len(items) > 1 else items[0]
