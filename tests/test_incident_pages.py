"""Staff incident reports (INC-1) through their pages: the one-page report, the incident's page
with its 72-hour clock, evidence and password changes, Communications' linking, screenshots and
closing, and the list."""

from __future__ import annotations

import datetime
import html
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from accounts.models import Account
from governance.models import Notification, ServiceArea, User
from moderation.models import (
    AbuseCase,
    CaseState,
    CredentialTask,
    Evidence,
    Incident,
    IncidentKind,
    IncidentState,
    TaskCause,
    TaskKind,
)
from moderation.services.impersonation import impersonation_report
from moderation.services.incidents import incident_close, incident_report
from tests.register_helpers import make_account

LONDON = ZoneInfo("Europe/London")
# A Tuesday afternoon, well clear of the clocks changing.
NOW = datetime.datetime(2026, 3, 10, 14, 0, tzinfo=LONDON)


def page_of(response: Any) -> str:
    """The page's HTML with its entities read, as a person sees the words."""
    return html.unescape(response.content.decode())


def text_of(response: Any) -> str:
    """The words of the page's main content, without markup or runs of spaces."""
    main = page_of(response).split('id="main-content"', 1)[-1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def error_summary(response: Any) -> list[str]:
    page = page_of(response)
    assert "There is a problem" in page
    summary = page.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return [message.strip() for message in re.findall(r"<a [^>]*>([^<]+)</a>", summary)]


def png(name: str = "screenshot.png", size: tuple[int, int] = (40, 20)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "purple").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def date_parts(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def answers(picked: Account | None = None, **changes: Any) -> dict[str, Any]:
    """A filled-in report of something posted by mistake: today, on the account ``picked`` from
    the list (or on an account described in words)."""
    data: dict[str, Any] = {
        "kind": IncidentKind.MISTAKEN_POST,
        "account": str(picked.pk) if picked else "not_listed",
        "account_described": "" if picked else "Leisure Centre Offers on Instagram",
        "post_url": "https://x.com/LeisureOffers/status/123",
        **date_parts("happened_on", timezone.localdate()),
        "what_happened": "A draft about the pool closing was posted a week early.",
        "actions": ["removed", "line_manager"],
        "started_with": "",
    }
    return {**data, **changes}


def breach_answers(picked: Account | None = None, **changes: Any) -> dict[str, Any]:
    found = timezone.localtime() - datetime.timedelta(hours=2)
    breach = {
        "kind": IncidentKind.DATA_BREACH,
        "personal_data": "Names and home addresses of three residents who complained",
        "people_affected": "3",
        "found_time": f"{found:%H:%M}",
        "risk": "likely",
        **date_parts("found_on", found.date()),
    }
    return answers(picked, **{**breach, **changes})


def report(client: Client, data: dict[str, Any]) -> Any:
    return client.post("/incidents/new/", data, follow=True)


def token_on(client: Client) -> str:
    found = re.search(
        r'name="started_with" value="([0-9a-f]+)"', page_of(client.get("/incidents/new/"))
    )
    assert found is not None
    return found.group(1)


@pytest.fixture
def offers(communications: User, leisure: ServiceArea, requester: User) -> Account:
    """An account the requester moderates."""
    return make_account(communications, leisure, moderators=(requester,), name="Leisure Offers")


@pytest.fixture
def elsewhere(communications: User, housing: ServiceArea) -> Account:
    """An account the requester has no link to."""
    return make_account(communications, housing, name="Housing News", handle="@HousingNews")


# ---------------------------------------------------------------------------------------------
# Reporting


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [kind for kind in IncidentKind.values if kind != "data_breach"])
def test_each_kind_is_reported_through_the_page(
    kind: str, requester: User, offers: Account, client_for: Any
) -> None:
    client = client_for(requester)

    sent = report(client, answers(offers, kind=kind))

    incident = Incident.objects.get()
    assert sent.redirect_chain[-1][0] == f"/incidents/{incident.pk}/"
    words = text_of(sent)
    assert "Incident reported" in words
    assert f"Your reference is {incident.reference}" in words
    assert "Your line manager, Sam Okafor, and Communications have been told" in words
    assert IncidentKind(kind).label in words
    assert incident.kind == kind
    assert incident.account == offers
    assert incident.actions == ["removed", "line_manager"]
    # The panel is said once: the page seen again is the incident itself.
    assert "Incident reported" not in text_of(client.get(f"/incidents/{incident.pk}/"))


@pytest.mark.django_db
def test_a_data_breach_is_reported_with_the_questions_of_the_data_protection_officer(
    requester: User, offers: Account, client_for: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        sent = report(
            client_for(requester),
            breach_answers(offers, people_affected="1,200", found_time="12:30pm"),
        )

    incident = Incident.objects.get()
    assert incident.kind == IncidentKind.DATA_BREACH
    assert incident.people_affected == 1200
    assert incident.found_at == datetime.datetime(2026, 3, 10, 12, 30, tzinfo=LONDON)
    assert incident.risk == "likely"
    words = text_of(sent)
    assert "Names and home addresses of three residents who complained" in words
    assert "1200" in words
    assert "Report to the ICO by 13 March 2026 at 12:30pm" in words


@pytest.mark.django_db
def test_breach_questions_are_asked_only_of_a_breach(
    requester: User, offers: Account, client_for: Any
) -> None:
    client = client_for(requester)

    refused = client.post("/incidents/new/", answers(offers, kind=IncidentKind.DATA_BREACH))

    assert refused.status_code == 200
    assert error_summary(refused) == [
        "Enter what personal or confidential information",
        "Enter how many people the information is about (your best estimate)",
        "Enter the date the breach was found",
        "Enter the time the breach was found",
        "Select whether it could harm the people whose information it is",
    ]
    assert not Incident.objects.exists()

    # Breach answers left on the page when another kind is chosen are not kept.
    report(client, breach_answers(offers, kind=IncidentKind.MISTAKEN_POST))

    incident = Incident.objects.get()
    assert incident.kind == IncidentKind.MISTAKEN_POST
    assert incident.personal_data == "" and incident.found_at is None
    assert incident.people_affected is None and incident.risk == ""


@pytest.mark.django_db
def test_the_breach_questions_sit_under_the_breach_answer_and_are_there_without_javascript(
    requester: User, offers: Account, client_for: Any
) -> None:
    page = page_of(client_for(requester).get("/incidents/new/"))

    breach = re.search(r'<input [^>]*value="data_breach"[^>]*>', page)
    assert breach is not None
    assert 'data-reveal="conditional-kind-2"' in breach.group(0)
    reveal = page.split('id="conditional-kind-2"', 1)[1].split('id="id_kind_3"', 1)[0]
    for question in ("personal_data", "people_affected", "found_on_0", "found_time", "risk_1"):
        assert f'id="id_{question}"' in reveal
    # Hidden only by GOV.UK Frontend's script, never by the page itself.
    assert "hidden" not in reveal.split(">", 1)[0].replace("--hidden", "")
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="image/png,image/jpeg,image/webp"' in page


# ---------------------------------------------------------------------------------------------
# The 72-hour clock


@pytest.mark.django_db
def test_the_clock_shows_the_hours_left_to_tell_the_ico_to_everyone_who_sees_the_incident(
    requester: User, line_manager: User, communications: User, hr: User, client_for: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        incident, _ = incident_report(
            reporter=requester,
            kind=IncidentKind.DATA_BREACH,
            happened_on=NOW.date(),
            what_happened="A spreadsheet of residents was attached to a post.",
            account_described="Leisure Offers",
            personal_data="Names and phone numbers",
            people_affected=40,
            found_at=NOW - datetime.timedelta(hours=2),
            risk="unsure",
        )
        for person in (requester, line_manager, communications, hr):
            words = text_of(client_for(person).get(f"/incidents/{incident.pk}/"))
            assert "Report to the ICO by 13 March 2026 at 12:00pm" in words
            assert "70 hours left" in words

    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        words = text_of(client_for(requester).get(f"/incidents/{incident.pk}/"))

    assert "The 72 hours ended on 13 March 2026 at 12:00pm" in words
    assert "hours left" not in words


@pytest.mark.django_db
def test_a_breach_unlikely_to_harm_anyone_has_no_clock(
    requester: User, offers: Account, client_for: Any
) -> None:
    client = client_for(requester)

    words = text_of(report(client, breach_answers(offers, risk="unlikely")))

    assert "Report to the ICO by" not in words
    assert "may not have to be reported to the ICO" in words


# ---------------------------------------------------------------------------------------------
# A compromised account


@pytest.mark.django_db
def test_a_compromised_account_raises_a_password_change_shown_on_the_incident(
    requester: User, offers: Account, communications: User, client_for: Any
) -> None:
    sent = report(client_for(requester), answers(offers, kind=IncidentKind.COMPROMISED_ACCOUNT))

    task = CredentialTask.objects.get()
    assert (task.kind, task.cause, task.account) == (
        TaskKind.ROTATE,
        TaskCause.COMPROMISE,
        offers,
    )
    words = text_of(sent)
    assert "A password change has been raised for the account" in words
    assert "Change the password of Leisure Offers" in words
    comms_page = page_of(client_for(communications).get(f"/incidents/{task.incident_id}/"))
    assert f'href="/credential-tasks/{task.pk}/"' in comms_page


@pytest.mark.django_db
def test_an_account_the_reporter_cannot_open_stays_as_they_described_it(
    requester: User,
    communications: User,
    line_manager: User,
    elsewhere: Account,
    client_for: Any,
) -> None:
    """INC-1: an incident on an account the reporter has no link to shows them only what they
    entered, even once Communications has linked it to the register."""
    reporter = client_for(requester)
    report(
        reporter,
        answers(
            kind=IncidentKind.COMPROMISED_ACCOUNT,
            account_described="the housing news account on X",
        ),
    )
    incident = Incident.objects.get()
    assert incident.account is None
    assert CredentialTask.objects.count() == 0
    comms = client_for(communications)

    # Communications is offered the accounts that match what the reporter typed, and links one.
    suggested = comms.get(f"/incidents/{incident.pk}/account/")
    assert "the housing news account on X" in text_of(suggested)
    assert f'value="{elsewhere.pk}"' in page_of(suggested)
    linked = comms.post(
        f"/incidents/{incident.pk}/account/?search=housingnews",
        {"account": str(elsewhere.pk)},
        follow=True,
    )

    incident.refresh_from_db()
    assert incident.account == elsewhere
    assert f"{incident.reference} is linked to Housing News" in text_of(linked)
    assert f'href="/register/{elsewhere.pk}/"' in page_of(linked)
    task = CredentialTask.objects.get()
    assert task.incident == incident
    for person in (requester, line_manager):
        page = page_of(client_for(person).get(f"/incidents/{incident.pk}/"))
        assert "the housing news account on X" in page
        assert "Housing News" not in page
        assert "@HousingNews" not in page
        assert f"/register/{elsewhere.pk}/" not in page
        assert "linked" in page and "to an account in the register" in page
        assert "Change the password" in page  # the task, without the account's name


@pytest.mark.django_db
def test_the_link_page_finds_accounts_by_register_page_or_profile_address(
    requester: User, communications: User, elsewhere: Account, offers: Account, client_for: Any
) -> None:
    incident, _ = incident_report(
        reporter=requester,
        kind=IncidentKind.SUSPICIOUS_CONTENT,
        happened_on=timezone.localdate(),
        what_happened="A link to a prize draw",
        account_described="https://x.com/HousingNews",
    )
    comms = client_for(communications)

    suggested = text_of(comms.get(f"/incidents/{incident.pk}/account/"))
    by_page = text_of(
        comms.get(
            f"/incidents/{incident.pk}/account/?search=https://portal.example/register/{offers.pk}/"
        )
    )
    nothing = comms.get(f"/incidents/{incident.pk}/account/?search=no+such+thing")
    with_nul = comms.get(f"/incidents/{incident.pk}/account/?search=housing%00news")
    refused = comms.post(f"/incidents/{incident.pk}/account/", {"account": "99999999999999999999"})

    assert "Housing News" in suggested and "Leisure Offers" not in suggested
    assert "Leisure Offers" in by_page and "Housing News" not in by_page
    assert "No account in the register matches" in text_of(nothing)
    assert with_nul.status_code == 200 and "Housing News" in text_of(with_nul)
    assert refused.status_code == 200
    assert error_summary(refused) == ["Select an account from the list"]


# ---------------------------------------------------------------------------------------------
# Who is told, and sending twice


@pytest.mark.django_db(transaction=True)
def test_the_line_manager_and_communications_are_told_at_once(
    requester: User, line_manager: User, communications: User, offers: Account, client_for: Any
) -> None:
    report(client_for(requester), answers(offers))

    incident = Incident.objects.get()
    told = Notification.objects.filter(url=f"/incidents/{incident.pk}/")
    assert sorted(told.values_list("recipient__email", flat=True)) == [
        "comms@council.example",
        "manager@council.example",
    ]
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "comms@council.example",
        "manager@council.example",
    ]
    assert all(incident.reference in message.subject for message in mail.outbox)


@pytest.mark.django_db
def test_the_same_page_sent_twice_makes_one_report(
    requester: User, offers: Account, client_for: Any
) -> None:
    client = client_for(requester)
    data = answers(offers, started_with=token_on(client))

    first = report(client, data)
    second = report(client, data)

    incident = Incident.objects.get()
    assert (
        first.redirect_chain[-1][0] == second.redirect_chain[-1][0] == f"/incidents/{incident.pk}/"
    )
    assert "You had already sent this report: it was recorded once." in text_of(second)
    assert Notification.objects.filter(url=f"/incidents/{incident.pk}/").count() == 2


@pytest.mark.django_db
def test_a_token_the_page_did_not_make_still_makes_one_report(
    requester: User, offers: Account, client_for: Any
) -> None:
    report(client_for(requester), answers(offers, started_with="<script>" * 20))

    assert len(Incident.objects.get().started_with) == 32


# ---------------------------------------------------------------------------------------------
# Bad input: a clear message, everything typed kept, never a server error


@pytest.mark.django_db
def test_missing_answers_are_each_said_and_what_was_typed_is_kept(
    requester: User, offers: Account, client_for: Any
) -> None:
    refused = client_for(requester).post(
        "/incidents/new/",
        {
            "account": "",
            "account_described": "",
            "what_happened": "",
            "post_url": "https://x.com/a/1",
        },
    )

    assert refused.status_code == 200
    assert error_summary(refused) == [
        "Select what happened",
        "Select the account, or enter its name or web address",
        "Enter the date it happened",
        "Enter what happened",
    ]
    assert 'value="https://x.com/a/1"' in page_of(refused)
    assert not Incident.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            date_parts("happened_on", timezone.localdate() + datetime.timedelta(days=1)),
            "The date it happened must be today or in the past",
        ),
        (
            {"happened_on_0": "31", "happened_on_1": "2", "happened_on_2": "2026"},
            "The date must be a real date, like 27 3 2026, for “When did it happen?”",
        ),
        (
            {"happened_on_0": "1", "happened_on_1": "1", "happened_on_2": "9" * 200},
            "Enter the year in full, like 2026, for “When did it happen?”",
        ),
        ({"post_url": "javascript:alert(1)"}, "Enter a web address that starts with https://"),
        ({"account": "999999999999999999999"}, "Select an account from the list"),
        ({"kind": "anything"}, "Select what happened"),
        ({"actions": ["removed", "deleted the council"]}, "Select only what is in the list"),
        ({"what_happened": "x" * 5001}, "5,000 characters or fewer"),
    ],
)
def test_bad_answers_get_a_clear_message(
    changes: dict[str, Any], message: str, requester: User, offers: Account, client_for: Any
) -> None:
    refused = client_for(requester).post("/incidents/new/", answers(offers, **changes))

    assert refused.status_code == 200
    assert any(message in said for said in error_summary(refused)), error_summary(refused)
    assert "A draft about the pool closing was posted a week early." in page_of(refused) or (
        "what_happened" in changes
    )
    assert not Incident.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"people_affected": "about forty"}, "Enter how many people as a whole number, like 25"),
        ({"people_affected": "9" * 30}, "Enter how many people as a whole number, like 25"),
        ({"people_affected": "-3"}, "Enter how many people as a whole number, like 25"),
        ({"found_time": "25:00"}, "Enter the time it was found, like 9:30am or 14:30"),
        ({"found_time": "13pm"}, "Enter the time it was found, like 9:30am or 14:30"),
        ({"found_time": "teatime"}, "Enter the time it was found, like 9:30am or 14:30"),
        ({"risk": "maybe"}, "Select whether it could harm the people whose information it is"),
        (
            {
                "found_time": "11pm",
                **date_parts("found_on", timezone.localdate() + datetime.timedelta(days=2)),
            },
            "The time it was found must be in the past",
        ),
    ],
)
def test_bad_breach_answers_get_a_clear_message(
    changes: dict[str, Any], message: str, requester: User, offers: Account, client_for: Any
) -> None:
    refused = client_for(requester).post("/incidents/new/", breach_answers(offers, **changes))

    assert refused.status_code == 200
    assert message in error_summary(refused)
    assert "Names and home addresses of three residents who complained" in page_of(refused)
    assert not Incident.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("screenshot.png", b"<html><script>alert(1)</script>", "image/png"),
            "The selected file must be a PNG, JPEG or WebP image",
        ),
        (SimpleUploadedFile("notes.txt", b"just some notes", "text/plain"), "must be a PNG"),
        (SimpleUploadedFile("empty.png", b"", "image/png"), "The selected file is empty"),
        (
            SimpleUploadedFile("cut.png", png().read()[:60], "image/png"),
            "The selected image is damaged or incomplete",
        ),
    ],
)
def test_a_file_that_is_not_a_screenshot_is_refused_at_its_question(
    upload: SimpleUploadedFile, message: str, requester: User, offers: Account, client_for: Any
) -> None:
    refused = client_for(requester).post("/incidents/new/", answers(offers, evidence=upload))

    assert refused.status_code == 200
    assert any(message in said for said in error_summary(refused)), error_summary(refused)
    assert not Incident.objects.exists()
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_a_good_screenshot_is_asked_for_again_after_a_problem_elsewhere(
    requester: User, offers: Account, client_for: Any
) -> None:
    refused = client_for(requester).post(
        "/incidents/new/", answers(offers, what_happened="", evidence=png("pool.png"))
    )

    assert error_summary(refused) == ["Enter what happened"]
    assert "You chose pool.png. Choose it again" in text_of(refused)


