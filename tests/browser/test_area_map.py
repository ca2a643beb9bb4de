"""Drawing a routing area on the map in a real browser, under the back office's CSP."""

from __future__ import annotations

import pytest

from tests.browser.conftest import staff_page
from tests.helpers import DATA

pytestmark = pytest.mark.browser

# This machine has no network: the tile server is answered by the test with one plain tile.
TILE = (DATA / "map_tile.png").read_bytes()


def test_a_supervisor_draws_an_area_by_clicking_its_corners(served_portal, browser):
    page = staff_page(browser, served_portal, "sgt@example.org", "supervisor")
    tiles: list[str] = []
    page.route("https://tile.openstreetmap.org/**",
               lambda route: (tiles.append(route.request.url), route.fulfill(body=TILE, content_type="image/png")))
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)

    page.goto(served_portal.url + "/staff/rules/areas")
    page.fill("#name", "North beat")
    page.locator("#area-map").scroll_into_view_if_needed()

    def click_map(x: float, y: float) -> None:
        page.locator("#area-map").scroll_into_view_if_needed()
        box = page.locator("#area-map").bounding_box()
        page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)

    for x, y in ((0.3, 0.3), (0.7, 0.3), (0.5, 0.5), (0.7, 0.7), (0.3, 0.7)):
        click_map(x, y)
    assert len(page.input_value("#outline").split(";")) == 5
    page.get_by_role("button", name="Undo last corner").click()
    page.get_by_role("button", name="Undo last corner").click()
    click_map(0.3, 0.7)
    drawn = page.input_value("#outline")
    assert len(drawn.split(";")) == 4
    page.get_by_role("button", name="Add area").click()
    assert "North beat (outline of 4 corners)" in page.locator("main").inner_text()

    page.get_by_role("link", name="North beat").click()
    assert page.input_value("#outline") == drawn
    page.wait_for_selector(".leaflet-overlay-pane path", state="attached")
    assert page.locator(".leaflet-overlay-pane path").count() == 1, "the saved outline is drawn on the map"
    assert tiles, "map tiles were asked for and allowed by the page's policy"
    assert refused == []
    remove = page.get_by_role("button", name="Remove North beat")
    assert remove.evaluate("button => getComputedStyle(button).color") != "rgb(255, 255, 255)", "visible on white"
    page.context.close()
