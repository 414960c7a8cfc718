"""Trend charts (issue 13): the dashboard's period and what a wrong one is told, charts of an
empty council, months and quarters, the counting in governance.trends and the drawing in
governance.charts, the declarations list on a past day that a chart's point opens, and the
credential task list for one cause.

The clock is stopped at 11am on Monday 15 June 2026 (British Summer Time).
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db.models import Q
from django.http import QueryDict

from accounts.models import Account, AccountStatus
from accounts.services.register import account_change_status
from governance.charts import LINES, Chart, Series, _nice_ceiling, count_sentence, points
from governance.charts import trend_sentence as sentence_of
from governance.models import ServiceArea, User
from governance.periods import Period
from governance.trends import buckets_of, counts_at_ends, counts_by_bucket, percentile, share
from moderation.models import ModeratorAssignment, TaskCause, TaskKind
from moderation.selectors import tasks_listed
from moderation.services.assignments import (
    assignment_add,
    assignment_end,
    assignments_end_for_leaver,
)
from moderation.services.credentials import task_raise
from tests.conftest import make_person
from tests.declaration_helpers import publish, sign
from tests.register_helpers import make_account

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2026, 6, 15, 10, tzinfo=UTC)
DASHBOARD = "/register/dashboard/"
DECLARATIONS = "/declarations/compliance/"
TASKS = "/credential-tasks/"


@pytest.fixture(autouse=True)
def _stopped_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def records_since_2024(communications: User, leisure: ServiceArea) -> Account:
    """The portal's records begin on 10 January 2024, when Parks entered the register."""
    with time_machine.travel(datetime.datetime(2024, 1, 10, 10, tzinfo=UTC), tick=False):
        return make_account(communications, leisure, name="Parks")


def text_of(response: Any) -> str:
    """The page as a person reads it: no tags, entities decoded, spaces collapsed."""
    assert response.status_code == 200
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def trends_part(response: Any) -> str:
    """The dashboard's "How things are changing", as HTML (not today's open accounts)."""
    page = response.content.decode()
    return page.split("How things are changing")[1].split("Open accounts today")[0]


def chart_of(response: Any, key: str) -> str:
    page = response.content.decode()
    start = page.index(f'<section class="app-chart" id="chart-{key}"')
    return page[start : page.index("</section>", start)]


def row_labels(chart: str) -> list[str]:
    return re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>', chart)


# ---------------------------------------------------------------------------------------------
# The dashboard's period


