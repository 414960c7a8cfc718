"""The register: accounts with their history, moderators and declarations."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from typing import Any

from fill.base import AREAS, DOMAIN, YEARS, Base


class Register(Base):
    def register(self) -> None:
        from accounts.models import AccessModel, Account, AccountStatus, Platform, TwoFactorMethod

        rng = self.rng
        platforms = [value for value in Platform.values if value != Platform.OTHER]
        labels = dict(Platform.choices)
        statuses = [
            (AccountStatus.ACTIVE, 0.78),
            (AccountStatus.BEING_SET_UP, 0.05),
            (AccountStatus.SUSPENDED, 0.04),
            (AccountStatus.CLOSED, 0.10),
            (AccountStatus.UNAPPROVED, 0.03),
        ]
        self.accounts: list[Any] = []
        for n in range(self.n):
            draw, status = rng.random(), AccountStatus.ACTIVE
            for value, share in statuses:
                if draw < share:
                    status = value
                    break
                draw -= share
            area = self.areas[n % len(self.areas)]
            created = self.at(self.days_ago(40, YEARS * 365))
            if status == AccountStatus.BEING_SET_UP:
                created = self.at(self.days_ago(2, 60))
            platform = platforms[n % len(platforms)]
            open_ = status not in (AccountStatus.CLOSED,)
            account = Account(
                id=self.ids.take(Account),
                platform=platform,
                name=f"{AREAS[n % len(AREAS)]} {labels[platform]} {n:05d}",
                handle=f"@bench{n:06d}",
                url=f"https://{platform}.example/bench{n:06d}",
                service_area_id=area,
                responsible_officer_id=rng.choice(self.staff_in[area]),
                status=status,
                access_model=AccessModel.SHARED_LOGIN if n % 3 else AccessModel.INDIVIDUAL_ROLES,
                credentials_location="Keeper > Social media > " + f"bench{n:06d}",
                recovery_email=f"social{n % 50}@{DOMAIN}",
                recovery_phone="" if n % 4 else "01632 960000",
                recovery_phone_council_owned=not n % 4,
                two_factor_method=TwoFactorMethod.AUTHENTICATOR_APP
                if n % 5
                else TwoFactorMethod.SMS,
                secure_sessions_enabled=bool(n % 7),
                recovery_plan_tested_on=self.days_ago(0, 500) if n % 6 else None,
                review_cadence_months=3,
                next_review_due=(
                    self.today + datetime.timedelta(days=rng.randint(-60, 90)) if open_ else None
                ),
                published=status == AccountStatus.ACTIVE and rng.random() < 0.7,
                discovered_how="Found by a search of the platform."
                if status == AccountStatus.UNAPPROVED
                else "",
                created_at=created,
                branding_approved_by_id=self.comms if status != AccountStatus.UNAPPROVED else None,
                branding_approved_at=created if status != AccountStatus.UNAPPROVED else None,
            )
            account.updated_at = self.now
            self.accounts.append(account)
        self.closed_on: dict[int, datetime.date] = {}

    def account_history(self) -> None:
        """Each account's history: made, then activated, sometimes suspended, closed."""
        from accounts.models import Account, AccountStatus

        rng = self.rng
        for account in self.accounts:
            created = account.created_at
            first = (
                AccountStatus.UNAPPROVED
                if account.status == AccountStatus.UNAPPROVED
                else AccountStatus.BEING_SET_UP
            )
            self.hist(Account, account, created, user=self.comms, status=first, published=False)
            self.event(
                created,
                self.comms,
                "account.created",
                account,
                f"{account.name} was added to the register",
            )
            if account.status in (AccountStatus.BEING_SET_UP, AccountStatus.UNAPPROVED):
                continue
            span = max((self.now - created).days, 4)
            activated = created + datetime.timedelta(days=rng.randint(1, min(30, span - 2)))
            self.hist(Account, account, activated, "~", self.comms, status=AccountStatus.ACTIVE)
            self.event(
                activated, self.comms, "account.activated", account, f"{account.name} is active"
            )
            left = (self.now - activated).days
            if left > 60 and rng.random() < 0.15:
                # Suspended for a while and back again.
                stop = activated + datetime.timedelta(days=rng.randint(1, left // 2))
                self.hist(
                    Account,
                    account,
                    stop,
                    "~",
                    self.comms,
                    status=AccountStatus.SUSPENDED,
                    published=False,
                )
                back = stop + datetime.timedelta(days=rng.randint(1, 20))
                self.hist(Account, account, back, "~", self.comms, status=AccountStatus.ACTIVE)
                activated = back
                left = (self.now - activated).days
            if account.status in (AccountStatus.SUSPENDED, AccountStatus.CLOSED):
                when = activated + datetime.timedelta(days=rng.randint(1, max(left - 1, 1)))
                when = min(when, self.now - datetime.timedelta(hours=1))
                self.hist(Account, account, when, "~", self.comms)
                self.event(
                    when,
                    self.comms,
                    f"account.{account.status}",
                    account,
                    f"{account.name} is {account.status}",
                )
                if account.status == AccountStatus.CLOSED:
                    self.closed_on[account.id] = when.date()

    def moderators(self) -> None:
        from accounts.models import AccountStatus
        from moderation.models import AssignmentState, ModeratorAssignment

        rng = self.rng
        self.account_history()
        pools = {
            area: people[: max(3, int(len(people) * 0.15))]
            for area, people in self.staff_in.items()
        }
        requester = self.roles["requester"]
        self.assignments: list[Any] = []
        self.person_assignments: dict[int, list[Any]] = defaultdict(list)
        for index, account in enumerate(self.accounts):
            area = account.service_area_id
            count = 3 if index % 2 == 0 else 2
            people = rng.sample(pools[area], count)
            if area == self.areas[0] and index < 40 * len(self.areas) and requester not in people:
                people[0] = requester
            start_from = account.created_at.date()
            closed = self.closed_on.get(account.id)
            for person in people:
                starts = start_from + datetime.timedelta(days=rng.randint(0, 30))
                starts = min(starts, self.today)
                state = AssignmentState.ACTIVE
                ends = None
                draw = rng.random()
                if closed or (account.status == AccountStatus.UNAPPROVED and draw < 0.1):
                    state, ends = AssignmentState.ENDED, closed or self.today
                elif draw < 0.07:
                    state = AssignmentState.ENDED
                elif draw < 0.12 or account.status == AccountStatus.BEING_SET_UP:
                    state = AssignmentState.AWAITING_DECLARATION
                elif draw < 0.14:
                    state = AssignmentState.SUSPENDED
                if person == requester and state != AssignmentState.ACTIVE:
                    state, ends = AssignmentState.ACTIVE, None
                if state == AssignmentState.ENDED and ends is None:
                    days = max((self.today - starts).days, 1)
                    ends = starts + datetime.timedelta(days=rng.randint(1, days))
                    if rng.random() < 0.3 and self.leavers_in[area]:
                        person = rng.choice(self.leavers_in[area])
                        if person in people:
                            continue
                        ends = max(min(self.leaving[person], self.today), starts)
                if ends is not None:
                    ends = max(ends, starts)
                assignment = ModeratorAssignment(
                    id=self.ids.take(ModeratorAssignment),
                    account_id=account.id,
                    person_id=person,
                    state=state,
                    starts_on=starts,
                    ends_on=ends,
                    granted_by_id=self.comms,
                    reason="Ended" if ends else "",
                    created_at=self.at(starts),
                )
                self.assignments.append(assignment)
                self.person_assignments[person].append(assignment)
                first_state = AssignmentState.ACTIVE if state == AssignmentState.ENDED else state
                self.hist(
                    ModeratorAssignment,
                    assignment,
                    assignment.created_at,
                    user=self.comms,
                    state=first_state,
                    ends_on=None,
                )
                if ends is not None:
                    self.hist(ModeratorAssignment, assignment, self.at(ends), "~", self.comms)
        self.assignment_by_id = {a.id: a for a in self.assignments}
        # Saved after the accounts, which are saved after the requests that approved them.

    def declarations(self) -> None:
        from declarations.models import Declaration

        rng = self.rng
        people = sorted(self.person_assignments)
        # 5% of moderators are new and have not signed yet.
        signers = [pk for pk in people if rng.random() >= 0.05 or pk == self.roles["requester"]]
        target = 10 * self.n
        each, extra = divmod(target, max(len(signers), 1))
        rows = []
        self.lapsed: set[int] = set()
        for index, person in enumerate(signers):
            count = each + (1 if index < extra else 0)
            latest = self.days_ago(0, 400)
            if person == self.roles["requester"]:
                latest = self.days_ago(0, 100)
            days = [latest]
            for _ in range(count - 1):
                days.append(days[-1] - datetime.timedelta(days=rng.randint(330, 365)))
            days.reverse()
            for position, day in enumerate(days):
                signed = self.at(day)
                later = days[position + 1] if position + 1 < len(days) else None
                version = None
                for effective, pk, content_hash, statements in self.versions:
                    if effective <= day:
                        version = (pk, content_hash, statements)
                lapses = day + datetime.timedelta(days=365)
                lapsed_at = None
                if later is None and lapses <= self.today and rng.random() < 0.85:
                    lapsed_at = self.at(lapses, 2)
                    self.lapsed.add(person)
                declaration = Declaration(
                    id=self.ids.take(Declaration),
                    person_id=person,
                    version_id=version[0] if version else None,
                    on_paper=version is None,
                    content_hash=version[1] if version else "",
                    signed_at=signed,
                    typed_name=self.names[person] if version else "",
                    statements=list(version[2]) if version else [],
                    questions_answered=version is not None,
                    verification_code=hashlib.sha256(f"{person}:{signed}".encode()).hexdigest()[:20]
                    if version
                    else "",
                    lapses_on=lapses,
                    superseded_at=self.at(later) if later else None,
                    lapsed_at=lapsed_at,
                )
                rows.append(declaration)
                self.hist(
                    Declaration,
                    declaration,
                    signed,
                    user=person,
                    superseded_at=None,
                    lapsed_at=None,
                )
        # Moderators whose declaration lapsed are suspended until they sign again.
        from moderation.models import AssignmentState, ModeratorAssignment

        for declaration in rows:
            if declaration.lapsed_at is None or declaration.person_id not in self.lapsed:
                continue
            for assignment in self.person_assignments[declaration.person_id]:
                if assignment.state == AssignmentState.ACTIVE and rng.random() < 0.7:
                    assignment.state = AssignmentState.SUSPENDED
                    when = max(declaration.lapsed_at, assignment.created_at)
                    self.hist(ModeratorAssignment, assignment, when, "~")
        self.save("declarations", Declaration, rows)