@pytest.mark.django_db
def test_a_screenshot_sent_with_the_report_is_kept_as_evidence(
    requester: User, communications: User, offers: Account, client_for: Any
) -> None:
    report(client_for(requester), answers(offers, evidence=png(size=(64, 48))))

    evidence = Evidence.objects.get()
    incident = Incident.objects.get()
    assert evidence.incident == incident
    reporter_page = page_of(client_for(requester).get(f"/incidents/{incident.pk}/"))
    comms_page = page_of(client_for(communications).get(f"/incidents/{incident.pk}/"))
    for page in (reporter_page, comms_page):
        assert evidence.original_sha256 in page
        assert "64 by 48 pixels" in page
    # The file itself is served only to Communications, Legal and HR (INC-3).
    assert f"/evidence/{evidence.pk}/" not in reporter_page
    assert f'href="/evidence/{evidence.pk}/"' in comms_page


@pytest.mark.django_db
def test_someone_with_no_accounts_names_the_account_in_words(
    outsider: User, client_for: Any
) -> None:
    client = client_for(outsider)
    page = page_of(client.get("/incidents/new/"))
    assert 'name="account"' not in page

    refused = client.post("/incidents/new/", answers(account_described=""))
    assert error_summary(refused) == ["Enter the account's name or web address"]

    report(client, answers())
    assert Incident.objects.get().account_described == "Leisure Centre Offers on Instagram"


