"""The trend charts of the dashboard and the compliance statement against the lists their points
open (issue 13).

A council is grown month by month through the services its people use: accounts opened,
suspended, reopened and closed, requests sent and decided days or weeks later (some in another
service area), moderators added, declarations signed and lapsing, password changes raised and
done or cancelled in later months, lost phones, leavers, incidents of several kinds and public
abuse cases. Every point of every chart is then opened as the person who sees it, every page of
its list read, and the list compared with the point. The clock stops at 11am on 15 June 2026.
"""

from __future__ import annotations

import datetime
import heapq
import html
import itertools
import re
import statistics
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from accounts.models import AccessModel, Account, AccountRequest, ApprovalStep, RequestStatus
from accounts.services.register import account_change_status, account_record_unapproved
from accounts.services.requests import request_submit, request_withdraw
from compliance.rules import CHART_READERS, charts_visible_to
from compliance.trends import View, charts_for
from declarations.services.reminders import declarations_lapse
from governance.charts import Chart
from governance.formatting import add_months
from governance.models import ServiceArea, StepKind, User
from governance.periods import Period
from governance.services.leavers import staff_record_leaver
from moderation.models import CredentialTask, DeviceReport, IncidentKind, TaskCause, TaskKind
from moderation.services.abuse import case_close, case_open
from moderation.services.assignments import assignment_record_existing
from moderation.services.credentials import (
    password_change_record,
    rotation_request,
    task_cancel,
    task_complete,
)
from moderation.services.devices import accounts_a_device_could_open, device_report_submit
from moderation.services.impersonation import impersonation_report
from moderation.services.incidents import incident_close, incident_report
from tests.conftest import make_person
from tests.declaration_helpers import publish, sign
from tests.register_helpers import make_account
from tests.requests_helpers import complete_draft, decide_current, request_in
from tests.test_compliance_statement import NEXT, RECORD_LINKS

UTC = datetime.UTC
NOW = datetime.datetime(2026, 6, 15, 10, tzinfo=UTC)
JUNE = datetime.date(2026, 6, 1)
KINDS = ["mistaken_post", "data_breach", "inappropriate_content", "suspicious_content"]
CATEGORIES = [["abusive"], ["harassing", "threatening"], ["spam"], ["abusive", "discriminatory"]]
# The decisions at each step of a request's chain (Head of Service, then Communications).
OUTCOMES = ["approve approve", "reject", "approve return", "withdraw", "", "approve"]
BREACH: dict[str, Any] = {"personal_data": "Names of three allotment holders", "people_affected": 3}


