"""The demo council's requests (one in every state) and register, with months of history and
the accounts it publishes for residents.

Everything goes through the services, dated relative to today, so that the dashboard has
something in every card and the register as it stood about seven months ago differs from
today's. Runs once: a second seed_demo finds the demo register and leaves it alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import (
    AccessModel,
    Account,
    AccountReview,
    Platform,
    ReviewOutcome,
    TwoFactorMethod,
)
from accounts.rules import step_approvers
from accounts.selectors import current_step
from accounts.services.decisions import step_decide
from accounts.services.register import (
    account_change_status,
    account_record_existing,
    account_record_unapproved,
    account_update,
)
from accounts.services.requests import (
    request_create_draft,
    request_save_draft,
    request_submit,
    request_withdraw,
)
from accounts.services.reviews import review_record
from governance import seeding
from governance.models import Preset, ServiceArea, User
from governance.services.profile import profile_apply_preset

DOMAIN = "demo.council.example"
CERTIFICATE = b"%PDF-1.4\n% Data protection e-learning: completed\n"


def person(local: str) -> User:
    return User.objects.get(email=f"{local}@{DOMAIN}")


def area(code: str) -> ServiceArea:
    return ServiceArea.objects.get(code=code)


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@seeding.register(order=10)
def seed_accounts() -> list[str]:
    """The register's accounts, as the council ran them before it had the portal."""
    if Account.objects.filter(handle="@DemoCouncil").exists():
        return ["Demo register: already there."]
    profile_apply_preset(actor=person("admin"), preset=Preset.DERBY)
    _accounts()
    return ["Policy profile: Derby (line manager, Head of Service, then Communications)."]


@seeding.register(order=30)
def seed_history() -> list[str]:
    """A year of reviews and changes (after moderation has added the moderators, who record
    the reviews), then requests in every state."""
    if AccountReview.objects.filter(account__handle="@DemoCouncil").exists():
        return ["Demo requests and history: already there."]
    accounts = {account.handle: account for account in Account.objects.all()}
    _history({key: accounts[handle] for key, handle in HANDLES.items()})
    _requests()
    return [f"Demo register: {Account.objects.count()} accounts; requests in every state."]


# The accounts the council ran before the portal: key, name, platform, handle, service area,
# responsible officer, days ago it was recorded.
EXISTING = [
    (
        "corporate",
        "Demo Borough Council",
        Platform.X,
        "@DemoCouncil",
        "comms",
        "comms",
        40,
    ),
    (
        "libraries",
        "Demo Libraries",
        Platform.FACEBOOK,
        "DemoLibraries",
        "leisure",
        "grace.hughes",
        320,
    ),
    (
        "recycle",
        "Recycle Right",
        Platform.INSTAGRAM,
        "@RecycleDemo",
        "environment",
        "kieran.doyle",
        320,
    ),
    (
        "parks",
        "Demo Parks",
        Platform.FLICKR,
        "demoparks",
        "environment",
        "fiona.baker",
        290,
    ),
    (
        "housing",
        "Housing News",
        Platform.X,
        "@DemoHousing",
        "housing",
        "ellie.ward",
        320,
    ),
    (
        "museum",
        "Museum Stories",
        Platform.BLOG,
        "museum-stories",
        "leisure",
        "owen.price",
        320,
    ),
    (
        "careers",
        "Demo Careers",
        Platform.LINKEDIN,
        "demo-borough-careers",
        "people",
        "kwame.mensah",
        320,
    ),
    (
        "offers",
        "Leisure Centre Offers",
        Platform.FACEBOOK,
        "DemoLeisureOffers",
        "leisure",
        "requester",
        320,
    ),
]
INDIVIDUAL_ROLE_PLATFORMS = {Platform.FACEBOOK, Platform.INSTAGRAM, Platform.LINKEDIN}
HANDLES = {key: handle for key, _name, _platform, handle, *_ in EXISTING}
# Each platform's own form of an account's address, as a resident would copy it from there.
ADDRESSES: dict[str, str] = {
    Platform.X: "https://x.com/{}",
    Platform.FACEBOOK: "https://www.facebook.com/{}",
    Platform.INSTAGRAM: "https://www.instagram.com/{}/",
    Platform.FLICKR: "https://www.flickr.com/photos/{}/",
    Platform.LINKEDIN: "https://www.linkedin.com/company/{}/",
    Platform.TIKTOK: "https://www.tiktok.com/@{}",
    Platform.BLOG: "https://{}." + DOMAIN + "/",
}
# Platforms whose user names have no capital letters, whatever the profile shows.
LOWER_CASE_NAMES = {Platform.INSTAGRAM, Platform.TIKTOK}
# The accounts the council lists for residents on the public register (issue 11), with the day
# each was published: the museum blog and Housing News before they closed and were suspended,
# so that one shows as closed and the other disappears while suspended.
PUBLISHED = [
    ("libraries", 300),
    ("recycle", 300),
    ("housing", 300),
    ("museum", 300),
    ("careers", 300),
    ("offers", 300),
    ("parks", 285),
    ("corporate", 40),
]


