"""Raising a concern with HR, and HR's breach record pages (HR-1, HR-2): the raiser learns only
the reference and the date; HR records, looks into, changes, closes and reopens; every read of a
record or of a person's history is logged; everyone else, administrators included, gets 404."""

from __future__ import annotations

import html
import io
import re
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from breaches.concerns import concern_raise
from breaches.models import BreachOutcome, BreachRead, BreachRecord, BreachState, ReadKind
from breaches.services import breach_close, breach_record
from governance.formatting import long_date
from governance.models import Notification, User
from moderation.models import AbuseCategory, IncidentKind
from moderation.services.abuse import case_open
from moderation.services.incidents import incident_report
from tests.conftest import make_person
from tests.declaration_helpers import publish
from tests.register_helpers import make_account

Clients = Callable[[User | None], Client]

SECRET = "ZQX-PRIVATE-5150"
NOT_HR = [
    "requester",
    "line_manager",
    "head_of_service",
    "communications",
    "policy_owner",
    "legal",
    "auditor",
    "outsider",
    "administrator",
]


def page_of(response: Any) -> str:
    """The page's HTML with its entities read, as a person sees the words."""
    return html.unescape(response.content.decode())


def started_token(client: Client) -> str:
    found = re.search(r'name="started" value="([0-9a-f]+)"', page_of(client.get("/concerns/new/")))
    assert found is not None
    return found.group(1)


def raise_concern(
    client: Client, person: str, what: str = SECRET, url: str = "/concerns/new/"
) -> Any:
    """Send the concern form, as a fresh page would (each page has its own token)."""
    answers = {"person": person, "what_happened": what, "started": secrets.token_hex(16)}
    return client.post(url, answers)


def happened(response: Any) -> str:
    """What the page says went wrong: its error summary and messages."""
    return page_of(response)


# ---------------------------------------------------------------------------------------------
# Raising a concern


@pytest.mark.django_db
def test_line_manager_raises_a_concern_and_sees_only_the_reference_and_date(
    line_manager: User, requester: User, colleague: User, client_for: Clients
) -> None:
    client = client_for(line_manager)
    form = page_of(client.get("/concerns/new/"))
    assert "Riya Patel" in form and "Tom Fletcher" in form

    sent = client.post(
        "/concerns/new/",
        {"person": requester.pk, "what_happened": SECRET, "started": started_token(client)},
    )

    record = BreachRecord.objects.get()
    assert sent.status_code == 302 and sent["Location"] == "/concerns/received/"
    assert record.person == requester
    assert record.reported_by == line_manager
    assert record.raised_as_concern and record.state == BreachState.RECEIVED
    received = page_of(client.get("/concerns/received/"))
    assert "Concern sent to HR" in received
    assert record.reference in received
    assert long_date(record.created_at) in received
    assert SECRET not in received
    assert "Riya Patel" not in received
    assert client.get(f"/hr/breaches/{record.pk}/").status_code == 404
    assert client.get(f"/hr/people/{requester.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_received_page_with_nothing_in_the_session_says_so(
    line_manager: User, requester: User, client_for: Clients
) -> None:
    page = page_of(client_for(line_manager).get("/concerns/received/"))

    assert "Nothing to show" in page
    assert 'href="/concerns/new/"' in page


@pytest.mark.django_db
def test_the_same_concern_sent_twice_is_raised_once(
    line_manager: User, requester: User, client_for: Clients
) -> None:
    client = client_for(line_manager)
    answers = {"person": requester.pk, "what_happened": SECRET, "started": started_token(client)}

    first = client.post("/concerns/new/", answers)
    second = client.post("/concerns/new/", answers, follow=True)

    assert first["Location"] == second.redirect_chain[-1][0] == "/concerns/received/"
    assert "You have already sent this concern." in page_of(second)
    assert BreachRecord.objects.count() == 1


@pytest.mark.django_db
def test_line_manager_cannot_raise_a_concern_about_someone_outside_their_team(
    line_manager: User, requester: User, outsider: User, client_for: Clients
) -> None:
    client = client_for(line_manager)

    answer = raise_concern(client, str(outsider.pk))
    own = raise_concern(client, str(line_manager.pk))

    assert answer.status_code == own.status_code == 200
    assert "You can raise a concern only about someone in your team" in happened(answer)
    assert "Owen Price" not in happened(answer)
    assert "You can raise a concern only about someone in your team" in happened(own)
    assert not BreachRecord.objects.exists()


