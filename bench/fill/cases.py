"""Incidents, abuse cases, lost devices, breach records and notifications."""

from __future__ import annotations

import datetime

from fill.base import Base


class Cases(Base):
    def incidents(self) -> None:
        from moderation.models import BreachRisk, Incident, IncidentKind, IncidentState

        rng = self.rng
        kinds = IncidentKind.values
        rows = []
        for n in range(self.n // 2):
            assignment = self.assignments[rng.randrange(len(self.assignments))]
            reporter = assignment.person_id
            recent = rng.random() < 0.08
            day = self.days_ago(0, 45) if recent else self.days_ago(10, 6 * 365)
            reported = self.at(day)
            kind = kinds[n % len(kinds)]
            incident = Incident(
                id=self.ids.take(Incident),
                kind=kind,
                reporter_id=reporter,
                reporter_line_manager_id=self.manager_of.get(reporter),
                account_id=assignment.account_id,
                happened_on=day,
                what_happened="A post went out that should not have.",
                actions=["removed", "line_manager"],
                personal_data="Names and addresses" if kind == IncidentKind.DATA_BREACH else "",
                people_affected=3 if kind == IncidentKind.DATA_BREACH else None,
                found_at=reported if kind == IncidentKind.DATA_BREACH else None,
                risk=BreachRisk.UNSURE if kind == IncidentKind.DATA_BREACH else "",
                state=IncidentState.OPEN if recent else IncidentState.CLOSED,
                reported_at=reported,
            )
            self.hist(Incident, incident, reported, user=reporter, state=IncidentState.OPEN)
            if not recent:
                closed = reported + datetime.timedelta(days=rng.randint(1, 20))
                incident.closed_at, incident.closed_by_id = closed, self.comms
                incident.outcome = "Dealt with; the moderator was reminded of the policy."
                self.hist(Incident, incident, closed, "~", self.comms)
            rows.append(incident)
        self.incident_rows = rows
        self.save("incidents", Incident, rows)

    def abuse_cases(self) -> None:
        from moderation.models import AbuseCase, AbuseCategory, CaseState, CaseStep, StepKind

        rng = self.rng
        cases, steps = [], []
        categories = AbuseCategory.values
        legal = self.roles["legal"]
        for n in range(max(10, self.n * 3 // 20)):
            account = self.accounts[rng.randrange(len(self.accounts))]
            author = f"@troll{rng.randint(0, self.n // 10 + 5)}"
            recent = rng.random() < 0.12
            day = self.days_ago(0, 40) if recent else self.days_ago(10, 5 * 365)
            opened = self.at(day)
            case = AbuseCase(
                id=self.ids.take(AbuseCase),
                account_id=account.id,
                platform_key=account.platform,
                author_handle=author,
                author_key=author.lstrip("@").casefold(),
                post_url=f"https://{account.platform}.example/post/{n}",
                categories=[categories[n % len(categories)]],
                description="An abusive reply to a council post.",
                state=CaseState.OPEN if recent else CaseState.CLOSED,
                opened_by_id=self.comms,
                opened_at=opened,
            )
            self.hist(AbuseCase, case, opened, user=self.comms, state=CaseState.OPEN)
            ladder = [StepKind.SCREENSHOT, StepKind.WARNING, StepKind.REMOVED]
            if n % 5 == 0:
                ladder.append(StepKind.LEGAL_CONSULTED)
            for offset, kind in enumerate(ladder[: rng.randint(1, len(ladder))]):
                happened = day + datetime.timedelta(days=offset)
                steps.append(
                    CaseStep(
                        case_id=case.id,
                        kind=kind,
                        happened_on=min(happened, self.today),
                        note="Recorded.",
                        recorded_by_id=legal if kind == StepKind.LEGAL_CONSULTED else self.comms,
                        recorded_at=self.at(min(happened, self.today)),
                    )
                )
            if not recent:
                case.closed_at = opened + datetime.timedelta(days=rng.randint(1, 30))
                case.closed_by_id = self.comms
                case.outcome = "The author was warned and the post removed."
                self.hist(AbuseCase, case, case.closed_at, "~", self.comms)
            cases.append(case)
        self.cases = cases
        self.save("abuse cases", AbuseCase, cases)
        self.save("abuse case steps", CaseStep, steps)

    def devices(self) -> None:
        from moderation.models import DeviceKind, DeviceLoss, DeviceReport, ReportState

        rng = self.rng
        reports, links = [], []
        through = DeviceReport.accounts.through
        for _ in range(max(5, self.n // 50)):
            assignment = self.assignments[rng.randrange(len(self.assignments))]
            recent = rng.random() < 0.1
            day = self.days_ago(0, 20) if recent else self.days_ago(20, 4 * 365)
            report = DeviceReport(
                id=self.ids.take(DeviceReport),
                reporter_id=assignment.person_id,
                device_kind=rng.choice(DeviceKind.values),
                loss=rng.choice(DeviceLoss.values),
                lost_on=day,
                state=ReportState.OPEN if recent else ReportState.CLOSED,
                reported_at=self.at(day),
            )
            self.hist(
                DeviceReport,
                report,
                report.reported_at,
                user=assignment.person_id,
                state=ReportState.OPEN,
            )
            if not recent:
                report.closed_at = report.reported_at + datetime.timedelta(days=rng.randint(1, 7))
                report.closed_by_id = self.comms
                self.hist(DeviceReport, report, report.closed_at, "~", self.comms)
            reports.append(report)
            links.append(through(devicereport_id=report.id, account_id=assignment.account_id))
        self.save("device reports", DeviceReport, reports)
        self.save("device report accounts", through, links)

    def breaches(self) -> None:
        from breaches.models import BreachOutcome, BreachRecord, BreachState

        rng = self.rng
        hr = self.roles["hr"]
        rows = []
        for n in range(max(10, self.n // 20)):
            incident = self.incident_rows[rng.randrange(len(self.incident_rows))]
            person = incident.reporter_id or self.staff[n]
            draw = rng.random()
            state = (
                BreachState.CLOSED
                if draw < 0.75
                else (BreachState.INVESTIGATING if draw < 0.9 else BreachState.RECEIVED)
            )
            created = incident.reported_at + datetime.timedelta(days=1)
            record = BreachRecord(
                id=self.ids.take(BreachRecord),
                person_id=person,
                what_happened="Posted something the policy does not allow.",
                policy_version_id=self.versions[-1][1],
                clauses="4.2",
                incident_id=incident.id,
                reported_by_id=self.roles["line_manager"] if n % 4 == 0 else hr,
                raised_as_concern=n % 4 == 0,
                hr_case_reference=f"HR-{n:05d}",
                state=state,
                created_at=created,
            )
            self.hist(BreachRecord, record, created, user=hr, state=BreachState.RECEIVED)
            if state == BreachState.CLOSED:
                record.outcome = rng.choice(BreachOutcome.values)
                record.closed_at = min(
                    created + datetime.timedelta(days=rng.randint(5, 60)), self.now
                )
                record.closed_by_id = hr
                self.hist(BreachRecord, record, record.closed_at, "~", hr)
            rows.append(record)
        self.save("breach records", BreachRecord, rows)

    def notifications(self) -> None:
        from governance.models import Notification

        rows = []
        for role, pk in self.roles.items():
            for n in range(60):
                created = self.at(self.days_ago(0, 400))
                rows.append(
                    Notification(
                        recipient_id=pk,
                        key=f"bench:{role}:{n}",
                        subject=f"Something for you to do ({n})",
                        body="A reminder from the portal.",
                        url="/",
                        created_at=created,
                        sent_at=created,
                    )
                )
        # Moderators with a declaration due are reminded.
        for n, person in enumerate(self.staff[: self.n]):
            created = self.at(self.days_ago(0, 30))
            rows.append(
                Notification(
                    recipient_id=person,
                    key=f"bench:declaration:{n}",
                    subject="Your declaration is due",
                    body="Please sign the social media policy again.",
                    url="/declarations/",
                    created_at=created,
                    sent_at=created,
                )
            )
        self.save("notifications", Notification, rows)