# ---------------------------------------------------------------------------------------------
# Who sees an incident


@pytest.mark.django_db
def test_nobody_else_finds_an_incident(
    requester: User,
    colleague: User,
    outsider: User,
    line_manager: User,
    communications: User,
    hr: User,
    legal: User,
    auditor: User,
    client_for: Any,
) -> None:
    incident, _ = incident_report(
        reporter=requester,
        kind=IncidentKind.MISTAKEN_POST,
        happened_on=timezone.localdate(),
        what_happened="Posted to the wrong account",
        account_described="Leisure Offers",
    )
    pages = [f"/incidents/{incident.pk}/{page}" for page in ("", "account/", "evidence/", "close/")]

    for person in (colleague, outsider, legal):
        client = client_for(person)
        assert [client.get(url).status_code for url in pages] == [404, 404, 404, 404]
        assert incident.reference not in page_of(client.get("/incidents/"))
    # Auditors read every incident, to follow the compliance statement's figures (AUD-1).
    for person in (requester, line_manager, hr, auditor):
        client = client_for(person)
        assert [client.get(url).status_code for url in pages] == [200, 404, 404, 404]
        assert client.post(pages[3], {"outcome": "Closed by me"}).status_code == 404
    assert incident.reference in page_of(client_for(auditor).get("/incidents/"))
    assert [client_for(communications).get(url).status_code for url in pages] == [200] * 4
    assert Incident.objects.get().state == IncidentState.OPEN


