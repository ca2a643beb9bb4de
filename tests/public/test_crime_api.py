"""The open crime data API, driven as a client would: data comes in through the import command
from a small export written here, and every assertion is on what the API answers."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import event

from portal.extensions import db
from portal.services import crime_categories
from portal.services.incident_sources import PROFILES
from tests.helpers import naughty_strings

SITE = "https://police.example.org"
CHICAGO_API = PROFILES["chicago-api"]
NORTH = (42.1905, -87.8602)
CENTRE = (42.1711, -87.8445)
SOUTH = (42.1452, -87.8201)

# (case number, local time as the export writes it, primary type, description, block, point, domestic)
INCIDENTS = [
    ("JA100001", "2025-10-01T10:00:00", "THEFT", "$500 AND UNDER", "008XX WAUKEGAN RD", CENTRE, "false"),
    ("JA100002", "2025-10-06T21:15:00", "BURGLARY", "FORCIBLE ENTRY", "012XX N MAIN ST", NORTH, "false"),
    # Text that a spreadsheet would run as a formula, in the offense and the block.
    ("JA100003", "2025-10-15T08:00:00", "=2+5", "@SUM(A1)", "-ROSEMARY TER", SOUTH, "false"),
    # Two at the same moment: pages must still give each exactly once.
    ("JA100004", "2025-10-20T12:00:00", "ROBBERY", "ARMED - HANDGUN", "009XX DEERFIELD RD", CENTRE, "false"),
    ("JA100005", "2025-10-20T12:00:00", "MOTOR VEHICLE THEFT", "AUTOMOBILE", "009XX DEERFIELD RD", CENTRE, "false"),
    # Flagged domestic: counted in its area cell, never shown at a point or a block.
    ("JA100006", "2025-10-10T19:00:00", "BATTERY", "SIMPLE", "008XX WAUKEGAN RD", CENTRE, "true"),
    # No usable point ("null island"): counted, never mapped.
    ("JA100007", "2025-10-12T14:00:00", "CRIMINAL DAMAGE", "TO PROPERTY", "007XX DEERFIELD RD", (0.0, 0.0), "false"),
    # Winter, a year earlier: the offset is -06:00.
    ("JA100008", "2024-03-05T09:00:00", "THEFT", "RETAIL THEFT", "001XX S WAUKEGAN RD", SOUTH, "false"),
]
MAPPED = {"JA100001", "JA100002", "JA100003", "JA100004", "JA100005", "JA100008"}


def write_export(path: Path, incidents) -> Path:
    """A Chicago API export with only the columns the profile reads."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(CHICAGO_API.columns)
        for case_number, moment, primary, description, block, (latitude, longitude), domestic in incidents:
            writer.writerow([case_number, moment, primary, description, block, latitude, longitude, domestic])
    return path


def import_export(app, path: Path, incidents) -> None:
    result = app.test_cli_runner().invoke(args=["incidents", "import", str(write_export(path, incidents))])
    assert result.exit_code == 0, result.output


@pytest.fixture
def crime_app(make_app, tmp_path):
    app = make_app("public", PORTAL_SITE_URL=SITE)
    import_export(app, tmp_path / "export.csv", INCIDENTS)
    return app


@pytest.fixture
def api(crime_app):
    return crime_app.test_client()


def case_numbers(collection: dict) -> list[str]:
    return [feature["properties"]["case_number"] for feature in collection["features"]]


def features_by_case(collection: dict) -> dict[str, dict]:
    return {feature["properties"]["case_number"]: feature for feature in collection["features"]}


def test_incidents_are_geojson_newest_first_in_local_time(api):
    response = api.get("/api/v1/incidents")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    collection = response.get_json(force=True)
    assert collection["type"] == "FeatureCollection"
    assert collection["next"] is None and "Link" not in response.headers
    assert case_numbers(collection)[:3] == ["JA100005", "JA100004", "JA100003"]
    assert case_numbers(collection)[-1] == "JA100008"
    assert set(case_numbers(collection)) == MAPPED
    theft = features_by_case(collection)["JA100001"]
    assert theft["id"] == "cpd:JA100001"
    assert theft["properties"] == {
        "source": "cpd", "case_number": "JA100001", "occurred_at": "2025-10-01T10:00:00-05:00",
        "category": "theft", "category_name": "Theft", "offense": "THEFT: $500 AND UNDER",
        "block": "800 block of WAUKEGAN RD",
    }
    assert theft["geometry"]["type"] == "Point"
    longitude, latitude = theft["geometry"]["coordinates"]
    # Snapped to the block grid (150 m): near the scene, not at it.
    assert (latitude, longitude) != CENTRE
    assert abs(latitude - CENTRE[0]) < 0.001 and abs(longitude - CENTRE[1]) < 0.0015
    assert features_by_case(collection)["JA100008"]["properties"]["occurred_at"] == "2024-03-05T09:00:00-06:00"


