"""The demo council's moderators in every state, password changes, credential tasks open and
done, and a lost phone waiting for Communications (seed_demo; runs after the register's
accounts exist); then staff incidents and a public abuse case (after the register's history)."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import Account, AccountStatus
from governance import seeding
from governance.models import User
from moderation.models import (
    AbuseCategory,
    BreachRisk,
    DeviceKind,
    DeviceLoss,
    Incident,
    IncidentAction,
    IncidentKind,
    ModeratorAssignment,
    PasswordChangeReason,
    StepKind,
)
from moderation.services.abuse import case_advice_record, case_open, case_step_record
from moderation.services.assignments import (
    assignment_add,
    assignment_end,
    assignment_record_existing,
    assignment_suspend,
)
from moderation.services.credentials import password_change_record, task_complete
from moderation.services.devices import device_report_submit
from moderation.services.incidents import (
    incident_close,
    incident_link_account,
    incident_report,
)

DOMAIN = "demo.council.example"
MODERATORS = {
    "@DemoCouncil": ["comms", "priya.shah"],
    "DemoLibraries": ["grace.hughes", "owen.price"],
    "@RecycleDemo": ["kieran.doyle", "fiona.baker"],
    "demoparks": ["fiona.baker", "marcus.bell"],
    "@DemoHousing": ["ellie.ward", "rory.campbell"],
    "museum-stories": ["owen.price"],
    "demo-borough-careers": ["kwame.mensah", "hr"],
    "DemoLeisureOffers": ["requester", "tom.fletcher"],
}


def _person(local: str) -> User:
    return User.objects.get(email=f"{local}@{DOMAIN}")


@seeding.register(order=20)
def seed_moderators() -> list[str]:
    if ModeratorAssignment.objects.filter(account__handle="@DemoCouncil").exists():
        return ["Demo moderators: already there."]
    comms = _person("comms")
    accounts = {
        account.handle: account for account in Account.objects.filter(handle__in=MODERATORS)
    }
    for handle, people in MODERATORS.items():
        account = accounts[handle]
        for local in people:
            assignment_record_existing(
                account=account, person=_person(local), actor=comms, now=account.created_at
            )
    for handle, people in MODERATORS.items():
        account = accounts[handle]
        if account.status == AccountStatus.CLOSED:
            continue
        changed = account.created_at + datetime.timedelta(days=10)
        password_change_record(
            actor=_person(people[0]),
            account=account,
            changed_on=changed.date(),
            reason=PasswordChangeReason.ROUTINE,
            now=changed,
        )
    _moves(comms, accounts)
    return [f"Demo moderators: {ModeratorAssignment.objects.count()} assignments."]


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _moves(comms: User, accounts: dict[str, Account]) -> None:
    """One moderator in each state, a task done and tasks open, and a lost phone."""
    moved = ModeratorAssignment.objects.get(
        account=accounts["DemoLibraries"], person=_person("owen.price")
    )
    assignment_end(assignment=moved, actor=comms, reason="Moved to the museums team", now=_ago(140))
    # Libraries gives each moderator a page role: a colleague removed Owen's.
    for task in moved.tasks.all():
        task_complete(
            actor=_person("grace.hughes"),
            task=task,
            note="Removed Owen's editor role in Page settings.",
            now=_ago(139),
        )
    assignment_add(
        actor=comms,
        account=accounts["@DemoCouncil"],
        person=_person("marcus.bell"),
        reason="Covers the corporate account during the elections",
        now=_ago(3),
    )
    suspended = ModeratorAssignment.objects.get(
        account=accounts["demoparks"], person=_person("marcus.bell")
    )
    assignment_suspend(
        assignment=suspended,
        reason="Their declaration lapsed and was not signed again",
        now=_ago(9),
    )
    device_report_submit(
        reporter=_person("kieran.doyle"),
        device_kind=DeviceKind.PHONE,
        device_description="council iPhone",
        loss=DeviceLoss.LOST,
        lost_on=timezone.localdate(_ago(1)),
        account_ids=[accounts["@RecycleDemo"].pk],
        held_second_factor=True,
        held_recovery_phone=False,
        now=_ago(1),
    )


def _screenshot(name: str, colour: str) -> SimpleUploadedFile:
    """A small made-up screenshot: a grey 'post' with a coloured bar, as a PNG."""
    image = Image.new("RGB", (360, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 359, 36), fill=colour)
    draw.text((12, 12), "Demo screenshot", fill="white")
    for line in range(4):
        draw.rectangle((12, 56 + line * 28, 300 - line * 40, 68 + line * 28), fill="#b1b4b6")
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@seeding.register(order=40)
def seed_incidents() -> list[str]:
    """Staff incidents (a data breach with its clock running, a compromised account with its
    password change, one reported in words and linked by Communications, one closed) and a
    public abuse case up to Legal's advice (INC-1 to INC-3)."""
    if Incident.objects.filter(started_with="demo-breach").exists():
        return ["Demo incidents and public abuse: already there."]
    comms = _person("comms")
    accounts = {account.name: account for account in Account.objects.all()}
    _incidents(comms, accounts)
    _abuse_case(comms, accounts["Demo Borough Council"])
    return [f"Demo incidents: {Incident.objects.count()}; one public abuse case."]