@pytest.mark.django_db
def test_line_manager_sees_no_one_who_has_left(
    line_manager: User, requester: User, colleague: User, client_for: Clients
) -> None:
    colleague.leaver_recorded_at = timezone.now()
    colleague.save(update_fields=["leaver_recorded_at"])

    page = page_of(client_for(line_manager).get("/concerns/new/"))

    assert "Riya Patel" in page
    assert "Tom Fletcher" not in page


@pytest.mark.django_db
def test_communications_raises_a_concern_by_work_email_address(
    communications: User, colleague: User, client_for: Clients
) -> None:
    client = client_for(communications)

    unknown = raise_concern(client, "nobody@council.example")
    malformed = raise_concern(client, "not an address")
    sent = raise_concern(client, "Colleague@Council.example")

    assert unknown.status_code == malformed.status_code == 200
    assert "There is no member of staff with this email address" in happened(unknown)
    assert "Enter an email address in the correct format" in happened(malformed)
    assert sent["Location"] == "/concerns/received/"
    assert BreachRecord.objects.get().person == colleague


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["requester", "hr", "auditor", "legal", "administrator"])
def test_only_line_managers_and_communications_raise_concerns(
    role: str, cast: dict[str, User], client_for: Clients
) -> None:
    client = client_for(cast[role])

    assert client.get("/concerns/new/").status_code == 404
    assert raise_concern(client, str(cast["requester"].pk)).status_code == 404
    assert client.get("/concerns/received/").status_code == 404


@pytest.mark.django_db
def test_a_concern_is_linked_only_to_an_incident_the_raiser_may_see(
    line_manager: User, requester: User, outsider: User, client_for: Clients
) -> None:
    today = timezone.localdate()
    theirs, _ = incident_report(
        reporter=requester,
        kind=IncidentKind.MISTAKEN_POST,
        happened_on=today,
        what_happened="Posted the wrong poster",
        account_described="Leisure page",
    )
    elsewhere, _ = incident_report(
        reporter=outsider,
        kind=IncidentKind.MISTAKEN_POST,
        happened_on=today,
        what_happened="Posted the wrong rota",
        account_described="Housing page",
    )
    client = client_for(line_manager)

    linked = page_of(client.get(f"/concerns/new/?incident={theirs.pk}"))
    refused = page_of(client.get(f"/concerns/new/?incident={elsewhere.pk}"))
    nonsense = client.get("/concerns/new/?incident=abc&case=99999999999999999999")
    raise_concern(client, str(requester.pk), url=f"/concerns/new/?incident={theirs.pk}")
    raise_concern(client, str(requester.pk), url=f"/concerns/new/?incident={elsewhere.pk}")

    assert f"linked to incident {theirs.reference}" in linked
    assert "cannot be linked to this concern" in refused
    assert elsewhere.reference not in refused
    assert nonsense.status_code == 200
    first, second = BreachRecord.objects.order_by("pk")
    assert first.incident == theirs
    assert second.incident is None


@pytest.mark.django_db
def test_communications_links_a_concern_to_a_public_abuse_case(
    communications: User, colleague: User, client_for: Clients
) -> None:
    assert colleague.service_area is not None
    case, _ = case_open(
        actor=communications,
        account=make_account(communications, colleague.service_area),
        author_handle="@someone",
        post_url="https://x.com/someone/status/1",
        categories=[AbuseCategory.ABUSIVE],
    )
    client = client_for(communications)

    raise_concern(client, colleague.email, url=f"/concerns/new/?case={case.pk}")

    assert BreachRecord.objects.get().abuse_case == case


@pytest.mark.django_db
def test_a_concern_with_missing_or_overlong_answers_is_asked_again(
    line_manager: User, requester: User, client_for: Clients
) -> None:
    client = client_for(line_manager)

    empty = client.post("/concerns/new/", {})
    blank = raise_concern(client, str(requester.pk), what="   ")
    overlong = raise_concern(client, str(requester.pk), what="x" * 5001)
    not_a_number = raise_concern(client, "'; drop table")

    for response in (empty, blank, overlong, not_a_number):
        assert response.status_code == 200
        assert "There is a problem" in happened(response)
    assert "Select who in your team the concern is about" in happened(empty)
    assert "Enter what happened" in happened(blank)
    assert "must be 5,000 characters or fewer" in happened(overlong)
    assert not BreachRecord.objects.exists()


@pytest.mark.django_db
def test_the_emails_about_a_concern_name_neither_the_person_nor_what_happened(
    line_manager: User,
    requester: User,
    hr: User,
    client_for: Clients,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(client_for(line_manager), str(requester.pk))

    record = BreachRecord.objects.get()
    told = {n.recipient: n for n in Notification.objects.filter(key__startswith="breach:")}
    assert set(told) == {hr, line_manager}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [hr.email, line_manager.email]
    )
    for words in [f"{n.subject} {n.body}" for n in told.values()] + [
        f"{m.subject} {m.body}" for m in mail.outbox
    ]:
        assert record.reference in words
        assert SECRET not in words
        assert "Riya" not in words and "Patel" not in words