def test_sensitive_and_unlocated_incidents_are_counted_but_never_listed(api):
    for path in ("/api/v1/incidents", "/api/v1/incidents.csv", "/api/v1/incidents?category=assault",
                 "/api/v1/incidents.csv?bbox=-87.9,42.1,-87.8,42.2"):
        text = api.get(path).get_data(as_text=True)
        assert "JA100006" not in text and "JA100007" not in text, path
    by_category = {row["category"]: row["count"] for row in
                   api.get("/api/v1/incidents/aggregate?by=category").get_json()["counts"]}
    assert by_category == {"theft": 2, "burglary": 1, "other": 1, "robbery": 1, "vehicle-theft": 1,
                           "assault": 1, "vandalism": 1}
    by_cell = api.get("/api/v1/incidents/aggregate?by=cell").get_json()
    # The theft, the robbery, the vehicle theft and the domestic battery share the centre's cell;
    # the incident with no point has no cell.
    assert sorted(row["count"] for row in by_cell["counts"]) == [1, 2, 4]
    assert sum(row["count"] for row in by_cell["counts"]) == 7


def test_aggregate_rows_carry_only_what_they_group_by_and_the_cell_box(api):
    body = api.get("/api/v1/incidents/aggregate?by=week,cell&category=assault&category=theft").get_json()
    assert body["by"] == ["cell", "week"]
    assert body["cell_metres"] == 1000
    assert all(set(row) == {"cell", "bbox", "week", "count"} for row in body["counts"])
    centre = [row for row in body["counts"] if row["week"] == "2025-10-06"]
    assert len(centre) == 1 and centre[0]["count"] == 1  # the domestic battery, counted by area
    west, south, east, north = centre[0]["bbox"]
    assert west < CENTRE[1] < east and south < CENTRE[0] < north
    # About a kilometre a side.
    assert 0.008 < north - south < 0.01 and 0.011 < east - west < 0.013
    weeks = api.get("/api/v1/incidents/aggregate?by=week&from=2025-10-01&to=2025-10-31").get_json()["counts"]
    assert weeks == [{"week": "2025-09-29", "count": 1}, {"week": "2025-10-06", "count": 3},
                     {"week": "2025-10-13", "count": 1}, {"week": "2025-10-20", "count": 2}]


SPREAD_OFFENSES = [("THEFT", "$500 AND UNDER"), ("BURGLARY", "FORCIBLE ENTRY"), ("BATTERY", "SIMPLE"),
                   ("CRIMINAL DAMAGE", "TO PROPERTY")]
# Sixty-one days from Monday 1 September 2025, one to three incidents a day, some domestic, some unmapped.
SPREAD = [(f"JS{day:02d}{number}", f"2025-{9 + (day >= 30):02d}-{day % 30 + 1:02d}T{8 + 5 * number:02d}:30:00",
           *SPREAD_OFFENSES[(day + number) % 4], "008XX WAUKEGAN RD", (0.0, 0.0) if day % 11 == 0 else CENTRE,
           "true" if (day + number) % 7 == 0 else "false")
          for day in range(61) for number in range(day % 3 + 1)]