REAL_DATE = "The date must be a real date, like 1 4 2025, for “Start of the period”"
WRONG_PERIODS = [
    ("from=2026-03-01&to=2026-02-01", "The end of the period must be the same as or after its "
                                       "start"),
    ("from=2026-03-01", "Enter the end of the period, or leave both dates empty"),
    ("to=2026-03-01", "Enter the start of the period, or leave both dates empty"),
    ("start_0=31&start_1=2&start_2=2026&end_0=31&end_1=3&end_2=2026", REAL_DATE),
    ("from=2026-02-31&to=2026-03-31", REAL_DATE),
    ("from=2016-01-01&to=2026-01-01", "The period must be 10 years or shorter"),
    ("from=2026-01-01&to=2026-06-16", "The end of the period must be today or in the past"),
    (
        "from=2023-01-01&to=2023-12-31",
        "The portal's records begin on 10 January 2024: the period must end on that date or a "
        "later one",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("query", "message"), WRONG_PERIODS)
def test_a_period_the_dashboard_cannot_chart_is_said_plainly_and_nothing_is_charted(
    records_since_2024: Account, communications: User, client_for: Any, query: str, message: str
) -> None:
    response = client_for(communications).get(f"{DASHBOARD}?{query}")
    page = text_of(response)

    assert f"There is a problem {message}" in page  # the error summary
    assert page.count(message) == 2  # and at the question
    body = response.content.decode()
    for anchor in re.findall(r'<li><a href="#([^"]+)">', body):
        assert f'id="{anchor}"' in body, anchor  # each summary link leads to its box
    assert "app-chart" not in trends_part(response)
    assert "month by month" not in page


def test_the_dashboards_title_says_error_once(
    records_since_2024: Account, communications: User, client_for: Any
) -> None:
    body = client_for(communications).get(f"{DASHBOARD}?from=2026-03-01").content.decode()

    assert "<title>Error: Dashboard " in body


def test_a_period_starting_before_the_records_is_charted_from_their_first_day(
    records_since_2024: Account, communications: User, client_for: Any
) -> None:
    response = client_for(communications).get(f"{DASHBOARD}?from=2023-06-01&to=2024-06-30")
    page = text_of(response)

    assert "There is a problem" not in page
    assert "10 January 2024 to 30 June 2024, month by month." in page
    assert (
        "The portal's records begin on 10 January 2024, so the charts start there rather than "
        "on 1 June 2023." in page
    )
    labels = row_labels(chart_of(response, "accounts"))
    assert labels[0] == "Jan 2024 (10 January 2024 to 31 January 2024)"
    assert labels[1:] == ["Feb 2024", "Mar 2024", "Apr 2024", "May 2024", "Jun 2024"]


def test_an_empty_council_sees_each_charts_empty_sentence_not_an_empty_drawing(
    communications: User, client_for: Any
) -> None:
    dashboard = client_for(communications).get(DASHBOARD)
    statement = client_for(communications).get("/compliance/")

    for key, empty in EMPTY.items():
        assert f'<p class="govuk-body app-chart__empty">{empty}</p>' in chart_of(dashboard, key)
    assert text_of(dashboard).count("There are no open accounts yet.") == 2
    drawn = re.findall(r'id="chart-(\w+)"', statement.content.decode())
    assert {"accounts", "requests", "declarations"} <= set(drawn)
    for key in drawn:
        assert EMPTY[key] in chart_of(statement, key)
    for response in (dashboard, statement):
        assert response.status_code == 200
        assert '<svg class="app-chart__svg"' not in response.content.decode()


EMPTY = {
    "reviews": "There were no active accounts in this period.",
    "accounts": "There were no accounts in the register in this period.",
    "declarations": "Nobody had to hold a declaration in this period.",
    "tasks": "No password change or access removal was raised in this period.",
    "rotation": "No device was reported lost and nobody left with access in this period.",
    "requests": "No requests were sent in this period.",
    "steps": "No step of a request sent in this period has been reached yet.",
    "incidents": "No incident was reported in this period.",
    "abuse": "No public abuse case was opened in this period.",
}


NAMES = ("Jan to Mar", "Apr to Jun", "Jul to Sep", "Oct to Dec")
QUARTERS = [
    "Jan to Mar 2024 (1 February 2024 to 31 March 2024)",
    *(f"{NAMES[index % 4]} {2024 + index // 4}" for index in range(1, 9)),
    "Apr to Jun 2026 (1 April 2026 to 31 May 2026)",
]


def test_a_period_of_more_than_two_years_is_drawn_by_quarter(
    records_since_2024: Account, communications: User, client_for: Any
) -> None:
    response = client_for(communications).get(f"{DASHBOARD}?from=2024-02-01&to=2026-05-31")

    for key in ("accounts", "reviews"):
        assert row_labels(chart_of(response, key)) == QUARTERS
    assert '<svg class="app-chart__svg"' in chart_of(response, "accounts")
    assert ">Jan-Mar</text>" in chart_of(response, "accounts")


def test_the_accounts_chart_says_one_account_in_the_singular(
    records_since_2024: Account, communications: User, client_for: Any
) -> None:
    response = client_for(communications).get(f"{DASHBOARD}?from=2025-06-01&to=2026-05-31")

    assert "On 31 May 2026, 1 account was open (1 active) and 0 closed." in (
        chart_of(response, "accounts")
    )


def test_the_dashboard_says_when_a_period_is_drawn_by_quarter(
    records_since_2024: Account, communications: User, client_for: Any
) -> None:
    page = text_of(client_for(communications).get(f"{DASHBOARD}?from=2024-02-01&to=2026-05-31"))

    assert (
        "1 February 2024 to 31 May 2026, by quarter (the period is longer than two years)." in page
    )
    assert "month by month" not in page


@pytest.mark.parametrize(
    ("start", "first", "last", "rows"),
    [
        ("2025-06-01", "Jun 2025", "May 2026", 12),
        ("2024-06-01", "Jun 2024", "May 2026", 24),  # two years exactly: still months
        (
            "2024-05-01",
            "Apr to Jun 2024 (1 May 2024 to 30 June 2024)",
            "Apr to Jun 2026 (1 April 2026 to 31 May 2026)",
            9,
        ),
    ],
)
def test_up_to_two_years_is_drawn_month_by_month_and_longer_by_quarter(
    records_since_2024: Account,
    communications: User,
    client_for: Any,
    start: str,
    first: str,
    last: str,
    rows: int,
) -> None:
    response = client_for(communications).get(f"{DASHBOARD}?from={start}&to=2026-05-31")

    labels = row_labels(chart_of(response, "accounts"))
    assert (len(labels), labels[0], labels[-1]) == (rows, first, last)
    assert "so the charts start there" not in text_of(response)  # within the records


def test_dates_typed_in_the_boxes_lead_to_the_dashboards_plain_address(
    records_since_2024: Account, communications: User, client_for: Any
) -> None:
    typed = {"start_0": " 1", "start_1": "06", "start_2": "2025", "end_0": "31", "end_1": "5",
             "end_2": "2026"}  # fmt: skip
    response = client_for(communications).get(DASHBOARD, typed)

    assert response.status_code == 302
    assert response["Location"] == f"{DASHBOARD}?from=2025-06-01&to=2026-05-31"


# ---------------------------------------------------------------------------------------------
# governance.trends


def test_buckets_are_the_months_of_a_period_the_first_and_last_clipped() -> None:
    buckets = buckets_of(Period(datetime.date(2026, 1, 15), datetime.date(2026, 3, 10)))

    assert [(b.label, b.start, b.end, b.whole) for b in buckets] == [
        ("Jan 2026", datetime.date(2026, 1, 15), datetime.date(2026, 1, 31), False),
        ("Feb 2026", datetime.date(2026, 2, 1), datetime.date(2026, 2, 28), True),
        ("Mar 2026", datetime.date(2026, 3, 1), datetime.date(2026, 3, 10), False),
    ]
    assert [b.full_label for b in buckets] == [
        "Jan 2026 (15 January 2026 to 31 January 2026)",
        "Feb 2026",
        "Mar 2026 (1 March 2026 to 10 March 2026)",
    ]
    one_day = buckets_of(Period(datetime.date(2025, 12, 31), datetime.date(2025, 12, 31)))
    assert [(b.label, b.whole) for b in one_day] == [("Dec 2025", False)]


def test_buckets_of_a_period_over_two_years_are_quarters() -> None:
    buckets = buckets_of(Period(datetime.date(2023, 11, 20), datetime.date(2026, 2, 3)))

    assert buckets[0].label == "Oct to Dec 2023"
    assert (buckets[0].start, buckets[0].end) == (
        datetime.date(2023, 11, 20),
        datetime.date(2023, 12, 31),
    )
    assert buckets[-1].full_label == "Jan to Mar 2026 (1 January 2026 to 3 February 2026)"
    assert [b.label for b in buckets[1:5]] == [
        "Jan to Mar 2024", "Apr to Jun 2024", "Jul to Sep 2024", "Oct to Dec 2024",
    ]  # fmt: skip
    assert len(buckets) == 10 and all(b.whole for b in buckets[1:-1])
    for before, after in itertools.pairwise(buckets):
        assert after.start == before.end + datetime.timedelta(days=1)  # no gap, no overlap


def _raise(account: Account, cause: str, at: datetime.datetime, key: str) -> None:
    task_raise(account=account, kind=TaskKind.ROTATE, cause=cause, key=key, title="Change it",
               why="Test", actor=None, now=at, due_days=5, tell_communications=False)  # fmt: skip


def test_counts_by_month_are_what_each_months_task_list_shows(
    communications: User, leisure: ServiceArea
) -> None:
    account = make_account(communications, leisure)
    raised = [
        (datetime.datetime(2026, 3, 14, 23, 30, tzinfo=UTC), TaskCause.LEAVER),  # before
        (datetime.datetime(2026, 3, 15, 0, 10, tzinfo=UTC), TaskCause.LEAVER),  # March
        (datetime.datetime(2026, 3, 31, 23, 30, tzinfo=UTC), TaskCause.LOST_DEVICE),  # 1 Apr BST
        (datetime.datetime(2026, 4, 15, 12, tzinfo=UTC), TaskCause.LEAVER),
        (datetime.datetime(2026, 5, 20, 22, 59, tzinfo=UTC), TaskCause.LOST_DEVICE),  # 23:59 BST
        (datetime.datetime(2026, 5, 20, 23, 1, tzinfo=UTC), TaskCause.LEAVER),  # the 21st
    ]
    for number, (at, cause) in enumerate(raised):
        _raise(account, cause, at, f"test:{number}")
    period = Period(datetime.date(2026, 3, 15), datetime.date(2026, 5, 20))
    buckets = buckets_of(period)
    rows = tasks_listed(communications, QueryDict(f"state=all&{period.query}"))[1]

    assert counts_by_bucket(rows, "raised_at", buckets) == {None: [1, 2, 1]}
    by_cause = counts_by_bucket(rows, "raised_at", buckets, group="cause")
    assert by_cause == {"leaver": [1, 1, 0], "lost_device": [0, 1, 1]}
    for cause, counts in by_cause.items():
        listed = [
            tasks_listed(communications, QueryDict(f"state=all&cause={cause}&{b.period.query}"))[1]
            .count() for b in buckets
        ]  # fmt: skip
        assert counts == listed


def test_accounts_by_status_at_each_months_end_are_the_history_as_it_stood(
    communications: User, leisure: ServiceArea
) -> None:
    def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> Any:
        return time_machine.travel(
            datetime.datetime(year, month, day, hour, minute, tzinfo=UTC), tick=True
        )

    def change(account: Account, action: str) -> None:
        account_change_status(actor=communications, account=account, action=action, reason="x")

    with at(2026, 1, 10, 10):
        a = make_account(communications, leisure)
    with at(2026, 2, 5, 10):
        b = make_account(communications, leisure, status=AccountStatus.BEING_SET_UP)
    with at(2026, 2, 15, 10):
        change(a, "suspend")
    with at(2026, 3, 20, 10):
        change(Account.objects.get(pk=a.pk), "close")
    with at(2026, 3, 31, 22, 30):  # 11:30pm on 31 March in London
        change(b, "activate")
    with at(2026, 3, 31, 23, 30):  # half past midnight on 1 April
        make_account(communications, leisure)
    buckets = buckets_of(Period(datetime.date(2026, 1, 1), datetime.date(2026, 4, 30)))
    statuses = [AccountStatus.ACTIVE, AccountStatus.BEING_SET_UP, AccountStatus.SUSPENDED,
                AccountStatus.CLOSED]  # fmt: skip
    conditions = {str(s): (lambda bucket, s=s: Q(status=s)) for s in statuses}

    counted = counts_at_ends(Account.history.all(), buckets, conditions)

    assert counted == {
        "active": [1, 0, 1, 2],
        "being_set_up": [0, 1, 0, 0],
        "suspended": [0, 1, 0, 0],
        "closed": [0, 0, 1, 1],
    }
    for index, bucket in enumerate(buckets):
        latest = Account.history.filter(history_date__lt=bucket.moment).latest_of_each()
        for status in statuses:
            assert counted[status][index] == latest.filter(status=status).count()


def test_percentile_is_an_actual_value_by_nearest_rank() -> None:
    assert percentile([1, 2, 3, 4], 0.9) == 4  # not 3.7 made up between two
    assert percentile(list(range(10, 0, -1)), 0.9) == 9
    assert percentile([5, 1, 3], 0.5) == 3
    assert percentile([7.5], 0.9) == 7.5
    assert percentile([4, 2], 0) == 2
    assert percentile([], 0.9) is None


def test_a_share_is_a_whole_percentage_or_nothing_when_nothing_to_share() -> None:
    assert [share(1, 3), share(2, 3), share(0, 5), share(5, 5)] == [33, 67, 0, 100]
    assert share(0, 0) is None


# ---------------------------------------------------------------------------------------------
# governance.charts


def test_the_vertical_axis_reaches_the_data_with_whole_number_gridlines() -> None:
    tops = [_nice_ceiling(value) for value in (0, 1, 4, 5, 9, 13, 21, 41, 101)]
    assert tops == [4, 4, 4, 8, 12, 20, 40, 80, 120]
    for value in [*range(2001), 4.5, 99.9, 12345]:
        top = _nice_ceiling(value)
        assert value <= top and float(top / 4).is_integer(), value
        assert top < 2 * max(value, 2.5), value  # not far above the tallest bar
    buckets = buckets_of(Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)))
    chart = Chart("c", "Title", "", buckets, [Series("Sent", points([3, 7, 1]))])
    assert [line["label"] for line in chart.gridlines] == ["0", "2", "4", "6", "8"]


