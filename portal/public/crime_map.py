"""The public crime map: a map, the same incidents as a table, weekly trends, and what the data is.

Four pages share one filter form and one query string, like the tabs of the big commercial crime
maps, and each works without script. Only the map page loads any (the clustered markers), so
it alone answers with a policy that allows this site's scripts and its map tiles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _, ngettext

from portal.exceptions import InvalidInput
from portal.language_choice import current_language
from portal.languages import N_
from portal.public.crime_forms import CrimeFilterForm
from portal.public.form_support import in_words
from portal.security import policy_for_map_page
from portal.services import crime_categories, crime_charts, crime_data, demo_incidents
from portal.services.crime_data import IncidentFilter
from portal.services.crime_privacy import PrivacyRules
from portal.services.incident_sources import BUILT_IN

bp = Blueprint("crime_map", __name__, url_prefix="/crime-map")

# With no dates asked for, the pages show the four weeks up to the newest incident.
DEFAULT_DAYS = 28
PER_PAGE = 50
# Columns the table sorts by, with the order a first click on each gives.
SORTS = {"date": True, "category": False, "block": False}
# The form's fields by the query-string parameter that crime_data names in its errors.
FIELDS = {"from": "first_day", "to": "last_day", "category": "category"}
QUERY_KEYS = tuple(FIELDS)
UNKNOWN_CATEGORY = N_("There is no such category here. Tick the ones you want from the list.")
# "Chicago PD (Socrata API export)" names a layout; the source is the records system, "Chicago PD".
SOURCE_NAMES = {profile.source: profile.title.split(" (")[0] for profile in (*BUILT_IN, demo_incidents.PROFILE)}


@dataclass(frozen=True)
class Window:
    """What the query string asks for: the form as typed, and the filter when it is valid."""

    form: CrimeFilterForm
    filters: IncidentFilter | None
    rules: PrivacyRules
    # When the first and the newest incident happened; None before any import.
    first: datetime | None
    last: datetime | None

    @property
    def has_data(self) -> bool:
        return self.last is not None

    @property
    def ready(self) -> bool:
        """A filter that could be read, over data: what the tabs query and show."""
        return self.filters is not None and self.has_data

    @property
    def query(self) -> dict[str, Any]:
        """The filter as query-string values, for the tabs, the table's links and the API."""
        if self.filters is None:
            # The other tabs show the same mistake, with the same text kept.
            return {key: request.args.getlist(key) for key in QUERY_KEYS if key in request.args}
        values = {"from": self.filters.first_day, "to": self.filters.last_day, "category": list(self.filters.categories)}
        return {key: value.isoformat() if isinstance(value, date) else value for key, value in values.items() if value}

    @property
    def query_string(self) -> str:
        return urlencode(self.query, doseq=True)

    @property
    def status(self) -> int:
        return 400 if self.filters is None else 200

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.rules.timezone).date()

    def days(self) -> tuple[date, date]:
        """The first and last day the window covers; an open end stops at the data's."""
        first = self.filters.first_day or self.local_day(self.first)
        last = self.filters.last_day or self.local_day(self.last)
        return first, max(first, last)


def category_names() -> dict[str, str]:
    """The categories by slug, named in the page's language."""
    return {slug: _(name) for slug, name in crime_categories.NAMES.items()}


def both_forms(sentence: Callable[[int], str]) -> dict[str, str]:
    """A count's sentence for the map script in its "one" and "other" forms, the script knowing the count
    but not the language's plural rule (Spanish, like English, uses the one form for 1 only)."""
    return {"one": sentence(1), "other": sentence(2)}


def map_words() -> dict[str, str | dict[str, str]]:
    """The map script's sentences in the page's language, with {name} where the script puts a value."""
    return {
        "loading": _("Loading the incidents in this view…"),
        "none": _("No incidents with a place on the map in this view. Zoom out, or widen the filter above."),
        "shown": both_forms(lambda number: ngettext(
            "%(count)s incident with a place in this view. A circle with a number groups nearby ones: select it "
            "to zoom in. Sensitive offenses are not shown at a point.",
            "%(count)s incidents with a place in this view. A circle with a number groups nearby ones: select it "
            "to zoom in. Sensitive offenses are not shown at a point.", number, count="{count}")),
        "newest": _("The newest %(shown)s incidents with a place in this view are shown, of about %(total)s. "
                    "Choose fewer days to see the others.", shown="{shown}", total="{total}"),
        "cells": both_forms(lambda number: ngettext(
            "%(count)s incident in this view, too many to show one by one: the numbers count them in squares of "
            "about %(metres)s m. Zoom in to see single incidents.",
            "%(count)s incidents in this view, too many to show one by one: the numbers count them in squares of "
            "about %(metres)s m. Zoom in to see single incidents.", number, count="{count}", metres="{metres}")),
        "cellTitle": both_forms(lambda number: ngettext(
            "%(count)s incident in this area: select to zoom in", "%(count)s incidents in this area: select to zoom in",
            number, count="{count}")),
        "cellLabel": both_forms(lambda number: ngettext("incident here: zoom in", "incidents here: zoom in", number)),
        "failed": _("The map could not load the incidents just now. The table has the same ones."),
        "noPlace": _("No usable location"),
    }


def category_choices(rules: PrivacyRules) -> list[tuple[str, str]]:
    withheld = _("not published") if rules.sensitive_display == "omit" else _("counted by area only")
    return [(slug, name + (f" ({withheld})" if slug in rules.sensitive_categories else ""))
            for slug, name in category_names().items()]


