from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance.services.staff_import import (
    LEAVERS_WITHOUT_CONFIRMATION,
    ImportRejected,
    LeaversNeedConfirmation,
    import_staff,
)


class Command(BaseCommand):
    help = (
        "Import service areas and staff from the HR system's CSV export. Nothing is imported "
        "unless every row is right, nor when it would leave no administrator, or nobody in "
        "Communications or HR, able to sign in; see docs/staff-import.md for the columns."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--complete-feed",
            action="store_true",
            help="The file lists everyone: record anyone missing from it as a leaver today.",
        )
        parser.add_argument(
            "--confirm-leavers",
            type=int,
            metavar="N",
            help=(
                f"With --complete-feed: go ahead although more than {LEAVERS_WITHOUT_CONFIRMATION} "
                "people, or more than a tenth of current staff, would be recorded as leavers, "
                "provided N is exactly that number."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if options["confirm_leavers"] is not None and not options["complete_feed"]:
            raise CommandError("--confirm-leavers goes with --complete-feed.")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            report = import_staff(
                data=data,
                filename=path.name,
                actor=None,
                complete_feed=options["complete_feed"],
                confirm_leavers=options["confirm_leavers"],
            )
        except LeaversNeedConfirmation as pending:
            self.stderr.write(f"{path.name}: {pending.problems[0].message}")
            for name in pending.names:
                self.stderr.write(f"  {name}")
            if pending.more:
                self.stderr.write(f"  and {pending.more:,} more")
            raise CommandError(
                "Nothing was imported. If the file really lists everyone, run the command again "
                f"with --confirm-leavers {pending.leavers}."
            ) from None
        except ImportRejected as rejected:
            for problem in rejected.problems:
                where = f"line {problem.line}" if problem.line else "file"
                self.stderr.write(f"{path.name}, {where}: {problem.message}")
            raise CommandError(
                f"Nothing was imported: {len(rejected.problems)} problem(s) in {path.name}."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.rows} staff from {path.name}: {report.created} new, "
                f"{report.updated} changed, {report.unchanged} unchanged, "
                f"{report.leavers} recorded as leavers, {report.areas_created} new service areas."
            )
        )
