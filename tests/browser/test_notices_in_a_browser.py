"""A missing person notice, from the back office to a phone with JavaScript off."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, staff_page
from tests.helpers import DATA

pytestmark = pytest.mark.browser


def test_an_appeal_with_a_picture_reaches_a_phone_without_script(served_portal, browser):
    page = staff_page(browser, served_portal, "sgt.notices@example.org", "supervisor")
    page.goto(served_portal.url + "/staff/notices/new")
    page.select_option("#notice_type", "missing-person")
    page.fill("#title", "Missing: Ana Lopez, 11, last seen near the Deerfield Public Library on Saturday")
    page.fill("#summary", "Ana is 4 ft 10 in, wearing a red school jacket. Call 911 if you see her.")
    page.set_input_files("#image", str(DATA / "photo_with_gps.jpg"))
    page.fill("#image_alt", "Ana, smiling, in a red school jacket")
    for field, value in (("#severity", "Severe"), ("#urgency", "Immediate"), ("#certainty", "Likely")):
        page.select_option(field, value)
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Approve and publish").click()
    assert page.locator('[data-notice="state"]').inner_text() == "published"
    page.context.close()

    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    phone = context.new_page()
    phone.goto(served_portal.url + "/")
    banner = phone.locator("aside.alert-banner")
    assert banner.is_visible() and "Missing: Ana Lopez" in banner.inner_text()
    with phone.expect_navigation():
        banner.get_by_role("link").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    picture = phone.get_by_role("img", name="Ana, smiling, in a red school jacket")
    assert picture.is_visible() and picture.evaluate("image => image.naturalWidth") > 0
    assert picture.bounding_box()["width"] <= PHONE["width"]
    with phone.expect_navigation():
        phone.get_by_role("link", name="I have information").click()
    assert "Missing: Ana Lopez" in phone.locator('[data-tip="appeal"]').inner_text()
    assert phone.locator("#category").input_value() == "missing-persons"
    context.close()
