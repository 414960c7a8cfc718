"""The past year's requests: sent, and turned down, returned, resent or withdrawn."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AccountRequest, Platform
from accounts.rules import step_approvers
from accounts.selectors import current_step
from accounts.services.decisions import step_decide
from accounts.services.requests import (
    request_create_draft,
    request_save_draft,
    request_submit,
    request_withdraw,
)
from compliance.demo.common import day, on, person

CERTIFICATE = b"%PDF-1.4\n% Data protection e-learning: completed\n"


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


def past_requests() -> int:
    for past in PAST_REQUESTS:
        _past_request(past)
    return len(PAST_REQUESTS)


def _past_request(past: PastRequest) -> None:
    requester = person(past.requester)
    sent_at = on(past.sent, 9, 10)
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
            "training_completed_on": day(past.sent + 30),
        },
        backup_officers=[person(past.backup)],
        evidence=SimpleUploadedFile("data-protection-certificate.pdf", CERTIFICATE),
    )
    request = request_submit(actor=requester, request=request, now=sent_at)
    days = past.sent
    for index, (after, move, words) in enumerate(past.moves):
        days -= after
        hour, minute = HOURS[index % len(HOURS)]
        moment = on(days, hour, minute)
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
