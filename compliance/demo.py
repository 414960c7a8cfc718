"""The demo council's last twelve months, for the dashboard's trend charts (issue 13; seed_demo).

The other apps' demo records mostly happen today: one request in each state, the tasks and
incidents still open. This adds what had happened before, spread over the year and all of it
finished, so that a Communications manager opening the dashboard sees months with something in
them: requests sent and turned down, returned, resent or withdrawn (none approved, since an
approval would add an account to today's register), moderators who covered an account for a
while and whose access was then removed, a colleague who left the council, lost devices, staff
incidents and public abuse cases, each closed some days later.

Everything goes through the services with their ``now``, as it would have happened on the day.
Today's figures stay as the other apps' demos leave them: nothing added here is still open, and
no password change recorded here is late enough to close one of today's tasks.

The story is told back from today, around the demo's records of today: a demo council seeded
weeks ago has moved on since (declarations lapsed, tasks raised), so it is left as it is.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import Account, AccountRequest, Platform
from accounts.rules import step_approvers
from accounts.selectors import current_step
from accounts.services.decisions import step_decide
from accounts.services.requests import (
    request_create_draft,
    request_save_draft,
    request_submit,
    request_withdraw,
)
from declarations.models import PolicyVersion
from declarations.services.signing import declaration_sign
from governance import seeding
from governance.models import User
from governance.services.staff_import import import_staff
from moderation.models import (
    AbuseCategory,
    BreachRisk,
    CredentialTask,
    DeviceKind,
    DeviceLoss,
    DeviceReport,
    Incident,
    IncidentAction,
    IncidentKind,
    PasswordChangeReason,
    StepKind,
    TaskCause,
    TaskKind,
)
from moderation.services.abuse import case_advice_record, case_close, case_open, case_step_record
from moderation.services.assignments import assignment_add, assignment_end
from moderation.services.credentials import password_change_record, task_complete
from moderation.services.devices import device_report_submit
from moderation.services.incidents import incident_close, incident_report

DOMAIN = "demo.council.example"
# The incidents added here (and the abuse cases) start their ``started_with`` with this: what a
# second run looks for.
MARK = "demo-history"
CERTIFICATE = b"%PDF-1.4\n% Data protection e-learning: completed\n"


def _person(local: str) -> User:
    return User.objects.get(email=f"{local}@{DOMAIN}")


def _on(days: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment in working hours, ``days`` days before today."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _day(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _seeded_recently() -> bool:
    """Whether the demo's records of today are from this week (its data breach was found this
    morning when it was seeded)."""
    breach = Incident.objects.filter(started_with="demo-breach").first()
    return breach is not None and timezone.now() - breach.reported_at < datetime.timedelta(days=7)


@seeding.register(order=50)
def seed_past_year() -> list[str]:
    if Incident.objects.filter(started_with__startswith=MARK).exists():
        return ["Demo history of the past year: already there."]
    if not _seeded_recently():
        return [
            "Demo history of the past year: not added, since the demo council was seeded more "
            "than a week ago. Seed it into an empty database to see a year of trends."
        ]
    comms = _person("comms")
    accounts = {account.name: account for account in Account.objects.all()}
    sent = _requests()
    tasks = CredentialTask.objects.count()
    _covers(comms, accounts)
    _leaver(comms, accounts)
    _lost_devices(comms, accounts)
    incidents = _incidents(comms, accounts)
    cases = _abuse_cases(comms, accounts)
    tasks = CredentialTask.objects.count() - tasks
    return [
        f"Demo history of the past year: {sent} requests sent and decided, {tasks} password "
        f"changes and access removals done, {incidents} incidents and {cases} public abuse cases "
        "closed."
    ]


# Requests ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PastRequest:
    """A request sent ``sent`` days ago, and what happened to it: each move (approve, return,
    reject, resend or withdraw) some days after the one before, with its words."""

    requester: str
    backup: str
    platform: str
    name: str
    handle: str
    sent: int
    moves: list[tuple[int, str, str]]
    corrected: dict[str, str] = field(default_factory=dict)  # the answers changed to resend


PAST_REQUESTS = [
    PastRequest(
        "kieran.doyle", "fiona.baker", Platform.TIKTOK, "Recycle Right Shorts",
        "@recyclerightshorts", 318,
        [
            (2, "approve", ""),
            (3, "approve", ""),
            (2, "reject", "Short videos can go on Recycle Right as reels: a second account would "
             "split the same followers."),
        ],
    ),
    PastRequest(
        "ellie.ward", "rory.campbell", Platform.X, "Housing Repairs", "@DemoRepairs", 287,
        [
            (1, "approve", ""),
            (3, "return", "Say who answers complaints about repairs in the evenings and at "
             "weekends."),
            (4, "resend", ""),
            (1, "approve", ""),
            (2, "reject", "Repair updates already reach tenants on Housing News; a second X "
             "account would split them."),
        ],
        corrected={
            "update_frequency": "Updates every weekday morning; the out-of-hours repairs team "
            "answers in the evenings and at weekends."
        },
    ),
    PastRequest(
        "tom.fletcher", "requester", Platform.INSTAGRAM, "Demo Fun Runs", "@DemoFunRuns", 296,
        [(2, "reject", "The fun runs are already on Leisure Centre Offers, which runners follow.")],
    ),
    PastRequest(
        "tom.fletcher", "requester", Platform.YOUTUBE, "Leisure Live", "DemoLeisureLive", 262,
        [
            (3, "approve", ""),
            (2, "withdraw", "The events will be streamed on the council's main channel "
             "instead."),
        ],
    ),
    PastRequest(
        "grace.hughes", "chloe.edwards", Platform.INSTAGRAM, "Library Reads",
        "@DemoLibraryReads", 228,
        [
            (4, "reject", "Reading lists suit the Demo Libraries page, which already reaches "
             "these readers."),
        ],
    ),
    PastRequest(
        "rory.campbell", "mei.chen", Platform.X, "Tenants' Voice", "@DemoTenantsVoice", 199,
        [
            (2, "approve", ""),
            (3, "return", "Say how replies will keep tenants' personal details out of public "
             "view."),
            (5, "withdraw", "Tenants' meetings will be announced on Housing News instead."),
        ],
    ),
    PastRequest(
        "kwame.mensah", "victor.novak", Platform.INSTAGRAM, "Working at Demo",
        "@WorkingAtDemo", 168,
        [
            (1, "approve", ""),
            (4, "approve", ""),
            (3, "reject", "Vacancies go on the jobs site now: the careers page on LinkedIn is "
             "winding down, not gaining a partner."),
        ],
    ),
    PastRequest(
        "fiona.baker", "sophie.turner", Platform.INSTAGRAM, "Demo Allotments",
        "@DemoAllotments", 134,
        [
            (2, "approve", ""),
            (3, "reject", "Allotment news can go on Demo Parks, which the same team runs."),
        ],
    ),
    PastRequest(
        "ellie.ward", "daniel.moss", Platform.INSTAGRAM, "Demo Homes", "@DemoHomesNews", 150,
        [
            (1, "approve", ""),
            (4, "reject", "New homes can wait for Housing News to be back: the housing team "
             "does not need a second account."),
        ],
    ),
    PastRequest(
        "owen.price", "ravi.kumar", Platform.TIKTOK, "Museum Minutes", "@demomuseumminutes", 104,
        [
            (2, "approve", ""),
            (3, "reject", "The museum blog closed because nobody had time to keep it up; a "
             "video account would need more time still."),
        ],
    ),
    PastRequest(
        "grace.hughes", "owen.price", Platform.YOUTUBE, "Library Storytime", "DemoStorytime", 92,
        [
            (1, "approve", ""),
            (2, "approve", ""),
            (2, "return", "Say how parents will agree to their children being filmed."),
            (6, "withdraw", "Storytime will not be filmed after all: parents preferred it "
             "that way."),
        ],
    ),
    PastRequest(
        "requester", "tom.fletcher", Platform.INSTAGRAM, "Swim Stars", "@DemoSwimStars", 76,
        [(1, "withdraw", "Sent too soon: the Swim School request covers these posts.")],
    ),
    PastRequest(
        "kieran.doyle", "sophie.turner", Platform.YOUTUBE, "Recycling How-tos",
        "DemoRecyclingHowTos", 47,
        [
            (2, "approve", ""),
            (2, "approve", ""),
            (3, "return", "Say who will answer the comments under the videos."),
            (2, "resend", ""),
            (1, "approve", ""),
            (2, "approve", ""),
            (2, "reject", "We are trying short how-to videos on the corporate account first: "
             "ask again in six months."),
        ],
        corrected={
            "update_frequency": "Two videos a month; Kieran and Sophie answer comments every "
            "weekday."
        },
    ),
    PastRequest(
        "kwame.mensah", "victor.novak", Platform.X, "Demo Apprentices", "@DemoApprentices", 38,
        [
            (2, "approve", ""),
            (3, "reject", "Apprenticeships are promoted through the careers service and the "
             "borough's schools."),
        ],
    ),
    PastRequest(
        "tom.fletcher", "chloe.edwards", Platform.LINKEDIN, "Leisure Volunteers",
        "demo-leisure-volunteers", 24,
        [
            (2, "approve", ""),
            (3, "reject", "Volunteer roles are advertised on the council's volunteering "
             "pages."),
        ],
    ),
]  # fmt: skip

# Decisions are made at different times of the working day.
HOURS = [(9, 40), (11, 15), (14, 30), (16, 5)]


def _requests() -> int:
    for past in PAST_REQUESTS:
        _past_request(past)
    return len(PAST_REQUESTS)


def _past_request(past: PastRequest) -> None:
    requester = _person(past.requester)
    sent_at = _on(past.sent, 9, 10)
    draft = request_create_draft(actor=requester, now=sent_at - datetime.timedelta(days=1))
    request = request_save_draft(
        actor=requester,
        request=draft,
        values={
            "platform": past.platform,
            "proposed_name": past.name,
            "proposed_handle": past.handle,
            "service_area": requester.service_area,
            "purpose_audience": f"News and events from {requester.service_area}, for the "
            "residents who use its services.",
            "aims": "To reach people who do not read the council's website or newsletters.",
            "other_channels": "The council website and the service's newsletter.",
            "update_frequency": "A few posts a week; comments checked every weekday.",
            "record_keeping": "A monthly export saved in the team's SharePoint site.",
            "budget_code": "GEN-1000",
            "training_completed_on": _day(past.sent + 30),
        },
        backup_officers=[_person(past.backup)],
        evidence=SimpleUploadedFile("data-protection-certificate.pdf", CERTIFICATE),
    )
    request = request_submit(actor=requester, request=request, now=sent_at)
    days = past.sent
    for index, (after, move, words) in enumerate(past.moves):
        days -= after
        hour, minute = HOURS[index % len(HOURS)]
        moment = _on(days, hour, minute)
        if move == "withdraw":
            request = request_withdraw(actor=requester, request=request, reason=words, now=moment)
        elif move == "resend":
            request = request_save_draft(actor=requester, request=request, values=past.corrected)
            request = request_submit(actor=requester, request=request, now=moment)
        else:
            request = _decide(request, move, words, moment)


def _decide(
    request: AccountRequest, decision: str, comment: str, now: datetime.datetime
) -> AccountRequest:
    step = current_step(request)
    assert step is not None
    return step_decide(
        actor=step_approvers(request, step.kind)[0],
        request=request,
        step_id=step.pk,
        decision=decision,
        comment=comment,
        branding_confirmed=True,
        now=now,
    )


# Moderators who covered an account for a while -----------------------------------------------

# Who covered which account, from and to (days ago), why, and who removed their access after:
# a moderator of the account removes a role; a shared password is changed and recorded.
COVERS = [
    ("grace.hughes", "Leisure Centre Offers", 305, 275,
     "Covers the offers while the leisure team recruits", "requester"),
    ("marcus.bell", "Recycle Right", 255, 196,
     "Helps with the recycling campaign", "kieran.doyle"),
    ("tom.fletcher", "Demo Parks", 178, 110,
     "Posts the events in the parks", "fiona.baker"),
    ("owen.price", "Demo Borough Council", 34, 21,
     "Covers the corporate account while Priya Shah is on leave", "comms"),
]  # fmt: skip


def _covers(comms: User, accounts: dict[str, Account]) -> None:
    for local, name, start, end, reason, remover in COVERS:
        assignment = assignment_add(
            actor=comms, account=accounts[name], person=_person(local), reason=reason,
            now=_on(start, 11),
        )  # fmt: skip
        assignment_end(
            assignment=assignment, actor=comms, reason="The cover came to an end",
            now=_on(end, 16, 30),
        )  # fmt: skip
        task = CredentialTask.objects.get(assignment=assignment)
        _finish(task, _person(remover), _on(end - 2, 10, 20), PasswordChangeReason.MODERATOR_LEFT)


def _finish(task: CredentialTask, actor: User, now: datetime.datetime, reason: str = "") -> None:
    """Do a task as it is done: a password change is recorded, anything else is marked done."""
    if task.kind == TaskKind.ROTATE:
        password_change_record(
            actor=actor,
            account=task.account,
            changed_on=timezone.localdate(now),
            reason=reason,
            for_task=task,
            now=now,
        )
        return
    notes = {
        TaskKind.REMOVE_ACCESS: "Removed their role in the page's settings.",
        TaskKind.SIGN_OUT: "Signed the device out of every session at the platform.",
        TaskKind.CUSTODY: "Moved the two-step codes and the recovery phone to a colleague's "
        "council phone.",
    }
    task_complete(actor=actor, task=task, note=notes[TaskKind(task.kind)], now=now)


# A colleague who left the council --------------------------------------------------------------

LEAVER = ("D0041", "natalie.fox", "Natalie Fox", "Sports Development Assistant", "leisure", "D0003")


def _staff_row(leaving_date: datetime.date | None) -> bytes:
    number, local, name, title, area, manager = LEAVER
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["employee_number", "email", "full_name", "job_title", "service_area_code",
         "line_manager_employee_number", "leaving_date"]
    )  # fmt: skip
    writer.writerow(
        [number, f"{local}@{DOMAIN}", name, title, area, manager,
         leaving_date.isoformat() if leaving_date else ""]
    )  # fmt: skip
    return out.getvalue().encode()


def _leaver(comms: User, accounts: dict[str, Account]) -> None:
    """Natalie Fox joined about six months ago, moderated two leisure accounts and left two
    months ago: HR's feed recorded her leaving, which ended her assignments and raised the tasks
    that removed her access, done within three days."""
    hr = _person("hr")
    import_staff(data=_staff_row(None), filename="hr-feed.csv", actor=hr, now=_on(172, 7))
    natalie = _person(LEAVER[1])
    version = PolicyVersion.objects.get(version="2.0")
    declaration_sign(
        person=natalie,
        version=version,
        ticked=range(len(version.statements)),
        typed_name=natalie.full_name,
        questions_answered=True,
        now=_on(146, 15),
    )
    for name in ("Leisure Centre Offers", "Demo Libraries"):
        assignment_add(
            actor=comms, account=accounts[name], person=natalie,
            reason="Posts the sports sessions and the reading challenge", now=_on(145, 11),
        )  # fmt: skip
    import_staff(data=_staff_row(_day(64)), filename="hr-feed.csv", actor=hr, now=_on(62, 7))
    tasks = CredentialTask.objects.filter(person=natalie, cause=TaskCause.LEAVER)
    for task in tasks.order_by("pk"):
        if task.kind == TaskKind.ROTATE:
            _finish(task, comms, _on(59, 15), PasswordChangeReason.MODERATOR_LEFT)
        else:
            _finish(task, _person("grace.hughes"), _on(61, 9, 30))


# Lost and stolen devices -----------------------------------------------------------------------

# Whose device, what kind, lost or stolen, the accounts it could open, how many days ago it was
# reported, and after how many days each of its tasks was done (in the order they were raised).
DEVICES = [
    ("ellie.ward", DeviceKind.PHONE, "council Samsung", DeviceLoss.LOST, ["Housing News"], 300,
     [1, 3]),
    ("kwame.mensah", DeviceKind.LAPTOP, "council laptop", DeviceLoss.STOLEN, ["Demo Careers"],
     212, [1, 2]),
    ("fiona.baker", DeviceKind.TABLET, "council iPad", DeviceLoss.STOLEN,
     ["Demo Parks", "Recycle Right"], 88, [1, 2, 1]),
]  # fmt: skip


def _lost_devices(comms: User, accounts: dict[str, Account]) -> None:
    for local, kind, description, loss, names, days, done_after in DEVICES:
        report, _ = device_report_submit(
            reporter=_person(local),
            device_kind=kind,
            device_description=description,
            loss=loss,
            lost_on=_day(days + 1),
            account_ids=[accounts[name].pk for name in names],
            held_second_factor=False,
            held_recovery_phone=False,
            now=_on(days, 8, 45),
        )
        tasks = list(report.tasks.order_by("pk"))
        assert len(tasks) == len(done_after), [task.title for task in tasks]
        for task, after in zip(tasks, done_after, strict=True):
            remover = comms
            if task.kind == TaskKind.SIGN_OUT and task.account.name == "Recycle Right":
                remover = _person("kieran.doyle")
            _finish(task, remover, _on(days - after, 14), PasswordChangeReason.LOST_DEVICE)
        report = DeviceReport.objects.get(pk=report.pk)
        assert report.closed_at is not None


# Staff incidents -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PastIncident:
    """An incident reported ``days`` ago and closed ``closed_after`` days later."""

    reporter: str
    kind: str
    account: str
    days: int
    what: str
    actions: list[str]
    closed_after: int
    outcome: str
    breach: dict[str, Any] = field(default_factory=dict)  # what a data breach report adds


PAST_INCIDENTS = [
    PastIncident(
        "kieran.doyle", IncidentKind.MISTAKEN_POST, "Recycle Right", 310,
        "The bank holiday collection days went out with last year's dates.",
        [IncidentAction.REMOVED, IncidentAction.TOLD_LINE_MANAGER],
        1, "Post corrected the same morning and a correction pinned for the week.",
    ),
    PastIncident(
        "kwame.mensah", IncidentKind.SUSPICIOUS_CONTENT, "Demo Careers", 270,
        "Replies under the graduate scheme post from a 'recruiter' offering council jobs for a "
        "fee.",
        [IncidentAction.REMOVED, IncidentAction.REPORTED_TO_PLATFORM],
        2, "Replies hidden and the profile reported to LinkedIn, which removed it.",
    ),
    PastIncident(
        "grace.hughes", IncidentKind.INAPPROPRIATE_CONTENT, "Demo Libraries", 243,
        "A scheduled post joked about overdue fines on the day the council announced it would "
        "stop charging them for children. Several readers complained.",
        [IncidentAction.REMOVED, IncidentAction.TOLD_COMMUNICATIONS],
        3, "Post removed and an apology posted. Scheduled posts are now checked against the "
        "council's announcements the day before.",
    ),
    # The compromise that got Housing News suspended (accounts/demo.py, 160 days ago).
    PastIncident(
        "rory.campbell", IncidentKind.COMPROMISED_ACCOUNT, "Housing News", 161,
        "The Housing News password was sent by e-mail to the printing agency, and the agency's "
        "mailbox was then taken over.",
        [IncidentAction.TOLD_LINE_MANAGER, IncidentAction.TOLD_COMMUNICATIONS],
        5, "Password changed the next morning and the account suspended until its recovery "
        "mailbox is replaced. The team has been reminded that passwords are shared through the "
        "password manager only.",
    ),
    PastIncident(
        "fiona.baker", IncidentKind.SUSPICIOUS_CONTENT, "Demo Parks", 131,
        "Comments under the fun day photos link to a page offering 'free council parking "
        "permits' that asks for card details.",
        [IncidentAction.REMOVED, IncidentAction.REPORTED_TO_PLATFORM],
        2, "Comments hidden and reported to Flickr; the links were blocked on the council's "
        "network.",
    ),
    PastIncident(
        "kwame.mensah", IncidentKind.DATA_BREACH, "Demo Careers", 96,
        "A photo of the recruitment fair showed the sign-in sheet on the table, with visitors' "
        "names and e-mail addresses readable when zoomed in.",
        [IncidentAction.REMOVED, IncidentAction.TOLD_LINE_MANAGER],
        2, "Photo removed within two hours. The data protection officer judged it unlikely to "
        "harm anyone, so it was not reported to the ICO; the six visitors were told.",
        {
            "personal_data": "Six visitors' names and e-mail addresses.",
            "people_affected": 6,
            "found_hours_before": 2,
            "risk": BreachRisk.UNLIKELY,
        },
    ),
    PastIncident(
        "tom.fletcher", IncidentKind.INAPPROPRIATE_CONTENT, "Leisure Centre Offers", 75,
        "The photo in the gym membership offer showed offensive graffiti on the wall behind the "
        "treadmills.",
        [IncidentAction.REMOVED, IncidentAction.TOLD_LINE_MANAGER],
        1, "Photo replaced the same day; the graffiti has been painted over.",
    ),
    PastIncident(
        "priya.shah", IncidentKind.MISTAKEN_POST, "Demo Borough Council", 29,
        "The road closure for the town centre market went out with the wrong weekend.",
        [IncidentAction.REMOVED, IncidentAction.TOLD_LINE_MANAGER],
        1, "Corrected within the hour; closures are now copied from the highways notice.",
    ),
]  # fmt: skip


def _incidents(comms: User, accounts: dict[str, Account]) -> int:
    for number, past in enumerate(PAST_INCIDENTS, start=1):
        reported = _on(past.days, 11, 30)
        breach = dict(past.breach)
        if breach:
            hours = breach.pop("found_hours_before")
            breach["found_at"] = reported - datetime.timedelta(hours=hours)
        incident, _ = incident_report(
            reporter=_person(past.reporter),
            kind=past.kind,
            account=accounts[past.account],
            happened_on=_day(past.days),
            what_happened=past.what,
            actions=past.actions,
            started_with=f"{MARK}-{number}",
            now=reported,
            **breach,
        )
        # A compromised account's password is changed the next morning (MOD-5).
        for task in incident.tasks.all():
            _finish(task, comms, _on(past.days - 1, 9, 15), PasswordChangeReason.COMPROMISE)
        closed = _on(past.days - past.closed_after, 15, 45)
        incident_close(actor=comms, incident=incident, outcome=past.outcome, now=closed)
    return len(PAST_INCIDENTS)


# Public abuse cases --------------------------------------------------------------------------


def _screenshot(colour: str) -> SimpleUploadedFile:
    """A small made-up screenshot: a grey 'post' under a coloured bar, as a PNG."""
    image = Image.new("RGB", (360, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 359, 36), fill=colour)
    draw.text((12, 12), "Demo screenshot", fill="white")
    for line in range(4):
        draw.rectangle((12, 56 + line * 28, 300 - line * 40, 68 + line * 28), fill="#b1b4b6")
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("comment.png", out.getvalue(), content_type="image/png")


@dataclass(frozen=True)
class PastCase:
    account: str
    author: str
    categories: list[str]
    description: str
    opened: int  # days ago
    steps: list[tuple[str, int, str]]  # kind, days ago, note; Legal's advice as its own kind
    closed: int
    outcome: str


LEGAL_ADVICE = "advice"
PAST_CASES = [
    PastCase(
        "Demo Libraries", "@quiet_please_77", [AbuseCategory.ABUSIVE],
        "Replies to the late-opening post calling the library staff lazy and worse.", 282,
        [
            (StepKind.SCREENSHOT, 282, "Captured before anything was removed."),
            (StepKind.WARNING, 282, "Replied with a link to the house rules."),
            (StepKind.REMOVED, 281, "Hidden after the author posted the same again."),
        ],
        278, "No further posts from the author after the warning.",
    ),
    PastCase(
        "Housing News", "Gary Pike", [AbuseCategory.HARASSING, AbuseCategory.THREATENING],
        "Comments naming a housing officer and saying he knows where she parks.", 186,
        [
            (StepKind.SCREENSHOT, 186, "Captured, with the author's profile."),
            (StepKind.REMOVED, 186, "Hidden from the page."),
            (StepKind.BLOCKED, 186, "Blocked for the default week."),
            (StepKind.LEGAL_CONSULTED, 185, "Is this a threat we should report?"),
            (LEGAL_ADVICE, 184, "Refer it to the police with the screenshot; do not reply."),
            (StepKind.BLOCK_LIFTED, 179, "No further comments; the police have the report."),
        ],
        178, "Referred to the police by the officer's manager; the officer was supported "
        "throughout.",
    ),
    PastCase(
        "Recycle Right", "@cheap_skips_4u", [AbuseCategory.SPAM],
        "The same advert for skip hire under every post of the week.", 58,
        [
            (StepKind.SCREENSHOT, 58, "Captured the first few."),
            (StepKind.REMOVED, 58, "Deleted each one and reported the account to Instagram."),
        ],
        57, "Instagram removed the account.",
    ),
]  # fmt: skip


def _abuse_cases(comms: User, accounts: dict[str, Account]) -> int:
    legal = _person("legal")
    for number, past in enumerate(PAST_CASES, start=1):
        case, _ = case_open(
            actor=comms,
            account=accounts[past.account],
            author_handle=past.author,
            post_url=f"https://example.com/{past.account.replace(' ', '')}/posts/{number}",
            categories=past.categories,
            description=past.description,
            started_with=f"{MARK}-case-{number}",
            now=_on(past.opened, 10),
        )
        for index, (kind, days, note) in enumerate(past.steps):
            moment = _on(days, 10 + index, 30)
            if kind == LEGAL_ADVICE:
                case_advice_record(actor=legal, case=case, advice=note, now=moment)
                continue
            extra: dict[str, Any] = {}
            if kind == StepKind.SCREENSHOT:
                extra["screenshot"] = _screenshot("#1d70b8")
            case_step_record(
                actor=comms, case=case, kind=kind, happened_on=_day(days), note=note,
                now=moment, **extra,
            )  # fmt: skip
        case_close(actor=comms, case=case, outcome=past.outcome, now=_on(past.closed, 16))
    return len(PAST_CASES)
