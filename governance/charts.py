"""Charts drawn by the server as SVG, with a table of the same figures (issue 13).

The portal draws its own: the charting libraries looked at either write inline ``<style>`` and
``<script>`` into the SVG (pygal), which the Content-Security-Policy refuses, or draw on a canvas
with JavaScript (Chart.js), which shows nothing without it. Here a chart is a title, a sentence
saying what it shows, its series (each value with the address of the list behind it) and the
geometry of its SVG; ``templates/includes/chart.html`` draws it with classes styled in
``static/css/portal.css``. Series differ by colour *and* by fill pattern or point shape, every
bar and point carries its value in words, and the table beside it gives every figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from governance.trends import Bucket

WIDTH = 640
HEIGHT = 300
LEFT = 56
RIGHT = 16
TOP = 16
BOTTOM = 44
COLOURS = 5  # app-chart--colour-0 … 4 in portal.css: each 3:1 or more against white
PATTERNS = ("solid", "stripes", "dots", "checks")
SHAPES = ("circle", "square", "triangle", "diamond")

BARS = "bars"  # counts over time, stacked when there are several series
GROUPED = "grouped"  # values side by side for each bucket or category
LINES = "lines"  # percentages or days over time, one line per series
ACROSS = "across"  # one count per category, as horizontal bars (by platform, by area)
ROW = 34  # the height of a horizontal bar's row


@dataclass(frozen=True)
class Category:
    """A chart's row that is not a stretch of time (a platform, a step of the chain)."""

    label: str

    @property
    def full_label(self) -> str:
        return self.label


@dataclass(frozen=True)
class Point:
    value: float | None
    url: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    points: list[Point]

    @property
    def values(self) -> list[float | None]:
        return [point.value for point in self.points]


