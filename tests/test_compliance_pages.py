"""The compliance statement's pages (AUD-1, issue 11): who may read them, what the statement
says about the council, its policy and each control, the date and period chosen in plain
addresses, every wrong date answered at its question, the CSV of every figure, the printout and
the clause map.

The clock is stopped at 11am on Monday 15 June 2026 (British Summer Time).
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings

from compliance.figures import Part
from compliance.statement import statement_build
from governance.models import Preset, ServiceArea, User
from governance.periods import Period
from governance.services.events import events_checkpoint
from governance.services.profile import profile_apply_preset, profile_update
from tests.conftest import CAST
from tests.register_helpers import make_account

UTC = datetime.UTC
NOW = datetime.datetime(2026, 6, 15, 10, tzinfo=UTC)
PAGE = "/compliance/"
CSV = "/compliance/statement.csv"
CLAUSES = "/compliance/clauses/"
READERS = {"communications", "auditor", "policy_owner"}


@pytest.fixture(autouse=True)
def _stopped_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def records_since_2024(communications: User, leisure: ServiceArea, requester: User) -> Any:
    """The portal's records begin on 10 January 2024, when Parks entered the register."""
    with time_machine.travel(datetime.datetime(2024, 1, 10, 10, tzinfo=UTC), tick=False):
        return make_account(
            communications,
            leisure,
            name="Parks",
            moderators=(requester,),
            next_review_due=datetime.date(2026, 9, 1),
        )


def text_of(response: Any) -> str:
    """The page as a person reads it: no tags, entities decoded, spaces collapsed."""
    assert response.status_code == 200
    words = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(words).split())


def card(response: Any, key: str) -> str:
    """One control's card, as HTML."""
    page = response.content.decode()
    start = page.index(f'id="control-{key}"')
    return page[start : page.index("</dl>", start)]


def words(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def read_csv(response: Any) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:], newline="")))


# ---------------------------------------------------------------------------------------------
# Who may read them


@pytest.mark.parametrize("role", CAST)
def test_only_communications_auditors_and_the_policy_owner_read_the_statement(
    role: str, cast: dict[str, User | None], client_for: Any
) -> None:
    client = client_for(cast[role])
    for url in (PAGE, CSV, f"{PAGE}?as_at=2026-06-01"):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/auth/login/")
        elif role in READERS:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 404, url


@pytest.mark.parametrize("role", CAST)
def test_the_clause_map_is_for_the_statements_readers_and_administrators(
    role: str, cast: dict[str, User | None], client_for: Any
) -> None:
    response = client_for(cast[role]).get(CLAUSES)

    if role == "anonymous":
        assert response.status_code == 302
    elif role in READERS | {"administrator"}:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("url", [PAGE, CSV, CLAUSES])
