"""The open crime data API: incidents as GeoJSON pages, counts for wide views, a CSV download, the
categories, the metadata and the OpenAPI document that describes them (``openapi.json`` beside
this module). GET only. Every answer carries an ETag made from the data's version and the
normalised query, so a client or cache that has it gets a 304 before any incident is read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, current_app, request, stream_with_context, url_for
from flask_limiter import Limiter

from portal.exceptions import InvalidInput
from portal.models import Incident
from portal.services import crime_categories, crime_data
from portal.services.crime_data import IncidentFilter
from portal.services.crime_privacy import PrivacyRules

bp = Blueprint("api", __name__, url_prefix="/api/v1")

OPENAPI_FILE = Path(__file__).with_name("openapi.json")
CACHE_CONTROL = "public, max-age=300"
DEFAULT_LIMIT = 500
MAX_LIMIT = 1000
# A download streams every matching incident, a page at most a thousand: fewer of them per client.
DOWNLOAD_LIMIT = "10 per minute"
# Settings that change what an unchanged data set is served as: part of every ETag.
SERVED_SETTINGS = ("PORTAL_SITE_URL", "PORTAL_TIMEZONE", "PORTAL_MAP_CENTER", "PORTAL_CRIME_GRID_METRES",
                   "PORTAL_CRIME_AREA_METRES", "PORTAL_CRIME_SENSITIVE_CATEGORIES", "PORTAL_CRIME_SENSITIVE_DISPLAY")
CSV_COLUMNS = ("source", "case_number", "occurred_at", "category", "category_name", "offense", "block",
               "latitude", "longitude")
CSV_ROWS_PER_CHUNK = 500
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def privacy_rules() -> PrivacyRules:
    return PrivacyRules.from_config(current_app.config)


def incident_filter() -> IncidentFilter:
    args = request.args
    return crime_data.parse_filter(args.get("from", ""), args.get("to", ""), args.getlist("category"),
                                   args.get("bbox", ""))


def page_limit() -> int:
    text = request.args.get("limit", "")
    if not text:
        return DEFAULT_LIMIT
    # isdigit alone takes other scripts' digits and superscripts, which int() then refuses.
    if not (text.isascii() and text.isdigit() and len(text) <= 4 and 1 <= int(text) <= MAX_LIMIT):
        raise InvalidInput(f"Give the limit as a whole number from 1 to {MAX_LIMIT}.", field="limit")
    return int(text)


def page_cursor() -> str:
    """Checked here, so that a made-up cursor is refused before a cached answer could be given."""
    cursor = request.args.get("cursor", "")
    if cursor:
        crime_data.decode_cursor(cursor)
    return cursor


def etag_for(normalised_query: tuple) -> str:
    config = current_app.config
    served = json.dumps([config[name] for name in SERVED_SETTINGS], default=str)
    seed = "\n".join((crime_data.data_version(), served, request.path, repr(normalised_query)))
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


def cached(normalised_query: tuple, render: Callable[[], Response]) -> Response:
    """A 304 when the client holds this version, before ``render`` reads anything."""
    tag = etag_for(normalised_query)
    if request.if_none_match.contains_weak(tag):
        response = current_app.response_class(status=304)
        response.headers.remove("Content-Type")
    else:
        response = render()
    response.set_etag(tag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def json_response(body: object, mimetype: str = "application/json") -> Response:
    return current_app.response_class(json.dumps(body, ensure_ascii=False, separators=(",", ":")), mimetype=mimetype)


def local_iso(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat()


def optional_local_iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return local_iso(moment, zone) if moment else None


def site_url(path: str) -> str:
    """From the configured site address, never the Host header."""
    return current_app.config["PORTAL_SITE_URL"].rstrip("/") + path


def filter_args(filters: IncidentFilter) -> dict[str, Any]:
    """The query string of a filter, written the one way the API documents."""
    args: dict[str, Any] = {}
    if filters.bbox is not None:
        south, west, north, east = filters.bbox
        args["bbox"] = ",".join(str(value) for value in (west, south, east, north))
    if filters.first_day:
        args["from"] = filters.first_day.isoformat()
    if filters.last_day:
        args["to"] = filters.last_day.isoformat()
    if filters.categories:
        args["category"] = list(filters.categories)
    return args


@bp.after_request
def open_to_other_sites(response: Response) -> Response:
    """Open data: any site's map may read it from a browser. Nothing here is personal or
    authenticated, and no cookie is read, so this shares nothing a plain request would not."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Link"
    return response


@bp.errorhandler(InvalidInput)
def bad_parameter(error: InvalidInput) -> tuple[dict[str, str | None], int]:
    return {"error": str(error), "field": error.field}, 400


def feature(incident: Incident, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": f"{incident.source}:{incident.case_number}",
        "geometry": {"type": "Point", "coordinates": [incident.longitude, incident.latitude]},
        "properties": {
            "source": incident.source,
            "case_number": incident.case_number,
            "occurred_at": local_iso(incident.occurred_at, zone),
            "category": incident.category,
            "category_name": crime_categories.NAMES.get(incident.category, incident.category),
            "offense": incident.offense,
            "block": incident.block,
        },
    }


@bp.get("/incidents")
def incidents():
    filters, limit, cursor = incident_filter(), page_limit(), page_cursor()
    return cached((filters, limit, cursor), lambda: incident_page(filters, limit, cursor))