MONTHS = buckets_of(Period(datetime.date(2026, 1, 1), datetime.date(2026, 4, 30)))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([61, None, 70, 88], "Reviews rose from 61% in Jan 2026 to 88% in Apr 2026."),
        ([None, 90, 40, None], "Reviews fell from 90% in Feb 2026 to 40% in Mar 2026."),
        ([50, 20, 80, 50], "Reviews stayed at 50% from Jan 2026 to Apr 2026."),
        ([None, None, 70, None], "Reviews was 70% in Mar 2026."),
        ([None, None, None, None], ""),
    ],
)
def test_a_trend_is_said_from_its_first_figure_to_its_last(
    values: list[Any], expected: str
) -> None:
    assert sentence_of(Series("On time", points(values)), MONTHS, "Reviews") == expected


def test_a_count_is_said_in_the_singular_or_the_plural() -> None:
    def said(*columns: list[int]) -> str:
        series = [Series(str(i), points(values)) for i, values in enumerate(columns)]
        return count_sentence(series, MONTHS, "request sent", "requests sent")

    assert said([0, 1, 0, 0]) == "1 request sent in the period, in Feb 2026."
    assert (
        said([1, 0, 2, 0], [0, 0, 1, 0])
        == "4 requests sent in the period, the most (3) in Mar 2026."
    )
    assert said([0, 0, 0, 0]) == ""