def test_the_pages_only_read(
    url: str, communications: User, outsider: User, client_for: Any
) -> None:
    assert client_for(communications).post(url).status_code == 405
    assert client_for(outsider).post(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# The statement


def test_the_statement_names_the_council_date_period_and_policy(
    communications: User, client_for: Any
) -> None:
    page = text_of(client_for(communications).get(PAGE))

    assert "Compliance statement" in page
    assert (
        f"For {django_settings.COUNCIL_NAME}, as at 15 June 2026, for the period 16 June 2025 "
        "to 15 June 2026." in page
    )
    assert "Policy: Manchester City Council." in page
    assert "custom" not in page


def test_a_custom_profile_says_so(
    communications: User, administrator: User, client_for: Any
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.TELFORD)
    profile_update(actor=administrator, values={"review_cadence_months": 4}, reason="Our way")

    page = text_of(client_for(communications).get(PAGE))

    assert "Policy: Telford & Wrekin Council (custom: adjusted by an administrator)." in page
    assert "reviewed every 4 months" in page


def test_controls_are_grouped_by_whether_the_policy_has_a_clause(
    communications: User, client_for: Any
) -> None:
    response = client_for(communications).get(PAGE)
    page = response.content.decode()
    ours, portal = page.index("Clauses of your policy"), page.index("Also enforced by the portal")

    assert ours < page.index('id="control-declarations"') < portal
    assert portal < page.index('id="control-business_case"')
    declarations = words(card(response, "declarations"))
    assert "A signed declaration for every moderator Policy clauses MSM 7.3, MDM 6.2" in (
        declarations
    )
    assert "signs the declaration before they moderate and again every 12 months" in declarations
    assert "Policy clauses None: the portal's default" in words(card(response, "business_case"))


def test_a_control_switched_off_says_so_and_shows_no_figure(
    communications: User, client_for: Any
) -> None:
    """Manchester's policy has no line manager step (MSM 5.2 names none)."""
    response = client_for(communications).get(PAGE)
    switched_off = card(response, "line_manager")

    assert (
        "Figure Switched off Switched off in this council's policy profile (“Line manager "
        "approves first” is No)."
    ) in words(switched_off)
    assert "app-statement__parts" not in switched_off
    assert "requests sent in the period" not in switched_off
    assert "Switched off" not in card(response, "head_of_service")
    assert "requests sent in the period" in card(response, "head_of_service")


def test_derby_switches_the_line_manager_step_on(
    communications: User, administrator: User, client_for: Any
) -> None:
    profile_apply_preset(actor=administrator, preset=Preset.DERBY)
    response = client_for(communications).get(PAGE)

    assert "Policy: Derby City Council." in text_of(response)
    assert "Switched off" not in card(response, "line_manager")
    assert "DER 'Line manager approval'" in words(card(response, "line_manager"))
    assert "Switched off in this council's policy profile" in words(
        card(response, "facebook_purpose")  # Melton's rule
    )
    assert "Switched off" not in card(response, "budget_code")


def test_communications_and_auditors_follow_each_figure_to_its_records(
    records_since_2024: Any, communications: User, auditor: User, client_for: Any
) -> None:
    for person in (communications, auditor):
        response = client_for(person).get(PAGE)
        figure = card(response, "reviews")
        assert '<a class="govuk-link" href="/register/?status=active">1 active account</a>' in (
            figure
        )
        assert '<a class="govuk-link" href="/register/?review_overdue=on">' in figure


def test_the_policy_owner_reads_the_figures_without_links(
    records_since_2024: Any, policy_owner: User, auditor: User, client_for: Any
) -> None:
    response = client_for(policy_owner).get(PAGE)
    page = response.content.decode()
    statement = page[page.index("<h1") : page.index("app-statement__checkpoint")]

    assert "1 active account" in card(response, "reviews")
    assert 'href="/register/?status=active"' in client_for(auditor).get(PAGE).content.decode()
    assert "<a " not in statement.split("Clauses of your policy")[1]
    assert "the records themselves are open to Communications and auditors" in text_of(response)


def test_the_checkpoint_shown_is_the_event_logs(
    records_since_2024: Any, auditor: User, client_for: Any
) -> None:
    response = client_for(auditor).get(PAGE)
    checkpoint = events_checkpoint()

    assert checkpoint.count > 0
    assert (
        f"Built from the event log at event {checkpoint.seq} of {checkpoint.count}, head hash "
        f"{checkpoint.hash}"
    ) in text_of(response)
    assert (
        f'<code class="app-statement__hash">{checkpoint.hash}</code>' in response.content.decode()
    )
    assert "Built on 15 June 2026 at 11:00am." in text_of(response)


def test_a_past_statement_names_the_checkpoint_of_that_day(
    records_since_2024: Any, communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    make_account(communications, leisure, name="Later")  # an event today
    response = client_for(communications).get(f"{PAGE}?as_at=2025-01-31")
    then = statement_build(communications, datetime.date(2025, 1, 31)).checkpoint

    assert then.count < events_checkpoint().count
    assert f"at event {then.seq} of {then.count}, head hash {then.hash}" in text_of(response)
    assert "as at 31 January 2025, for the period 1 February 2024 to 31 January 2025" in (
        text_of(response)
    )


def test_the_statement_can_be_printed(communications: User, client_for: Any) -> None:
    page = client_for(communications).get(PAGE).content.decode()

    assert 'data-module="app-print-button" hidden>Print this statement</button>' in page
    assert '<script type="module" src="/static/js/print-button.mjs"></script>' in page
    assert "<script>" not in page  # the Content-Security-Policy forbids inline script
    # The form, the periods and the buttons are in parts the printout leaves out.
    form_at = page.index('<form method="get" action="/compliance/"')
    assert page.rindex('<div class="app-no-print">', 0, form_at) > page.index("<h1")
    css = (Path(django_settings.BASE_DIR) / "static/css/portal.css").read_text()
    assert re.search(r"@page \{\s*size: A4;\s*margin: 15mm;", css)
    assert re.search(r"\.app-statement__control,[^{]*\{\s*break-inside: avoid;", css)


# ---------------------------------------------------------------------------------------------
# Choosing the date and the period


def test_the_periods_asked_for_most_are_plain_addresses(
    records_since_2024: Any, communications: User, client_for: Any
) -> None:
    page = client_for(communications).get(PAGE).content.decode()

    links = dict(re.findall(r'href="/compliance/\?([^"]+)">([^<]+)</a>', page)[:3])
    assert links == {
        "as_at=2026-06-15&amp;from=2025-06-16&amp;to=2026-06-15": "Last 12 months",
        "as_at=2026-03-31&amp;from=2025-04-01&amp;to=2026-03-31": (
            "Last financial year (1 April to 31 March)"
        ),
        "as_at=2025-12-31&amp;from=2025-01-01&amp;to=2025-12-31": "Last calendar year",
    }


def test_the_last_financial_year_as_an_auditor_prints_it(
    records_since_2024: Any, auditor: User, client_for: Any
) -> None:
    response = client_for(auditor).get(f"{PAGE}?as_at=2026-03-31&from=2025-04-01&to=2026-03-31")

    assert "as at 31 March 2026, for the period 1 April 2025 to 31 March 2026" in text_of(response)
    assert 'href="/credential-tasks/?state=all&amp;from=2025-04-01&amp;to=2026-03-31"' in (
        response.content.decode()
    )
    assert 'href="/register/?status=active&amp;as_of=2026-03-31"' in response.content.decode()
    assert (
        'href="/compliance/statement.csv?as_at=2026-03-31&amp;from=2025-04-01&amp;to=2026-03-31"'
        in response.content.decode()
    )


def test_periods_before_the_records_begin_are_not_offered(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    with time_machine.travel(datetime.datetime(2026, 5, 1, 10, tzinfo=UTC), tick=False):
        make_account(communications, leisure, name="New")
    page = text_of(client_for(communications).get(PAGE))

    assert "Last 12 months" in page
    assert "Last financial year" not in page
    assert "Last calendar year" not in page


def test_dates_typed_in_the_boxes_lead_to_the_plain_address(
    records_since_2024: Any, communications: User, client_for: Any
) -> None:
    typed = {
        "as_at_0": "31",
        "as_at_1": "3",
        "as_at_2": "2026",
        "start_0": " 1",
        "start_1": "04",
        "start_2": "2025",
        "end_0": "31",
        "end_1": "3",
        "end_2": "2026",
    }
    response = client_for(communications).get(PAGE, typed)

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?as_at=2026-03-31&from=2025-04-01&to=2026-03-31"
    only_the_date = {"as_at_0": "31", "as_at_1": "3", "as_at_2": "2026"}
    response = client_for(communications).get(PAGE, only_the_date)
    assert response["Location"] == f"{PAGE}?as_at=2026-03-31"
    page = text_of(client_for(communications).get(response["Location"]))
    assert "as at 31 March 2026, for the period 1 April 2025 to 31 March 2026" in page


def test_the_form_shows_the_dates_of_the_statement(
    records_since_2024: Any, communications: User, client_for: Any
) -> None:
    page = client_for(communications).get(f"{PAGE}?as_at=2026-03-31&from=2025-04-01&to=2026-03-31")
    body = page.content.decode()

    assert 'name="as_at_0" value="31"' in body
    form = body[body.index('<form method="get" action="/compliance/"') :].split("</form>")[0]
    assert "csrfmiddlewaretoken" not in form  # a GET form: no token in the address
    assert 'name="start_2" value="2025"' in body
    assert 'name="end_1" value="3"' in body


BAD_DATES = [
    ("as_at=2026-06-16", "The date of the statement must be today or in the past"),
    ("as_at=9999-12-31", "The date of the statement must be today or in the past"),
    (
        "as_at=2026-02-30",
        "The date must be a real date, like 31 3 2026, for “Date of the statement”",
    ),
    ("as_at=banana", "The date must be a real date, like 31 3 2026, for “Date of the statement”"),
    (
        "as_at_0=30&as_at_1=2&as_at_2=2026",
        "The date must be a real date, like 31 3 2026, for “Date of the statement”",
    ),
    (
        "as_at_0=&as_at_1=2&as_at_2=2026",
        "The date must include a day, for “Date of the statement”",
    ),
    (
        "from=2026-03-01&to=2026-02-01",
        "The end of the period must be the same as or after its start",
    ),
    ("from=2026-03-01", "Enter the end of the period, or leave both dates empty"),
    ("to=2026-03-01", "Enter the start of the period, or leave both dates empty"),
    ("from=2026-01-01&to=2026-07-01", "The end of the period must be today or in the past"),
    (
        "as_at=2026-03-31&from=2025-04-01&to=2026-04-30",
        "The end of the period must be on or before the date of the statement (31 March 2026)",
    ),
    ("from=2014-01-01&to=2026-01-01", "The period must be 10 years or shorter"),
    (
        "as_at=2023-12-31",
        "The portal's records begin on 10 January 2024: the statement can be built for that "
        "date or a later one",
    ),
    (
        "from=2023-01-01&to=2023-12-31",
        "The portal's records begin on 10 January 2024: the period must end on that date or a "
        "later one",
    ),
]


@pytest.mark.parametrize(("query", "message"), BAD_DATES)
def test_a_wrong_date_is_said_at_its_question_and_no_statement_is_built(
    records_since_2024: Any, communications: User, client_for: Any, query: str, message: str
) -> None:
    response = client_for(communications).get(f"{PAGE}?{query}")
    page = text_of(response)

    assert response.status_code == 200
    assert page.startswith("Error: Compliance statement")
    assert f"There is a problem {message}" in page  # the error summary
    assert page.count(message) == 2  # and at the question
    assert "Built from the event log" not in page
    assert "Clauses of your policy" not in page


@pytest.mark.parametrize(
    "query",
    [
        "as_at=%00",
        "as_at=2026-06-15%00",
        "as_at=0001-01-01",
        "from=0001-01-01&to=2026-01-01",
        "as_at_0=1&as_at_1=1&as_at_2=99999999999999999999",
        "as_at_0=%EF%BC%91&as_at_1=1&as_at_2=2026",  # a full-width 1
        "as_at_0=-1&as_at_1=1&as_at_2=2026",
        "start_0=1&start_1=1&start_2=2026&to=2026-02-01",
        "as_at=2026-06-15&as_at=garbage",
        "from=2026-01-01&to=2026-01-01&from=x",
    ],
)
def test_odd_addresses_get_an_answer_never_a_server_error(
    records_since_2024: Any, communications: User, client_for: Any, query: str
) -> None:
    client = client_for(communications)
    for url in (PAGE, CSV):
        response = client.get(f"{url}?{query}")
        assert response.status_code in (200, 302), url
    page = text_of(client.get(f"{PAGE}?{query}", follow=True))
    assert "There is a problem" in page or "Built from the event log" in page


def test_a_period_of_ten_years_exactly_is_accepted(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    with time_machine.travel(datetime.datetime(2015, 1, 5, 10, tzinfo=UTC), tick=False):
        make_account(communications, leisure, name="Old")
    client = client_for(communications)

    ten_years = text_of(client.get(f"{PAGE}?from=2016-01-01&to=2025-12-31"))
    one_day_more = text_of(client.get(f"{PAGE}?from=2015-12-31&to=2025-12-31"))

    assert "for the period 1 January 2016 to 31 December 2025" in ten_years
    assert "The period must be 10 years or shorter" in one_day_more


def test_the_csv_of_wrong_dates_sends_the_reader_back_to_correct_them(
    communications: User, client_for: Any
) -> None:
    client = client_for(communications)
    response = client.get(f"{CSV}?as_at=2026-07-01")

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?as_at=2026-07-01"
    page = text_of(client.get(response["Location"]))
    assert "Correct the dates before downloading the statement." in page
    assert "The date of the statement must be today or in the past" in page


# ---------------------------------------------------------------------------------------------
# The CSV


def test_the_csv_has_every_figure(records_since_2024: Any, auditor: User, client_for: Any) -> None:
    response = client_for(auditor).get(f"{CSV}?as_at=2026-03-31&from=2025-04-01&to=2026-03-31")
    rows = read_csv(response)
    year = Period(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    statement = statement_build(auditor, year.end, year)

    assert response["Content-Disposition"] == (
        'attachment; filename="compliance-statement-2026-03-31.csv"'
    )
    expected = []
    for row in statement.rows:
        parts: list[Part | None] = list(row.figure.parts) if row.figure else []
        for part in parts or [None]:
            expected.append(
                (
                    row.control.key,
                    ", ".join(row.clauses),
                    "On" if row.on else "Switched off in this council's policy profile",
                    str(part.count) if part else "",
                    part.words if part else "",
                    part.url if part else "",
                    row.figure.note if row.figure else "",
                )
            )
    assert [
        (
            line["Control key"],
            line["Clauses"],
            line["On or off"],
            line["Count"],
            line["What is counted"],
            line["Link"],
            line["Note"],
        )
        for line in rows
    ] == expected
    first = rows[0]
    assert (first["Council"], first["As at"], first["Period start"], first["Period end"]) == (
        django_settings.COUNCIL_NAME,
        "2026-03-31",
        "2025-04-01",
        "2026-03-31",
    )
    assert {line["Checkpoint head hash"] for line in rows} == {statement.checkpoint.hash}
    assert {line["Checkpoint event"] for line in rows} == {str(statement.checkpoint.seq)}
    assert ("reviews", "1", "active account", "/register/?status=active&as_of=2026-03-31") in {
        (line["Control key"], line["Count"], line["What is counted"], line["Link"]) for line in rows
    }


def test_the_policy_owners_csv_has_the_figures_but_no_links(
    records_since_2024: Any, policy_owner: User, client_for: Any
) -> None:
    rows = read_csv(client_for(policy_owner).get(CSV))

    assert {line["Link"] for line in rows} == {""}
    assert ("reviews", "1", "active account") in {
        (line["Control key"], line["Count"], line["What is counted"]) for line in rows
    }


def test_the_csv_neutralises_formulas(settings: Any, auditor: User, client_for: Any) -> None:
    settings.COUNCIL_NAME = '=HYPERLINK("https://evil.example","Click")'
    rows = read_csv(client_for(auditor).get(CSV))

    assert {line["Council"] for line in rows} == {"'" + settings.COUNCIL_NAME}


# ---------------------------------------------------------------------------------------------
# The clause map


def test_the_clause_map_shows_each_policy_and_this_council(
    policy_owner: User, client_for: Any
) -> None:
    response = client_for(policy_owner).get(CLAUSES)
    page = response.content.decode()
    row = page[page.index('id="control-line_manager"') :].split("</tr>")[0]
    cells = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]

    assert re.findall(r'<th scope="col" class="govuk-table__header">([^<]+)', page) == [
        "Control",
        "Manchester ",
        "Telford &amp; Wrekin",
        "Melton",
        "Derby",
        "This council",
    ]
    assert cells == [
        "Not in this policy (portal default)",
        "TW 'Starting a Social Media Network?'",
        "Not in this policy (portal default)",
        "DER 'Line manager approval'",
        "Switched off by “Line manager approves first” in the current profile",
    ]
    assert '<a class="govuk-link" href="/policy-profile/">See the policy profile</a>' in page
    assert "what was recorded before stays" in text_of(response).lower()


def test_the_clause_map_says_what_switching_a_rule_off_loses(
    communications: User, client_for: Any
) -> None:
    response = client_for(communications).get(CLAUSES)
    page = response.content.decode()
    row = page[page.index('id="control-head_of_service"') :].split("</tr>")[0]

    assert "MSM 5.2, MDM 8.4" in row
    assert (
        "Lost if “Head of Service of the account&#x27;s service area approves” is switched off"
        in row
    )
