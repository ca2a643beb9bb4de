"""The public crime map's four tabs, read the way a resident reads them: without script, over data
imported from a small Chicago export written here, as an operator would import it."""

from __future__ import annotations

import csv
import re
from html import unescape as html_unescape
from pathlib import Path

import pytest

from portal.services.incident_sources import PROFILES
from tests.helpers import missing_phrases, parse_page

CHICAGO = PROFILES["chicago-api"]
TABS = ["/crime-map/", "/crime-map/table", "/crime-map/trends", "/crime-map/about"]
# The newest incident is on November 2, 2025, so the default window is October 6 to November 2.
DEFAULT_QUERY = "from=2025-10-06&to=2025-11-02"


def export_row(case_number: str, when: str, primary_type: str, description: str, block: str,
               latitude: str = "42.1711", longitude: str = "-87.8445", domestic: bool = False) -> dict[str, str]:
    offense_columns = dict(zip(CHICAGO.offense, (primary_type, description)))
    return {CHICAGO.case_number: case_number, CHICAGO.occurred_at: when, **offense_columns, CHICAGO.block: block,
            CHICAGO.latitude: latitude, CHICAGO.longitude: longitude, CHICAGO.sensitive_flag: str(domestic)}


ROWS = [
    export_row("JA100001", "2025-10-20T10:00:00.000", "THEFT", "$500 AND UNDER", "012XX N WAUKEGAN RD"),
    export_row("JA100002", "2025-10-28T22:30:00.000", "BURGLARY", "FORCIBLE ENTRY", "008XX DEERFIELD RD",
               "42.1652", "-87.8503"),
    # Flagged domestic by the records system: a sensitive incident whatever its category.
    export_row("JA100003", "2025-11-01T08:00:00.000", "BATTERY", "SIMPLE", "004XX ELM ST", "42.175", "-87.845",
               domestic=True),
    export_row("JA100004", "2025-11-02T12:00:00.000", "CRIM SEXUAL ASSAULT", "NON-AGGRAVATED", "001XX OAK ST",
               "42.1701", "-87.8460"),
    export_row("JA100005", "2025-09-15T14:45:00.000", "THEFT", "OVER $500", "002XX CENTRAL AVE", "42.168", "-87.842"),
]


def write_export(folder: Path, rows: list[dict[str, str]]) -> Path:
    """A CSV file in the Chicago API's layout, as the records system would export it."""
    path = folder / "chicago-export.csv"
    with path.open("w", newline="", encoding="utf-8") as export:
        writer = csv.writer(export)
        writer.writerow(CHICAGO.columns)
        writer.writerows([row.get(column, "") for column in CHICAGO.columns] for row in rows)
    return path


def import_export(app, folder: Path, rows: list[dict[str, str]]) -> None:
    result = app.test_cli_runner().invoke(args=["incidents", "import", str(write_export(folder, rows))])
    assert result.exit_code == 0, result.output


@pytest.fixture
def crime_client(seeded_public_app, tmp_path):
    import_export(seeded_public_app, tmp_path, ROWS)
    return seeded_public_app.test_client()