def web_address(platform: str, handle: str) -> str:
    name = handle.lstrip("@")
    return ADDRESSES[platform].format(name.lower() if platform in LOWER_CASE_NAMES else name)


def _accounts() -> None:
    comms = person("comms")
    for key, name, platform, handle, code, officer, days in EXISTING:
        created = ago(days)
        account_record_existing(
            actor=comms,
            values={
                "platform": platform,
                "name": name,
                "handle": handle,
                "url": web_address(platform, handle),
                "service_area": area(code),
                "responsible_officer": person(officer),
                "secure_sessions_enabled": True,
                "credentials_location": f"Keeper > Social media > {name}",
                # Page roles where the platform gives each moderator their own; the leisure
                # offers team still shares one login on its management platform.
                "access_model": AccessModel.INDIVIDUAL_ROLES
                if platform in INDIVIDUAL_ROLE_PLATFORMS and key != "offers"
                else AccessModel.SHARED_LOGIN,
                "recovery_email": f"socialmedia@{DOMAIN}",
                "two_factor_method": TwoFactorMethod.AUTHENTICATOR_APP,
                "second_factor_holder": person(officer),
                "recovery_plan_tested_on": (created - datetime.timedelta(days=60)).date(),
                "review_cadence_months": 3,
                "branding_approved_by": comms,
                "branding_approved_at": created,
            },
            now=created,
        )


def _history(accounts: dict[str, Account]) -> None:
    comms = person("comms")
    for key, days in PUBLISHED:
        account_update(
            actor=comms,
            account=accounts[key],
            values={"published": True},
            reason="On the council's list of its official accounts, for residents to check.",
            now=ago(days),
        )
    # Reviews keep most accounts in date; Libraries has slipped and is well overdue.
    for key, reviewer, days in [
        ("corporate", "comms", 20),
        ("recycle", "kieran.doyle", 60),
        ("parks", "fiona.baker", 80),
        ("offers", "requester", 84),
        ("libraries", "grace.hughes", 140),
    ]:
        review_record(
            actor=person(reviewer),
            account=accounts[key],
            reviewed_on=ago(days).date(),
            found_inappropriate=False,
            content_removed=False,
            reported_to_platform=False,
            notes="",
            outcome=ReviewOutcome.KEEP,
            now=ago(days),
        )
    review_record(
        actor=person("kwame.mensah"),
        account=accounts["careers"],
        reviewed_on=ago(15).date(),
        found_inappropriate=False,
        content_removed=False,
        reported_to_platform=False,
        notes="No posts since the spring: vacancies are on the jobs site now.",
        outcome=ReviewOutcome.CLOSE,
        now=ago(15),
    )
    # What changed over the year, for the register as it stood on a past day.
    account_update(
        actor=comms,
        account=accounts["recycle"],
        values={
            "handle": "@RecycleRight",
            "url": web_address(Platform.INSTAGRAM, "@RecycleRight"),
            "recovery_email": "",
            "recovery_plan_tested_on": None,
        },
        reason="Renamed for the new campaign; recovery mailbox being replaced.",
        now=ago(80),
    )
    account_change_status(
        actor=comms,
        account=accounts["museum"],
        action="close",
        reason="The blog has not been updated for two years.",
        now=ago(185),
    )
    account_change_status(
        actor=comms,
        account=accounts["housing"],
        action="suspend",
        reason="Suspected compromise: a password was shared by email.",
        now=ago(160),
    )
    account_record_unapproved(
        actor=comms,
        values={
            "platform": Platform.TIKTOK,
            "platform_other": "",
            "name": "Demo Youth Sport",
            "handle": "@demoyouthsport",
            "url": web_address(Platform.TIKTOK, "@demoyouthsport"),
            "service_area": area("leisure"),
            "responsible_officer": person("nadia.rahman"),
        },
        discovered_how="Social media monitoring alert: an account using the council's logo.",
        now=ago(79),
    )