def test_a_line_of_nought_percent_is_drawn_but_bars_of_nought_are_not() -> None:
    def chart(values: list[Any], kind: str) -> Chart:
        return Chart("c", "T", "", MONTHS, [Series("S", points(values))], kind=kind, unit="%")

    assert chart([0, 0, None, 0], LINES).has_data
    assert not chart([None, None, None, None], LINES).has_data
    assert not chart([0, 0, 0, 0], "bars").has_data
    assert chart([0, 0, 1, 0], "bars").has_data


# ---------------------------------------------------------------------------------------------
# The declarations list on a past day


@pytest.fixture
def moderators(
    policy_owner: User, communications: User, leisure: ServiceArea, line_manager: User
) -> dict[str, User]:
    """Dee and Tom began moderating Museum on 1 February; Tom signed the next day, Dee on 1
    March; Tom stopped on 1 April. Today Dee alone must hold a declaration."""
    with time_machine.travel(datetime.datetime(2026, 1, 5, 10, tzinfo=UTC), tick=False) as trip:
        version = publish(policy_owner, version="1.0")
        museum = make_account(communications, leisure, name="Museum")
        trip.move_to(datetime.datetime(2026, 2, 1, 10, tzinfo=UTC))
        dee = make_person("dee@council.example", "Dee Harper", area=leisure, manager=line_manager)
        tom = make_person("tom@council.example", "Tom Lark", area=leisure, manager=line_manager)
        for person in (dee, tom):
            assignment_add(actor=communications, account=museum, person=person, reason="Cover")
        trip.move_to(datetime.datetime(2026, 2, 2, 10, tzinfo=UTC))
        sign(tom, version)
        trip.move_to(datetime.datetime(2026, 3, 1, 10, tzinfo=UTC))
        sign(dee, version)
        trip.move_to(datetime.datetime(2026, 4, 1, 10, tzinfo=UTC))
        assignment_end(
            assignment=ModeratorAssignment.objects.get(person=tom),
            actor=communications,
            reason="Moved on",
            now=datetime.datetime(2026, 4, 1, 10, tzinfo=UTC),
        )
    return {"dee": dee, "tom": tom}


