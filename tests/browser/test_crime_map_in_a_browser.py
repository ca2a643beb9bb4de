"""The crime map in a real browser at a phone's width: counts by area for a wide view, clustered
markers from the API once zoomed in, popups that show data as text, and the table with script off.

No tile server (``PORTAL_MAP_TILES_URL`` empty), so nothing leaves this machine; the map's point
budget is lowered so that a few hundred incidents are already "too many to show one by one".
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.browser.conftest import PHONE, serve_portal, violations
from tests.conftest import TEST_DATABASE_URL
from tests.public.test_crime_map import export_row, write_export
from tests.serving import run_flask

pytestmark = pytest.mark.browser

CENTER = (42.1711, -87.8445)
# About a kilometre, in degrees, at Deerfield's latitude.
KM_LATITUDE, KM_LONGITUDE = 0.00898, 0.01212
MAX_POINTS = 100
HOSTILE_OFFENSE = "<img src=x onerror=alert(1)> ARMED"
CATEGORIES = (("THEFT", "RETAIL THEFT"), ("BURGLARY", "FORCIBLE ENTRY"), ("CRIMINAL DAMAGE", "TO VEHICLE"))


def incidents() -> list[dict[str, str]]:
    """200 incidents within 400 m of the centre, one robbery alone 1.6 km east, one sensitive offense."""
    rows = []
    for number in range(200):
        row, column = divmod(number, 20)
        primary_type, description = CATEGORIES[number % 3]
        rows.append(export_row(
            f"JC{number:06d}", f"2025-10-{6 + number % 26:02d}T{number % 24:02d}:10:00.000", primary_type, description,
            f"0{number % 9 + 1}0XX WAUKEGAN RD", f"{CENTER[0] + (row - 4.5) * 0.08 * KM_LATITUDE:.6f}",
            f"{CENTER[1] + (column - 9.5) * 0.04 * KM_LONGITUDE:.6f}"))
    rows.append(export_row("JC900001", "2025-10-30T15:00:00.000", "ROBBERY", HOSTILE_OFFENSE, "012XX LAKE COOK RD",
                           f"{CENTER[0]:.6f}", f"{CENTER[1] + 1.6 * KM_LONGITUDE:.6f}"))
    rows.append(export_row("JC900002", "2025-11-02T09:00:00.000", "BATTERY", "SIMPLE", "004XX ELM ST",
                           f"{CENTER[0]:.6f}", f"{CENTER[1]:.6f}", domestic=True))
    return rows


@pytest.fixture(scope="module")
def crime_portal(tmp_path_factory):
    if TEST_DATABASE_URL:
        pytest.skip("browser tests run once, on SQLite")
    folder = tmp_path_factory.mktemp("crime-map")
    with serve_portal(folder, PORTAL_MAP_TILES_URL="", PORTAL_CRIME_MAP_MAX_POINTS=str(MAX_POINTS)) as server:
        run_flask(server.environ, "incidents", "import", str(write_export(folder, incidents())))
        yield server


@contextmanager
def phone_tab(browser, server, **options):
    """A phone-sized tab that records every request leaving the portal, script errors and CSP refusals."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, **options)
    page = context.new_page()
    page.outside, page.problems = [], []
    page.on("request", lambda request: None if request.url.startswith(server.url)
            else page.outside.append(request.url))
    page.on("console", lambda message: page.problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("dialog", lambda dialog: (page.problems.append("dialog: " + dialog.message), dialog.dismiss()))
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def phone(browser, crime_portal):
    with phone_tab(browser, crime_portal) as page:
        yield page


def map_status(page, expected: str) -> str:
    """The map's status line, once it says what is expected (the map redraws after its animations)."""
    page.wait_for_function("text => document.querySelector('[data-crime-map-status]').textContent.includes(text)",
                           arg=expected)
    return page.locator("[data-crime-map-status]").inner_text()


def easternmost_count(page):
    """The count by area furthest east: the robbery's, alone in its square."""
    eastern = page.evaluate(
        "() => Array.from(document.querySelectorAll('.crime-cell-count'))"
        ".map((label, index) => [label.getBoundingClientRect().left, index]).sort((a, b) => b[0] - a[0])[0][1]")
    return page.locator(".crime-cell-count").nth(eastern)


def test_a_wide_view_shows_counts_by_area_and_zooming_in_shows_clustered_markers(crime_portal, phone):
    phone.goto(crime_portal.url + "/crime-map/")
    assert phone.locator("#crime-map").is_visible(), "the script shows the map"
    status = map_status(phone, "too many to show one by one")
    assert status.startswith("202 incidents in this view"), status
    labels = phone.locator(".crime-cell-count")
    assert labels.count() >= 2
    assert labels.first.inner_text().split(None, 1)[1] == "incidents here: zoom in", "said to screen readers"
    assert sum(int(text.split()[0]) for text in labels.all_inner_texts()) == 202, "the sensitive one too, by its area"

    for _ in range(4):
        phone.locator(".leaflet-control-zoom-in").click()
        phone.wait_for_timeout(400)
    map_status(phone, "with a place in this view")
    phone.wait_for_selector(".marker-cluster", state="visible")
    clusters = phone.locator(".marker-cluster")
    shown = sum(int(text) for text in clusters.all_inner_texts())
    assert 0 < shown <= MAX_POINTS, "markers of the API's points, grouped where they are close"
    assert phone.locator(".crime-cell-count").count() == 0, "the counts by area are gone"

    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"the map page is {scroll_width}px wide"
    assert phone.outside == [], "no tile server, nothing else outside"
    assert phone.problems == []


def test_a_popup_shows_the_incident_and_its_text_only_as_text(crime_portal, phone):
    phone.goto(crime_portal.url + "/crime-map/")
    map_status(phone, "too many to show one by one")
    label = easternmost_count(phone)
    assert label.text_content() == "1 incident here: zoom in", "one incident, said as one"
    label.click()
    map_status(phone, "with a place in this view")
    marker = phone.locator('img.leaflet-marker-icon[title^="Robbery"]')
    marker.wait_for(state="visible")
    assert marker.get_attribute("title") == "Robbery, Oct 30, 2025, 3:00 PM"
    marker.click()
    popup = phone.locator(".leaflet-popup-content .crime-popup")
    popup.wait_for(state="visible")
    assert popup.locator("p").all_inner_texts() == [
        "Robbery", "Oct 30, 2025, 3:00 PM", "1200 block of LAKE COOK RD", "ROBBERY: " + HOSTILE_OFFENSE]
    assert popup.locator("img").count() == 0, "the offense's markup is shown, never run"
    assert phone.outside == [] and phone.problems == []


def test_the_map_speaks_spanish_to_a_spanish_browser(browser, crime_portal):
    with phone_tab(browser, crime_portal, locale="es-US", extra_http_headers={"Accept-Language": "es"}) as phone:
        phone.goto(crime_portal.url + "/crime-map/")
        status = map_status(phone, "demasiados para mostrarlos uno por uno")
        assert status.startswith("202 incidentes en esta vista"), status
        label = easternmost_count(phone)
        assert label.text_content() == "1 incidente aquí: acerque el mapa"
        assert label.get_attribute("title") == "1 incidente en esta zona: seleccione para acercar el mapa"
        label.click()
        assert map_status(phone, "con un lugar en esta vista").startswith("1 incidente con un lugar en esta vista.")
        marker = phone.locator('img.leaflet-marker-icon[title^="Robo con violencia"]')
        marker.wait_for(state="visible")
        assert marker.get_attribute("title") == "Robo con violencia, 30 oct 2025, 3:00 p.m."
        marker.click()
        popup = phone.locator(".leaflet-popup-content .crime-popup")
        popup.wait_for(state="visible")
        assert popup.locator("p").all_inner_texts()[:2] == ["Robo con violencia", "30 oct 2025, 3:00 p.m."]
        # While the popup fades in, its text is paler than it ends up.
        phone.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
        assert violations(phone) == []
        assert phone.outside == [] and phone.problems == []


@pytest.mark.parametrize("path", ["/crime-map/", "/crime-map/table", "/crime-map/trends", "/crime-map/about"])
def test_every_tab_fits_a_phone(crime_portal, phone, path):
    phone.goto(crime_portal.url + path)
    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"{path} is {scroll_width}px wide"
    assert phone.problems == []


def test_without_javascript_the_table_sorts_filters_and_pages(crime_portal, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(crime_portal.url + "/crime-map/")
    assert not page.locator("#crime-map").is_visible(), "no map without its script"
    assert page.get_by_text("Robbery: 1").is_visible()
    page.get_by_role("link", name="table").first.click()
    assert "201 incidents, October 6, 2025 to November 2, 2025 (page 1 of 5)." in page.locator("main").inner_text()
    assert page.locator("tbody tr").count() == 50

    page.get_by_role("link", name="Block (sort A to Z)").click()
    assert page.locator("th[aria-sort]").inner_text().startswith("Block")
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "ascending"
    page.get_by_role("link", name="Page 2").click()
    assert page.locator("a[aria-current=page][href*='page=2']").count() == 1
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "ascending", "the sort is kept"

    page.locator(".crime-category-picker summary").click()
    page.get_by_label("Robbery").check()
    page.get_by_role("button", name="Show").click()
    assert page.locator("tbody tr").all_inner_texts() == [
        "Oct 30, 2025, 3:00 PM\tRobbery\tROBBERY: " + HOSTILE_OFFENSE + "\t1200 block of LAKE COOK RD"]
    assert "category=robbery" in page.url and "sort=block" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