# ---------------------------------------------------------------------------------------------
# HR's pages


@pytest.fixture
def concern(line_manager: User, requester: User) -> BreachRecord:
    return concern_raise(raiser=line_manager, person=requester, what_happened=SECRET)


@pytest.mark.django_db
def test_hr_finds_the_concern_in_tasks_and_the_list(
    concern: BreachRecord, hr: User, client_for: Clients
) -> None:
    client = client_for(hr)

    home = page_of(client.get("/"))
    listed = page_of(client.get("/hr/breaches/?state=received"))
    closed = page_of(client.get("/hr/breaches/?state=closed"))
    found = page_of(client.get("/hr/breaches/?q=riya"))
    missed = page_of(client.get("/hr/breaches/?q=nobody"))
    # A NUL in the address (a script, a mangled link) is left out of the search, not an error.
    with_nul = client.get("/hr/breaches/?q=ri%00ya")

    assert "Look into the concern about Riya Patel" in home
    assert f'href="/hr/breaches/{concern.pk}/"' in home
    assert concern.reference in listed and "Concern from Sam Okafor" in listed
    assert concern.reference not in closed
    assert concern.reference in found
    assert with_nul.status_code == 200 and concern.reference in page_of(with_nul)
    assert concern.reference not in missed and "No records match “nobody”" in missed


@pytest.mark.django_db
def test_hr_opens_the_record_and_the_read_is_logged(
    concern: BreachRecord, hr: User, client_for: Clients
) -> None:
    client = client_for(hr)

    page = page_of(client.get(f"/hr/breaches/{concern.pk}/"))

    read = BreachRead.objects.get()
    assert (read.reader, read.record, read.kind) == (hr, concern, ReadKind.RECORD)
    assert SECRET in page
    assert "Raised as a concern with HR" in page and "Sam Okafor" in page
    assert "Start looking into it" in page
    assert "Reopen it" not in page
    log = page_of(client.get("/hr/reads/"))
    assert "Harriet Lane" in log and concern.reference in log
    assert BreachRead.objects.count() == 1  # the log itself is not a read of a record


@pytest.mark.django_db
def test_hr_starts_edits_closes_and_reopens_a_record(
    concern: BreachRecord,
    hr: User,
    requester: User,
    policy_owner: User,
    client_for: Clients,
) -> None:
    version = publish(policy_owner, version="1.0")
    incident, _ = incident_report(
        reporter=requester,
        kind=IncidentKind.MISTAKEN_POST,
        happened_on=timezone.localdate(),
        what_happened="Posted the wrong poster",
        account_described="Leisure page",
    )
    client = client_for(hr)
    url = f"/hr/breaches/{concern.pk}/"

    started = client.post(f"{url}move/", {"move": "investigate"}, follow=True)
    assert "You have started looking into" in page_of(started)
    edited = client.post(
        f"{url}edit/",
        {
            "what_happened": "Posted a private photo",
            "policy_version": version.pk,
            "clauses": "MSM 5.12, MSM 8.1",
            "incident": incident.reference.lower(),
            "abuse_case": "",
            "hr_case_reference": "HR-77",
        },
    )
    assert edited["Location"] == url
    closed = client.post(
        f"{url}close/", {"outcome": BreachOutcome.FORMAL_WARNING, "outcome_note": "Hearing held"}
    )
    assert closed["Location"] == url
    concern.refresh_from_db()
    assert concern.state == BreachState.CLOSED
    assert concern.outcome == BreachOutcome.FORMAL_WARNING
    assert (concern.incident, concern.policy_version) == (incident, version)
    assert concern.clauses == "MSM 5.12, MSM 8.1" and concern.hr_case_reference == "HR-77"

    page = page_of(client.get(url))
    assert "Formal warning" in page and "Hearing held" in page
    assert f'href="/incidents/{incident.pk}/"' in page
    assert "Changed: what happened, policy version, which clauses" in page
    assert "Closed: formal warning" in page
    assert "Change the details" not in page
    assert client.get(f"{url}edit/", follow=True).redirect_chain[-1][0] == url
    reopened = client.post(f"{url}move/", {"move": "reopen"}, follow=True)
    concern.refresh_from_db()
    assert "is open again" in page_of(reopened)
    assert concern.state == BreachState.INVESTIGATING
    again = client.post(f"{url}move/", {"move": "reopen"}, follow=True)
    assert "This record is open." in page_of(again)
    unknown = client.post(f"{url}move/", {"move": "delete"}, follow=True)
    assert "Choose what to do." in page_of(unknown)