def rows_of(response: Any) -> dict[str, str]:
    """Each person's row, as the words read."""
    page = response.content.decode()
    found = re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+)<br>(.*?)</tr>', page, re.S
    )
    return {
        name: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for name, row in found
    }


def test_the_declarations_list_on_a_past_day_shows_who_had_to_sign_and_where_they_stood(
    moderators: dict[str, User], communications: User, client_for: Any
) -> None:
    client = client_for(communications)
    past = client.get(f"{DECLARATIONS}?as_of=2026-02-15")
    today = client.get(DECLARATIONS)

    then = rows_of(past)
    assert sorted(then) == ["Dee Harper", "Tom Lark"]
    assert "Museum (awaiting declaration) Not signed" in then["Dee Harper"]
    assert "Museum (active) Current 1.0 2 February 2026 2 February 2027" in then["Tom Lark"]
    page = text_of(past)
    assert "Declarations as they stood on 15 February 2026" in page
    assert "Who had to hold a declaration at the end of 15 February 2026" in page
    assert 'href="/declarations/compliance/">See the declarations today' in past.content.decode()
    assert "1 of 2 moderators holds a current declaration" in page
    now = rows_of(today)
    assert sorted(now) == ["Dee Harper"]
    assert "Museum (active) Current 1.0 1 March 2026" in now["Dee Harper"]
    filtered = rows_of(client.get(f"{DECLARATIONS}?as_of=2026-02-15&status=not_signed"))
    assert sorted(filtered) == ["Dee Harper"]


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2026-13-01", "Enter the date as year-month-day, like 2026-04-01"),
        ("2026-06-16", "The date must be today or in the past"),
    ],
)
def test_a_past_day_the_declarations_list_cannot_read_is_said_at_the_box_and_at_the_top(
    moderators: dict[str, User], communications: User, client_for: Any, as_of: str, message: str
) -> None:
    response = client_for(communications).get(f"{DECLARATIONS}?as_of={as_of}")
    body = response.content.decode()

    assert response.status_code == 200
    assert text_of(response).startswith("Error: Declarations")
    assert f'<li><a href="#id_as_of">{message}</a></li>' in body  # the error summary
    assert (
        f'id="id_as_of_error"><span class="govuk-visually-hidden">Error:</span> {message}' in body
    )
    assert f'value="{as_of}"' in body  # what was typed stays to be corrected
    assert "as they stood on" not in body