@pytest.mark.django_db
def test_a_line_manager_is_offered_to_raise_a_concern_with_hr(
    requester: User, line_manager: User, client_for: Any
) -> None:
    incident, _ = incident_report(
        reporter=requester,
        kind=IncidentKind.INAPPROPRIATE_CONTENT,
        happened_on=timezone.localdate(),
        what_happened="A colleague posted a joke about a resident",
        account_described="Leisure Offers",
    )

    manager_page = page_of(client_for(line_manager).get(f"/incidents/{incident.pk}/"))
    reporter_page = page_of(client_for(requester).get(f"/incidents/{incident.pk}/"))

    assert f'href="/concerns/new/?incident={incident.pk}"' in manager_page
    assert "raise a concern with HR" in manager_page
    assert "/concerns/new/" not in reporter_page


@pytest.mark.django_db
def test_an_auditor_reads_an_incident_but_makes_no_move(
    requester: User, offers: Account, auditor: User, client_for: Any
) -> None:
    incident, _ = incident_report(
        reporter=requester,
        kind=IncidentKind.COMPROMISED_ACCOUNT,
        happened_on=timezone.localdate(),
        what_happened="Posts we did not write appeared overnight.",
        account=offers,
        evidence=png(),
    )
    client = client_for(auditor)

    page = page_of(client.get(f"/incidents/{incident.pk}/"))
    posted = [
        client.post(f"/incidents/{incident.pk}/account/", {"account": str(offers.pk)}),
        client.post(f"/incidents/{incident.pk}/evidence/", {"screenshot": png()}),
        client.post(f"/incidents/{incident.pk}/close/", {"outcome": "Closed by the auditor"}),
    ]

    assert "Posts we did not write appeared overnight." in page
    assert "Close it with an outcome" not in page
    assert f'href="/incidents/{incident.pk}/close/"' not in page
    assert "/evidence/" not in page.split('<h2 class="govuk-heading-m">Evidence</h2>')[1]
    assert [response.status_code for response in posted] == [404, 404, 404]
    incident.refresh_from_db()
    assert incident.state == IncidentState.OPEN
    assert incident.evidence.count() == 1


