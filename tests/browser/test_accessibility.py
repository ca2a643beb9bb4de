"""axe-core on every public page (in English and in Spanish) and every staff page, at a phone's
width and a desktop's: no WCAG 2.1 A or AA violation, the page's language marked, no sideways
scrolling on a phone. A screenshot of each is kept in ``test-artifacts/screenshots/<language>/<width>/``.

axe-core 4.14.1 is vendored from the npm registry (``vendor/axe-core-4.14.1/``, MPL-2.0, unmodified)
and run through the DevTools protocol, which the pages' Content-Security-Policy does not govern.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE, staff_page, violations
from tests.serving import ROOT

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

PUBLIC_PAGES = ["/", "/tell-us", "/terms", "/official-accounts", "/prevention/", "/prevention/online/",
                "/prevention/fraud/government-impostor-calls", "/prevention/search?q=lock+car",
                "/prevention/search?q=nothing+matches+this", "/notices/", "/notices/archive", "/tips/new",
                "/tips/check", "/reports/screening", "/reports/status", "/crime-map/", "/crime-map/table",
                "/crime-map/trends", "/crime-map/about", "/no-such-page", "/staff/login"]
STAFF_PAGES = ["/staff/", "/staff/queue/", "/staff/notices/", "/staff/notices/new",
               "/staff/prevention/", "/staff/prevention/new", "/staff/rules/", "/staff/rules/areas",
               "/staff/admin/accounts", "/staff/admin/audit", "/staff/retention/", "/staff/disclosure/",
               "/staff/incidents/", "/staff/account/password"]

def screenshot_name(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def check_page(page, url: str, path: str, width: int, language: str = "en") -> list[str]:
    page.set_viewport_size({"width": width, "height": PHONE["height"] if width == PHONE["width"] else 800})
    page.goto(url + path)
    assert page.url == url + path, f"{path} led to {page.url}: the page itself was not checked"
    folder = SCREENSHOTS / language / str(width)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{screenshot_name(path)}.png"), full_page=True)
    problems = [f"{path} at {width} px: {found}" for found in violations(page)]
    if not path.startswith("/staff/"):
        drawn_in = page.evaluate("document.documentElement.lang")
        problems += [f"{path} is marked lang={drawn_in}, not {language}"] if drawn_in != language else []
    if width == PHONE["width"] and page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"):
        problems.append(f"{path} scrolls sideways at {width} px")
    return problems


@pytest.mark.parametrize("width", [PHONE["width"], DESKTOP["width"]])
@pytest.mark.parametrize("language", ["en", "es"])
def test_no_public_page_has_a_wcag_violation(served_portal, browser, width, language):
    # The browser's own language picks the site's, as for a resident whose phone is set to Spanish.
    context = browser.new_context(locale={"en": "en-US", "es": "es-US"}[language])
    page = context.new_page()
    found = [problem for path in PUBLIC_PAGES
             for problem in check_page(page, served_portal.url, path, width, language)]
    context.close()
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("width", [PHONE["width"], DESKTOP["width"]])
def test_no_staff_page_has_a_wcag_violation(served_portal, browser, width):
    page = staff_page(browser, served_portal, f"axe{width}@example.org", "admin")
    found = [problem for path in STAFF_PAGES for problem in check_page(page, served_portal.url, path, width)]
    page.context.close()
    assert found == [], "\n".join(found)


def test_the_check_finds_a_violation_when_there_is_one(served_portal, browser):
    page = browser.new_context().new_page()
    page.goto(served_portal.url + "/terms")
    page.evaluate("""() => {
        const field = document.createElement("input");
        field.type = "text";
        document.querySelector("main").append(field);
    }""")
    found = violations(page)
    page.context.close()
    assert any(problem.startswith("label ") for problem in found), found
