"""Import service areas and staff from the HR system's CSV export (SPEC ORG-2).

The whole file is checked before anything is written: one bad row and nothing is imported, and
the report lists every bad row with its line number and what is wrong with it. Rows are matched
on the HR employee number, so importing the same file again changes nothing. A complete feed
that would record many people as leavers waits for their number to be confirmed, and no file
may leave the portal without an administrator, or anybody in Communications or HR, able to sign
in. docs/staff-import.md describes the columns and the rules.

In the order an import runs:
- parse.py reads the CSV: the columns, and each line's values on their own;
- check.py checks across the file and the portal: duplicates, circles, an order to save in;
- safeguards.py checks what a correct file would do: mass leavers, roles left with nobody;
- apply.py writes it all in one transaction (import_staff is the entry point);
- report.py holds what an import tells people: ImportReport, and the refusals.
"""

from .apply import import_staff
from .check import parse_staff_csv
from .parse import MAX_ROWS, MAX_UPLOAD_ROWS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, StaffRow
from .report import ImportRejected, ImportReport, LeaversNeedConfirmation, RowProblem
from .safeguards import (
    LEAVERS_SHARE_WITHOUT_CONFIRMATION,
    LEAVERS_WITHOUT_CONFIRMATION,
    leavers_need_confirmation,
)

__all__ = [
    "LEAVERS_SHARE_WITHOUT_CONFIRMATION",
    "LEAVERS_WITHOUT_CONFIRMATION",
    "MAX_ROWS",
    "MAX_UPLOAD_ROWS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportRejected",
    "ImportReport",
    "LeaversNeedConfirmation",
    "RowProblem",
    "StaffRow",
    "import_staff",
    "leavers_need_confirmation",
    "parse_staff_csv",
]