def _incidents(comms: User, accounts: dict[str, Account]) -> None:
    found = _ago(0) - datetime.timedelta(hours=5)
    incident_report(
        reporter=_person("requester"),
        kind=IncidentKind.DATA_BREACH,
        account=accounts["Leisure Centre Offers"],
        post_url="https://example.com/DemoLeisureOffers/posts/2291",
        happened_on=timezone.localdate(found),
        what_happened="A photo of the swimming lesson waiting list went out with the post about "
        "new classes. The list shows children's names and their parents' phone numbers.",
        actions=[IncidentAction.REMOVED, IncidentAction.TOLD_LINE_MANAGER],
        personal_data="Children's first names and surnames, ages, and their parents' mobile "
        "phone numbers.",
        people_affected=23,
        found_at=found,
        risk=BreachRisk.LIKELY,
        evidence=_screenshot("waiting-list-post.png", "#d4351c"),
        started_with="demo-breach",
        now=found + datetime.timedelta(minutes=20),
    )
    incident_report(
        reporter=_person("grace.hughes"),
        kind=IncidentKind.COMPROMISED_ACCOUNT,
        account=accounts["Demo Libraries"],
        happened_on=timezone.localdate(_ago(1)),
        what_happened="Three posts advertising cheap trainers appeared overnight, and the page's "
        "recovery email was changed. None of us posted them.",
        actions=[IncidentAction.REMOVED, IncidentAction.REPORTED_TO_PLATFORM],
        started_with="demo-compromise",
        now=_ago(1),
    )
    described, _ = incident_report(
        reporter=_person("requester"),
        kind=IncidentKind.SUSPICIOUS_CONTENT,
        account_described="The council's parks photos on Flickr",
        happened_on=timezone.localdate(_ago(2)),
        what_happened="Several comments under the bandstand photos link to a 'free council tax "
        "refund' page asking for bank details.",
        actions=[IncidentAction.TOLD_COMMUNICATIONS],
        started_with="demo-described",
        now=_ago(2),
    )
    incident_link_account(
        actor=comms, incident=described, account=accounts["Demo Parks"], now=_ago(2)
    )
    mistake, _ = incident_report(
        reporter=_person("tom.fletcher"),
        kind=IncidentKind.MISTAKEN_POST,
        account=accounts["Leisure Centre Offers"],
        happened_on=timezone.localdate(_ago(12)),
        what_happened="The half-term swimming offer went out with last year's prices.",
        actions=[IncidentAction.REMOVED, IncidentAction.TOLD_LINE_MANAGER],
        started_with="demo-mistake",
        now=_ago(12),
    )
    incident_close(
        actor=comms,
        incident=mistake,
        outcome="Post corrected within the hour. Offers are now checked by a second person "
        "before they are scheduled.",
        now=_ago(11),
    )


def _abuse_case(comms: User, account: Account) -> None:
    """A post on the corporate feed that threatens staff, from screenshot to Legal's advice."""
    case, _ = case_open(
        actor=comms,
        account=account,
        author_handle="@angry_resident_99",
        post_url="https://x.com/angry_resident_99/status/1780000000000000000",
        categories=[AbuseCategory.ABUSIVE, AbuseCategory.THREATENING],
        description="A reply to the bin collection update naming a refuse crew member and "
        "saying they will 'be waiting for him'.",
        started_with="demo-abuse",
        now=_ago(6),
    )
    steps: list[tuple[str, int, str, dict[str, Any]]] = [
        (
            StepKind.SCREENSHOT,
            6,
            "Captured before anything was removed.",
            {"screenshot": _screenshot("reply.png", "#1d70b8")},
        ),
        (StepKind.WARNING, 6, "Replied publicly with a link to the house rules.", {}),
        (StepKind.REMOVED, 5, "Hidden from the feed after the author posted again.", {}),
        (StepKind.BLOCKED, 5, "Blocked for the default week.", {}),
        (StepKind.LEGAL_CONSULTED, 4, "Is this a threat we should report?", {}),
    ]
    for kind, days, note, extra in steps:
        case_step_record(
            actor=comms,
            case=case,
            kind=kind,
            happened_on=timezone.localdate(_ago(days)),
            note=note,
            now=_ago(days),
            **extra,
        )
    case_advice_record(
        actor=_person("legal"),
        case=case,
        advice="The post names a member of staff and suggests harm: refer it to the police and "
        "keep the screenshot. Do not reply to the author again.",
        now=_ago(3),
    )
