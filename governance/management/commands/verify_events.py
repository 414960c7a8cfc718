from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance.models import Event
from governance.services.events import (
    Checkpoint,
    CheckpointInvalid,
    events_verify_chain,
    events_verify_checkpoint,
)

# A rewritten log can break every row after the first change: say so without a line for each.
SHOWN = 20


class Command(BaseCommand):
    help = (
        "Check that no event has been changed or removed since it was written, and, given "
        "checkpoints that auditors kept, that no event they counted has been removed since."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="A checkpoint file downloaded or e-mailed from the portal (may be repeated).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = events_verify_chain()
        checked = []
        for name in options["checkpoint"]:
            try:
                checkpoint = Checkpoint.parse(Path(name).read_text(encoding="utf-8"))
            except OSError as error:
                problems.append(f"{name}: cannot read the checkpoint ({error.strerror}).")
                continue
            except (CheckpointInvalid, UnicodeDecodeError) as error:
                problems.append(f"{name}: {error}")
                continue
            problems += events_verify_checkpoint(checkpoint)
            checked.append(checkpoint)
        if problems:
            for problem in problems[:SHOWN]:
                self.stderr.write(problem)
            if len(problems) > SHOWN:
                self.stderr.write(f"... and {len(problems) - SHOWN} more.")
            raise CommandError(f"The event log has {len(problems)} problem(s).")
        self.stdout.write(
            self.style.SUCCESS(f"The event log is intact: {Event.objects.count()} events.")
        )
        for checkpoint in checked:
            self.stdout.write(
                f"It holds every event the checkpoint of {checkpoint.when} counted "
                f"({checkpoint.count}, up to #{checkpoint.seq})."
            )
