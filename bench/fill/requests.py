"""Account requests with their approval steps, reviews, password changes and credential tasks."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from fill.base import Base


class Requests(Base):
    def requests(self) -> None:
        from accounts.models import (
            Account,
            AccountRequest,
            AccountStatus,
            ApprovalStep,
            RequestStatus,
            StepStatus,
        )
        from governance.models import StepKind
        from moderation.models import ModeratorAssignment

        rng = self.rng
        requests: list[Any] = []
        steps: list[Any] = []
        requester = self.roles["requester"]
        portal_start = self.today - datetime.timedelta(days=4 * 365)

        def make(
            status: str, area: int, person: int, created: datetime.datetime, account: Any = None
        ) -> None:
            request = AccountRequest(
                id=self.ids.take(AccountRequest),
                requester_id=person,
                status=status,
                platform=account.platform
                if account
                else rng.choice(["x", "facebook", "instagram", "youtube"]),
                proposed_name=account.name if account else f"New account {len(requests):05d}",
                proposed_handle=account.handle if account else f"@newbench{len(requests):05d}",
                service_area_id=area,
                purpose_audience="News and events for residents.",
                aims="To reach people where they already are.",
                other_channels="The council's website.",
                update_frequency="Daily, checked twice a day.",
                record_keeping="The management platform keeps every post.",
                created_at=created,
            )
            requests.append(request)
            self.hist(
                AccountRequest,
                request,
                created,
                user=person,
                status=RequestStatus.DRAFT,
                round=0,
                submitted_at=None,
                decided_at=None,
            )
            if status == RequestStatus.DRAFT:
                return
            submitted = created + datetime.timedelta(hours=rng.randint(1, 48))
            submitted = min(submitted, self.now - datetime.timedelta(hours=2))
            request.round = 1
            request.submitted_at = submitted
            self.hist(
                AccountRequest,
                request,
                submitted,
                "~",
                person,
                status=RequestStatus.SUBMITTED,
                decided_at=None,
            )
            self.event(
                submitted,
                person,
                "request.submitted",
                request,
                f"{request.proposed_name} was sent for approval",
            )
            head, comms = self.head_of[area], self.comms
            plan: list[tuple[str, int, str]]
            if status == RequestStatus.SUBMITTED:
                plan = rng.choice(
                    [
                        [
                            (StepKind.HEAD_OF_SERVICE, head, StepStatus.PENDING),
                            (StepKind.COMMUNICATIONS, comms, StepStatus.WAITING),
                        ],
                        [
                            (StepKind.HEAD_OF_SERVICE, head, StepStatus.APPROVED),
                            (StepKind.COMMUNICATIONS, comms, StepStatus.PENDING),
                        ],
                    ]
                )
            elif status == RequestStatus.APPROVED:
                plan = [
                    (StepKind.HEAD_OF_SERVICE, head, StepStatus.APPROVED),
                    (StepKind.COMMUNICATIONS, comms, StepStatus.APPROVED),
                ]
            elif status == RequestStatus.REJECTED:
                plan = [
                    (StepKind.HEAD_OF_SERVICE, head, StepStatus.APPROVED),
                    (StepKind.COMMUNICATIONS, comms, StepStatus.REJECTED),
                ]
            elif status == RequestStatus.RETURNED:
                plan = [
                    (StepKind.HEAD_OF_SERVICE, head, StepStatus.RETURNED),
                    (StepKind.COMMUNICATIONS, comms, StepStatus.CANCELLED),
                ]
            else:  # withdrawn
                plan = [
                    (StepKind.HEAD_OF_SERVICE, head, StepStatus.CANCELLED),
                    (StepKind.COMMUNICATIONS, comms, StepStatus.CANCELLED),
                ]
            moment = submitted
            for position, (kind, approver, step_status) in enumerate(plan, start=1):
                step = ApprovalStep(
                    id=self.ids.take(ApprovalStep),
                    request_id=request.id,
                    round=1,
                    position=position,
                    kind=kind,
                    status=step_status,
                )
                steps.append(step)
                if step_status == StepStatus.WAITING:
                    self.hist(ApprovalStep, step, moment, user=person)
                    continue
                step.activated_at = moment
                self.hist(ApprovalStep, step, moment, user=person, status=StepStatus.PENDING)
                if step_status in (StepStatus.PENDING, StepStatus.CANCELLED):
                    continue
                moment = min(
                    moment + datetime.timedelta(hours=rng.randint(2, 24 * 6)),
                    self.now - datetime.timedelta(hours=1),
                )
                step.decided_at = moment
                step.decided_by_id = approver
                step.branding_confirmed = kind == StepKind.COMMUNICATIONS
                step.comment = (
                    ""
                    if step_status == StepStatus.APPROVED
                    else "Please say more about the audience."
                )
                self.hist(ApprovalStep, step, moment, "~", approver)
                self.event(
                    moment,
                    approver,
                    f"request.step_{step_status}",
                    request,
                    f"{kind} {step_status}",
                )
            if status in (
                RequestStatus.APPROVED,
                RequestStatus.REJECTED,
                RequestStatus.RETURNED,
                RequestStatus.WITHDRAWN,
            ):
                if status == RequestStatus.WITHDRAWN:
                    moment = min(
                        moment + datetime.timedelta(hours=rng.randint(1, 72)),
                        self.now - datetime.timedelta(minutes=30),
                    )
                request.decided_at = moment
                self.hist(AccountRequest, request, moment, "~", person)
                self.event(
                    moment,
                    person,
                    f"request.{status}",
                    request,
                    f"{request.proposed_name}: {status}",
                )

        # Approved requests behind the accounts the portal set up (the last four years).
        for account in self.accounts:
            if (
                account.status == AccountStatus.UNAPPROVED
                or account.created_at.date() < portal_start
            ):
                continue
            if rng.random() < 0.6:
                area = account.service_area_id
                person = rng.choice(self.staff_in[area][: max(3, len(self.staff_in[area]) // 6)])
                if area == self.areas[0] and rng.random() < 0.2:
                    person = requester
                created = account.created_at - datetime.timedelta(days=rng.randint(8, 20))
                make(RequestStatus.APPROVED, area, person, created, account)
                requests[-1].decided_at = min(
                    requests[-1].decided_at or account.created_at, account.created_at
                )
                account.request_id = requests[-1].id
        # Requests still open, or that came to nothing.
        others = [
            (RequestStatus.SUBMITTED, 0.35),
            (RequestStatus.DRAFT, 0.15),
            (RequestStatus.RETURNED, 0.15),
            (RequestStatus.REJECTED, 0.2),
            (RequestStatus.WITHDRAWN, 0.15),
        ]
        for n in range(max(20, self.n // 8)):
            draw, status = rng.random(), RequestStatus.SUBMITTED
            for value, share in others:
                if draw < share:
                    status = value
                    break
                draw -= share
            area = self.areas[n % len(self.areas)]
            person = rng.choice(self.staff_in[area][: max(3, len(self.staff_in[area]) // 6)])
            if area == self.areas[0] and n % 3 == 0:
                person = requester
            recent = status in (
                RequestStatus.SUBMITTED,
                RequestStatus.DRAFT,
                RequestStatus.RETURNED,
            )
            created = self.at(self.days_ago(1, 60) if recent else self.days_ago(10, 4 * 365))
            make(status, area, person, created)
        # The register's history rows carry the request that approved each account.
        request_of = {account.id: account.request_id for account in self.accounts}
        for row in self.history[Account]:
            row["request_id"] = request_of[row["id"]]
        self.save("account requests", AccountRequest, requests)
        self.save("approval steps", ApprovalStep, steps)
        self.save("accounts", Account, self.accounts)
        self.save("moderator assignments", ModeratorAssignment, self.assignments)

    def reviews_and_passwords(self) -> None:
        from accounts.models import AccountReview, AccountStatus, ReviewOutcome
        from moderation.models import PasswordChange, PasswordChangeReason

        rng = self.rng
        moderators: dict[int, list[int]] = defaultdict(list)
        for assignment in self.assignments:
            moderators[assignment.account_id].append(assignment.person_id)
        reviews, changes = [], []
        reasons = [PasswordChangeReason.ROUTINE] * 6 + [
            PasswordChangeReason.MODERATOR_LEFT,
            PasswordChangeReason.LOST_DEVICE,
            PasswordChangeReason.OTHER,
        ]
        self.password_changes: dict[int, list[Any]] = defaultdict(list)
        for account in self.accounts:
            age = (self.today - account.created_at.date()).days
            if account.status not in (AccountStatus.BEING_SET_UP, AccountStatus.UNAPPROVED):
                for _ in range(rng.randint(0, 4)):
                    day = self.today - datetime.timedelta(days=rng.randint(1, max(age, 2)))
                    reviews.append(
                        AccountReview(
                            account_id=account.id,
                            reviewer_id=rng.choice(moderators[account.id]),
                            reviewed_on=day,
                            found_inappropriate=rng.random() < 0.1,
                            notes="Checked the last three months of posts.",
                            outcome=ReviewOutcome.CLOSE
                            if rng.random() < 0.03
                            else ReviewOutcome.KEEP,
                            created_at=self.at(day),
                        )
                    )
            for _ in range(rng.randint(1, 3)):
                day = self.today - datetime.timedelta(days=rng.randint(1, max(age, 2)))
                change = PasswordChange(
                    id=self.ids.take(PasswordChange),
                    account_id=account.id,
                    changed_on=day,
                    reason=rng.choice(reasons),
                    recorded_by_id=rng.choice(moderators[account.id]),
                    recorded_at=self.at(day),
                )
                changes.append(change)
                self.password_changes[account.id].append(change)
        self.save("account reviews", AccountReview, reviews)
        self.save("password changes", PasswordChange, changes)

    def credential_tasks(self) -> None:
        from accounts.models import AccessModel
        from moderation.models import (
            AssignmentState,
            CredentialTask,
            TaskCause,
            TaskKind,
            TaskState,
        )

        rng = self.rng
        account_by_id = {account.id: account for account in self.accounts}
        tasks = []
        for assignment in self.assignments:
            if assignment.state not in (AssignmentState.ENDED, AssignmentState.SUSPENDED):
                continue
            account = account_by_id[assignment.account_id]
            leaver = assignment.person_id in self.leaving
            cause = (
                TaskCause.LEAVER
                if leaver
                else (
                    TaskCause.SUSPENDED
                    if assignment.state == AssignmentState.SUSPENDED
                    else TaskCause.ASSIGNMENT_ENDED
                )
            )
            kind = (
                TaskKind.ROTATE
                if account.access_model == AccessModel.SHARED_LOGIN
                else TaskKind.REMOVE_ACCESS
            )
            day = assignment.ends_on or self.days_ago(0, 60)
            raised = self.at(day)
            recent = (self.today - day).days < 45
            state = (
                TaskState.OPEN
                if recent and rng.random() < 0.7
                else (TaskState.CANCELLED if rng.random() < 0.05 else TaskState.DONE)
            )
            task = CredentialTask(
                id=self.ids.take(CredentialTask),
                account_id=account.id,
                kind=kind,
                cause=cause,
                person_id=assignment.person_id,
                assignment_id=assignment.id,
                title=f"{dict(TaskKind.choices)[kind]} on {account.name}",
                why=f"{self.names[assignment.person_id]} no longer moderates it.",
                state=state,
                raised_at=raised,
                due_on=day + datetime.timedelta(days=rng.choice([1, 5, 14])),
                key=f"assignment:{assignment.id}",
            )
            self.hist(
                CredentialTask, task, raised, state=TaskState.OPEN, done_at=None, done_by_id=None
            )
            if state != TaskState.OPEN:
                done = min(
                    raised + datetime.timedelta(days=rng.randint(0, 10)),
                    self.now - datetime.timedelta(minutes=5),
                )
                task.done_at, task.done_by_id = done, self.comms
                task.done_note = "Done at the platform."
                if (
                    kind == TaskKind.ROTATE
                    and state == TaskState.DONE
                    and self.password_changes[account.id]
                ):
                    task.password_change_id = self.password_changes[account.id][0].id
                self.hist(CredentialTask, task, done, "~", self.comms)
            tasks.append(task)
        self.tasks = tasks
        self.save("credential tasks", CredentialTask, tasks)
