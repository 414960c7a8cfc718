"""The past year's staff incidents and public abuse cases, all closed."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from accounts.models import Account
from compliance.demo.common import MARK, day, on, person
from compliance.demo.credentials import finish_task
from governance.models import User
from moderation.models import (
    AbuseCategory,
    BreachRisk,
    IncidentAction,
    IncidentKind,
    PasswordChangeReason,
    StepKind,
)
from moderation.services.abuse import case_advice_record, case_close, case_open, case_step_record
from moderation.services.incidents import incident_close, incident_report


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


def past_incidents(comms: User, accounts: dict[str, Account]) -> int:
    for number, past in enumerate(PAST_INCIDENTS, start=1):
        reported = on(past.days, 11, 30)
        breach = dict(past.breach)
        if breach:
            hours = breach.pop("found_hours_before")
            breach["found_at"] = reported - datetime.timedelta(hours=hours)
        incident, _ = incident_report(
            reporter=person(past.reporter),
            kind=past.kind,
            account=accounts[past.account],
            happened_on=day(past.days),
            what_happened=past.what,
            actions=past.actions,
            started_with=f"{MARK}-{number}",
            now=reported,
            **breach,
        )
        # A compromised account's password is changed the next morning (MOD-5).
        for task in incident.tasks.all():
            finish_task(task, comms, on(past.days - 1, 9, 15), PasswordChangeReason.COMPROMISE)
        closed = on(past.days - past.closed_after, 15, 45)
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


def past_abuse_cases(comms: User, accounts: dict[str, Account]) -> int:
    legal = person("legal")
    for number, past in enumerate(PAST_CASES, start=1):
        case, _ = case_open(
            actor=comms,
            account=accounts[past.account],
            author_handle=past.author,
            post_url=f"https://example.com/{past.account.replace(' ', '')}/posts/{number}",
            categories=past.categories,
            description=past.description,
            started_with=f"{MARK}-case-{number}",
            now=on(past.opened, 10),
        )
        for index, (kind, days, note) in enumerate(past.steps):
            moment = on(days, 10 + index, 30)
            if kind == LEGAL_ADVICE:
                case_advice_record(actor=legal, case=case, advice=note, now=moment)
                continue
            extra: dict[str, Any] = {}
            if kind == StepKind.SCREENSHOT:
                extra["screenshot"] = _screenshot("#1d70b8")
            case_step_record(
                actor=comms, case=case, kind=kind, happened_on=day(days), note=note,
                now=moment, **extra,
            )  # fmt: skip
        case_close(actor=comms, case=case, outcome=past.outcome, now=on(past.closed, 16))
    return len(PAST_CASES)
