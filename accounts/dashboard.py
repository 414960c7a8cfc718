"""What the dashboard counts from the register (REG-2): the cards of what needs attention and the
open accounts by platform and by service area. Every count is the register's own, with the
query its link carries, so a count and the list it opens never disagree."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse

from accounts.filters import OPEN, register_count
from accounts.models import Account, Platform
from accounts.register_queries import OPEN_ACCOUNT
from governance.charts import ACROSS, Category, Chart, Point, Series
from governance.models import ServiceArea

DASHBOARD_CARDS = [
    ("Overdue for review", "review_overdue=on"),
    ("Fewer than two active moderators", "few_moderators=on"),
    ("Credential details missing", "credentials_missing=on"),
    ("Password change or access removal outstanding", "tasks_outstanding=on"),
    ("A moderator without a current declaration", "unsigned_moderators=on"),
    ("Unapproved accounts", "status=unapproved"),
    ("Being set up", "status=being_set_up"),
    ("Closure recommended by a review", "closure_recommended=on"),
]


def dashboard_counts(user: Any) -> list[dict[str, Any]]:
    cards = []
    for label, query in DASHBOARD_CARDS:
        count, url = register_count(user, query)
        cards.append({"label": label, "count": count, "url": url})
    return cards


def _breakdown(key: str, title: str, field: str, labels: dict[Any, str]) -> Chart:
    totals = (
        Account.objects.filter(status__in=OPEN_ACCOUNT)
        .values(field)
        .annotate(total=Count("pk"))
        .order_by("-total", field)
    )
    register = reverse("register")
    categories, points = [], []
    for row in totals:
        categories.append(Category(labels.get(row[field], str(row[field]))))
        points.append(Point(row["total"], f"{register}?{field}={row[field]}&status={OPEN}"))
    total = sum(point.value or 0 for point in points)
    summary = ""
    if categories:
        where = "on" if field == "platform" else "in"
        most = f"the most ({points[0].value}) {where} {categories[0].label}"
        summary = f"{total} open accounts; {most}."
    return Chart(
        key=key,
        title=title,
        summary=summary,
        buckets=categories,
        series=[Series("Open accounts", points)],
        kind=ACROSS,
        column="Platform" if field == "platform" else "Service area",
        empty="There are no open accounts yet.",
    )


def breakdowns() -> list[Chart]:
    """Open accounts by platform and by service area (two grouped queries)."""
    areas = dict(ServiceArea.objects.values_list("pk", "name"))
    return [
        _breakdown("platform", "Open accounts by platform", "platform", dict(Platform.choices)),
        _breakdown("area", "Open accounts by service area", "service_area", areas),
    ]
