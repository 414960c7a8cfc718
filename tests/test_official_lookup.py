# ruff: noqa: RUF001, RUF003 - the lookalike letters are the point of these tests
"""'Is this an official account?' over the addresses residents really paste (issue 11): every
platform's forms of an address (hosts, paths, tracking parameters, old links), letter case, a
leading @, a trailing slash, full-width letters and invisible characters; lookalikes made with
other alphabets' letters or 0 for o are never official; a closed account is closed; an
account that is not published is not ours as far as the public can tell."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Account, AccountStatus, Platform
from accounts.services.register import account_change_status, account_record_unapproved
from governance.models import ServiceArea, User
from official.lookup import Address, ShortLink, address_of
from official.selectors import Verdict, closed_on, lookup
from tests.register_helpers import make_account

LONDON = ZoneInfo("Europe/London")
OPENED = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=LONDON)
CLOSED = datetime.datetime(2026, 1, 20, 11, 0, tzinfo=LONDON)

# What a resident pastes, and the account it names: (platform, key), or None for a page of the
# platform that is no account.
FORMS: list[tuple[str, tuple[str, str] | None]] = [
    # X, and Twitter before it
    ("@DemoCouncil", ("", "democouncil")),
    ("DemoCouncil", ("", "democouncil")),
    ("@democouncil ", ("", "democouncil")),
    ("https://x.com/DemoCouncil", ("x", "democouncil")),
    ("https://X.COM/DemoCouncil/", ("x", "democouncil")),
    ("x.com/democouncil", ("x", "democouncil")),
    ("https://www.x.com/DemoCouncil", ("x", "democouncil")),
    ("https://twitter.com/DemoCouncil", ("x", "democouncil")),
    ("https://mobile.twitter.com/DemoCouncil", ("x", "democouncil")),
    ("http://twitter.com/#!/DemoCouncil", ("x", "democouncil")),
    ("https://x.com/DemoCouncil/status/1790000000000000000", ("x", "democouncil")),
    ("https://twitter.com/DemoCouncil/status/179?s=20&t=AbCdEf", ("x", "democouncil")),
    ("https://x.com/@DemoCouncil", ("x", "democouncil")),
    ("https://x.com/i/web/status/1790000000000000000", None),
    ("https://x.com/search?q=council", None),
    ("https://x.com/hashtag/DemoCouncil", None),
    ("https://x.com", None),
    # Facebook
    ("https://www.facebook.com/DemoCouncil", ("facebook", "democouncil")),
    ("https://m.facebook.com/DemoCouncil/?ref=bookmarks", ("facebook", "democouncil")),
    ("https://web.facebook.com/DemoCouncil", ("facebook", "democouncil")),
    ("https://mbasic.facebook.com/DemoCouncil", ("facebook", "democouncil")),
    ("facebook.com/DemoCouncil/posts/pfbid02abc", ("facebook", "democouncil")),
    ("https://fb.com/DemoCouncil", ("facebook", "democouncil")),
    ("https://www.facebook.com/profile.php?id=100064123456789", ("facebook", "id:100064123456789")),
    (
        "https://m.facebook.com/profile.php?id=100064123456789&mibextid=abc",
        ("facebook", "id:100064123456789"),
    ),
    (
        "https://www.facebook.com/pages/Demo-Borough-Council/123456789",
        ("facebook", "id:123456789"),
    ),
    ("https://www.facebook.com/people/Demo-Youth/100064999/", ("facebook", "id:100064999")),
    (
        "https://www.facebook.com/permalink.php?story_fbid=9&id=100064123456789",
        ("facebook", "id:100064123456789"),
    ),
    ("https://www.facebook.com/groups/DemoResidents/", ("facebook", "groups/demoresidents")),
    (
        "https://www.facebook.com/groups/DemoResidents/posts/123",
        ("facebook", "groups/demoresidents"),
    ),
    ("https://www.facebook.com/watch/?v=123", None),
    ("https://www.facebook.com/events/123", None),
    # Instagram
    ("https://www.instagram.com/democouncil/", ("instagram", "democouncil")),
    ("https://instagram.com/DemoCouncil?hl=en", ("instagram", "democouncil")),
    ("https://www.instagram.com/democouncil/?igsh=MWx0", ("instagram", "democouncil")),
    ("https://instagr.am/democouncil", ("instagram", "democouncil")),
    ("https://www.instagram.com/p/C1a2b3c4/", None),
    ("https://www.instagram.com/reel/C1a2b3c4/", None),
    # LinkedIn
    ("https://www.linkedin.com/company/demo-council/", ("linkedin", "demo-council")),
    ("https://uk.linkedin.com/company/demo-council", ("linkedin", "demo-council")),
    (
        "https://www.linkedin.com/company/demo-council/posts/?feedView=all",
        ("linkedin", "demo-council"),
    ),
    ("https://www.linkedin.com/showcase/demo-careers/", ("linkedin", "demo-careers")),
    ("https://uk.linkedin.com/showcase/demo-careers", ("linkedin", "demo-careers")),
    ("https://www.linkedin.com/feed/", None),
    ("https://www.linkedin.com/posts/demo-council_activity-7123", None),
    # YouTube
    ("https://www.youtube.com/@DemoCouncil", ("youtube", "democouncil")),
    ("https://m.youtube.com/@DemoCouncil/videos", ("youtube", "democouncil")),
    ("https://youtube.com/@democouncil?si=abc", ("youtube", "democouncil")),
    ("https://www.youtube.com/c/DemoCouncil", ("youtube", "democouncil")),
    ("https://www.youtube.com/user/DemoCouncilTV", ("youtube", "democounciltv")),
    ("https://www.youtube.com/channel/UCa1B2c3D4e5", ("youtube", "channel:uca1b2c3d4e5")),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", None),
    ("https://youtu.be/dQw4w9WgXcQ", None),
    ("https://www.youtube.com/shorts/abc", None),
    # TikTok
    ("https://www.tiktok.com/@democouncil", ("tiktok", "democouncil")),
    ("https://www.tiktok.com/@DemoCouncil?lang=en", ("tiktok", "democouncil")),
    ("https://www.tiktok.com/@democouncil/video/7300000000000000000", ("tiktok", "democouncil")),
    ("https://www.tiktok.com/discover/council", None),
    # Flickr
    ("https://www.flickr.com/photos/democouncil/", ("flickr", "democouncil")),
    ("https://www.flickr.com/photos/democouncil/albums/72157", ("flickr", "democouncil")),
    ("https://www.flickr.com/people/democouncil/", ("flickr", "democouncil")),
    ("https://www.flickr.com/photos/12345678@N05/", ("flickr", "12345678@n05")),
    # Vimeo
    ("https://vimeo.com/democouncil", ("vimeo", "democouncil")),
    ("https://vimeo.com/DemoCouncil/videos", ("vimeo", "democouncil")),
    ("https://vimeo.com/123456789", None),
    # A blog or a site on its own host
    ("https://blog.demo.gov.uk/", ("web", "blog.demo.gov.uk")),
    ("http://blog.demo.gov.uk", ("web", "blog.demo.gov.uk")),
    ("blog.demo.gov.uk", ("web", "blog.demo.gov.uk")),
    ("https://www.demo.gov.uk/leisure-blog/", ("web", "demo.gov.uk/leisure-blog")),
    ("https://", None),
    # What the eye cannot tell apart: full-width letters, invisible characters
    ("＠ＤｅｍｏＣｏｕｎｃｉｌ", ("", "democouncil")),
    ("ｈｔｔｐｓ：／／ｘ．ｃｏｍ／ＤｅｍｏＣｏｕｎｃｉｌ", ("x", "democouncil")),
    ("@Demo\u200bCouncil", ("", "democouncil")),
    ("\ufeffhttps://x.com/Demo\u200dCouncil\u200e", ("x", "democouncil")),
    ("@Demo\u00adCouncil", ("", "democouncil")),
    # Not an account at all
    ("", None),
    ("   ", None),
    ("@", None),
    ("Demo Borough Council", None),
    ("@Demo\x00Council", None),
    ("https://[", None),
    ("http://[::1", None),
]


@pytest.mark.parametrize(("pasted", "names"), FORMS)
def test_an_address_is_read_the_way_a_resident_means_it(
    pasted: str, names: tuple[str, str] | None
) -> None:
    assert address_of(pasted) == (Address(*names) if names else None)


@pytest.mark.parametrize(
    "pasted",
    [
        "https://t.co/AbCdEf",
        "https://fb.me/abc",
        "https://vm.tiktok.com/ZMabc/",
        "https://www.tiktok.com/t/ZTabc/",
        "https://lnkd.in/abc",
        "https://bit.ly/abc",
        "https://flic.kr/p/abc",
        "https://www.facebook.com/share/p/abc/",
        "t.co/abc",
    ],
)
def test_a_shortened_link_says_so(pasted: str) -> None:
    with pytest.raises(ShortLink):
        address_of(pasted)


# ---------------------------------------------------------------------------------------------
# Against the register


def published(comms: User, area: ServiceArea, **values: Any) -> Account:
    return make_account(comms, area, published=True, now=OPENED, **values)


@pytest.fixture
def official(communications: User, leisure: ServiceArea) -> dict[str, Account]:
    """One published account on each platform, with its address as Communications records it."""
    accounts = [
        ("x", Platform.X, "@DemoCouncil", "https://twitter.com/DemoCouncil"),
        ("facebook", Platform.FACEBOOK, "DemoCouncil", "https://www.facebook.com/DemoCouncil"),
        (
            "facebook_id",
            Platform.FACEBOOK,
            "Demo Youth Service",
            "https://www.facebook.com/profile.php?id=100064123456789",
        ),
        (
            "facebook_group",
            Platform.FACEBOOK,
            "Demo Residents",
            "https://www.facebook.com/groups/demoresidents",
        ),
        ("instagram", Platform.INSTAGRAM, "@democouncil", "https://www.instagram.com/democouncil/"),
        (
            "linkedin",
            Platform.LINKEDIN,
            "demo-council",
            "https://www.linkedin.com/company/demo-council",
        ),
        (
            "showcase",
            Platform.LINKEDIN,
            "Demo Careers",
            "https://www.linkedin.com/showcase/demo-careers/",
        ),
        ("youtube", Platform.YOUTUBE, "@DemoCouncilTV", "https://www.youtube.com/@DemoCouncilTV"),
        (
            "youtube_channel",
            Platform.YOUTUBE,
            "Demo Planning",
            "https://www.youtube.com/channel/UCa1B2c3D4e5",
        ),
        ("tiktok", Platform.TIKTOK, "@democouncil", "https://www.tiktok.com/@democouncil"),
        ("flickr", Platform.FLICKR, "democouncil", "https://www.flickr.com/photos/democouncil/"),
        ("vimeo", Platform.VIMEO, "democouncil", "https://vimeo.com/democouncil"),
        ("blog", Platform.BLOG, "Demo Blog", "https://blog.demo.gov.uk/"),
    ]
    return {
        key: published(
            communications, leisure, platform=platform, name=f"Demo {key}", handle=handle, url=url
        )
        for key, platform, handle, url in accounts
    }


OFFICIAL_FORMS = [
    ("x", "@DemoCouncil"),
    ("x", "democouncil"),
    ("x", "https://x.com/DemoCouncil"),
    ("x", "https://mobile.twitter.com/democouncil/"),
    ("x", "http://twitter.com/#!/DemoCouncil"),
    ("x", "https://twitter.com/DemoCouncil/status/1?s=20&t=AbCd"),
    ("x", "ｘ．ｃｏｍ／ＤｅｍｏＣｏｕｎｃｉｌ"),
    ("x", "https://x.com/Demo\u200bCouncil"),
    ("facebook", "https://m.facebook.com/DemoCouncil/?ref=bookmarks"),
    ("facebook", "https://web.facebook.com/democouncil"),
    ("facebook", "https://fb.com/DemoCouncil/"),
    ("facebook_id", "https://m.facebook.com/profile.php?id=100064123456789&mibextid=xyz"),
    ("facebook_id", "https://www.facebook.com/people/Demo-Youth/100064123456789/"),
    ("facebook_group", "https://www.facebook.com/groups/DemoResidents/posts/42"),
    ("instagram", "https://instagram.com/democouncil?hl=en"),
    ("instagram", "https://instagr.am/DemoCouncil/"),
    ("linkedin", "https://uk.linkedin.com/company/Demo-Council"),
    ("linkedin", "www.linkedin.com/company/demo-council/posts/"),
    ("showcase", "https://uk.linkedin.com/showcase/demo-careers"),
    ("youtube", "https://m.youtube.com/@democounciltv/videos"),
    ("youtube", "https://www.youtube.com/c/DemoCouncilTV"),
    ("youtube_channel", "https://www.youtube.com/channel/UCa1B2c3D4e5/videos"),
    ("tiktok", "https://www.tiktok.com/@DemoCouncil/video/7300000000000000000?lang=en"),
    ("flickr", "https://www.flickr.com/people/DemoCouncil"),
    ("vimeo", "https://vimeo.com/DemoCouncil/"),
    ("blog", "http://blog.demo.gov.uk"),
    ("blog", "https://BLOG.demo.gov.uk/2026/03/the-new-library/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("which", "pasted"), OFFICIAL_FORMS)
def test_each_form_of_an_official_address_is_official(
    which: str, pasted: str, official: dict[str, Account]
) -> None:
    answer = lookup(pasted)

    assert answer.verdict is Verdict.OFFICIAL
    assert official[which] in answer.accounts


@pytest.mark.django_db
def test_a_bare_handle_finds_the_account_on_every_platform_that_has_it(
    official: dict[str, Account],
) -> None:
    answer = lookup("@democouncil")

    assert answer.verdict is Verdict.OFFICIAL
    assert {account.pk for account in answer.accounts} == {
        official[key].pk for key in ("x", "facebook", "instagram", "tiktok", "flickr", "vimeo")
    }


@pytest.mark.django_db
def test_a_handle_on_another_platform_is_not_that_platform_s_account(
    official: dict[str, Account],
) -> None:
    # democouncil is ours on X and elsewhere; on YouTube, ours is DemoCouncilTV.
    assert lookup("https://www.youtube.com/@democouncil").verdict is Verdict.UNKNOWN


LOOKALIKES = [
    ("x", "@DemοCouncil"),  # Greek omicron
    ("x", "https://x.com/Dem0Council"),  # zero for o
    ("x", "@DemoCounciI"),  # capital I for l
    ("x", "https://x.com/Demo_Council"),
    ("instagram", "https://www.instagram.com/demo.council/"),
    ("facebook", "https://www.facebook.com/DеmoCouncil"),  # Cyrillic е
    ("youtube", "https://www.youtube.com/@DemoCounci1TV"),  # one for l
    ("tiktok", "https://www.tiktok.com/@dem0counci1"),
    ("linkedin", "https://uk.linkedin.com/company/demo-counciI"),
    ("blog", "https://bl0g.demo.gov.uk"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("which", "pasted"), LOOKALIKES)
def test_a_lookalike_is_never_official_and_names_the_account_it_imitates(
    which: str, pasted: str, official: dict[str, Account]
) -> None:
    answer = lookup(pasted)

    assert answer.verdict is Verdict.LOOKALIKE
    assert official[which] in answer.accounts


@pytest.mark.django_db
def test_a_closed_published_account_is_closed_with_the_day_it_closed(
    communications: User, leisure: ServiceArea
) -> None:
    events = published(communications, leisure, handle="@DemoEvents", url="")
    account_change_status(
        actor=communications, account=events, action="close", reason="Merged", now=CLOSED
    )

    answer = lookup("https://x.com/demoevents?s=20")

    assert answer.verdict is Verdict.CLOSED
    assert answer.account == events
    assert closed_on(answer.account) == datetime.date(2026, 1, 20)


@pytest.mark.django_db
def test_a_new_account_with_a_closed_one_s_handle_is_the_official_one(
    communications: User, leisure: ServiceArea
) -> None:
    old = published(communications, leisure, name="Old Events", handle="@DemoEvents")
    account_change_status(actor=communications, account=old, action="close", reason="Merged")
    new = published(communications, leisure, name="New Events", handle="@DemoEvents")

    answer = lookup("@DemoEvents")

    assert answer.verdict is Verdict.OFFICIAL
    assert answer.accounts == [new]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", ["unpublished", "suspended", "being_set_up", "unapproved", "closed"]
)
def test_an_account_that_is_not_published_is_not_ours_to_the_public(
    status: str, communications: User, leisure: ServiceArea
) -> None:
    values: dict[str, Any] = {"handle": "@DemoHidden", "url": "https://x.com/DemoHidden"}
    if status == "unpublished":
        make_account(communications, leisure, **values)
    elif status == "suspended":
        account = published(communications, leisure, **values)
        account_change_status(actor=communications, account=account, action="suspend", reason="x")
    elif status == "being_set_up":
        published(communications, leisure, status=AccountStatus.BEING_SET_UP, **values)
    elif status == "unapproved":
        found = account_record_unapproved(
            actor=communications,
            values={
                "platform": "x",
                "platform_other": "",
                "name": "Found",
                **values,
                "service_area": leisure,
                "responsible_officer": None,
            },
            discovered_how="Monitoring",
        )
        Account.objects.filter(pk=found.pk).update(published=True)
    else:  # closed without ever being published
        account = make_account(communications, leisure, **values)
        account_change_status(actor=communications, account=account, action="close", reason="x")

    for pasted in ("@DemoHidden", "https://x.com/DemoHidden", "https://x.com/Dem0Hidden"):
        answer = lookup(pasted)
        assert answer.verdict is Verdict.UNKNOWN, pasted
        assert answer.accounts == []


@pytest.mark.django_db
def test_a_lookalike_of_an_account_that_is_not_published_is_unknown(
    communications: User, leisure: ServiceArea
) -> None:
    make_account(communications, leisure, handle="@DemoInternal")

    assert lookup("@Dem0Internal").verdict is Verdict.UNKNOWN


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pasted", "verdict"),
    [
        ("https://t.co/AbCdEf", Verdict.SHORT_LINK),
        ("https://x.com/i/web/status/1", Verdict.NOT_AN_ACCOUNT),
        ("Demo Borough Council", Verdict.NOT_AN_ACCOUNT),
        ("@Demo\x00Council", Verdict.NOT_AN_ACCOUNT),
        ("https://[", Verdict.NOT_AN_ACCOUNT),
        ("@SomeoneElse", Verdict.UNKNOWN),
        ("https://www.facebook.com/profile.php?id=999", Verdict.UNKNOWN),
    ],
)
def test_what_is_not_one_of_ours_is_said_as_it_is(
    pasted: str, verdict: Verdict, official: dict[str, Account]
) -> None:
    assert lookup(pasted).verdict is verdict


@pytest.mark.django_db
def test_pages_on_the_council_s_own_site_find_the_account_whose_address_starts_them(
    communications: User, leisure: ServiceArea, django_assert_max_num_queries: Any
) -> None:
    # Many accounts share the council's web host: a lookup reads the accounts whose address
    # starts the one asked about, whole path segment by segment, however many there are.
    blog = published(
        communications, leisure, platform=Platform.BLOG, name="Leisure blog",
        handle="leisureblog", url="https://www.demo.gov.uk/leisure-blog/",
    )  # fmt: skip
    leisure_pages = published(
        communications, leisure, platform=Platform.BLOG, name="Leisure news",
        handle="leisurenews", url="https://www.demo.gov.uk/leisure",
    )  # fmt: skip
    for number in range(30):
        published(
            communications, leisure, platform=Platform.BLOG, name=f"Service {number}",
            handle=f"service{number}", url=f"https://www.demo.gov.uk/service-{number}",
        )  # fmt: skip
    lookup("https://www.demo.gov.uk/service-1")  # the kept index is worked out once

    with django_assert_max_num_queries(2):
        answer = lookup("https://demo.gov.uk/leisure-blog/2026/05/summer-fun")
    assert (answer.verdict, answer.accounts) == (Verdict.OFFICIAL, [blog])
    assert lookup("www.demo.gov.uk/leisure/pools").accounts == [leisure_pages]
    assert lookup("https://www.demo.gov.uk/leisur").verdict is not Verdict.OFFICIAL
    assert lookup("https://www.demo.gov.uk/").verdict is not Verdict.OFFICIAL