def expected_counts(incidents, first: str, last: str) -> dict[tuple[str, str], int]:
    """Counts by (category, local Monday) worked out here, from the export itself."""
    counts: dict[tuple[str, str], int] = {}
    for _case, moment, primary, description, _block, _point, _domestic in incidents:
        day = date.fromisoformat(moment[:10])
        if (first and day < date.fromisoformat(first)) or (last and day > date.fromisoformat(last)):
            continue
        key = (crime_categories.categorize(f"{primary}: {description}"), str(day - timedelta(days=day.weekday())))
        counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.mark.parametrize(("first", "last"), [
    ("2025-09-03", "2025-10-29"),  # part weeks at both ends
    ("2025-09-01", "2025-10-26"),  # whole weeks only
    ("", "2025-10-01"), ("2025-09-10", ""), ("", ""),
    ("2025-09-10", "2025-09-12"),  # no whole week at all
    ("2025-09-08", "2025-09-14"),  # exactly one week
])
def test_aggregates_over_whole_weeks_and_part_weeks_count_every_incident_once(make_app, tmp_path, first, last):
    app = make_app("public")
    import_export(app, tmp_path / "spread.csv", SPREAD)
    body = app.test_client().get(f"/api/v1/incidents/aggregate?by=category,week&from={first}&to={last}").get_json()
    assert {(row["category"], row["week"]): row["count"] for row in body["counts"]} == \
        expected_counts(SPREAD, first, last)


@pytest.mark.parametrize(("query", "total"), [
    ("to=0001-01-01", 0), ("from=9999-12-30", 0), ("from=0001-01-01&to=9999-12-31", len(INCIDENTS)),
])
def test_aggregates_at_the_ends_of_the_calendar(api, query, total):
    response = api.get(f"/api/v1/incidents/aggregate?by=week&{query}")
    assert response.status_code == 200
    assert sum(row["count"] for row in response.get_json()["counts"]) == total


def test_a_changed_import_changes_the_counts(make_app, tmp_path):
    app = make_app("public")
    import_export(app, tmp_path / "spread.csv", SPREAD)
    client = app.test_client()
    path = "/api/v1/incidents/aggregate?by=category&from=2025-09-01&to=2025-09-28"
    before = {row["category"]: row["count"] for row in client.get(path).get_json()["counts"]}
    changed = [("JS010", "2025-09-02T08:30:00", "ROBBERY", "STRONGARM", "008XX WAUKEGAN RD", CENTRE, "false")]
    import_export(app, tmp_path / "changed.csv", changed)
    after = {row["category"]: row["count"] for row in client.get(path).get_json()["counts"]}
    assert after["robbery"] == 1 and sum(after.values()) == sum(before.values())
    assert after["burglary"] == before["burglary"] - 1


def test_the_box_of_a_cell_finds_its_sensitive_incidents_too(api):
    cell = next(row for row in api.get("/api/v1/incidents/aggregate?by=cell&category=assault").get_json()["counts"])
    box = ",".join(str(value) for value in cell["bbox"])
    counts = api.get(f"/api/v1/incidents/aggregate?by=category&bbox={box}").get_json()["counts"]
    # The domestic battery by its cell; the others by their points, none from a neighbouring cell.
    assert counts == [{"category": "assault", "count": 1}, {"category": "robbery", "count": 1},
                      {"category": "theft", "count": 1}, {"category": "vehicle-theft", "count": 1}]
    assert set(case_numbers(api.get(f"/api/v1/incidents?bbox={box}").get_json(force=True))) == {
        "JA100001", "JA100004", "JA100005"}


@pytest.mark.parametrize(("query", "expected"), [
    ("bbox=-87.87,42.18,-87.85,42.20", {"JA100002"}),
    ("from=2025-10-06&to=2025-10-06", {"JA100002"}),  # 21:15 local is the next day in UTC
    ("from=2025-10-07&to=2025-10-14", set()),
    ("to=2025-01-01", {"JA100008"}),
    ("category=theft", {"JA100001", "JA100008"}),
    ("category=theft&category=burglary", {"JA100001", "JA100002", "JA100008"}),
    ("category=theft&from=2025-01-01&bbox=-87.9,42.1,-87.8,42.2", {"JA100001"}),
    ("category=domestic", set()),
    # No cap on the window: the whole calendar and the whole world.
    ("from=0001-01-01&to=9999-12-31&bbox=-180,-90,180,90", MAPPED),
])
def test_filters(api, query, expected):
    collection = api.get(f"/api/v1/incidents?{query}").get_json(force=True)
    assert set(case_numbers(collection)) == expected
    rows = list(csv.DictReader(io.StringIO(api.get(f"/api/v1/incidents.csv?{query}").get_data(as_text=True))))
    assert {row["case_number"] for row in rows} == expected


