"""Staff, service areas, roles and the policy's versions."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict

from fill.base import AREAS, DOMAIN, FIRST, LAST, ROLE_GROUPS, YEARS, Base


class People(Base):
    def people(self) -> None:
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.models import Group

        from governance.models import ServiceArea, User

        rng = self.rng
        staff_total = max(10 * self.n, 200)
        area_count = max(6, self.n // 250)
        password = make_password(None)
        self.areas = [self.ids.take(ServiceArea) for _ in range(area_count)]
        user_ids = [self.ids.take(User) for _ in range(staff_total)]
        heads = user_ids[:area_count]
        manager_count = max(area_count, staff_total // 12)
        managers = user_ids[area_count : area_count + manager_count]
        staff = user_ids[area_count + manager_count :]
        self.area_of: dict[int, int] = {}
        self.manager_of: dict[int, int | None] = {}
        managers_in: dict[int, list[int]] = defaultdict(list)
        for index, pk in enumerate(heads):
            self.area_of[pk] = self.areas[index]
            self.manager_of[pk] = None
        for index, pk in enumerate(managers):
            area = self.areas[index % area_count]
            self.area_of[pk] = area
            self.manager_of[pk] = heads[index % area_count]
            managers_in[area].append(pk)
        for index, pk in enumerate(staff):
            area = self.areas[index % area_count]
            self.area_of[pk] = area
            self.manager_of[pk] = rng.choice(managers_in[area])
        self.head_of = dict(zip(self.areas, heads, strict=True))

        # The cast: the head, a line manager and a requester of the first area, and the rest
        # in other areas so that they are nobody's manager.
        area0 = self.areas[0]
        line_manager = managers_in[area0][0]
        reports = [pk for pk in staff if self.manager_of[pk] == line_manager]
        outside = [pk for pk in staff if self.area_of[pk] != area0]
        self.roles = {
            "head_of_service": heads[0],
            "line_manager": line_manager,
            "requester": reports[0],
            "communications": outside[0],
            "hr": outside[1],
            "auditor": outside[2],
            "policy_owner": outside[3],
            "legal": outside[4],
            "outsider": outside[5],
            "administrator": outside[6],
        }
        self.cast = set(self.roles.values()) - {reports[0]}
        self.comms = self.roles["communications"]
        email_of = {pk: f"{role}@{DOMAIN}" for role, pk in self.roles.items()}

        leaving: dict[int, datetime.date] = {}
        for pk in staff:
            if pk in self.cast or pk == reports[0]:
                continue
            draw = rng.random()
            if draw < 0.03:
                leaving[pk] = self.days_ago(10, 3 * 365)
            elif draw < 0.035:
                leaving[pk] = self.today + datetime.timedelta(days=rng.randint(1, 60))
        self.leavers = [pk for pk, day in leaving.items() if day < self.today]
        self.leaving = leaving
        self.names: dict[int, str] = {}
        head_set, manager_set = set(heads), set(managers)
        users = []
        for pk in user_ids:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            self.names[pk] = name
            joined = self.at(self.days_ago(30, 12 * 365))
            left = leaving.get(pk)
            title = (
                "Head of Service"
                if pk in head_set
                else ("Team manager" if pk in manager_set else "Officer")
            )
            user = User(
                id=pk,
                email=email_of.get(pk, f"person{pk}@{DOMAIN}"),
                password=password,
                full_name=name,
                employee_number=f"E{pk:07d}",
                job_title=title,
                service_area_id=self.area_of[pk],
                line_manager_id=self.manager_of[pk],
                leaving_date=left,
                leaver_recorded_at=self.at(left) if left and left < self.today else None,
                is_staff=pk == self.roles["administrator"],
                is_superuser=pk == self.roles["administrator"],
                date_joined=joined,
            )
            users.append(user)
            self.hist(User, user, joined, leaving_date=None, leaver_recorded_at=None)
            if left and left < self.today:
                self.hist(User, user, self.at(left), "~")
        areas = [
            ServiceArea(
                id=pk,
                code=f"area-{index:03d}",
                name=f"{AREAS[index % len(AREAS)]}"
                + (f" {index // len(AREAS) + 1}" if index >= len(AREAS) else ""),
                head_id=self.head_of[pk],
            )
            for index, pk in enumerate(self.areas)
        ]
        for row in areas:
            self.hist(
                ServiceArea, row, self.at(self.today - datetime.timedelta(days=YEARS * 365 + 30))
            )
        self.save("service areas", ServiceArea, areas)
        self.save("staff", User, users)
        groups = {group.name: group.pk for group in Group.objects.all()}
        through = User.groups.through
        self.save(
            "role memberships",
            through,
            [
                through(user_id=self.roles[role], group_id=groups[name])
                for role, name in ROLE_GROUPS.items()
            ],
        )
        self.staff = [pk for pk in staff if pk not in self.cast and pk not in leaving]
        self.staff_in: dict[int, list[int]] = defaultdict(list)
        for pk in self.staff:
            self.staff_in[self.area_of[pk]].append(pk)
        self.leavers_in: dict[int, list[int]] = defaultdict(list)
        for pk in self.leavers:
            self.leavers_in[self.area_of[pk]].append(pk)

    def policy(self) -> None:
        from declarations.models import PolicyVersion, Question, VersionState

        owner = self.roles["policy_owner"]
        self.versions: list[tuple[datetime.date, int, str, list[str]]] = []
        rows = []
        count = YEARS - 1
        for index in range(count):
            effective = self.today - datetime.timedelta(days=(count - index) * 365 - 200)
            statements = [
                f"I have read version {index + 1}.0 of the social media policy.",
                "I will not share the account's sign-in details.",
                "I will report anything that goes wrong straight away.",
            ]
            text = f"# Social media policy\n\nVersion {index + 1}.0.\n\n" + "Clause text. " * 200
            content_hash = hashlib.sha256((text + json.dumps(statements)).encode()).hexdigest()
            published = self.at(effective - datetime.timedelta(days=7))
            latest = index == count - 1
            version = PolicyVersion(
                id=self.ids.take(PolicyVersion),
                title="Social media policy",
                version=f"{index + 1}.0",
                effective_on=effective,
                review_due_on=effective + datetime.timedelta(days=365),
                text=text,
                statements=statements,
                state=VersionState.PUBLISHED if latest else VersionState.RETIRED,
                content_hash=content_hash,
                published_at=published,
                published_by_id=owner,
                retired_at=None if latest else self.at(effective + datetime.timedelta(days=358)),
                created_by_id=owner,
                created_at=published - datetime.timedelta(days=20),
            )
            rows.append(version)
            self.versions.append((effective, version.id, content_hash, statements))
            self.hist(
                PolicyVersion,
                version,
                version.created_at,
                user=owner,
                state="draft",
                published_at=None,
                retired_at=None,
            )
            self.hist(
                PolicyVersion, version, published, "~", owner, state="published", retired_at=None
            )
            if not latest and version.retired_at:
                self.hist(PolicyVersion, version, version.retired_at, "~")
        self.save("policy versions", PolicyVersion, rows)
        self.save(
            "questions",
            Question,
            [
                Question(
                    version_id=rows[-1].id,
                    order=n,
                    text=f"Question {n + 1} about the policy?",
                    correct_answer="The right answer",
                    wrong_answers=["A wrong answer", "Another wrong answer"],
                    clause=f"Section {n + 1}",
                )
                for n in range(3)
            ],
        )
