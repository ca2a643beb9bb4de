"""Hostile tips shown in the back office, in a real browser: nothing they carry ever runs."""

from __future__ import annotations

import pytest

from tests.browser.conftest import serve_portal, staff_page
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import xss_payloads

pytestmark = pytest.mark.browser

PAYLOADS_PER_TIP = 30


def send_hostile_tips(browser, base_url: str) -> list[str]:
    """Every payload of the corpus, sent through the real tip form with JavaScript off."""
    payloads = xss_payloads()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    batches = [payloads[start:start + PAYLOADS_PER_TIP] for start in range(0, len(payloads), PAYLOADS_PER_TIP)]
    for batch in batches:
        page.goto(base_url + "/tips/new")
        page.select_option("#category", "other")
        page.fill("#description", "\n".join(batch))
        page.fill("#where_text", batch[0][:500])
        page.get_by_role("button", name="Send tip").click()
        assert page.locator('[data-receipt="tip-number"]').count() == 1
    context.close()
    return ["\n".join(batch) for batch in batches]


@pytest.fixture(scope="module")
def served_for_flood(tmp_path_factory):
    """Many tips from one browser: flood control is tested elsewhere and is relaxed here."""
    if TEST_DATABASE_URL:
        pytest.skip("browser tests run once, on SQLite")
    with serve_portal(tmp_path_factory.mktemp("xss"), PORTAL_PUBLIC_TIP_MIN_FILL_SECONDS="0",
                      PORTAL_PUBLIC_TIP_LIMIT='"1000 per hour"') as server:
        yield server


def test_no_payload_runs_on_any_staff_page(served_for_flood, browser):
    served_portal = served_for_flood
    sent = send_hostile_tips(browser, served_portal.url)

    page = staff_page(browser, served_portal, "chief@example.org", "admin")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(served_portal.url + "/staff/queue/?sort=newest")
    links = [link.get_attribute("href") for link in page.locator('a[href^="/staff/cases/"]').all()]
    assert len(links) == len(sent)
    shown = []
    for link in links:
        page.goto(served_portal.url + link)
        text = page.locator('[data-case="text"]')
        assert text.locator("*").count() == 0, "the tip's text must stay text: no element was built from it"
        shown.append(text.text_content())
    assert sorted(shown) == sorted(sent), "every payload is shown exactly as it was typed"
    assert dialogs == [], dialogs
    assert page.evaluate("typeof window.xss === 'undefined'")
    page.context.close()