def test_a_small_box_finds_a_point_snapped_across_an_area_cell_edge(make_app, tmp_path):
    app = make_app("public")
    # Just south of an area cell's edge (latitude 42.16673); the block grid puts its point north of it.
    import_export(app, tmp_path / "edge.csv",
                  [("JC000001", "2025-10-01T10:00:00", "THEFT", "SIMPLE", "001XX N MAIN ST", (42.16628, -87.8445), "false")])
    client = app.test_client()
    collection = client.get("/api/v1/incidents?bbox=-87.845,42.1668,-87.843,42.1672").get_json(force=True)
    assert case_numbers(collection) == ["JC000001"]
    latitude = collection["features"][0]["geometry"]["coordinates"][1]
    [cell] = client.get("/api/v1/incidents/aggregate?by=cell").get_json()["counts"]
    assert cell["bbox"][1] < latitude < cell["bbox"][3]


def follow_pages(api, url: str) -> list[dict]:
    pages = []
    while url:
        response = api.get(url)
        assert response.status_code == 200
        page = response.get_json(force=True)
        pages.append(page)
        if page["next"]:
            assert page["next"].startswith(f"{SITE}/api/v1/incidents?")
            assert response.headers["Link"] == f'<{page["next"]}>; rel="next"'
            url = page["next"].removeprefix(SITE)
        else:
            assert "Link" not in response.headers
            url = ""
        assert len(pages) < 20
    return pages


