"""The compliance view (issue 9 item 7): who has signed which version, who is due, lapsed or
suspended, filtered and exported; the register's declaration column, filter and dashboard card."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from declarations.exports import HEADERS
from declarations.services.reminders import declarations_lapse
from governance.models import ServiceArea, User
from moderation.models import AssignmentState, ModeratorAssignment
from moderation.services.assignments import assignment_add
from tests.conftest import make_person
from tests.declaration_helpers import publish, sign
from tests.register_helpers import make_account

UTC = datetime.UTC
# Everything below happens on these days; the pages are read on NOW.
V1_PUBLISHED = datetime.datetime(2026, 1, 5, 10, tzinfo=UTC)
DEE_SIGNS = datetime.datetime(2026, 2, 1, 10, tzinfo=UTC)
V2_PUBLISHED = datetime.datetime(2026, 6, 1, 10, tzinfo=UTC)
TOM_CARRIED_OVER = datetime.datetime(2026, 12, 1, 10, tzinfo=UTC)
RIYA_SIGNS = datetime.datetime(2027, 1, 15, 10, tzinfo=UTC)
NOW = datetime.datetime(2027, 1, 20, 10, tzinfo=UTC)

PAGE = "/declarations/compliance/"


@pytest.fixture
def council(
    policy_owner: User,
    communications: User,
    requester: User,
    colleague: User,
    leisure: ServiceArea,
    line_manager: User,
) -> Iterator[dict[str, Any]]:
    """Riya signed version 2.0 last week (current); Dee signed 1.0 a year ago (due); Tom was
    carried over on paper and his paper lapsed (suspended); Nia was added today and has not
    signed. Account A: Dee and Nia; account B: Tom and Riya; account C: Riya alone."""
    with time_machine.travel(V1_PUBLISHED, tick=False) as traveller:
        v1 = publish(policy_owner, version="1.0")
        traveller.move_to(DEE_SIGNS)
        dee = make_person("dee@council.example", "Dee Harper", area=leisure, manager=line_manager)
        sign(dee, v1)
        a = make_account(communications, leisure, name="Leisure Facebook", moderators=(dee,))
        traveller.move_to(V2_PUBLISHED)
        v2 = publish(policy_owner, version="2.0")
        traveller.move_to(TOM_CARRIED_OVER)
        b = make_account(communications, leisure, name="Libraries X", moderators=(colleague,))
        traveller.move_to(RIYA_SIGNS)
        sign(requester, v2)
        for account in (b, c := make_account(communications, leisure, name="Museum Instagram")):
            assignment_add(actor=communications, account=account, person=requester, reason="Cover")
        traveller.move_to(NOW)
        nia = make_person("nia@council.example", "Nia Jones", area=leisure, manager=line_manager)
        assignment_add(actor=communications, account=a, person=nia, reason="New starter")
        assert declarations_lapse() == 1
        yield {
            "riya": requester,
            "dee": dee,
            "tom": colleague,
            "nia": nia,
            "a": a,
            "b": b,
            "c": c,
            "v1": v1,
            "v2": v2,
        }


def page_of(response: Any) -> str:
    assert response.status_code == 200
    return response.content.decode()


def people_on(response: Any) -> list[str]:
    return re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)<br>', page_of(response))


def read_csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def read_xlsx(response: Any) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


@pytest.mark.django_db
def test_each_person_who_must_sign_shows_their_declaration(
    council: dict[str, Any], communications: User, outsider: User, client_for: Any
) -> None:
    page = page_of(client_for(communications).get(PAGE))

    assert people_on(client_for(communications).get(PAGE)) == [
        "Dee Harper",
        "Nia Jones",
        "Riya Patel",
        "Tom Fletcher",
    ]
    assert outsider.full_name not in page  # moderates nothing, so signs nothing
    assert (
        "2 of 4 moderators hold a current declaration; "
        '<a class="govuk-link" href="/declarations/compliance/?suspended=on">1 suspended</a>.'
    ) in page
    row = {
        name: page.split(f">{name}<br>")[1].split("</tr>")[0]
        for name in ("Dee Harper", "Nia Jones", "Riya Patel", "Tom Fletcher")
    }
    assert "Due to sign again" in row["Dee Harper"]
    assert "Leisure Facebook (active)" in row["Dee Harper"]
    assert ">1.0<" in row["Dee Harper"]
    assert "1 February 2026" in row["Dee Harper"] and "1 February 2027" in row["Dee Harper"]
    assert "Not signed" in row["Nia Jones"]
    assert "Leisure Facebook (awaiting declaration)" in row["Nia Jones"]
    assert "Current" in row["Riya Patel"] and ">2.0<" in row["Riya Patel"]
    assert "Libraries X (active)" in row["Riya Patel"]
    assert "Museum Instagram (active)" in row["Riya Patel"]
    assert "Lapsed" in row["Tom Fletcher"] and "On paper" in row["Tom Fletcher"]
    assert "Libraries X (suspended)" in row["Tom Fletcher"]
    assert "31 December 2026" in row["Tom Fletcher"]
    assert ">Suspended</strong>" in row["Tom Fletcher"]
    assert ">Suspended</strong>" not in row["Dee Harper"] + row["Nia Jones"] + row["Riya Patel"]


FILTERS = {
    "status=current": ["Riya Patel"],
    "status=due": ["Dee Harper"],
    "status=lapsed": ["Tom Fletcher"],
    "status=not_signed": ["Nia Jones"],
    "version=1.0": ["Dee Harper"],
    "version=2.0": ["Riya Patel"],
    "version=paper": ["Tom Fletcher"],
    "suspended=on": ["Tom Fletcher"],
    "q=FLETCHER": ["Tom Fletcher"],
    "q=requester%40council": ["Riya Patel"],
    "status=current&version=1.0": [],
    "": ["Dee Harper", "Nia Jones", "Riya Patel", "Tom Fletcher"],
}


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), FILTERS.items())
def test_each_filter_lists_the_people_it_names_and_the_exports_hold_them(
    council: dict[str, Any], auditor: User, client_for: Any, query: str, expected: list[str]
) -> None:
    client = client_for(auditor)

    assert people_on(client.get(f"{PAGE}?{query}")) == expected
    csv_rows = read_csv(client.get(f"{PAGE}export.csv?{query}"))
    xlsx_rows = read_xlsx(client.get(f"{PAGE}export.xlsx?{query}"))
    assert csv_rows[0] == HEADERS and xlsx_rows[0] == HEADERS
    assert [row[0] for row in csv_rows[1:]] == expected
    assert [row[0] for row in xlsx_rows[1:]] == expected


@pytest.mark.django_db
def test_the_counts_at_the_top_link_to_the_lists_they_count(
    council: dict[str, Any], communications: User, client_for: Any
) -> None:
    client = client_for(communications)
    page = page_of(client.get(PAGE)).replace("&amp;", "&")
    cards = re.findall(
        r'<a class="govuk-link" href="(/declarations/compliance/\?[^"]+)">'
        r'<span class="app-card__count">(\d+)</span> ([^<]+)</a>',
        page,
    )

    assert [label for _, _, label in cards] == [
        "Current",
        "Due to sign again",
        "Lapsed",
        "Not signed",
    ]
    for url, count, _ in cards:
        assert len(people_on(client.get(url))) == int(count) == 1, url


@pytest.mark.django_db
def test_exports_carry_every_column_of_the_page(
    council: dict[str, Any], communications: User, client_for: Any
) -> None:
    rows = read_csv(client_for(communications).get(f"{PAGE}export.csv"))
    xlsx = read_xlsx(client_for(communications).get(f"{PAGE}export.xlsx"))

    assert rows[1:] == [
        [
            "Dee Harper",
            "dee@council.example",
            "Leisure and Culture",
            "Leisure Facebook (active)",
            "Due to sign again",
            "1.0",
            "2026-02-01",
            "2027-02-01",
            "No",
        ],
        [
            "Nia Jones",
            "nia@council.example",
            "Leisure and Culture",
            "Leisure Facebook (awaiting declaration)",
            "Not signed",
            "",
            "",
            "",
            "No",
        ],
        [
            "Riya Patel",
            "requester@council.example",
            "Leisure and Culture",
            "Libraries X (active); Museum Instagram (active)",
            "Current",
            "2.0",
            "2027-01-15",
            "2028-01-15",
            "No",
        ],
        [
            "Tom Fletcher",
            "colleague@council.example",
            "Leisure and Culture",
            "Libraries X (suspended)",
            "Lapsed",
            "On paper",
            "2026-12-01",
            "2026-12-31",
            "Yes",
        ],
    ]
    assert xlsx[1][6].date() == datetime.date(2026, 2, 1)  # a date Excel can sort on
    assert [row[0] for row in xlsx[1:]] == [row[0] for row in rows[1:]]


@pytest.mark.django_db
def test_exports_hold_every_filtered_person_not_one_page(
    council: dict[str, Any], communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    for number in range(30):
        person = make_person(f"new{number}@council.example", f"Zed Newcomer {number:02}")
        assignment_add(actor=communications, account=council["a"], person=person, reason="Cover")
    client = client_for(communications)

    assert len(people_on(client.get(f"{PAGE}?status=not_signed"))) == 25
    second = client.get(f"{PAGE}?status=not_signed&page=2")
    assert len(people_on(second)) == 6
    assert "status=not_signed&amp;page=1" in page_of(second)
    assert len(read_csv(client.get(f"{PAGE}export.csv?status=not_signed&page=2"))) == 32
    assert len(read_xlsx(client.get(f"{PAGE}export.xlsx?status=not_signed"))) == 32


@pytest.mark.django_db
def test_exports_neutralise_spreadsheet_formulas(
    council: dict[str, Any], communications: User, client_for: Any
) -> None:
    person = make_person("formula@council.example", "=HYPERLINK(1)")
    assignment_add(actor=communications, account=council["a"], person=person, reason="Cover")
    client = client_for(communications)

    assert read_csv(client.get(f"{PAGE}export.csv?q=hyperlink"))[1][0] == "'=HYPERLINK(1)"
    assert read_xlsx(client.get(f"{PAGE}export.xlsx?q=hyperlink"))[1][0] == "'=HYPERLINK(1)"


@pytest.mark.django_db
def test_a_filter_the_form_refuses_gets_a_message_and_no_download(
    council: dict[str, Any], communications: User, client_for: Any
) -> None:
    client = client_for(communications)

    page = page_of(client.get(f"{PAGE}?status=signed-in-blood&version=9.9"))
    assert "There is a problem" in page
    assert "Select a status from the list" in page
    assert "Select a version from the list" in page
    response = client.get(f"{PAGE}export.csv?status=signed-in-blood")
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?status=signed-in-blood"
    assert "Correct the filters before downloading" in page_of(client.get(response["Location"]))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("communications", True),
        ("auditor", True),
        ("requester", False),
        ("line_manager", False),
        ("policy_owner", False),
        ("outsider", False),
    ],
)
def test_only_communications_and_auditors_see_every_declaration(
    council: dict[str, Any], cast: dict[str, User | None], client_for: Any, who: str, allowed: bool
) -> None:
    client = client_for(cast[who])

    for url in (PAGE, f"{PAGE}export.csv", f"{PAGE}export.xlsx"):
        assert client.get(url).status_code == (200 if allowed else 404), url
    assert client.get(f"{PAGE}export.pdf").status_code == 404
    assert client.get(f"{PAGE}export.").status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(council: dict[str, Any], client_for: Any) -> None:
    response = client_for(None).get(PAGE)

    assert response.status_code == 302
    assert "login" in response["Location"] or "auth" in response["Location"]


@pytest.mark.django_db
def test_the_account_page_shows_each_moderators_declaration(
    council: dict[str, Any], communications: User, client_for: Any
) -> None:
    client = client_for(communications)
    page_a = page_of(client.get(f"/register/{council['a'].pk}/"))
    page_b = page_of(client.get(f"/register/{council['b'].pk}/"))

    assert '<th scope="col" class="govuk-table__header">Declaration</th>' in page_a
    dee = page_a.split("Dee Harper")[1].split("</tr>")[0]
    nia = page_a.split("Nia Jones")[1].split("</tr>")[0]
    assert "govuk-tag--yellow" in dee and "Due to sign again by 1 February 2027" in dee
    assert "Not signed" in nia
    tom = page_b.split("Tom Fletcher")[1].split("</tr>")[0]
    riya = page_b.split("Riya Patel")[1].split("</tr>")[0]
    assert "Lapsed on 31 December 2026" in tom
    assert "Current until 15 January 2028" in riya


@pytest.mark.django_db
def test_an_ended_moderator_shows_no_declaration_on_the_account_page(
    council: dict[str, Any], communications: User, client_for: Any
) -> None:
    from moderation.services.assignments import assignment_end

    assignment = ModeratorAssignment.objects.get(account=council["a"], person=council["dee"])
    assignment_end(assignment=assignment, actor=communications, reason="Moved on", now=NOW)
    page = page_of(client_for(communications).get(f"/register/{council['a'].pk}/"))

    dee = page.split("Dee Harper")[1].split("</tr>")[0]
    assert "Ended" in dee and "Due to sign again" not in dee


def register_names(response: Any) -> list[str]:
    return re.findall(r'href="/register/\d+/">([^<]+)</a>', page_of(response))


@pytest.mark.django_db
def test_register_filter_for_moderators_without_a_current_declaration_matches_the_card(
    council: dict[str, Any], communications: User, client_for: Any
) -> None:
    client = client_for(communications)

    # A: Nia has not signed; B: Tom's paper lapsed and he is suspended; C: Riya is current.
    assert register_names(client.get("/register/?unsigned_moderators=on")) == [
        "Leisure Facebook",
        "Libraries X",
    ]
    dashboard = page_of(client.get("/register/dashboard/"))
    assert (
        '<a class="govuk-link" href="/register/?unsigned_moderators=on">'
        '<span class="app-card__count">2</span> A moderator without a current declaration</a>'
    ) in dashboard
    assert "A moderator without a current declaration" in page_of(client.get("/register/"))


@pytest.mark.django_db
def test_signing_takes_an_account_off_the_unsigned_filter(
    council: dict[str, Any], communications: User, client_for: Any
) -> None:
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        sign(council["nia"], council["v2"])
        sign(council["tom"], council["v2"])
        rows = client_for(communications).get("/register/?unsigned_moderators=on")

    assert register_names(rows) == []
    assert (
        ModeratorAssignment.objects.get(account=council["b"], person=council["tom"]).state
        == AssignmentState.ACTIVE
    )


@pytest.mark.django_db
def test_the_past_register_counts_declarations_as_they_stood(
    council: dict[str, Any], communications: User, client_for: Any
) -> None:
    client = client_for(communications)

    # Mid-December Tom's paper declaration still stood and Nia was not yet a moderator.
    assert register_names(client.get("/register/?as_of=2026-12-15&unsigned_moderators=on")) == []
    # On 1 January it had lapsed, though the morning job had not yet suspended him.
    assert register_names(client.get("/register/?as_of=2027-01-01&unsigned_moderators=on")) == [
        "Libraries X"
    ]


@pytest.mark.django_db
def test_the_register_export_counts_moderators_without_a_current_declaration(
    council: dict[str, Any], communications: User, client_for: Any
) -> None:
    from accounts.exports import HEADERS as REGISTER_HEADERS

    rows = read_csv(client_for(communications).get("/register/export.csv"))

    column = REGISTER_HEADERS.index("Moderators without a current declaration")
    counts = {row[1]: row[column] for row in rows[1:]}
    assert counts == {"Leisure Facebook": "1", "Libraries X": "1", "Museum Instagram": "0"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["", "?status=not_signed", "?as_of=2027-01-20", "?page=999", "?q=council.example"]
)
def test_compliance_page_queries_do_not_grow_with_people(
    council: dict[str, Any], communications: User, client_for: Any, query: str
) -> None:
    client = client_for(communications)
    client.get(PAGE + query)  # sessions and caches warm
    cache.clear()  # both counts are of the page worked out afresh, not kept (Snapshot)

    with CaptureQueriesContext(connection) as few:
        page_of(client.get(PAGE + query))
    for number in range(40):
        person = make_person(f"many{number}@council.example", f"Many {number:02}")
        assignment_add(actor=communications, account=council["a"], person=person, reason="Cover")
        account = make_account(communications, council["a"].service_area)
        assignment_add(actor=communications, account=account, person=person, reason="Cover")
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = client.get(PAGE + query)
    with CaptureQueriesContext(connection) as kept:
        again = client.get(PAGE + query)

    assert len(people_on(response)) == (19 if query == "?page=999" else 25)
    assert len(few) == len(many) <= COMPLIANCE_QUERIES
    # Until the next change the summary and the page's keys (and a filtered list's count) are
    # kept: two or three queries fewer.
    assert people_on(again) == people_on(response)
    assert len(kept) <= len(many) - 2


@pytest.mark.django_db
def test_the_pages_together_list_everyone_once_in_name_order(
    council: dict[str, Any], communications: User, client_for: Any
) -> None:
    for number in range(40):
        person = make_person(f"many{number}@council.example", f"Many {number:02}")
        assignment_add(actor=communications, account=council["a"], person=person, reason="Cover")
    client = client_for(communications)

    first, second = client.get(PAGE), client.get(f"{PAGE}?page=2")

    listed = people_on(first) + people_on(second)
    names = User.objects.filter(full_name__in=listed).order_by("full_name", "pk")
    assert listed == list(names.values_list("full_name", flat=True))
    assert len(listed) == len(set(listed)) == 44
    assert "<strong>44</strong> people" in page_of(first)
    assert people_on(client.get(f"{PAGE}?page=999")) == people_on(second)


# The session, the user and their groups; the profile's reminder window; the version choices;
# the counts at the top (which count the unfiltered list too); the filtered list's count; the
# keys of the page's people; those people with their declarations; their accounts; and the
# session's save (a savepoint, the update, its release): 12, however many people must sign.
COMPLIANCE_QUERIES = 12