# ---------------------------------------------------------------------------------------------
# A report from a member of the public (an account pretending to be the council's)


@pytest.mark.django_db(transaction=True)
def test_a_report_from_the_public_reads_well_on_every_page(
    offers: Account, communications: User, hr: User, auditor: User, client_for: Any
) -> None:
    incident, _ = impersonation_report(
        address="https://www.instagram.com/leisure_0ffers",
        details="Offering free swim passes for bank details.",
        contact_email="resident@example.org",
        evidence=png(),
        looks_like=offers,
    )
    comms = client_for(communications)

    detail = text_of(comms.get(f"/incidents/{incident.pk}/"))
    pages = [
        comms.get(url)
        for url in (
            "/",
            "/incidents/",
            "/incidents/?kind=impersonation&state=all",
            f"/incidents/{incident.pk}/account/",
            f"/incidents/{incident.pk}/evidence/",
            f"/incidents/{incident.pk}/close/",
        )
    ]
    closed = comms.post(
        f"/incidents/{incident.pk}/close/", {"outcome": "Reported to Instagram."}, follow=True
    )

    assert "An account pretending to be the council's" in detail
    assert "Reported by A member of the public Reply to resident@example.org" in detail
    assert (
        "The account pretending to be the council's https://www.instagram.com/leisure_0ffers"
        in (detail)
    )
    assert "Our account it looks like Leisure Offers" in detail
    assert "What they saw Offering free swim passes for bank details." in detail
    assert "What they had done" not in detail
    assert "Web address of the post" not in detail
    assert "Added by The member of the public who reported it" in detail
    assert [page.status_code for page in pages] == [200] * 6
    assert "by a member of the public" in text_of(pages[1])
    assert "Reported by a member of the public on" in text_of(pages[0])
    assert "Showing only: Accounts pretending to be the council's" in text_of(pages[2])
    assert "reported by a member of the public" in text_of(pages[5])
    assert (
        f"{incident.reference} is closed. The member of the public who reported it is not told "
        "by the portal: reply to resident@example.org if they should know."
    ) in text_of(closed)
    for reader in (hr, auditor):
        assert "A member of the public" in text_of(
            client_for(reader).get(f"/incidents/{incident.pk}/")
        )