@pytest.mark.parametrize("limit", [1, 2, 5, 6, 1000])
def test_pages_reach_every_incident_exactly_once_in_order(api, limit):
    pages = follow_pages(api, f"/api/v1/incidents?limit={limit}")
    seen = [case for page in pages for case in case_numbers(page)]
    assert sorted(seen) == sorted(MAPPED)
    # The last full page knows there is nothing after it: no empty page at the end.
    assert len(pages) == -(-len(MAPPED) // limit)
    everything = case_numbers(api.get("/api/v1/incidents").get_json(force=True))
    assert seen == everything


def test_the_next_page_keeps_the_filters(api):
    pages = follow_pages(api, "/api/v1/incidents?category=vehicle-theft&category=robbery&category=theft"
                              "&from=2025-01-01&bbox=-87.9,42.1,-87.8,42.2&limit=1")
    assert [case_numbers(page) for page in pages] == [["JA100005"], ["JA100004"], ["JA100001"]]
    query = parse_qs(urlsplit(pages[0]["next"]).query)
    assert query["category"] == ["robbery", "theft", "vehicle-theft"]
    assert query["bbox"] == ["-87.9,42.1,-87.8,42.2"] and query["from"] == ["2025-01-01"]
    assert query["limit"] == ["1"] and query["cursor"]


API_PATHS = ["/api/v1/incidents?limit=2", "/api/v1/incidents/aggregate?by=cell,week", "/api/v1/incidents.csv",
             "/api/v1/categories", "/api/v1/metadata", "/api/v1/openapi.json"]


@pytest.mark.parametrize("path", API_PATHS)
def test_every_answer_is_cacheable_and_revalidates_without_a_query(crime_app, api, path):
    # Each body is read, so that a streamed CSV's generator is closed here, not by a later GC.
    response = api.get(path)
    response.get_data()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    etag = response.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    second = api.get(path)
    second.get_data()
    assert second.headers["ETag"] == etag

    with crime_app.app_context():
        engine = db.engine
    statements: list[str] = []
    listener = lambda _conn, _cursor, statement, *_args: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        again = api.get(path, headers={"If-None-Match": etag})
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "public, max-age=300"
    # Only the data version was read: no incident, no count.
    assert statements and not [sql for sql in statements if re.search(r"\bincident\b", sql)]
    changed = api.get(path, headers={"If-None-Match": '"something-else"'})
    changed.get_data()
    assert changed.status_code == 200


def test_a_new_import_or_another_query_changes_the_etag(crime_app, api, tmp_path):
    first = api.get("/api/v1/incidents?category=theft").headers["ETag"]
    assert api.get("/api/v1/incidents?category=burglary").headers["ETag"] != first
    # The same query written another way is the same query.
    assert api.get("/api/v1/incidents?category=theft&category=").headers["ETag"] == first
    import_export(crime_app, tmp_path / "later.csv",
                  [("JA100009", "2025-10-30T09:00:00", "THEFT", "POCKET-PICKING", "008XX WAUKEGAN RD", CENTRE, "false")])
    response = api.get("/api/v1/incidents?category=theft", headers={"If-None-Match": first})
    assert response.status_code == 200
    assert response.headers["ETag"] != first
    assert case_numbers(response.get_json(force=True))[0] == "JA100009"


def test_csv_download_is_an_attachment_of_local_times_safe_for_spreadsheets(api):
    response = api.get("/api/v1/incidents.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="incidents.csv"'
    assert response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == ["source", "case_number", "occurred_at", "category", "category_name", "offense",
                             "block", "latitude", "longitude"]
    assert [row["case_number"] for row in rows] == case_numbers(api.get("/api/v1/incidents").get_json(force=True))
    by_case = {row["case_number"]: row for row in rows}
    assert by_case["JA100002"]["occurred_at"] == "2025-10-06T21:15:00-05:00"
    assert by_case["JA100002"]["category_name"] == "Burglary"
    assert by_case["JA100002"]["block"] == "1200 block of N MAIN ST"
    hostile = by_case["JA100003"]
    assert hostile["offense"] == "'=2+5: @SUM(A1)"
    assert hostile["block"] == "'-ROSEMARY TER"
    # Numbers stay numbers: a negative longitude is not text to guard.
    assert float(hostile["longitude"]) < -87 and not hostile["longitude"].startswith("'")


def test_csv_streams_every_incident_of_a_large_window(make_app, tmp_path):
    app = make_app("public")
    many = [(f"JB{number:06d}", f"2025-0{1 + number % 9}-{1 + number % 28:02d}T{number % 24:02d}:00:00", "THEFT",
             "OVER $500", "001XX N MAIN ST", CENTRE, "false") for number in range(1234)]
    import_export(app, tmp_path / "many.csv", many)
    client = app.test_client()
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/incidents.csv").get_data(as_text=True))))
    assert len(rows) == 1234 and len({row["case_number"] for row in rows}) == 1234
    pages = []
    url = "/api/v1/incidents?limit=1000"
    while url:
        page = client.get(url).get_json(force=True)
        pages.append(page)
        url = (page["next"] or "").removeprefix(app.config["PORTAL_SITE_URL"])
    assert [len(page["features"]) for page in pages] == [1000, 234]


@pytest.mark.parametrize(("query", "field"), [
    ("from=2025-13-01", "from"),
    ("from=yesterday", "from"),
    ("to=2025-02-30", "to"),
    ("from=2025-10-10&to=2025-10-01", "to"),
    ("category=shoplifting", "category"),
    ("category=theft&category=THEFT", "category"),
    ("bbox=1,2,3", "bbox"),
    ("bbox=-87.8,42.1,-87.9,42.2", "bbox"),
    ("bbox=a,b,c,d", "bbox"),
    ("bbox=nan,nan,nan,nan", "bbox"),
    ("bbox=-200,42.1,-87.8,42.2", "bbox"),
    ("limit=0", "limit"),
    ("limit=1001", "limit"),
    ("limit=ten", "limit"),
    ("limit=-5", "limit"),
    ("limit=%C2%B2", "limit"),
    ("cursor=not-a-cursor", "cursor"),
    ("cursor=bm90IGEgY3Vyc29y", "cursor"),
])
def test_bad_parameters_answer_400_naming_the_field(api, query, field):
    for path in ("/api/v1/incidents", "/api/v1/incidents.csv", "/api/v1/incidents/aggregate"):
        if field in ("limit", "cursor") and path != "/api/v1/incidents":
            continue
        response = api.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        body = response.get_json()
        assert body["field"] == field and body["error"]
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("by", [",", "day", "cell,day", "cell;week", "CELL"])
def test_a_bad_grouping_answers_400(api, by):
    response = api.get(f"/api/v1/incidents/aggregate?by={by}")
    assert response.status_code == 400
    assert response.get_json()["field"] == "by"
    assert "cell, category, week" in response.get_json()["error"]


def test_made_up_cursors_are_refused_not_failed(api):
    import base64

    for raw in ("2025-10-01T10:00:00|1", "0001-01-01T00:00:00+05:00|1", "2025-10-01T10:00:00+00:00|x",
                "2025-10-01T10:00:00+00:00|99999999999999999999", "9999-12-31T23:59:59-05:00|1"):
        cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        response = api.get(f"/api/v1/incidents?cursor={cursor}")
        assert response.status_code in (200, 400), raw
        if response.status_code == 400:
            assert response.get_json()["field"] == "cursor"


def test_hostile_parameter_values_never_cause_a_server_error(api):
    """The Big List of Naughty Strings as every parameter: a 200 or a 400 naming it, nothing else."""
    parameters = {"/api/v1/incidents": ("bbox", "from", "to", "category", "limit", "cursor"),
                  "/api/v1/incidents/aggregate": ("by",)}
    for text in naughty_strings() + ["\x00", "a\x00b", "\udcff", "9" * 5000]:
        value = quote(text.encode("utf-8", "surrogatepass"), safe="")
        for path, names in parameters.items():
            for name in names:
                response = api.get(f"{path}?{name}={value}")
                assert response.status_code in (200, 400), (path, name, text)
                if response.status_code == 400:
                    assert response.get_json()["field"] == name, (path, name, text)


def test_categories_list_every_public_category_and_which_are_sensitive(api):
    categories = api.get("/api/v1/categories").get_json()["categories"]
    assert [category["slug"] for category in categories] == list(crime_categories.SLUGS)
    assert {"slug": "domestic", "name": "Domestic violence", "sensitive": True} in categories
    assert {"slug": "theft", "name": "Theft", "sensitive": False} in categories


def test_metadata_states_the_window_the_last_import_and_the_rules(api):
    body = api.get("/api/v1/metadata").get_json()
    assert body["window"] == {"first": "2024-03-05T09:00:00-06:00", "last": "2025-10-20T12:00:00-05:00"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?-0[56]:00", body["last_import"])
    assert body["counts"] == {"incidents": 8, "located": 6}
    assert body["sources"] == ["cpd"] and body["timezone"] == "America/Chicago"
    assert body["generalization"] == {"grid_metres": 150, "area_metres": 1000,
                                      "sensitive_categories": ["sex-offense", "juvenile", "domestic"],
                                      "sensitive_display": "area"}
    assert "hundred block" in body["caveats"] and "150 m" in body["caveats"]
    assert "domestic violence" in body["caveats"] and "by area only" in body["caveats"]


def test_metadata_of_an_empty_data_set(make_app):
    body = make_app("public", PORTAL_CRIME_SENSITIVE_DISPLAY="omit").test_client().get("/api/v1/metadata").get_json()
    assert body["window"] == {"first": None, "last": None} and body["last_import"] is None
    assert body["counts"] == {"incidents": 0, "located": 0}
    assert "left out of the public data" in body["caveats"]


def test_the_openapi_document_names_the_site_and_every_endpoint(crime_app, api):
    document = api.get("/api/v1/openapi.json").get_json()
    assert document["servers"] == [{"url": SITE}]
    assert document["components"]["schemas"]["CategorySlug"]["enum"] == list(crime_categories.SLUGS)
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in crime_app.url_map.iter_rules()
              if rule.endpoint.startswith("api.")}
    assert routes == set(document["paths"])
    assert all(set(operations) == {"get"} for operations in document["paths"].values())


def test_the_api_answers_get_only_with_json_errors(api):
    response = api.post("/api/v1/incidents")
    assert response.status_code == 405 and response.get_json()["error"]
    assert "GET" in response.headers["Allow"]
    assert api.get("/api/v1/nothing-here").get_json()["error"]


def test_downloads_are_limited_per_client_with_a_json_answer(make_app):
    client = make_app("public", RATELIMIT_ENABLED=True).test_client()
    statuses = [client.get("/api/v1/incidents.csv").status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    limited = client.get("/api/v1/incidents.csv")
    assert limited.status_code == 429 and limited.get_json()["error"]
    assert client.get("/api/v1/incidents").status_code == 200