@pytest.mark.django_db
def test_hr_records_a_breach_by_work_email_address(
    hr: User, colleague: User, communications: User, client_for: Clients
) -> None:
    assert colleague.service_area is not None
    case, _ = case_open(
        actor=communications,
        account=make_account(communications, colleague.service_area),
        author_handle="@someone",
        post_url="https://x.com/someone/status/1",
        categories=[AbuseCategory.ABUSIVE],
    )
    client = client_for(hr)
    form = page_of(client.get(f"/hr/breaches/new/?person={colleague.pk}"))
    assert 'value="colleague@council.example"' in form

    made = client.post(
        "/hr/breaches/new/",
        {
            "person": "colleague@council.example",
            "what_happened": "Argued with a resident",
            "abuse_case": str(case.pk),
        },
    )

    record = BreachRecord.objects.get()
    assert made["Location"] == f"/hr/breaches/{record.pk}/"
    assert (record.person, record.abuse_case, record.reported_by) == (colleague, case, hr)
    assert record.state == BreachState.INVESTIGATING and not record.raised_as_concern


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({}, "Enter the work email address of the member of staff"),
        ({"person": "nobody@council.example"}, "There is no member of staff with this email"),
        ({"what_happened": ""}, "Enter what happened"),
        ({"what_happened": "x" * 5001}, "“What happened?” must be 5,000 characters or fewer"),
        ({"clauses": "x" * 201}, "must be 200 characters or fewer"),
        ({"hr_case_reference": "x" * 51}, "must be 50 characters or fewer"),
        ({"incident": "INC-00999"}, "There is no incident INC-00999"),
        ({"incident": "PA-00001"}, "Enter the incident's reference as the portal shows it"),
        ({"incident": "9" * 30}, "must be 20 characters or fewer"),
        ({"abuse_case": "PA-3"}, "There is no public abuse case PA-00003"),
        ({"policy_version": "999"}, "Select a version of the policy from the list"),
        ({"clauses": "MSM 5.12\nMSM 8.1"}, "must be on one line"),
    ],
)
@pytest.mark.django_db
def test_a_new_record_with_bad_answers_is_asked_again(
    answers: dict[str, str], message: str, hr: User, colleague: User, client_for: Clients
) -> None:
    good = {"person": colleague.email, "what_happened": "Argued with a resident"}
    if not answers:
        good = {}

    response = client_for(hr).post("/hr/breaches/new/", {**good, **answers})

    assert response.status_code == 200
    assert message in happened(response)
    assert not BreachRecord.objects.exists()


@pytest.mark.django_db
def test_closing_without_an_outcome_is_asked_again(
    concern: BreachRecord, hr: User, client_for: Clients
) -> None:
    client = client_for(hr)

    missing = client.post(f"/hr/breaches/{concern.pk}/close/", {})
    made_up = client.post(f"/hr/breaches/{concern.pk}/close/", {"outcome": "sacked"})
    overlong = client.post(
        f"/hr/breaches/{concern.pk}/close/",
        {"outcome": BreachOutcome.NO_ACTION, "outcome_note": "x" * 5001},
    )

    assert missing.status_code == made_up.status_code == overlong.status_code == 200
    assert "Select the outcome" in happened(missing)
    assert "select one of the options shown" in happened(made_up)
    assert "5,000 characters or fewer" in happened(overlong)
    concern.refresh_from_db()
    assert concern.state == BreachState.RECEIVED


@pytest.mark.django_db
def test_hr_finds_a_person_and_their_whole_history_and_the_read_is_logged(
    concern: BreachRecord, hr: User, requester: User, client_for: Clients
) -> None:
    closed = breach_record(actor=hr, person=requester, what_happened="Older", clauses="MSM 5.15")
    breach_close(actor=hr, record=closed, outcome=BreachOutcome.INFORMAL)
    client = client_for(hr)

    found = page_of(client.get("/hr/people/?q=patel"))
    too_short = page_of(client.get("/hr/people/?q=p"))
    history = page_of(client.get(f"/hr/people/{requester.pk}/"))

    assert f'href="/hr/people/{requester.pk}/"' in found
    assert "Enter at least 2 letters" in too_short
    assert concern.reference in history and closed.reference in history
    assert "Informal action" in history and "MSM 5.15" in history
    assert f'href="/hr/breaches/new/?person={requester.pk}"' in history
    read = BreachRead.objects.get()
    assert (read.reader, read.person, read.kind) == (hr, requester, ReadKind.HISTORY)
    log = page_of(client.get("/hr/reads/"))
    assert f'The breach history of <a class="govuk-link" href="/hr/people/{requester.pk}/">' in log