@pytest.mark.django_db
def test_a_report_from_the_public_without_an_address_says_so(
    communications: User, requester: User, outsider: User, client_for: Any
) -> None:
    incident, _ = impersonation_report(address="@leisure_offers_official")

    detail = text_of(client_for(communications).get(f"/incidents/{incident.pk}/"))
    closed = client_for(communications).post(
        f"/incidents/{incident.pk}/close/", {"outcome": "Not pretending."}, follow=True
    )

    assert "Reported by A member of the public They left no address to reply to" in detail
    assert "The account pretending to be the council's @leisure_offers_official" in detail
    assert "Our account it looks like None found in the register" in detail
    assert f"{incident.reference} is closed." in text_of(closed)
    assert Incident.objects.get().state == IncidentState.CLOSED
    for person in (requester, outsider):
        assert client_for(person).get(f"/incidents/{incident.pk}/").status_code == 404
        assert incident.reference not in text_of(client_for(person).get("/incidents/?state=all"))


# ---------------------------------------------------------------------------------------------
# Communications' pages


@pytest.mark.django_db(transaction=True)
def test_communications_closes_an_incident_with_its_outcome(
    requester: User, line_manager: User, communications: User, client_for: Any
) -> None:
    incident, _ = incident_report(
        reporter=requester,
        kind=IncidentKind.MISTAKEN_POST,
        happened_on=timezone.localdate(),
        what_happened="Posted to the wrong account",
        account_described="Leisure Offers",
    )
    comms = client_for(communications)
    detail = page_of(comms.get(f"/incidents/{incident.pk}/"))
    assert f'href="/incidents/{incident.pk}/close/"' in detail
    assert "Close it with an outcome" in detail
    mail.outbox.clear()

    empty = comms.post(f"/incidents/{incident.pk}/close/", {"outcome": "  "})
    closed = comms.post(
        f"/incidents/{incident.pk}/close/",
        {"outcome": "Post deleted; the team now drafts in the scheduler."},
        follow=True,
    )
    again = comms.post(f"/incidents/{incident.pk}/close/", {"outcome": "Twice"}, follow=True)

    assert empty.status_code == 200
    assert error_summary(empty) == ["Enter the outcome"]
    incident.refresh_from_db()
    assert incident.state == IncidentState.CLOSED
    assert incident.closed_by == communications
    words = text_of(closed)
    assert f"{incident.reference} is closed" in words
    assert "Post deleted; the team now drafts in the scheduler." in words
    assert "Close it with an outcome" not in words
    assert "This incident is closed." in text_of(again)
    assert incident.outcome == "Post deleted; the team now drafts in the scheduler."
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "manager@council.example",
        "requester@council.example",
    ]
    reporter_words = text_of(client_for(requester).get(f"/incidents/{incident.pk}/"))
    assert "Post deleted; the team now drafts in the scheduler." in reporter_words


