from typing import Any

from django.core.management.base import BaseCommand, CommandError

from governance.models import Event
from governance.services.events import events_verify_chain


class Command(BaseCommand):
    help = "Check that no event has been changed or removed since it was written."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = events_verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"The event log has {len(problems)} problem(s).")
        self.stdout.write(
            self.style.SUCCESS(f"The event log is intact: {Event.objects.count()} events.")
        )
