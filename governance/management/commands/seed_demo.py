from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from governance.demo import DOMAIN, LOGINS, default_secrets_refused, seed_organisation
from governance.seeding import run_app_seeders


class Command(BaseCommand):
    help = "Create or refresh the demo council, with one login per role. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if default_secrets_refused():
            raise CommandError(
                "DEBUG is off: set DEMO_PASSWORD and DEMO_TOTP_SECRET to values of your own "
                "before seeding."
            )
        with transaction.atomic():
            people = seed_organisation(
                password=settings.DEMO_PASSWORD, totp_secret=settings.DEMO_TOTP_SECRET
            )
            lines = run_app_seeders()
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo council ready: {len(people)} logins."))
        for login in LOGINS:
            self.stdout.write(f"  {login}@{DOMAIN}")