@pytest.mark.django_db
def test_a_person_with_no_records_has_an_empty_history(
    hr: User, outsider: User, client_for: Clients
) -> None:
    page = page_of(client_for(hr).get(f"/hr/people/{outsider.pk}/"))

    assert "There are no breach records about Owen Price." in page
    assert BreachRead.objects.filter(person=outsider).count() == 1


@pytest.mark.django_db
def test_the_list_and_read_log_are_paginated(
    hr: User, requester: User, client_for: Clients
) -> None:
    records = [
        breach_record(actor=hr, person=requester, what_happened=f"Breach {number}")
        for number in range(26)
    ]
    oldest, newest = records[0].reference, records[-1].reference
    client = client_for(hr)

    first = page_of(client.get("/hr/breaches/"))
    second = page_of(client.get("/hr/breaches/?page=2"))
    nonsense = client.get("/hr/breaches/?page=x&state=bogus&q=" + "a" * 1000)

    assert newest in first and oldest not in first
    assert oldest in second
    assert nonsense.status_code == 200


def hr_urls(record: BreachRecord, person: User) -> list[str]:
    return [
        "/hr/breaches/",
        "/hr/breaches/?state=received",
        "/hr/breaches/new/",
        f"/hr/breaches/{record.pk}/",
        f"/hr/breaches/{record.pk}/edit/",
        f"/hr/breaches/{record.pk}/close/",
        f"/hr/breaches/{record.pk}/move/",
        "/hr/people/?q=riya",
        f"/hr/people/{person.pk}/",
        "/hr/reads/",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", NOT_HR)
def test_every_hr_page_answers_404_to_everyone_else(
    role: str, cast: dict[str, User], client_for: Clients, hr: User
) -> None:
    record = concern_raise(
        raiser=cast["line_manager"], person=cast["requester"], what_happened=SECRET
    )
    client = client_for(cast[role])

    for url in hr_urls(record, cast["requester"]):
        assert client.get(url).status_code == 404, url
        answer = client.post(url, {"move": "investigate", "outcome": "no_action"})
        assert answer.status_code == 404, url
    record.refresh_from_db()
    assert record.state == BreachState.RECEIVED
    assert not BreachRead.objects.exists()
    assert SECRET not in page_of(client.get("/"))
    assert SECRET not in page_of(client.get("/notifications/"))


@pytest.mark.django_db
def test_anonymous_visitors_are_asked_to_sign_in(
    concern: BreachRecord, requester: User, client_for: Clients
) -> None:
    client = client_for(None)

    for url in [*hr_urls(concern, requester), "/concerns/new/", "/concerns/received/"]:
        assert client.get(url)["Location"].startswith("/auth/login/"), url


@pytest.mark.django_db
def test_hr_who_is_also_an_administrator_still_sees_the_pages(
    concern: BreachRecord, client_for: Clients
) -> None:
    """The rule asks for the HR group, not superuser status, either way round."""
    both = make_person("hr.admin@council.example", "Kwame Mensah", groups=("HR",), superuser=True)

    assert client_for(both).get(f"/hr/breaches/{concern.pk}/").status_code == 200


@pytest.mark.django_db
def test_an_unknown_record_or_person_is_404_for_hr_too(hr: User, client_for: Clients) -> None:
    client = client_for(hr)

    assert client.get("/hr/breaches/999/").status_code == 404
    assert client.get("/hr/people/999/").status_code == 404
    assert not BreachRead.objects.exists()


# ---------------------------------------------------------------------------------------------
# The demo council


@pytest.mark.django_db(transaction=True)
def test_the_demo_council_has_a_concern_waiting_and_a_closed_record(settings: Any) -> None:
    settings.DEBUG = True  # the laptop, where the default demo secrets are allowed
    call_command("seed_demo", stdout=io.StringIO())
    again = io.StringIO()
    call_command("seed_demo", stdout=again)

    manager = User.objects.get(email="manager@demo.council.example")
    waiting = BreachRecord.objects.get(state=BreachState.RECEIVED)
    closed = BreachRecord.objects.get(state=BreachState.CLOSED)
    assert waiting.raised_as_concern and waiting.reported_by == manager
    assert waiting.person.line_manager == manager
    assert closed.outcome and closed.person != waiting.person
    assert BreachRecord.objects.count() == 2
    assert "Demo breach records: already there." in again.getvalue()