def day_words(moment: date, style: str = "long") -> str:
    return crime_charts.day_words(moment, style, current_language())


def parsed_filter(form: CrimeFilterForm) -> IncidentFilter | None:
    """The filter, or None with every mistake next to its field: each part is read on its own first,
    since the service stops at the first one."""
    parts = {"first_day": form.first_day.data or "", "last_day": form.last_day.data or "",
             "categories": form.category.data or []}
    for name, value in parts.items():
        try:
            crime_data.parse_filter(**{name: value})
        except InvalidInput as error:
            # The service names the categories by their slugs, for the API; here they are listed as boxes.
            form[FIELDS[error.field or "from"]].errors.append(_(UNKNOWN_CATEGORY) if name == "categories"
                                                              else in_words(error))
    if form.errors:
        return None
    try:
        return crime_data.parse_filter(**parts)
    except InvalidInput as error:
        form[FIELDS[error.field or "from"]].errors.append(in_words(error))
        return None


def read_window() -> Window:
    rules = PrivacyRules.from_config(current_app.config)
    first, latest = crime_data.data_window()
    form = CrimeFilterForm(formdata=request.args)
    form.category.choices = category_choices(rules)
    filters = parsed_filter(form) if form.validate() else None
    if filters is None:
        for field in (form.first_day, form.last_day):
            if field.errors:
                # A date field shows nothing of a text that is not a date: as text, what was typed stays visible.
                field.render_kw = {"type": "text"}
        return Window(form, None, rules, first, latest)
    if not filters.first_day and not filters.last_day and latest:
        last = latest.astimezone(rules.timezone).date()
        filters = replace(filters, first_day=last - timedelta(days=DEFAULT_DAYS - 1), last_day=last)
        form.first_day.data, form.last_day.data = filters.first_day.isoformat(), last.isoformat()
    return Window(form, filters, rules, first, latest)


def render_tab(template: str, window: Window, **context):
    rules = window.rules
    names = category_names()
    sensitive_names = sorted(names.get(slug, slug) for slug in rules.sensitive_categories)
    return render_template(template, window=window, form=window.form, rules=rules, names=names,
                           sensitive_names=sensitive_names, day_words=day_words, **context), window.status


def category_counts(window: Window) -> list[crime_data.CountRow]:
    rows = crime_data.aggregate(window.filters, window.rules.timezone, window.rules.area_grid, by=("category",))
    return sorted(rows, key=lambda row: (-row.count, row.category))


@bp.get("/")
def index():
    window = read_window()
    config = current_app.config
    counts = category_counts(window) if window.ready else []
    page, status = render_tab(
        "public/crime_map/index.html", window, counts=counts, total=sum(row.count for row in counts),
        tiles=config["PORTAL_MAP_TILES_URL"], attribution=config["PORTAL_MAP_ATTRIBUTION"],
        center=config["PORTAL_MAP_CENTER"], zoom=config["PORTAL_MAP_ZOOM"],
        max_points=config["PORTAL_CRIME_MAP_MAX_POINTS"], words=map_words())
    return page, status, {"Content-Security-Policy": policy_for_map_page(config)}


def sort_order() -> tuple[str, bool]:
    """The table's sort from its header links; anything else is the default, newest first."""
    sort = request.args.get("sort", "date")
    if sort not in SORTS:
        sort = "date"
    order = request.args.get("order", "")
    return sort, order == "desc" if order in ("asc", "desc") else SORTS[sort]


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page links to show: the first, the last and a few around this one; None is a gap."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:  # type: ignore[operator]
            numbers.append(None)
        numbers.append(number)
    return numbers


@bp.get("/table")
def table():
    window = read_window()
    sort, descending = sort_order()
    result = withheld = None
    if window.ready:
        rules = window.rules
        result = crime_data.table_page(window.filters, rules.timezone, rules.area_grid, sort=sort,
                                       descending=descending, page=request.args.get("page", 1, type=int),
                                       per_page=PER_PAGE)
        # The table lists located incidents only; the counts include the sensitive ones, by area.
        withheld = sum(row.count for row in category_counts(window)) - result.total
    return render_tab("public/crime_map/table.html", window, result=result, withheld=withheld, sort=sort,
                      descending=descending, sorts=SORTS, page_numbers=page_numbers(result.page, result.pages)
                      if result else [])


@bp.get("/trends")
def trends():
    window = read_window()
    trend = None
    if window.ready:
        rules = window.rules
        rows = crime_data.aggregate(window.filters, rules.timezone, rules.area_grid, by=("category", "week"))
        trend = crime_charts.weekly_trend(rows, *window.days(), category_names(), language=current_language())
    last = window.local_day(window.last) if window.last else None
    spans = [(_("the last %(count)s weeks", count=weeks),
              (last - timedelta(weeks=weeks) + timedelta(days=1)).isoformat(), last.isoformat())
             for weeks in (12, 26, 52)] if last else []
    return render_tab("public/crime_map/trends.html", window, trend=trend, spans=spans)


@bp.get("/about")
def about():
    window = read_window()
    config = current_app.config
    summary = crime_data.data_summary()
    sources = [SOURCE_NAMES.get(source, source) for source in summary.sources]
    page, _status = render_tab("public/crime_map/about.html", window, summary=summary, sources=sources,
                               grid_metres=config["PORTAL_CRIME_GRID_METRES"],
                               area_metres=config["PORTAL_CRIME_AREA_METRES"], default_days=DEFAULT_DAYS)
    # The metadata does not depend on the filter: a mistake in it is shown on the tabs that use it.
    return page