@dataclass
class Chart:
    key: str
    title: str
    summary: str
    buckets: Sequence[Bucket | Category]
    series: list[Series]
    kind: str = BARS
    unit: str = ""  # "%" or " days" after a value; nothing for counts
    # A row label for the table's first column.
    column: str = "Month"
    # Further columns the table gives that the chart does not draw: counts.
    extra: list[Series] = field(default_factory=list)
    empty: str = ""

    @property
    def has_data(self) -> bool:
        """Whether there is anything to draw: a count above nought, or any share or wait."""
        if self.kind in (LINES, GROUPED):
            return any(value is not None for series in self.series for value in series.values)
        return any(value for series in self.series for value in series.values)

    # The drawing ---------------------------------------------------------------------------

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        if self.kind == ACROSS:
            return ROW * len(self.buckets) + 8
        return HEIGHT

    @property
    def top(self) -> float:
        """The largest value the vertical axis shows: a round number at or above the data."""
        if self.unit == "%":
            return 100
        highest = max((self._stack_height(index) for index in range(len(self.buckets))), default=0)
        return _nice_ceiling(highest)

    def _stack_height(self, index: int) -> float:
        values = [series.values[index] or 0 for series in self.series]
        return sum(values) if self.kind in (BARS, ACROSS) else max(values, default=0)

    def _y(self, value: float) -> float:
        plot = HEIGHT - TOP - BOTTOM
        return round(TOP + plot - plot * value / (self.top or 1), 1)

    @property
    def slot(self) -> float:
        return (WIDTH - LEFT - RIGHT) / max(1, len(self.buckets))

    def _x(self, index: int) -> float:
        return round(LEFT + self.slot * index + self.slot / 2, 1)

    @property
    def gridlines(self) -> list[dict[str, Any]]:
        top = self.top
        return [
            {"y": self._y(top * step / 4), "label": number(top * step / 4) + self.axis_unit}
            for step in range(5)
        ]

    @property
    def axis_unit(self) -> str:
        """After each figure on the vertical axis: % for shares; days are said in the title."""
        return "%" if self.unit == "%" else ""

    @property
    def axis_labels(self) -> list[dict[str, Any]]:
        """Month (or quarter) under each slot, the year under the first and each January."""
        labels = []
        for index, bucket in enumerate(self.buckets):
            if isinstance(bucket, Category):
                labels.append({"x": self._x(index), "text": bucket.label, "year": ""})
                continue
            short = bucket.label.rsplit(" ", 1)[0].replace(" to ", "-")
            year = str(bucket.start.year) if index == 0 or bucket.start.month == 1 else ""
            labels.append({"x": self._x(index), "text": short, "year": year})
        return labels

    @property
    def baseline(self) -> float:
        return self._y(0)

    @property
    def bars(self) -> list[dict[str, Any]]:
        """Each bucket's stack, bottom up: rectangles with their value and link."""
        if self.kind == GROUPED:
            return self._grouped()
        width = round(min(self.slot * 0.7, 48), 1)
        stacks = []
        for index, bucket in enumerate(self.buckets):
            floor = 0.0
            pieces = []
            for position, series in enumerate(self.series):
                point = series.points[index]
                value = point.value or 0
                if value:
                    y_top, y_bottom = self._y(floor + value), self._y(floor)
                    pieces.append(
                        {
                            "x": round(self._x(index) - width / 2, 1),
                            "y": y_top,
                            "width": width,
                            "height": round(y_bottom - y_top, 1),
                            "style": _style(position),
                            "url": point.url,
                            "text": f"{bucket.label}: {series.name} {number(value)}{self.unit}",
                        }
                    )
                floor += value
            total = sum((series.values[index] or 0) for series in self.series)
            stacks.append(
                {
                    "pieces": pieces,
                    "total": number(total) if total else "",
                    "x": self._x(index),
                    "y": self._y(total) - 4,
                }
            )
        return stacks

    def _grouped(self) -> list[dict[str, Any]]:
        """Each bucket's values side by side, each with its value above it."""
        width = round(min(self.slot * 0.8 / max(1, len(self.series)), 40), 1)
        groups = []
        for index, bucket in enumerate(self.buckets):
            left = self._x(index) - width * len(self.series) / 2
            pieces = []
            for position, series in enumerate(self.series):
                point = series.points[index]
                value = point.value or 0
                y_top = self._y(value)
                pieces.append(
                    {
                        "x": round(left + position * width, 1),
                        "y": y_top,
                        "width": width,
                        "height": round(self.baseline - y_top, 1),
                        "style": _style(position),
                        "url": point.url,
                        "text": f"{bucket.label}: {series.name} {_shown(point.value, self.unit)}",
                        "value": "" if point.value is None else number(value),
                        "value_x": round(left + (position + 0.5) * width, 1),
                        "value_y": round(y_top - 4, 1),
                    }
                )
            groups.append({"pieces": pieces, "total": "", "x": self._x(index), "y": 0})
        return groups

    @property
    def across(self) -> list[dict[str, Any]]:
        """One horizontal bar per category: its label, its bar and its count."""
        longest = max((point.value or 0 for point in self.series[0].points), default=0) or 1
        return [
            {
                "y": ROW * index,
                "label": category.label,
                "width": round((point.value or 0) * 300 / longest),
                "value": number(point.value or 0),
                "url": point.url,
            }
            for index, (category, point) in enumerate(
                zip(self.buckets, self.series[0].points, strict=True)
            )
        ]

    @property
    def lines(self) -> list[dict[str, Any]]:
        """Each series as a polyline through its known values, with a marker at each."""
        drawn = []
        for position, series in enumerate(self.series):
            shape = SHAPES[position % len(SHAPES)]
            markers: list[dict[str, Any]] = []
            for index, point in enumerate(series.points):
                if point.value is None:
                    continue
                x, y = self._x(index), self._y(point.value)
                markers.append(
                    {
                        "x": x,
                        "y": y,
                        "path": shape_path(shape, x, y),
                        "url": point.url,
                        "text": f"{self.buckets[index].label}: {series.name} "
                        f"{_shown(point.value, self.unit)}",
                    }
                )
            drawn.append(
                {
                    "points": " ".join(f"{marker['x']},{marker['y']}" for marker in markers),
                    "markers": markers,
                    "style": _style(position),
                }
            )
        return drawn

    @property
    def legend(self) -> list[dict[str, Any]]:
        return [
            {
                "name": series.name,
                "style": _style(position),
                "path": shape_path(SHAPES[position % len(SHAPES)], 8, 8),
            }
            for position, series in enumerate(self.series)
        ]

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The table: one row per bucket, a cell per series, then the extra columns (counts,
        given as plain numbers whatever the chart's unit)."""
        columns = [(series, self.unit) for series in self.series]
        columns += [(series, "") for series in self.extra]
        return [
            {
                "label": bucket.full_label,
                "cells": [
                    {
                        "value": _shown(series.points[index].value, unit),
                        "url": series.points[index].url,
                    }
                    for series, unit in columns
                ],
            }
            for index, bucket in enumerate(self.buckets)
        ]

    @property
    def headers(self) -> list[str]:
        return [series.name for series in (*self.series, *self.extra)]


def shape_path(shape: str, x: float, y: float, size: float = 5) -> str:
    """An SVG path for a line's marker: each series has its own shape as well as colour."""
    if shape == "square":
        return f"M{x - size + 1},{y - size + 1}h{2 * size - 2}v{2 * size - 2}h{2 - 2 * size}z"
    if shape == "triangle":
        return f"M{x},{y - size}L{x + size},{y + size - 1}L{x - size},{y + size - 1}z"
    if shape == "diamond":
        return f"M{x},{y - size}L{x + size},{y}L{x},{y + size}L{x - size},{y}z"
    return f"M{x - size},{y}a{size},{size} 0 1,0 {2 * size},0a{size},{size} 0 1,0 {-2 * size},0"


def _style(position: int) -> dict[str, Any]:
    return {"colour": position % COLOURS, "pattern": PATTERNS[position % len(PATTERNS)]}


def _nice_ceiling(value: float) -> float:
    """The top of the vertical axis: four equal steps of 1, 2, 3 or 5 (times a power of ten)
    reaching ``value`` or above, so every gridline is a whole number."""
    if value <= 4:
        return 4
    magnitude = 10 ** math.floor(math.log10(value / 4))
    for step in (1, 2, 3, 5, 10):
        if 4 * step * magnitude >= value:
            return float(4 * step * magnitude)
    return float(40 * magnitude)


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _shown(value: float | None, unit: str) -> str:
    return "No figure" if value is None else f"{number(value)}{unit}"


def points(values: Sequence[float | None], urls: Sequence[str] = ()) -> list[Point]:
    urls = list(urls) or [""] * len(values)
    return [Point(value, url) for value, url in zip(values, urls, strict=True)]


def trend_sentence(series: Series, buckets: Sequence[Bucket], what: str) -> str:
    """'Reviews on time rose from 61% in May 2026 to 88% in November 2026': the first and last
    buckets that have a figure."""
    known = [(bucket, value) for bucket, value in zip(buckets, series.values, strict=True)
             if value is not None]  # fmt: skip
    if not known:
        return ""
    (first, start), (last, end) = known[0], known[-1]
    if first == last:
        return f"{what} was {number(start)}% in {last.label}."
    change = "rose" if end > start else "fell" if end < start else "stayed"
    if change == "stayed":
        return f"{what} stayed at {number(end)}% from {first.label} to {last.label}."
    return (
        f"{what} {change} from {number(start)}% in {first.label} to {number(end)}% in {last.label}."
    )


def count_sentence(
    chart_series: Sequence[Series], buckets: Sequence[Bucket], one: str, many: str
) -> str:
    """'42 requests sent in the period, the most (9) in March 2026.'"""
    totals = [sum(series.values[index] or 0 for series in chart_series)
              for index in range(len(buckets))]  # fmt: skip
    total = sum(totals)
    if not total:
        return ""
    most = max(range(len(buckets)), key=lambda index: totals[index])
    what = one if total == 1 else many
    if total == 1:
        return f"1 {what} in the period, in {buckets[most].label}."
    peak = f"the most ({number(totals[most])}) in {buckets[most].label}"
    return f"{number(total)} {what} in the period, {peak}."