@pytest.mark.django_db
def test_communications_adds_a_screenshot_and_a_bad_file_is_refused(
    requester: User, communications: User, client_for: Any
) -> None:
    incident, _ = incident_report(
        reporter=requester,
        kind=IncidentKind.SUSPICIOUS_CONTENT,
        happened_on=timezone.localdate(),
        what_happened="A reply with a link to a fake login page",
        account_described="Leisure Offers",
    )
    comms = client_for(communications)

    refused = comms.post(
        f"/incidents/{incident.pk}/evidence/",
        {"screenshot": SimpleUploadedFile("fake.png", b"GIF89a not really", "image/png")},
    )
    missing = comms.post(f"/incidents/{incident.pk}/evidence/", {})
    added = comms.post(
        f"/incidents/{incident.pk}/evidence/", {"screenshot": png(size=(30, 10))}, follow=True
    )

    assert refused.status_code == missing.status_code == 200
    assert error_summary(refused) == ["The selected file must be a PNG, JPEG or WebP image"]
    assert error_summary(missing) == ["Select the screenshot to upload"]
    evidence = Evidence.objects.get()
    words = text_of(added)
    assert f"The screenshot is added to {incident.reference}" in words
    assert evidence.original_sha256 in words
    assert "30 by 10 pixels" in words
    assert "added a screenshot" in words