def incident_page(filters: IncidentFilter, limit: int, cursor: str) -> Response:
    rules = privacy_rules()
    page = crime_data.find_incidents(filters, rules.timezone, rules.area_grid, cursor=cursor, limit=limit)
    next_url = None
    if page.next_cursor:
        next_url = site_url(url_for("api.incidents", **filter_args(filters), limit=limit, cursor=page.next_cursor))
    response = json_response({"type": "FeatureCollection", "next": next_url,
                              "features": [feature(incident, rules.timezone) for incident in page.incidents]},
                             "application/geo+json")
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response


@bp.get("/incidents/aggregate")
def aggregate():
    filters, by = incident_filter(), crime_data.parse_groups(request.args.get("by") or "cell")
    return cached((filters, by), lambda: counts(filters, by))


def counts(filters: IncidentFilter, by: tuple[str, ...]) -> Response:
    rules = privacy_rules()
    rows = []
    for row in crime_data.aggregate(filters, rules.timezone, rules.area_grid, by):
        entry: dict[str, Any] = {}
        if "cell" in by:
            south, west, north, east = rules.area_grid.bounds(row.cell)  # type: ignore[arg-type]
            entry["cell"] = str(row.cell)
            entry["bbox"] = [round(value, 6) for value in (west, south, east, north)]
        if "category" in by:
            entry["category"] = row.category
        if "week" in by:
            entry["week"] = row.week.isoformat()  # type: ignore[union-attr]
        entry["count"] = row.count
        rows.append(entry)
    return json_response({"by": list(by), "cell_metres": current_app.config["PORTAL_CRIME_AREA_METRES"],
                          "counts": rows})


@bp.get("/incidents.csv")
def incidents_csv():
    filters = incident_filter()
    return cached((filters,), lambda: csv_download(filters))


def csv_download(filters: IncidentFilter) -> Response:
    rules = privacy_rules()
    rows = crime_data.iter_incidents(filters, rules.timezone, rules.area_grid)
    response = current_app.response_class(stream_with_context(csv_chunks(rows, rules.timezone)), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="incidents.csv"'
    return response


def spreadsheet_safe(text: str | None) -> str:
    """Text a spreadsheet shows as text: an apostrophe before what it would run as a formula."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text or ""


def csv_chunks(incidents: Iterable[Incident], zone: ZoneInfo) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for number, incident in enumerate(incidents, 1):
        texts = (incident.source, incident.case_number, local_iso(incident.occurred_at, zone), incident.category,
                 crime_categories.NAMES.get(incident.category), incident.offense, incident.block)
        writer.writerow([*map(spreadsheet_safe, texts), incident.latitude, incident.longitude])
        if number % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@bp.get("/categories")
def categories():
    return cached((), category_list)


def category_list() -> Response:
    sensitive = set(current_app.config["PORTAL_CRIME_SENSITIVE_CATEGORIES"])
    return json_response({"categories": [
        {"slug": category.slug, "name": category.name, "sensitive": category.slug in sensitive}
        for category in crime_categories.CATEGORIES
    ]})


@bp.get("/metadata")
def metadata():
    return cached((), data_metadata)


def data_metadata() -> Response:
    config = current_app.config
    rules = privacy_rules()
    summary = crime_data.data_summary()
    return json_response({
        "window": {"first": optional_local_iso(summary.first, rules.timezone),
                   "last": optional_local_iso(summary.last, rules.timezone)},
        "last_import": optional_local_iso(summary.last_import, rules.timezone),
        "counts": {"incidents": summary.incidents, "located": summary.located},
        "sources": summary.sources,
        "timezone": config["PORTAL_TIMEZONE"],
        "generalization": {
            "grid_metres": config["PORTAL_CRIME_GRID_METRES"],
            "area_metres": config["PORTAL_CRIME_AREA_METRES"],
            "sensitive_categories": list(config["PORTAL_CRIME_SENSITIVE_CATEGORIES"]),
            "sensitive_display": config["PORTAL_CRIME_SENSITIVE_DISPLAY"],
        },
        "caveats": caveats(config),
    })


def caveats(config) -> str:
    sensitive = ", ".join(crime_categories.NAMES.get(slug, slug).lower()
                          for slug in config["PORTAL_CRIME_SENSITIVE_CATEGORIES"])
    shown = ("are counted by area only, never at a point or a block"
             if config["PORTAL_CRIME_SENSITIVE_DISPLAY"] == "area" else "are left out of the public data")
    return (f"Incidents are offenses as first reported, not charges or convictions, and change as cases are "
            f"reviewed. Addresses are shown as the hundred block and points at the centre of a square of about "
            f"{config['PORTAL_CRIME_GRID_METRES']} m, never at a door. Sensitive offenses ({sensitive}) {shown}. "
            f"Incidents without a usable location are counted but not mapped. Times are local "
            f"({config['PORTAL_TIMEZONE']}).")


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi():
    return cached((), lambda: json_response({**openapi_document(),
                                             "servers": [{"url": current_app.config["PORTAL_SITE_URL"]}]}))


def limit_api_requests(app: Flask, limiter: Limiter) -> None:
    endpoint = "api.incidents_csv"
    app.view_functions[endpoint] = limiter.limit(DOWNLOAD_LIMIT)(app.view_functions[endpoint])
