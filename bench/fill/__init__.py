"""A large council's data, generated part by part (bench/generate.py is the entry point)."""

from __future__ import annotations

import time

from fill.base import Base
from fill.cases import Cases
from fill.people import People
from fill.register import Register
from fill.requests import Requests


class Generator(People, Register, Requests, Cases, Base):
    def run(self) -> dict[str, int]:
        began = time.perf_counter()
        steps = [
            self.people,
            self.policy,
            self.register,
            self.moderators,
            self.declarations,
            self.requests,
            self.reviews_and_passwords,
            self.credential_tasks,
            self.incidents,
            self.abuse_cases,
            self.devices,
            self.breaches,
            self.notifications,
            self.write_history,
            self.write_events,
            self.reset_sequences,
        ]
        for step in steps:
            step()
            self.say(f"  {step.__name__:22} {time.perf_counter() - began:6.1f} s")
        return self.counts