@pytest.mark.django_db
def test_a_closed_incident_says_why_nothing_more_can_be_done(
    requester: User, communications: User, client_for: Any
) -> None:
    incident, _ = incident_report(
        reporter=requester,
        kind=IncidentKind.MISTAKEN_POST,
        happened_on=timezone.localdate(),
        what_happened="Posted to the wrong account",
        account_described="Leisure Offers",
    )
    incident_close(actor=communications, incident=incident, outcome="Deleted")
    comms = client_for(communications)

    for page in ("account/", "evidence/", "close/"):
        response = comms.get(f"/incidents/{incident.pk}/{page}", follow=True)
        assert response.redirect_chain[-1][0] == f"/incidents/{incident.pk}/"
        assert "This incident is closed." in text_of(response)
    uploaded = comms.post(f"/incidents/{incident.pk}/evidence/", {"screenshot": png()})
    assert uploaded.status_code == 302
    assert not Evidence.objects.exists()


# ---------------------------------------------------------------------------------------------
# The list


def _many(reporter: User, count: int) -> list[Incident]:
    return [
        incident_report(
            reporter=reporter,
            kind=IncidentKind.MISTAKEN_POST,
            happened_on=timezone.localdate(),
            what_happened=f"Mistake {number}",
            account_described="Leisure Offers",
            now=timezone.now() - datetime.timedelta(minutes=number),
        )[0]
        for number in range(count)
    ]


@pytest.mark.django_db
def test_the_list_shows_each_person_their_own_and_their_teams_in_pages_of_25(
    requester: User,
    colleague: User,
    line_manager: User,
    outsider: User,
    communications: User,
    hr: User,
    client_for: Any,
) -> None:
    mine = _many(requester, 27)
    theirs = _many(colleague, 1)
    incident_close(actor=communications, incident=mine[0], outcome="Deleted")
    incident_close(actor=communications, incident=theirs[0], outcome="Deleted")

    def listed(person: User, query: str = "") -> list[str]:
        return re.findall(r"INC-\d{5}", text_of(client_for(person).get(f"/incidents/{query}")))

    assert len(listed(requester)) == 25
    assert len(listed(requester, "?state=open&page=2")) == 1
    assert listed(requester, "?state=closed") == [mine[0].reference]
    assert listed(requester, "?state=open&page=2")[0] == mine[-1].reference
    assert listed(requester)[0] == mine[1].reference  # newest first
    assert listed(line_manager, "?state=closed") == [theirs[0].reference, mine[0].reference]
    assert listed(communications, "?state=closed") == listed(hr, "?state=closed")
    assert len(listed(communications, "?state=closed")) == 2
    assert listed(colleague, "?state=closed") == [theirs[0].reference]
    assert listed(outsider) == []
    assert "No open incidents." in text_of(client_for(outsider).get("/incidents/"))
    for person in (requester, outsider, communications):
        page = page_of(client_for(person).get("/incidents/?state=nonsense&page=abc"))
        assert 'href="/incidents/new/"' in page and "Report an incident" in page


# ---------------------------------------------------------------------------------------------
# The demo


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_incidents_and_a_public_abuse_case(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    second = io.StringIO()
    call_command("seed_demo", stdout=second)

    # Today's; the past year's (compliance/demo/) are closed.
    breach = Incident.objects.get(kind=IncidentKind.DATA_BREACH, state=IncidentState.OPEN)
    compromised = Incident.objects.get(
        kind=IncidentKind.COMPROMISED_ACCOUNT, state=IncidentState.OPEN
    )
    assert breach.report_to_ico_by is not None
    assert compromised.tasks.filter(kind=TaskKind.ROTATE).exists()
    assert Incident.objects.filter(state=IncidentState.CLOSED).exists()
    assert Evidence.objects.filter(incident__isnull=False).exists()
    case = AbuseCase.objects.get(state=CaseState.OPEN)
    assert case.steps.count() >= 3
    assert case.evidence.exists()
    assert "Demo incidents and public abuse: already there." in second.getvalue()
    comms = Client()
    comms.force_login(User.objects.get(email="comms@demo.council.example"))
    requester = Client()
    requester.force_login(User.objects.get(email="requester@demo.council.example"))
    for incident in Incident.objects.all():
        assert comms.get(f"/incidents/{incident.pk}/").status_code == 200
    assert "Report to the ICO by" in text_of(requester.get(f"/incidents/{breach.pk}/")) or (
        "The 72 hours ended" in text_of(requester.get(f"/incidents/{breach.pk}/"))
    )
