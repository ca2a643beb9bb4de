"""Weekly trend charts of incidents: the geometry that the trends page draws as inline SVG.

Pure: counts in (``crime_data.CountRow`` by category and week), bars, ticks and wording out.
The template only places what is computed here, so a chart needs no script and no inline style,
and its numbers are the same ones the page's data table lists.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.dates import format_date, format_datetime

from portal.languages import DEFAULT_LANGUAGE, N_, catalog, format_number, regional, translate
from portal.services.crime_data import CountRow

# In the SVG's own units (its viewBox); the page scales the drawing to the column's width.
WIDTH = 320
HEIGHT = 180
LEFT = 34
RIGHT = 18
TOP = 10
BOTTOM = 42
MAX_X_TICKS = 4
MAX_Y_STEPS = 4
ALL = "all"
# How a day reads on the crime pages, by language; the English ones are the wording the pages had
# before they spoke Spanish: "Oct 6" under a bar, "October 6, 2025" in a sentence.
DAY_PATTERNS = {
    "label": {"en": "MMM d", "es": "d MMM"},
    "week": {"en": "MMMM d", "es": "d 'de' MMMM"},
    "day": {"en": "MMM d, y", "es": "d MMM y"},
    "long": {"en": "MMMM d, y", "es": "d 'de' MMMM 'de' y"},
    "time": {"en": "h:mm a", "es": "h:mm a"},
}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    week: date
    count: int
    # The window covers only some days of this week, so its bar is drawn as an outline.
    partial: bool


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    total: int
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    description: str

    width = WIDTH
    height = HEIGHT
    left = LEFT
    right = WIDTH - RIGHT
    top = TOP
    bottom = HEIGHT - BOTTOM


@dataclass(frozen=True)
class WeeklyTrend:
    weeks: list[date]
    partial_weeks: frozenset[date]
    # The first chart counts every category; then one per category, most incidents first.
    charts: list[Chart]
    # For the data table: per week, the count of each category that had any (all categories first).
    columns: list[str]
    rows: list[tuple[date, list[int]]]
    totals: list[int]
    years: str


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_between(first_day: date, last_day: date) -> list[date]:
    start, end = monday(first_day), monday(last_day)
    return [start + timedelta(weeks=index) for index in range((end - start).days // 7 + 1)]


def nice_step(largest: int) -> int:
    """A round step (1, 2 or 5 times a power of ten) that reaches the largest count in a few steps."""
    rough = max(largest, 1) / MAX_Y_STEPS
    power = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    return next(step * power for step in (1, 2, 5, 10) if step * power >= rough)


def day_words(moment: date, style: str, language: str = DEFAULT_LANGUAGE) -> str:
    """A day (or a local time: it keeps its own time zone) as a reader of ``language`` says it."""
    pattern = DAY_PATTERNS[style][language]
    if isinstance(moment, datetime):
        return format_datetime(moment, pattern, locale=regional(language))
    return format_date(moment, pattern, locale=regional(language))


def chart_of(key: str, title: str, counts: Mapping[date, int], weeks: list[date], partial: frozenset[date],
             language: str = DEFAULT_LANGUAGE) -> Chart:
    values = [counts.get(week, 0) for week in weeks]
    step = nice_step(max(values))
    steps = max(1, math.ceil(max(values) / step))
    ceiling = step * steps
    plot_width = Chart.right - Chart.left
    plot_height = Chart.bottom - Chart.top
    slot = plot_width / len(weeks)
    gap = min(slot * 0.2, 4)
    bars = []
    for index, (week, value) in enumerate(zip(weeks, values)):
        height = plot_height * value / ceiling
        bars.append(Bar(round(Chart.left + index * slot + gap / 2, 2), round(Chart.bottom - height, 2),
                        round(slot - gap, 2), round(height, 2), week, value, week in partial))
    y_ticks = [Tick(round(Chart.bottom - plot_height * index / steps, 2), format_number(step * index, language))
               for index in range(steps + 1)]
    shown = sorted({round(index * (len(weeks) - 1) / (MAX_X_TICKS - 1)) for index in range(MAX_X_TICKS)}
                   if len(weeks) > MAX_X_TICKS else range(len(weeks)))
    x_ticks = [Tick(round(Chart.left + (index + 0.5) * slot, 2), day_words(weeks[index], "label", language))
               for index in shown]
    return Chart(key, title, sum(values), bars, y_ticks, x_ticks, describe(title, values, weeks, partial, language))


def describe(title: str, values: list[int], weeks: list[date], partial: frozenset[date],
             language: str = DEFAULT_LANGUAGE) -> str:
    """What a screen reader hears instead of the chart."""
    words = catalog(language)
    total = sum(values)
    incidents = words.ngettext("%(num)s incident", "%(num)s incidents", total) % {
        "num": format_number(total, language)}
    weeks_text = words.ngettext("%(num)s week", "%(num)s weeks", len(weeks)) % {
        "num": format_number(len(weeks), language)}
    text = translate(language, N_("%(title)s: %(incidents)s in %(weeks)s, from the week of %(first)s to the week "
                                  "of %(last)s."), title=title, incidents=incidents, weeks=weeks_text,
                     first=day_words(weeks[0], "long", language), last=day_words(weeks[-1], "long", language))
    if total:
        peak = max(range(len(values)), key=lambda index: values[index])
        text += " " + translate(language, N_("Most in the week of %(week)s: %(count)s."),
                                week=day_words(weeks[peak], "week", language),
                                count=format_number(values[peak], language))
    if partial:
        text += " " + translate(language, N_("Outlined bars are weeks the window covers only in part."))
    return text


def weekly_trend(rows: Iterable[CountRow], first_day: date, last_day: date, names: Mapping[str, str],
                 top: int = 6, language: str = DEFAULT_LANGUAGE) -> WeeklyTrend:
    """Charts of the window's weeks: all categories together, then the ``top`` busiest categories.
    Rows must be grouped by category and week; weeks without a row count as zero. ``names`` are the
    categories' names already in ``language``."""
    weeks = weeks_between(first_day, last_day)
    partial = frozenset(week for week in weeks if week < first_day or week + timedelta(days=6) > last_day)
    by_category: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    every: dict[date, int] = defaultdict(int)
    for row in rows:
        if row.category is None or row.week is None:
            continue
        by_category[row.category][row.week] += row.count
        every[row.week] += row.count
    ranked = sorted(by_category, key=lambda slug: (-sum(by_category[slug].values()), names.get(slug, slug)))
    every_name = translate(language, N_("All categories"))
    charts = [chart_of(ALL, every_name, every, weeks, partial, language)]
    charts += [chart_of(slug, names.get(slug, slug), by_category[slug], weeks, partial, language)
               for slug in ranked[:top]]
    columns = [every_name] + [names.get(slug, slug) for slug in ranked]
    table = [(week, [every.get(week, 0)] + [by_category[slug].get(week, 0) for slug in ranked]) for week in weeks]
    totals = [sum(every.values())] + [sum(by_category[slug].values()) for slug in ranked]
    first_year, last_year = weeks[0].year, weeks[-1].year
    years = str(first_year) if first_year == last_year else f"{first_year}–{last_year}"
    return WeeklyTrend(weeks, partial, charts, columns, table, totals, years)