def table_rows(page) -> list[list[str]]:
    """The body rows of the incident table, cell texts in order."""
    html = page.get_data(as_text=True)
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return [[" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def header(page, label: str) -> dict[str, str]:
    html = page.get_data(as_text=True)
    match = re.search(r'<th scope="col"([^>]*)>\s*<a href="([^"]+)">' + re.escape(label) +
                      r'<span class="sort-indicator" aria-hidden="true">([^<]*)</span>', html)
    assert match, label
    sort = re.search(r'aria-sort="(\w+)"', match.group(1))
    return {"aria-sort": sort.group(1) if sort else "", "href": html_unescape(match.group(2)),
            "indicator": match.group(3)}


def test_before_any_import_every_tab_says_so_honestly(client):
    for path in TABS:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "No crime data has been imported yet" in parse_page(response).text, path
    about = parse_page(client.get("/crime-map/about")).text
    assert "Hundred block." in about and "Caveats" in about, "the rules are stated before there is data"


def test_the_table_lists_the_default_window_newest_first_and_not_the_sensitive_offenses(crime_client):
    response = crime_client.get("/crime-map/table")
    assert response.status_code == 200
    page = parse_page(response)
    assert table_rows(response) == [
        ["Oct 28, 2025, 10:30 PM", "Burglary", "BURGLARY: FORCIBLE ENTRY", "800 block of DEERFIELD RD"],
        ["Oct 20, 2025, 10:00 AM", "Theft", "THEFT: $500 AND UNDER", "1200 block of N WAUKEGAN RD"],
    ]
    assert missing_phrases(page.text, [
        "2 incidents, October 6, 2025 to November 2, 2025.",
        "Sensitive offenses (domestic violence, offense involving a minor, sexual offense) are counted by area only",
        "not on the map and not listed in the table",
        "2 more incidents are in this window and counted on the trends page.",
    ]) == []
    html = response.get_data(as_text=True)
    for withheld in ("SEXUAL", "BATTERY", "ELM ST", "OAK ST", "JA100003", "JA100004"):
        assert withheld not in html
    assert page.find_all("input", id="from")[0]["value"] == "2025-10-06", "the default window is shown in the form"
    assert f"/api/v1/incidents.csv?{DEFAULT_QUERY}" in page.hrefs(), "the download is the same set"
    assert page.find_all("time", datetime="2025-10-28T22:30:00-05:00"), "local time, machine-readable too"


def test_the_table_sorts_by_each_column_on_the_server(crime_client):
    newest = crime_client.get("/crime-map/table")
    assert header(newest, "Date and time") == {
        "aria-sort": "descending", "indicator": "▼", "href": f"/crime-map/table?{DEFAULT_QUERY}&sort=date&order=asc"}
    assert header(newest, "Block")["aria-sort"] == "" and header(newest, "Block")["indicator"] == "↕"

    by_block = crime_client.get(header(newest, "Block")["href"])
    assert [row[3] for row in table_rows(by_block)] == ["1200 block of N WAUKEGAN RD", "800 block of DEERFIELD RD"]
    assert header(by_block, "Block")["aria-sort"] == "ascending" and header(by_block, "Block")["indicator"] == "▲"
    assert header(by_block, "Date and time")["aria-sort"] == ""
    assert "Incidents by block, A to Z" in parse_page(by_block).text

    reversed_blocks = crime_client.get(header(by_block, "Block")["href"])
    assert header(reversed_blocks, "Block")["aria-sort"] == "descending"
    assert [row[3] for row in table_rows(reversed_blocks)] == ["800 block of DEERFIELD RD", "1200 block of N WAUKEGAN RD"]

    oldest = crime_client.get(f"/crime-map/table?{DEFAULT_QUERY}&sort=date&order=asc")
    assert [row[1] for row in table_rows(oldest)] == ["Theft", "Burglary"]
    by_category = crime_client.get(f"/crime-map/table?{DEFAULT_QUERY}&sort=category")
    assert [row[1] for row in table_rows(by_category)] == ["Burglary", "Theft"]
    assert header(by_category, "Category")["aria-sort"] == "ascending"
    unknown = crime_client.get("/crime-map/table?sort=offense&order=sideways")
    assert unknown.status_code == 200 and header(unknown, "Date and time")["aria-sort"] == "descending"


def test_the_table_pages_with_numbered_links_that_keep_the_sort(seeded_public_app, tmp_path):
    thefts = [export_row(f"JB{number:06d}", f"2025-10-{10 + number % 20:02d}T{number % 24:02d}:15:00.000", "THEFT",
                         "RETAIL THEFT", f"0{number % 9 + 1}0XX LAKE COOK RD") for number in range(118)]
    import_export(seeded_public_app, tmp_path, ROWS + thefts)
    browser = seeded_public_app.test_client()
    first = browser.get("/crime-map/table?sort=block&order=asc")
    page = parse_page(first)
    assert "120 incidents, October 6, 2025 to November 2, 2025 (page 1 of 3)." in page.text
    assert len(table_rows(first)) == 50
    links = [href for href in page.hrefs() if "page=" in href]
    assert [anchor["href"] for anchor in page.find_all("a", aria_current="page") if "page=" in anchor["href"]] == [
        f"/crime-map/table?{DEFAULT_QUERY}&sort=block&order=asc&page=1"]
    assert f"/crime-map/table?{DEFAULT_QUERY}&sort=block&order=asc&page=1" in links
    assert f"/crime-map/table?{DEFAULT_QUERY}&sort=block&order=asc&page=3" in links
    assert "Next page" in page.text and "Previous page" not in page.text
    last = browser.get(f"/crime-map/table?{DEFAULT_QUERY}&sort=block&order=asc&page=3")
    assert len(table_rows(last)) == 20
    assert header(last, "Block")["aria-sort"] == "ascending"
    assert "Previous page" in parse_page(last).text and "Next page" not in parse_page(last).text
    blocks = [row[3] for number in (1, 2, 3) for row in table_rows(
        browser.get(f"/crime-map/table?{DEFAULT_QUERY}&sort=block&order=asc&page={number}"))]
    assert blocks == sorted(blocks) and len(blocks) == 120, "pages follow on from each other"


def test_filters_by_category_and_by_dates_and_keep_what_was_chosen(crime_client):
    burglaries = crime_client.get("/crime-map/table?category=burglary")
    assert [row[1] for row in table_rows(burglaries)] == ["Burglary"]
    page = parse_page(burglaries)
    assert page.find_all("input", name="category", value="burglary")[0].get("checked") is not None
    assert not [box for box in page.find_all("input", name="category") if "checked" in box
                and box["value"] != "burglary"]
    assert "Categories: 1 chosen" in page.text

    september = crime_client.get("/crime-map/table?from=2025-09-01&to=2025-09-30")
    assert table_rows(september) == [["Sep 15, 2025, 2:45 PM", "Theft", "THEFT: OVER $500", "200 block of CENTRAL AVE"]]
    assert "1 incident, September 1, 2025 to September 30, 2025." in parse_page(september).text
    assert parse_page(september).find_all("input", id="to")[0]["value"] == "2025-09-30"
    map_tab = [href for href in parse_page(september).hrefs() if href.startswith("/crime-map/?")]
    assert map_tab == ["/crime-map/?from=2025-09-01&to=2025-09-30"], "the tabs keep the filter"

    open_ended = crime_client.get("/crime-map/table?from=2025-11-01")
    assert table_rows(open_ended)[0][0].startswith("No incidents match this filter")


def test_bad_filter_values_show_the_form_again_with_messages_next_to_the_fields(crime_client):
    response = crime_client.get("/crime-map/table?from=2025-13-45&to=soon&category=nope")
    assert response.status_code == 400
    page = parse_page(response)
    html = response.get_data(as_text=True)
    assert re.search(r'<ul class="errors" id="from-errors">\s*<li>Give the date as YYYY-MM-DD', html)
    assert re.search(r'<ul class="errors" id="to-errors">\s*<li>Give the date as YYYY-MM-DD', html)
    assert '<ul class="errors" id="category-errors"><li>There is no such category here.' in html
    assert page.find_all("input", id="from")[0]["value"] == "2025-13-45", "what was typed is kept"
    assert page.find_all("input", id="to")[0]["value"] == "soon"
    assert page.find_all("input", id="from")[0]["aria-invalid"] == "true"
    assert page.find_all("input", id="from")[0]["type"] == "text", "a date field would show nothing of it"
    assert "<tbody>" not in html, "no results for a filter that cannot be read"

    backwards = crime_client.get("/crime-map/trends?from=2025-11-02&to=2025-10-01")
    assert backwards.status_code == 400
    assert re.search(r'id="to-errors">\s*<li>The first day comes after the last one.', backwards.get_data(as_text=True))
    assert crime_client.get("/crime-map/?from=2025-10-011").status_code == 400
    assert crime_client.get("/crime-map/about?from=nonsense").status_code == 200, "the metadata has no filter"


def test_trends_draw_an_svg_chart_per_category_with_the_numbers_in_a_table(crime_client):
    response = crime_client.get("/crime-map/trends")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = parse_page(response)
    charts = page.find_all("svg", role="img")
    assert [chart["aria-labelledby"] for chart in charts] == [
        f"chart-{key}-title chart-{key}-desc" for key in ("all", "assault", "burglary", "sex-offense", "theft")]
    assert '<title id="chart-all-title">All categories: incidents per week</title>' in html
    assert ('<desc id="chart-all-desc">All categories: 4 incidents in 4 weeks, from the week of October 6, 2025 to '
            'the week of October 27, 2025. Most in the week of October 27: 3.</desc>') in html
    assert "Week starting (2025)" in html and ">Incidents</text>" in html, "axis labels"
    assert page.inline_styles == 0
    table = html[html.index('<table class="accounts crime-trend-table">'):html.index("</table>")]
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    assert rows == [
        "Week starting All categories Assault Burglary Sexual offense Theft",
        "Oct 6, 2025 0 0 0 0 0", "Oct 13, 2025 0 0 0 0 0", "Oct 20, 2025 1 0 0 0 1", "Oct 27, 2025 3 1 1 1 0",
        "Total 4 1 1 1 1",
    ], "sensitive offenses are counted by week, as they are by area"
    assert "4 incidents, October 6, 2025 to November 2, 2025" in page.text


def test_trends_mark_weeks_the_window_covers_only_in_part(crime_client):
    response = crime_client.get("/crime-map/trends?from=2025-10-15&to=2025-11-02&category=theft")
    page = parse_page(response)
    assert "Oct 13, 2025 (part) 0 0 Oct 20, 2025 1 1 Oct 27, 2025 0 0 Total 1 1" in page.text
    assert "Outlined bars are weeks the window covers only in part." in response.get_data(as_text=True)
    assert 'class="partial"' in response.get_data(as_text=True)
    assert "/crime-map/trends?from=2025-08-11&to=2025-11-02&category=theft" in page.hrefs(), (
        "the last 12 weeks of the data, with the categories kept")


def test_about_states_the_window_the_import_the_rules_and_the_caveats(crime_client):
    response = crime_client.get("/crime-map/about")
    page = parse_page(response)
    assert missing_phrases(page.text, [
        "Incidents 5, of which 3 have a place on the map",
        "First incident September 15, 2025, 2:45 PM",
        "Latest incident November 2, 2025, 12:00 PM",
        "(the last import from the records system)",
        "Sources Chicago PD Times",
        "1200 block of MAIN ST",
        "the centre of a square of about 150 metres",
        "squares of about 1000 metres",
        "Domestic violence, Offense involving a minor, Sexual offense: counted by area only.",
        "The data is preliminary", "may change", "Not all crimes are reported",
        "Locations are approximate. A point on the map is not an address",
    ]) == []
    assert "/api/v1/openapi.json" in page.hrefs()
    assert f"/api/v1/incidents.csv?{DEFAULT_QUERY}" in page.hrefs()


def test_sensitive_offenses_left_out_entirely_are_described_so(make_app, tmp_path):
    app = make_app("public", PORTAL_CRIME_SENSITIVE_DISPLAY="omit")
    import_export(app, tmp_path, ROWS)
    browser = app.test_client()
    assert "Domestic violence, Offense involving a minor, Sexual offense: not published at all." in parse_page(
        browser.get("/crime-map/about")).text
    table = parse_page(browser.get("/crime-map/table")).text
    assert "Sensitive offenses (domestic violence, offense involving a minor, sexual offense) are not published" in table
    assert "more incident" not in table


def test_the_map_page_works_without_script_and_sets_its_own_policy(crime_client):
    response = crime_client.get("/crime-map/")
    page = parse_page(response)
    assert missing_phrases(page.text, [
        "4 incidents, October 6, 2025 to November 2, 2025",
        "Each marker stands for the middle of a block, never an address.",
        "Assault: 1", "Burglary: 1", "Sexual offense: 1 (counted by area only)", "Theft: 1",
    ]) == []
    assert f"/crime-map/table?{DEFAULT_QUERY}" in page.hrefs()
    assert f"/crime-map/table?{DEFAULT_QUERY}&category=burglary" in page.hrefs()
    assert f"/crime-map/trends?{DEFAULT_QUERY}&category=sex-offense" in page.hrefs(), "counted by week, not listed"
    holder = page.find_all("div", id="crime-map")[0]
    assert "hidden" in holder, "the map appears only when its script runs"
    assert {key: holder[key] for key in ("data-points", "data-cells", "data-query", "data-tiles", "data-center",
                                          "data-zoom", "data-max-points", "data-timezone")} == {
        "data-points": "/api/v1/incidents", "data-cells": "/api/v1/incidents/aggregate",
        "data-query": DEFAULT_QUERY, "data-tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "data-center": "42.1711,-87.8445", "data-zoom": "13", "data-max-points": "5000",
        "data-timezone": "America/Chicago"}
    assert holder["data-attribution"] == "© OpenStreetMap contributors"
    assert [script["src"] for script in page.find_all("script")] == [
        "/static/vendor/leaflet-1.9.4/leaflet.js", "/static/vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js",
        "/static/js/crime-map.js"]
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["connect-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data: https://tile.openstreetmap.org"
    assert policy["default-src"] == "'none'"
    for path in TABS[1:]:
        assert "script-src" not in crime_client.get(path).headers["Content-Security-Policy"], path


def test_the_map_page_without_a_tile_server_allows_no_other_images(make_app, tmp_path):
    app = make_app("public", PORTAL_MAP_TILES_URL="")
    import_export(app, tmp_path, ROWS)
    response = app.test_client().get("/crime-map/")
    assert "img-src 'self';" in response.headers["Content-Security-Policy"]
    assert parse_page(response).find_all("div", id="crime-map")[0]["data-tiles"] == ""


@pytest.mark.parametrize("path", TABS + ["/crime-map/table?category=theft&sort=block", "/crime-map/?from=x"])
def test_every_tab_has_no_inline_script_or_style_and_shares_like_other_pages(crime_client, path):
    response = crime_client.get(path)
    page = parse_page(response)
    assert page.inline_scripts == 0 and page.inline_styles == 0, path
    canonical = "http://127.0.0.1:5000" + path.split("?")[0]
    assert page.meta["og:url"] == canonical
    assert [link["href"] for link in page.links if link.get("rel") == "canonical"] == [canonical]
    assert page.meta["og:title"] and page.meta["description"].startswith(("Recent crime", "Crime incidents", "What the"))
    current = [anchor["href"].split("?")[0] for anchor in page.find_all("a", aria_current="page")]
    assert current == [path.split("?")[0]], "the tab of this page is marked"


def test_the_home_page_and_navigation_lead_to_the_crime_map(crime_client):
    page = parse_page(crime_client.get("/"))
    assert page.hrefs().count("/crime-map/") == 2
    assert "Crime map and data" in page.text


def test_make_runs_demo_incidents_fill_an_empty_map_once_and_say_they_are_made_up(seeded_public_app):
    runner = seeded_public_app.test_cli_runner()
    first = runner.invoke(args=["incidents", "demo"])
    assert first.exit_code == 0 and "Imported 400 incident(s)" in first.output
    again = runner.invoke(args=["incidents", "demo"])
    assert "already has incidents; no demo incidents added" in again.output
    browser = seeded_public_app.test_client()
    table = parse_page(browser.get("/crime-map/table"))
    # Made-up house numbers went through the importer like any export's: blocks only.
    hundreds = re.findall(r"(\d+) block of ", table.text)
    assert len(hundreds) == 50 and all(number.endswith("00") for number in hundreds)
    assert not re.search(r"\b\d{3,4} (WAUKEGAN|DEERFIELD|LAKE COOK|CENTRAL) ", table.text)
    assert "Made-up incidents for trying the portal" in parse_page(browser.get("/crime-map/about")).text
