import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the current two-step code for the demo logins (from DEMO_TOTP_SECRET)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo codes are for a laptop: DEBUG is off.")
        step = 30
        remaining = step - int(time.time()) % step
        code = format_hotp_value(hotp_value(settings.DEMO_TOTP_SECRET, int(time.time()) // step))
        self.stdout.write(f"{code}  (valid for {remaining} more seconds)")