def _draft(requester: User, backups: list[User], **answers: Any) -> Any:
    values = {
        "platform": Platform.INSTAGRAM,
        "proposed_name": "Library Events",
        "proposed_handle": "@DemoLibraryEvents",
        "service_area": requester.service_area,
        "purpose_audience": "What is on at the borough's libraries, for families and readers.",
        "aims": "More people at author talks and holiday clubs; families use Instagram.",
        "other_channels": "The council website and posters in every library.",
        "update_frequency": "One post a day; comments checked at 9am, 1pm and 4pm.",
        "record_keeping": "A monthly export saved in the libraries team's SharePoint site.",
        "budget_code": "LEI-4410",
        "training_completed_on": datetime.date(2026, 1, 12),
        **answers,
    }
    draft = request_create_draft(actor=requester)
    return request_save_draft(
        actor=requester,
        request=draft,
        values=values,
        backup_officers=backups,
        evidence=SimpleUploadedFile("data-protection-certificate.pdf", CERTIFICATE),
    )


def _decide(request: Any, decision: str = "approve", comment: str = "") -> Any:
    step = current_step(request)
    assert step is not None
    return step_decide(
        actor=step_approvers(request, step.kind)[0],
        request=request,
        step_id=step.pk,
        decision=decision,
        comment=comment,
        branding_confirmed=True,
    )


def _requests() -> None:
    riya, tom, grace = person("requester"), person("tom.fletcher"), person("grace.hughes")
    chloe = person("chloe.edwards")
    # A draft, still being written.
    request_save_draft(
        actor=riya,
        request=request_create_draft(actor=riya),
        values={"platform": Platform.YOUTUBE, "proposed_name": "Leisure How-tos"},
    )
    # Waiting for the line manager.
    request_submit(
        actor=riya,
        request=_draft(
            riya,
            [tom],
            platform=Platform.FACEBOOK,
            proposed_name="Summer in the Parks",
            proposed_handle="DemoSummerParks",
        ),
    )
    # Waiting for Communications, after the line manager and the Head of Service.
    at_comms = request_submit(
        actor=tom,
        request=_draft(
            tom,
            [riya],
            platform=Platform.X,
            proposed_name="Leisure Events",
            proposed_handle="@DemoLeisureEvents",
        ),
    )
    _decide(_decide(at_comms))
    # Waiting for the Head of Service, after the line manager approved.
    _decide(
        request_submit(
            actor=riya,
            request=_draft(
                riya,
                [tom],
                platform=Platform.LINKEDIN,
                proposed_name="Leisure Careers",
                proposed_handle="DemoLeisureCareers",
            ),
        )
    )
    # Returned by the line manager, corrected and sent again: the chain starts afresh.
    resent = _decide(
        request_submit(
            actor=tom,
            request=_draft(
                tom,
                [riya],
                platform=Platform.YOUTUBE,
                proposed_name="Swim School",
                proposed_handle="DemoSwimSchool",
                update_frequency="",
            ),
        ),
        "return",
        "Say how often it will be updated.",
    )
    resent = request_save_draft(
        actor=tom,
        request=resent,
        values={"update_frequency": "Two videos a month; comments checked every weekday."},
    )
    request_submit(actor=tom, request=resent)
    # Returned for changes by the Head of Service.
    returned = request_submit(
        actor=riya,
        request=_draft(
            riya, [tom], proposed_name="Reading Club", proposed_handle="@DemoReadingClub"
        ),
    )
    _decide(
        _decide(returned),
        "return",
        "Say which officer covers weekends: comments need answering then too.",
    )
    # Rejected by Communications.
    rejected = request_submit(
        actor=grace,
        request=_draft(
            grace, [chloe], proposed_name="Library Cats", proposed_handle="@DemoLibraryCats"
        ),
    )
    _decide(
        _decide(_decide(rejected)),
        "reject",
        "This belongs on the Demo Libraries page, which already reaches the same readers.",
    )
    # Withdrawn by the requester.
    request_withdraw(
        actor=riya,
        request=request_submit(
            actor=riya,
            request=_draft(riya, [tom], proposed_name="Gym Deals", proposed_handle="@DemoGymDeals"),
        ),
        reason="The leisure centre offers page will carry these.",
    )
    # Approved all the way: now in the register as being set up.
    approved = request_submit(
        actor=riya,
        request=_draft(
            riya,
            [tom],
            platform=Platform.TIKTOK,
            proposed_name="Leisure Shorts",
            proposed_handle="@DemoLeisureShorts",
        ),
    )
    _decide(_decide(_decide(approved)))
