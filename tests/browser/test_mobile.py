"""Public pages in a real browser at 360 px: no sideways scrolling, no CSP violations, usable focus."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = ["/", "/terms", "/terms/1.0", "/official-accounts", "/prevention/", "/prevention/online/",
         "/prevention/fraud/government-impostor-calls", "/prevention/search?q=lock+car", "/notices/",
         "/notices/archive", "/tips/new", "/tips/check", "/no-such-page", "/staff/login"]


@pytest.mark.parametrize("path", PAGES)
def test_page_fits_a_360px_phone_without_sideways_scrolling(served_portal, phone_page, path):
    console: list[str] = []
    phone_page.on("console", lambda message: console.append(message.text))
    phone_page.goto(served_portal.url + path)
    scroll_width, viewport_width = phone_page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert viewport_width == 360
    assert scroll_width <= viewport_width, f"{path} is {scroll_width}px wide"
    assert not [line for line in console if "Content Security Policy" in line], console
    stylesheet_applied = phone_page.evaluate(
        "getComputedStyle(document.querySelector('.emergency')).backgroundColor"
    )
    assert stylesheet_applied == "rgb(164, 22, 26)", "the stylesheet must load under the CSP"


def test_skip_link_appears_on_first_tab_and_moves_focus_to_main(served_portal, phone_page):
    phone_page.goto(served_portal.url + "/terms")
    skip = phone_page.locator("a.skip-link")
    assert skip.bounding_box()["x"] < 0, "hidden until focused"
    phone_page.keyboard.press("Tab")
    assert phone_page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0, "visible when focused"
    outline = phone_page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "focus is visible"
    phone_page.keyboard.press("Enter")
    assert phone_page.evaluate("document.activeElement.id") == "main"


def test_pages_work_with_javascript_disabled(served_portal, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(served_portal.url + "/")
    page.get_by_role("link", name="Crime prevention tips").first.click()
    page.get_by_role("link", name="Lock, take, hide").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Lock, take, hide"
    assert page.get_by_text("Emergency? Call").is_visible()
    context.close()


def test_phone_numbers_are_tappable_links(served_portal, phone_page):
    phone_page.goto(served_portal.url + "/")
    assert phone_page.locator('a[href="tel:911"]').count() >= 2
    assert phone_page.locator('a[href="tel:8479458636"]').count() >= 2


def test_a_tip_can_be_sent_and_checked_with_javascript_off(served_portal, browser):
    """Tor Browser's safest mode: no script at all. The honeypot stays out of sight and out of the way."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(served_portal.url + "/tips/new")
    assert not page.locator("#website").is_visible() or page.locator("#website").bounding_box()["x"] < 0
    page.select_option("#category", "drugs")
    page.fill("#description", "Cars stop at the corner house every night for a minute or two.")
    page.fill("#where_text", "Corner of Elm and 3rd")
    page.wait_for_timeout(5200)
    page.get_by_role("button", name="Send tip").click()
    tip_number = page.locator('[data-receipt="tip-number"]').inner_text()
    passphrase = page.locator('[data-receipt="passphrase"]').inner_text()
    assert len(passphrase.split()) == 6
    page.get_by_role("link", name="check on your tip").click()
    page.fill("#tip_number", tip_number)
    page.fill("#passphrase", passphrase)
    page.get_by_role("button", name="Open my tip").click()
    assert page.locator('[data-tip="status"]').inner_text() == "Received"
    context.close()


def test_a_report_can_be_screened_filed_and_printed_with_javascript_off(served_portal, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(served_portal.url + "/tell-us")
    page.get_by_role("link", name="File a report online").click()
    for question, answer in [("emergency", "no"), ("known_suspect", "no"), ("evidence", "no"), ("injury", "no"),
                             ("weapon", "no"), ("loss_over_limit", "no"), ("adult", "yes")]:
        page.check(f'input[name="{question}"][value="{answer}"]')
    page.select_option("#place", "Deerfield")
    page.get_by_role("button", name="Continue").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Lost property").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("#occurred_from", "2026-11-20T09:30")
    page.fill("#location", "Deerfield library")
    page.fill("#narrative", "I left my wallet on a table in the reading room.")
    page.fill("#items-0-description", "Brown leather wallet")
    page.fill("#reporter_name", "Ann Lee")
    page.fill("#reporter_email", "ann.lee@example.org")
    page.fill("#reporter_phone", "847-555-0123")
    page.fill("#reporter_address", "12 Elm Street")
    page.get_by_role("button", name="Send report").click()
    reference = page.locator('[data-receipt="report-reference"]').inner_text()
    assert reference.startswith("R-")
    page.emulate_media(media="print")
    assert not page.locator("nav.main-nav").is_visible(), "the printed copy leaves the menus out"
    assert page.get_by_text("Brown leather wallet").is_visible()
    context.close()
