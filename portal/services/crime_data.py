"""What the public reads of the crime data: points, pages of the table, aggregates, the trend, the
metadata, and the version that ETags are made from.

Everything here reads the incident table, which holds only generalized data. Points and table
rows are the incidents that have a public location (sensitive offenses never do); aggregates
count every published incident, sensitive ones by their area cell only.
"""

from __future__ import annotations

import base64
import binascii
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, func, or_, select

from portal.exceptions import InvalidInput
from portal.extensions import db
from portal.models import Incident, IncidentCount, IncidentImport
from portal.services import crime_categories
from portal.services.crime_privacy import Grid

# Categories sort by the name a reader sees in the table, not by their slug.
CATEGORY_BY_NAME = case({slug: rank for rank, slug in enumerate(sorted(crime_categories.SLUGS,
                                                                       key=crime_categories.NAMES.__getitem__))},
                        value=Incident.category, else_=len(crime_categories.SLUGS))
SORTS = {"date": Incident.occurred_at, "category": CATEGORY_BY_NAME, "block": Incident.block}
GROUPS = ("cell", "category", "week")


@dataclass(frozen=True)
class IncidentFilter:
    """A window of the data. Dates are whole days in the department's time zone, both included."""

    first_day: date | None = None
    last_day: date | None = None
    categories: tuple[str, ...] = ()
    # South, west, north, east.
    bbox: tuple[float, float, float, float] | None = None

    def utc_bounds(self, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        start = local_midnight(self.first_day, 0, zone) if self.first_day else None
        end = local_midnight(self.last_day, 1, zone) if self.last_day else None
        return start, end


def local_midnight(day: date, days_later: int, zone: ZoneInfo) -> datetime | None:
    """The start of a local day in UTC; None past the calendar's ends (0001-01-01, 9999-12-31),
    where the bound leaves nothing out."""
    try:
        return datetime.combine(day + timedelta(days=days_later), time(), zone).astimezone(timezone.utc)
    except OverflowError:
        return None


def parse_filter(first_day: str = "", last_day: str = "", categories: list[str] | None = None,
                 bbox: str = "") -> IncidentFilter:
    """A filter from the text of a query string; every mistake is named with its parameter."""
    days = []
    for name, text in (("from", first_day), ("to", last_day)):
        if not text:
            days.append(None)
            continue
        try:
            days.append(date.fromisoformat(text.strip()[:10]))
        except ValueError:
            raise InvalidInput("Give the date as YYYY-MM-DD, for example 2024-06-01.", field=name) from None
    if days[0] and days[1] and days[0] > days[1]:
        raise InvalidInput("The first day comes after the last one.", field="to")
    chosen = tuple(sorted({name for name in categories or [] if name}))
    unknown = [name for name in chosen if name not in crime_categories.BY_SLUG]
    if unknown:
        raise InvalidInput(f"Unknown category {unknown[0][:40]!r}; the categories are "
                           f"{', '.join(crime_categories.SLUGS)}.", field="category")
    return IncidentFilter(days[0], days[1], chosen, parse_bbox(bbox) if bbox else None)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``west,south,east,north`` in degrees (the GeoJSON and OpenAPI order), kept as south, west, north, east."""
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise InvalidInput("Give the box as west,south,east,north in degrees, for example "
                           "-87.9,41.6,-87.5,42.0.", field="bbox") from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InvalidInput("The box must have west < east and south < north, within -180..180 and -90..90.",
                           field="bbox")
    return south, west, north, east


def where_filtered(query: Select, filters: IncidentFilter, zone: ZoneInfo, area_grid: Grid | None) -> Select:
    start, end = filters.utc_bounds(zone)
    if start is not None:
        query = query.where(Incident.occurred_at >= start)
    if end is not None:
        query = query.where(Incident.occurred_at < end)
    if filters.categories:
        query = query.where(Incident.category.in_(filters.categories))
    if filters.bbox is not None:
        south, west, north, east = filters.bbox
        query = query.where(Incident.latitude.between(south, north), Incident.longitude.between(west, east))
        cells = area_grid.cells_covering(south, west, north, east) if area_grid else None
        # A small box names its area cells, so the database reads those cells' rows only.
        if cells is not None:
            query = query.where(Incident.area_cell.in_(cells))
    return query


def located(query: Select) -> Select:
    """Only incidents with a public location: never a sensitive one."""
    return query.where(Incident.sensitive.is_(False))


def mapped(query: Select) -> Select:
    """Only incidents with a point: what the map's points and the downloads list, each with its place."""
    return located(query).where(Incident.latitude.is_not(None))


@dataclass(frozen=True)
class PointPage:
    incidents: list[Incident]
    next_cursor: str | None


def encode_cursor(incident: Incident) -> str:
    raw = f"{incident.occurred_at.isoformat()}|{incident.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, identifier = raw.split("|")
        # A made-up cursor may hold a naive time (the UTC column refuses those) or one past the calendar in UTC.
        moment_utc, number = datetime.fromisoformat(moment).astimezone(timezone.utc), int(identifier)
        if not 0 < number < 2**63:
            raise ValueError("identifier out of range")
        return moment_utc, number
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("This page link is not valid; start again from the first page.", field="cursor") from None


def find_incidents(filters: IncidentFilter, zone: ZoneInfo, area_grid: Grid, *, cursor: str = "",
                   limit: int = 500) -> PointPage:
    """Newest first, a page at a time; the cursor of the last one reaches every later page."""
    query = where_filtered(mapped(select(Incident)), filters, zone, area_grid)
    if cursor:
        moment, identifier = decode_cursor(cursor)
        query = query.where(or_(Incident.occurred_at < moment,
                                and_(Incident.occurred_at == moment, Incident.id < identifier)))
    rows = list(db.session.scalars(query.order_by(Incident.occurred_at.desc(), Incident.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return PointPage(rows, encode_cursor(rows[-1]) if more and rows else None)


def iter_incidents(filters: IncidentFilter, zone: ZoneInfo, area_grid: Grid) -> Iterator[Incident]:
    """Every incident of the window, for a download: read in batches, never all at once."""
    query = where_filtered(mapped(select(Incident)), filters, zone, area_grid)
    yield from db.session.scalars(query.order_by(Incident.occurred_at.desc(), Incident.id.desc())
                                  .execution_options(yield_per=2000))


@dataclass(frozen=True)
class TablePage:
    incidents: list[Incident]
    total: int
    page: int
    pages: int


def table_page(filters: IncidentFilter, zone: ZoneInfo, area_grid: Grid, *, sort: str = "date",
               descending: bool = True, page: int = 1, per_page: int = 50) -> TablePage:
    query = where_filtered(located(select(Incident)), filters, zone, area_grid)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    column = SORTS.get(sort, Incident.occurred_at)
    # Rows without a block come last either way (SQLite and PostgreSQL disagree on where NULL sorts);
    # within one category or block, the newest first.
    order = (column.desc() if descending else column.asc()).nulls_last()
    rows = db.session.scalars(query.order_by(order, Incident.occurred_at.desc(), Incident.id.desc())
                              .offset((page - 1) * per_page).limit(per_page))
    return TablePage(list(rows), total, page, pages)


def parse_groups(text: str) -> tuple[str, ...]:
    """``cell,category,week``, or any of them, as a query string writes it."""
    return ordered_groups(part.strip() for part in text.split(","))


def ordered_groups(names: Iterable[str]) -> tuple[str, ...]:
    """The groups named, once each, in the order the counts are grouped and sorted by."""
    chosen = set(names)
    if not chosen or not chosen <= set(GROUPS):
        raise InvalidInput(f"Group by one or more of {', '.join(GROUPS)}, separated by commas.", field="by")
    return tuple(group for group in GROUPS if group in chosen)


@dataclass(frozen=True)
class CountRow:
    count: int
    cell: int | None = None
    category: str | None = None
    week: date | None = None


def aggregate(filters: IncidentFilter, zone: ZoneInfo, area_grid: Grid, by: tuple[str, ...]) -> list[CountRow]:
    """Counts of every published incident in the window, grouped by any of cell, category and week.
    Grouped by cell, an incident with no location at all is left out (it has no cell).

    Whole weeks come from the weekly counts the import keeps; only the days at either end of the
    window that do not make a whole week, and any window with a box, are counted incident by incident.
    """
    by = ordered_groups(by)
    weeks = whole_weeks(filters) if filters.bbox is None else None
    if weeks is None:
        totals = counted_incidents(filters, zone, area_grid, by)
    else:
        totals = counted_weeks(filters.categories, *weeks, by)
        for edge in window_edges(filters, *weeks):
            totals.update(counted_incidents(edge, zone, area_grid, by))
    return [CountRow(count=count, **dict(zip(by, key))) for key, count in sorted(totals.items())]


def whole_weeks(filters: IncidentFilter) -> tuple[date | None, date | None] | None:
    """The Mondays of the first and last whole weeks in the window (None where it is open), or None
    when it holds no whole week. Weeks and window days are both in the department's time zone."""
    try:
        first = filters.first_day + timedelta(days=-filters.first_day.weekday() % 7) if filters.first_day else None
        last = (filters.last_day - timedelta(days=(filters.last_day.weekday() + 1) % 7 + 6)) if filters.last_day else None
    except OverflowError:
        # A window ending in year 1 or starting in year 9999 holds no whole week of the calendar.
        return None
    if first is not None and last is not None and first > last:
        return None
    return first, last


def window_edges(filters: IncidentFilter, first_week: date | None, last_week: date | None) -> list[IncidentFilter]:
    edges = []
    if filters.first_day is not None and first_week is not None and filters.first_day < first_week:
        edges.append(IncidentFilter(filters.first_day, first_week - timedelta(days=1), filters.categories))
    if filters.last_day is not None and last_week is not None and last_week + timedelta(days=6) < filters.last_day:
        edges.append(IncidentFilter(last_week + timedelta(days=7), filters.last_day, filters.categories))
    return edges


def counted_weeks(categories: tuple[str, ...], first_week: date | None, last_week: date | None,
                  by: tuple[str, ...]) -> Counter[tuple]:
    columns = {"cell": IncidentCount.area_cell, "category": IncidentCount.category, "week": IncidentCount.week}
    chosen = [columns[group] for group in by]
    query = select(*chosen, func.sum(IncidentCount.incidents)).group_by(*chosen)
    if first_week is not None:
        query = query.where(IncidentCount.week >= first_week)
    if last_week is not None:
        query = query.where(IncidentCount.week <= last_week)
    if categories:
        query = query.where(IncidentCount.category.in_(categories))
    if "cell" in by:
        query = query.where(IncidentCount.area_cell.is_not(None))
    return Counter({tuple(row[:-1]): int(row[-1]) for row in db.session.execute(query)})


def counted_incidents(filters: IncidentFilter, zone: ZoneInfo, area_grid: Grid, by: tuple[str, ...]) -> Counter[tuple]:
    columns = {"cell": Incident.area_cell, "category": Incident.category, "week": Incident.week}
    chosen = [columns[group] for group in by]
    query = select(*chosen, func.count())
    if filters.bbox is not None:
        # Sensitive incidents have no point, so a box reaches them through their area cell.
        south, west, north, east = filters.bbox
        cells = area_grid.cells_covering(south, west, north, east)
        box = and_(Incident.latitude.between(south, north), Incident.longitude.between(west, east))
        filters = IncidentFilter(filters.first_day, filters.last_day, filters.categories, None)
        if cells is not None:
            # Only they: any other incident counts when its point is in the box, not for its cell.
            box = or_(box, and_(Incident.latitude.is_(None), Incident.area_cell.in_(cells)))
        query = query.where(box)
    query = where_filtered(query, filters, zone, area_grid)
    if "cell" in by:
        query = query.where(Incident.area_cell.is_not(None))
    return Counter({tuple(row[:-1]): row[-1] for row in db.session.execute(query.group_by(*chosen))})


@dataclass(frozen=True)
class DataSummary:
    incidents: int
    located: int
    first: datetime | None
    last: datetime | None
    last_import: datetime | None
    sources: list[str] = field(default_factory=list)


def data_summary() -> DataSummary:
    counts = db.session.execute(select(func.count(), func.count(Incident.latitude), func.min(Incident.occurred_at),
                                       func.max(Incident.occurred_at))).one()
    last_import = db.session.scalar(select(func.max(IncidentImport.finished_at)))
    sources = list(db.session.scalars(select(Incident.source).distinct().order_by(Incident.source)))
    return DataSummary(counts[0], counts[1], normalised(counts[2]), normalised(counts[3]),
                       normalised(last_import), sources)


def data_window() -> tuple[datetime | None, datetime | None]:
    """When the first and the newest incident happened, each read from the date index alone: cheap at
    any size, unlike the counts of data_summary, so every page of the map may ask."""
    first = db.session.scalar(select(func.min(Incident.occurred_at)))
    last = db.session.scalar(select(func.max(Incident.occurred_at)))
    return normalised(first), normalised(last)


def normalised(moment: datetime | None) -> datetime | None:
    """Aggregates bypass the column type, so SQLite hands them back as naive text or datetimes."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def data_version() -> str:
    """Changes whenever an import is recorded, and only then: what responses' ETags are made from."""
    return str(db.session.scalar(select(func.max(IncidentImport.id))) or 0)