@pytest.fixture(autouse=True)
def _stopped_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _short_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three records a page, so that the list behind a point is read over several pages."""
    from accounts.views import register, requests
    from declarations.views import compliance
    from moderation.views import abuse, credentials, devices, incidents

    for module in (register, requests, compliance, abuse, credentials, devices, incidents):
        monkeypatch.setattr(module, "PAGE_SIZE", 3)


# ---------------------------------------------------------------------------------------------
# The council, month by month


class Story:
    """What happens, told in the order it happens on the stopped clock (a decision weeks after
    its request, a password change days after a loss); nothing from NOW on."""

    def __init__(self) -> None:
        self.plan: list[tuple[datetime.datetime, int, Callable[[], Any]]] = []
        self.order = itertools.count()

    def at(self, moment: datetime.datetime, action: Callable[[], Any]) -> None:
        if moment < NOW:
            heapq.heappush(self.plan, (moment, next(self.order), action))

    def tell(self) -> None:
        with time_machine.travel(self.plan[0][0], tick=False) as clock:
            while self.plan:
                moment, _, action = heapq.heappop(self.plan)
                clock.move_to(moment)
                action()


def finish(task: CredentialTask, actor: User, reason: str = "other") -> None:
    """The task is done: a password change recorded (closing the account's rotations), or the
    role removed or the custody handed over."""
    task.refresh_from_db()
    if task.state == "open" and task.kind == TaskKind.ROTATE:
        today, details = timezone.localdate(), "In the password manager"
        password_change_record(
            actor=actor, account=task.account, reason=reason, changed_on=today, details=details
        )
    elif task.state == "open":
        task_complete(actor=actor, task=task, note="Done at the platform")


def month(story: Story, c: dict[str, Any], start: datetime.date) -> None:
    k = start.year * 12 + start.month  # what happens depends on the month, not the story's length
    comms, feeds, later = c["comms"], c["feeds"], datetime.timedelta

    def on(day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
        return datetime.datetime(start.year, start.month, day, hour, minute, tzinfo=UTC)

    def staying() -> list[User]:
        pool = c["pool"][k % 6 :] + c["pool"][: k % 6]
        return [person for person in pool if person.pk not in c["left"]]

    def open_feed() -> None:
        area, people = c["leisure"] if k % 2 else c["housing"], staying()
        shared = AccessModel.INDIVIDUAL_ROLES if k % 3 == 0 else AccessModel.SHARED_LOGIN
        feeds.append(make_account(
            comms, area, name=f"Feed {start:%b %Y}", moderators=tuple(people[:2]),
            next_review_due=add_months(start, k % 5 - 1), access_model=shared,
            second_factor_holder=people[0] if k % 4 == 0 else comms,
        ))  # fmt: skip

    def send() -> None:
        requester = c["outsider"] if k % 3 == 0 else c["riya"]
        draft = complete_draft(requester, [c["tom"]], proposed_handle=f"@Idea{k}",
                               training_completed_on=datetime.date(2025, 1, 6))  # fmt: skip
        sent, moment = request_submit(actor=requester, request=draft), on(4)
        for number, decision in enumerate(OUTCOMES[k % 6].split() + ["live"] * (k % 4 == 0)):
            moment += later(days=2 + 9 * ((k + number) % 4), hours=number)
            story.at(moment, partial(decide, sent.pk, decision))

    def decide(pk: int, decision: str) -> None:
        request = AccountRequest.objects.get(pk=pk)
        if decision == "withdraw":
            request_withdraw(actor=request.requester, request=request)
        for account in Account.objects.filter(request=request) if decision == "live" else []:
            account_change_status(actor=comms, account=account, action="activate", reason="Live")
        if decision in ("approve", "reject", "return"):
            decide_current(request, decision)

    def change(account: Account, action: str, *sources: str) -> None:
        account.refresh_from_db()
        if account.status in sources:
            account_change_status(actor=comms, account=account, action=action, reason="Agreed")

    def statuses() -> None:
        if k % 3 == 0 and len(feeds) > 2:
            change(feeds[-3], "suspend", "active")
        if k % 3 == 2 and len(feeds) > 4:
            change(feeds[-4], "reopen", "suspended")
        if k % 4 == 1 and len(feeds) > 3:
            change(feeds[-4], "close", "active", "suspended")
        if k % 5 == 2:
            account_record_unapproved(actor=comms, discovered_how="Monitoring", values={
                "platform": "x", "platform_other": "", "name": f"Found {k}", "url": "",
                "handle": f"@found{k}", "service_area": c["housing"], "responsible_officer": None,
            })  # fmt: skip

    def lose_phone() -> None:
        reporter = c["sam"] if k % 5 == 4 else staying()[1]  # Sam's phone opens no account
        report, _ = device_report_submit(
            reporter=reporter, device_kind="phone", device_description="work phone",
            loss="stolen", lost_on=on(11).date(), held_second_factor=k % 2 == 0,
            account_ids=list(accounts_a_device_could_open(reporter).values_list("pk", flat=True)),
            held_recovery_phone=False,
        )  # fmt: skip
        story.at(on(11) + later(days=1 + k % 5, hours=k % 7), lambda: made_safe(report))

    def made_safe(report: DeviceReport) -> None:
        for task in report.tasks.filter(state="open"):
            if k % 6 == 3:  # the phone turned up: nothing needs changing
                task_cancel(actor=comms, task=task, reason="The phone was found")
            else:
                finish(task, comms, "lost_device")

    def incident() -> None:
        kind = KINDS[k % 4]
        found: dict[str, Any] = {"found_at": timezone.now(), "risk": "likely"}
        made, _ = incident_report(
            reporter=c["riya"], kind=kind, happened_on=timezone.localdate(),
            account_described="Feed", what_happened="A draft went out on the wrong account.",
            **({**BREACH, **found} if kind == IncidentKind.DATA_BREACH else {}),
        )  # fmt: skip
        if kind != IncidentKind.DATA_BREACH and k % 3:
            story.at(on(20), lambda: incident_close(actor=comms, incident=made, outcome="Gone"))

    def abuse() -> None:
        case, _ = case_open(actor=comms, account=feeds[-1], author_handle=f"@troll{k}",
                            post_url=f"https://x.com/troll{k}/status/1",
                            categories=CATEGORIES[k % 4])  # fmt: skip
        if k % 2:
            story.at(on(22), lambda: case_close(actor=comms, case=case, outcome="Blocked"))

    def sweep() -> None:
        """Communications works through last month's tasks: one done, one cancelled, one left."""
        older = CredentialTask.objects.filter(state="open", raised_at__lt=on(1))
        older = older.exclude(cause__in=[TaskCause.LOST_DEVICE, TaskCause.LEAVER])
        for index, task in enumerate(older.order_by("raised_at", "pk")):
            if index % 3 == 0:
                finish(task, comms)
            elif index % 3 == 1:
                task_cancel(actor=comms, task=task, reason="The account was deleted")

    def leave(person: User) -> None:
        """They leave; their passwords change days later, but one of their tasks is cancelled
        (the account was deleted) twelve days on, or, in 2026, is still to do."""
        c["left"].add(person.pk)
        person.leaving_date = timezone.localdate()
        person.save(update_fields=["leaving_date"])
        assert staff_record_leaver(person=person, actor=None)
        first, *rest = CredentialTask.objects.filter(person=person, cause="leaver").order_by("pk")
        for task in rest:
            story.at(on(24, 10 + k % 4), partial(finish, task, comms, "moderator_left"))
        if start.year == 2025:
            story.at(on(24) + later(days=12), lambda: task_cancel(
                actor=comms, task=first, reason="The account was deleted"))  # fmt: skip

    story.at(on(1, 6), declarations_lapse)
    story.at(on(3), open_feed)
    story.at(on(4), send)
    story.at(on(6), statuses)
    if k % 2:
        story.at(on(8), lambda: assignment_record_existing(
            account=feeds[-2:][0], person=staying()[2], actor=comms))  # fmt: skip
    else:
        story.at(on(9), lambda: sign(staying()[3], c["v1"]))
        story.at(on(13), lambda: rotation_request(actor=comms, account=feeds[-1], reason="Spam"))
    if k % 3 == 0 or k % 5 == 4:
        story.at(on(11), lose_phone)
    story.at(on(15, 8 + k % 9), incident)
    if k % 4 == 1:
        story.at(on(16), lambda: impersonation_report(address=f"https://x.com/Fake{k}"))
    story.at(on(17), abuse)
    story.at(on(20, 12), sweep)
    if start in (datetime.date(2025, 9, 1), datetime.date(2026, 5, 1)):
        story.at(on(22), lambda: leave(staying()[0]))
    if start == datetime.date(2026, 4, 1):  # 1 May in London: counted at the end of May
        story.at(on(30, 23, 30), lambda: change(feeds[0], "suspend", "active"))
    if start == datetime.date(2026, 5, 1):  # 1 June in London
        story.at(on(31, 23, 30), incident)


def grow(months: int, c: dict[str, Any]) -> Period:
    """The council's last ``months`` months up to NOW; the period they cover."""
    first, story = add_months(JUNE, 1 - months), Story()
    story.at(
        datetime.datetime.combine(first, datetime.time(9), UTC),
        lambda: c.update(v1=publish(c["owner"], version="1.0")),
    )
    for index in range(months):
        month(story, c, add_months(first, index))
    story.tell()
    return Period(first, NOW.date())


@pytest.fixture
def cast(
    communications: User, policy_owner: User, requester: User, colleague: User,
    head_of_service: User, line_manager: User, housing: ServiceArea, outsider: User,
) -> dict[str, Any]:  # fmt: skip
    housing.head = make_person("hana@council.example", "Hana Idris", area=housing)
    housing.save()
    leisure = requester.service_area
    pool = [requester, colleague] + [
        make_person(f"{name.lower()}@council.example", f"{name} Moss", area=leisure)
        for name in ("Ada", "Ben", "Cara", "Dev")
    ]
    return {"comms": communications, "owner": policy_owner, "riya": requester, "tom": colleague,
            "sam": line_manager, "leisure": leisure, "housing": housing, "outsider": outsider,
            "pool": pool, "feeds": [], "left": set()}  # fmt: skip


@pytest.fixture
def council(cast: dict[str, Any]) -> Period:
    """Fourteen months of the council: May 2025 to 15 June 2026."""
    return grow(14, cast)


# ---------------------------------------------------------------------------------------------
# Reading the pages


def records_on(client: Client, url: str) -> list[str]:
    """The records the list at ``url`` shows over all its pages (and the total it states)."""
    path = url.split("?", 1)[0]
    pattern = RECORD_LINKS[str(resolve(path).url_name)]
    found: list[str] = []
    stated: set[str] = set()
    response = client.get(url)
    for _ in range(60):
        assert response.status_code == 200, url
        page = response.content.decode()
        found += re.findall(pattern, page)
        stated.update(re.findall(r'role="status"><strong>(\d+)</strong>', page))
        following = NEXT.search(page)
        if following is None:
            assert len(found) == len(set(found)), f"{url} lists a record twice"
            assert stated <= {str(len(found))}, f"{url} says {stated}, lists {len(found)}"
            return found
        response = client.get(path + html.unescape(following.group(1)))
    raise AssertionError(f"{url} has more than 60 pages")


CHART = re.compile(r'<section class="app-chart" id="chart-(\w+)"(.*?)</section>', re.S)


def sections(page: str) -> dict[str, str]:
    return dict(CHART.findall(page))


Row = tuple[str, list[tuple[str, str]]]  # a table row's label, and each cell's figure and link


def table(section: str) -> tuple[list[str], list[Row]]:
    """A chart's table: its column headers after the first, and its rows."""
    head, body = section.split("<tbody", 1)
    rows = []
    for row in re.findall(r"<tr .*?</tr>", body, re.S):
        label = html.unescape(re.findall(r'scope="row"[^>]*>([^<]*)</th>', row)[0])
        cells = re.findall(r'cell--numeric">(?:<a class="govuk-link" href="([^"]*)">)?([^<]*)', row)
        rows.append((label, [(html.unescape(value), html.unescape(url)) for url, value in cells]))
    return [html.unescape(name) for name in re.findall(r'numeric">([^<]*)</th>', head)], rows


def drawn(section: str) -> list[tuple[str, str]]:
    """Each bar's or point's words (its <title>), and the address it links to."""
    marks = re.findall(r'(?:<a href="([^"]*)"[^>]*>\s*)?<title>([^<]*)</title>', section)
    return [(html.unescape(text), html.unescape(url)) for url, text in marks]


# ---------------------------------------------------------------------------------------------
# What a point should be, counted from the records its list shows


def days(start: datetime.datetime, end: datetime.datetime) -> float:
    return (end - start).total_seconds() / 86400


def median(waits: list[float]) -> float | None:
    return round(statistics.median(waits), 1) if waits else None


def ninetieth(waits: list[float]) -> float | None:
    """The wait 9 in 10 were decided within (nearest rank)."""
    return round(sorted(waits)[-(-9 * len(waits) // 10) - 1], 1) if waits else None


def last_change(tasks: list[CredentialTask], since: datetime.datetime) -> list[float]:
    """Days from ``since`` to the last of the tasks done, once none is still to do."""
    done = [task.done_at for task in tasks if task.state == "done" and task.done_at]
    return [days(since, max(done))] if done and all(t.state != "open" for t in tasks) else []


def after_loss(pks: list[str], _: str) -> float | None:
    reports = DeviceReport.objects.filter(pk__in=pks).prefetch_related("tasks")
    return median([w for r in reports for w in last_change(list(r.tasks.all()), r.reported_at)])


def after_leaving(pks: list[str], _: str) -> float | None:
    people: dict[int | None, list[CredentialTask]] = {}
    for task in CredentialTask.objects.filter(pk__in=pks):
        people.setdefault(task.person_id, []).append(task)
    return median(
        [w for ts in people.values() for w in last_change(ts, min(t.raised_at for t in ts))]
    )


def step_waits(pks: list[str], label: str) -> list[float]:
    kind = {str(kind.label): kind for kind in StepKind}[label]
    steps = ApprovalStep.objects.filter(request__in=pks, kind=kind, activated_at__isnull=False)
    decided = steps.filter(status__in=["approved", "rejected", "returned"])
    return [days(step.activated_at, step.decided_at) for step in decided
            if step.activated_at and step.decided_at]  # fmt: skip


FROM_RECORDS: dict[tuple[str, str], Callable[[list[str], str], float | None]] = {
    ("rotation", "After a lost or stolen device"): after_loss,
    ("rotation", "After someone left the council"): after_leaving,
    ("steps", "Median"): lambda pks, label: median(step_waits(pks, label)),
    ("steps", "90th percentile"): lambda pks, label: ninetieth(step_waits(pks, label)),
}
# A share's two linked counts: the part, and the whole.
SHARES: dict[str, tuple[Callable[[Callable[[str], int]], int], str]] = {
    "reviews": (lambda n: n("Active accounts") - n("Overdue for review"), "Active accounts"),
    "declarations": (lambda n: n("Current") + n("Due to sign again"), "Must hold one"),
}


def mismatches(client: Client, chart: Chart, names: set[str] | None = None) -> list[str]:
    """Each linked point (of the series ``names``, or of all) against the list it opens: a
    count against the records listed, a share against its two lists' counts, days against the
    records' own dates."""
    listed: dict[str, list[str]] = {}

    def records(url: str) -> list[str]:
        return listed[url] if url in listed else listed.setdefault(url, records_on(client, url))

    extra = {series.name: series for series in chart.extra}
    wrong = []
    for position, series in enumerate([*chart.series, *chart.extra]):
        drawn_series = position < len(chart.series)
        if names is not None and series.name not in names:
            continue
        for index, point in enumerate(series.points):
            if not point.url:  # the abuse categories: a case can fall under several
                assert not drawn_series, f"{chart.key}: {series.name} links nowhere"
                continue
            bucket = chart.buckets[index].label
            expected: float | None = len(records(point.url))
            if drawn_series and chart.unit == "%":
                part, whole = SHARES[chart.key]

                def count(name: str, index: int = index) -> int:
                    return len(records(extra[name].points[index].url))

                expected = round(100 * part(count) / count(whole)) if count(whole) else None
            elif drawn_series and chart.unit == " days":
                expected = FROM_RECORDS[chart.key, series.name](records(point.url), bucket)
            if point.value != expected:
                wrong.append(f"{bucket}, {series.name}: the chart says {point.value}, "
                             f"its list {point.url} gives {expected}")  # fmt: skip
    return wrong


# ---------------------------------------------------------------------------------------------
# The tests


@pytest.mark.parametrize("key", list(CHART_READERS))
def test_every_point_of_a_chart_opens_a_list_that_shows_the_same_number(
    key: str, council: Period, communications: User, client_for: Any
) -> None:
    chart = charts_for(View(communications, council), [key])[key]

    for series in [*chart.series, *chart.extra]:  # the story gives every series something
        assert any(series.values), f"{key}: {series.name} is nothing in every month"
    wrong = mismatches(client_for(communications), chart)
    assert not wrong, f"{key}:\n" + "\n".join(wrong)


def test_the_table_under_each_chart_gives_the_figures_the_chart_draws(
    council: Period, communications: User, client_for: Any
) -> None:
    response = client_for(communications).get("/register/dashboard/")
    context = response.context
    charts = {chart.key: chart for chart in [*context["charts"], *context["breakdowns"]]}
    shown = sections(response.content.decode())

    assert set(shown) == set(charts) == {*CHART_READERS, "platform", "area"}
    for key, section in shown.items():
        chart, (headers, rows) = charts[key], table(section)
        assert (headers, len(rows)) == (chart.headers, len(chart.buckets)), key
        cells = {}  # the table's figures for what the chart draws: bars above 0, known points
        for label, values in rows:
            for name, cell in zip(headers[: len(chart.series)], values, strict=False):
                if chart.kind == "grouped" or cell[0] not in ("0", "No figure"):
                    cells[label, name] = cell
        marks = {}
        for text, url in drawn(section):
            label, said = text.split(": ", 1)
            name = next(name for name in headers if said.startswith(f"{name} ") or
                        chart.kind == "across")  # fmt: skip
            row = next(row for row, _ in rows if row == label or row.startswith(f"{label} ("))
            marks[row, name] = (said if chart.kind == "across" else said[len(name) + 1 :], url)
        assert marks == cells, key
        assert len(cells) > 1, key


def test_counts_beside_shares_and_days_are_given_as_plain_numbers(
    council: Period, communications: User, client_for: Any
) -> None:
    """The table of reviews on time gives the active accounts as "9", not "9%"; the days to
    the last password change give the devices still waiting as "1", not "1 days"."""
    response = client_for(communications).get("/register/dashboard/")
    shown = sections(response.content.decode())
    wrong: dict[tuple[str, str], str] = {}  # the first wrong figure of each column
    for chart in response.context["charts"]:
        headers, rows = table(shown[chart.key])
        for label, values in rows:
            for name, (value, _) in list(zip(headers, values, strict=True))[len(chart.series) :]:
                if not value.isdigit():
                    wrong.setdefault((chart.title, name), f"{value!r} in {label}")
    assert not wrong, "\n".join(f"{title}, {name}: {said}" for (title, name), said in wrong.items())


def test_a_head_of_service_sees_the_requests_of_the_area_they_head_and_no_other(
    council: Period, cast: dict[str, Any], head_of_service: User, communications: User,
    client_for: Any,
) -> None:  # fmt: skip
    client = client_for(head_of_service)
    page = client.get("/register/dashboard/").content.decode()
    assert charts_visible_to(head_of_service) == ["requests", "steps"]
    assert set(sections(page)) == {"requests", "steps"}
    assert "What needs attention now" not in page

    def sent_in_june() -> tuple[Any, ...]:
        return tuple(charts_for(View(person, council), ["requests"])["requests"].extra[0].values[-1]
                     for person in (head_of_service, communications))  # fmt: skip

    before = sent_in_june()
    request_in(RequestStatus.SUBMITTED, cast["outsider"], [cast["tom"]], proposed_handle="@Homes")
    assert sent_in_june() == (before[0], before[1] + 1)  # Housing's request: not hers
    request_in(RequestStatus.SUBMITTED, cast["riya"], [cast["tom"]], proposed_handle="@Parks")
    assert sent_in_june() == (before[0] + 1, before[1] + 2)

    charts = charts_for(View(head_of_service, council), ["requests", "steps"])
    sent = AccountRequest.objects.filter(submitted_at__isnull=False)
    hers = sent.filter(service_area=cast["leisure"]).count()
    assert sum(value or 0 for value in charts["requests"].extra[0].values) == hers
    assert sent.filter(service_area=cast["housing"]).count() > 1
    assert not mismatches(client, charts["requests"])
    assert not mismatches(client, charts["steps"], {"Median", "90th percentile"})


@pytest.mark.parametrize("who", ["requester", "outsider"])
def test_a_moderator_or_anyone_else_without_a_say_gets_no_dashboard(
    who: str, request: pytest.FixtureRequest, communications: User, requester: User,
    leisure: ServiceArea, client_for: Any,
) -> None:  # fmt: skip
    make_account(communications, leisure, moderators=(requester,))
    client = client_for(request.getfixturevalue(who))

    assert client.get("/register/dashboard/").status_code == 404
    assert client.get("/register/dashboard/?from=2025-07-01&to=2026-06-15").status_code == 404


def test_the_policy_owner_reads_the_statement_charts_without_links(
    council: Period, policy_owner: User, auditor: User, client_for: Any
) -> None:
    """The figures are the council's, counted as an auditor's are; only the links go."""
    owner = sections(client_for(policy_owner).get("/compliance/").content.decode())
    audit = sections(client_for(auditor).get("/compliance/").content.decode())

    def figures(section: str) -> list[Any]:
        return [(label, [value for value, _ in cells]) for label, cells in table(section)[1]]

    assert set(owner) == set(audit) == set(CHART_READERS)
    for key, section in owner.items():
        assert "<svg" in section and "<a " not in section, key
        assert "<a " in audit[key], key
        assert table(section)[0] == table(audit[key])[0], key
        assert figures(section) == figures(audit[key]), key


# Measured, on SQLite and PostgreSQL alike, the first time after a change: the session, the
# person and their groups (3), the latest event's number (1), when the records begin (2), the
# eight cards (8), the areas and the two breakdowns (3), the accounts and the reviews (1), the
# policy profile (1), declarations, password changes, requests, steps and incidents (1 each, 5),
# the days after a loss and after a leaver, and how many of each there were (4), abuse cases
# (2): 30, however many months the charts have and however long the history. Until the next
# change, the figures are kept: the session, the person, their groups and the event number.
DASHBOARD_QUERIES = 29
DASHBOARD_QUERIES_KEPT = 3


@pytest.mark.parametrize(
    ("months", "since", "query", "buckets"),
    [(3, None, "", 3), (14, None, "", 12),
     (14, datetime.date(2024, 6, 3), "?from=2024-07-01&to=2026-06-15", 24)],
    ids=["3-months-of-history", "14-months-of-history-12-month-period", "24-month-period"],
)  # fmt: skip
def test_the_dashboard_asks_the_database_as_often_whatever_the_history_and_the_period(
    months: int, since: datetime.date | None, query: str, buckets: int, cast: dict[str, Any],
    communications: User, client_for: Any,
) -> None:  # fmt: skip
    if since is not None:  # the portal's records begin in June 2024
        with time_machine.travel(since, tick=False):
            make_account(communications, cast["leisure"], name="Town Hall")
    grow(months, cast)
    client = client_for(communications)
    client.get(f"/register/dashboard/{query}")  # the session is warm
    cache.clear()
    reset_queries()  # the log holds 9,000 queries at most: growing the history filled it

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/register/dashboard/{query}")
    first = len(queries)  # read before the log is emptied again
    reset_queries()
    with CaptureQueriesContext(connection) as kept:
        again = client.get(f"/register/dashboard/{query}")

    assert response.status_code == 200
    assert len(response.context["charts"][0].buckets) == buckets
    assert first == DASHBOARD_QUERIES
    assert len(kept) == DASHBOARD_QUERIES_KEPT
    assert again.context["charts"] == response.context["charts"]
    assert again.context["cards"] == response.context["cards"]