def test_the_declarations_csv_on_a_past_day_is_the_list_of_that_day(
    moderators: dict[str, User], communications: User, client_for: Any
) -> None:
    client = client_for(communications)
    response = client.get(f"{DECLARATIONS}export.csv?as_of=2026-02-15")

    assert 'filename="declarations-2026-02-15-as-of.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row[0]: row for row in list(csv.reader(io.StringIO(text)))[1:]}
    assert sorted(rows) == ["Dee Harper", "Tom Lark"]
    assert rows["Dee Harper"][4:8] == ["Not signed", "", "", ""]
    assert rows["Tom Lark"][4:8] == ["Current", "1.0", "2026-02-02", "2027-02-02"]
    # The accounts each moderated that day, as the page lists them.
    assert rows["Dee Harper"][3] == "Museum (awaiting declaration)"
    assert rows["Tom Lark"][3] == "Museum (active)"


# ---------------------------------------------------------------------------------------------
# The credential task list for one cause


@pytest.fixture
def leaver_and_mover(
    communications: User, leisure: ServiceArea, requester: User, colleague: User
) -> None:
    """Riya left the council, so Parks' password must change; Tom stopped moderating Museum."""
    with time_machine.travel(datetime.datetime(2026, 5, 1, 10, tzinfo=UTC), tick=False):
        make_account(communications, leisure, name="Parks", moderators=(requester,))
        museum = make_account(communications, leisure, name="Museum", moderators=(colleague,))
    assignments_end_for_leaver(person=requester, actor=communications, now=NOW)
    assignment_end(
        assignment=ModeratorAssignment.objects.get(account=museum),
        actor=communications,
        reason="Moved on",
        now=NOW,
    )


def test_the_task_list_for_leavers_shows_only_tasks_raised_because_someone_left(
    leaver_and_mover: None, communications: User, client_for: Any
) -> None:
    client = client_for(communications)
    page = text_of(client.get(f"{TASKS}?state=all&cause=leaver"))

    assert "Showing only tasks raised because: someone left the council." in page
    assert "Change the password of Parks" in page
    assert "Museum" not in page
    everything = text_of(client.get(f"{TASKS}?state=all&cause=banana"))
    assert "Change the password of Parks" in everything
    assert "Change the password of Museum" in everything
    assert "Showing only tasks raised because" not in everything
