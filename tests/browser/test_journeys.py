"""Issue 10's journeys from end to end, each three ways: with a mouse, with JavaScript off, and with
the keyboard alone.

Every page a journey reaches, public or staff, is checked as it is reached: no WCAG 2.1 A or AA
violation found by axe-core, no sideways scrolling (residents at a phone's 360 px, staff at 1280 px),
no duplicate ids, no positive tabindex. By keyboard every focus stop on the way must be visible,
and a form sent with a required field missing must say so next to the field and in an alert.
"""

from __future__ import annotations

import io
import re
import uuid

import pyotp
import pytest
from PIL import Image

from tests.browser.conftest import DESKTOP, PHONE, create_staff, serve_portal, staff_page, violations
from tests.conftest import PASSWORD, TEST_DATABASE_URL

pytestmark = pytest.mark.browser

VARIANTS = ["mouse", "no-script", "keyboard"]
UNITS = {"drugs": "Narcotics", "missing-persons": "Missing Persons", "lost-property": "Records Desk"}
PAGE_FACTS = """() => {
    const root = document.documentElement;
    // Hidden inputs are never labelled or described, so only the ids of the others must be unique.
    const ids = [...document.querySelectorAll("[id]:not([type=hidden])")].map(element => element.id);
    return {
        tooWide: root.scrollWidth > root.clientWidth ? `${root.scrollWidth} px wide in ${root.clientWidth} px` : "",
        duplicateIds: [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))],
        positiveTabindex: [...document.querySelectorAll("[tabindex]")].filter(element => element.tabIndex > 0)
            .map(element => element.outerHTML.slice(0, 80)),
    };
}"""
# Visible means an outline or a shadow; an outline, drawn around the element, must also stand out
# 3:1 from what is behind it (WCAG 1.4.11).
FOCUS = """([selector, text]) => {
    const element = document.activeElement;
    if (!element || element === document.body) return {hit: false, visible: true, what: "body"};
    // The last stop of a date field is its calendar button, which Chromium rings itself.
    if (element.matches("input[type^=date]") && !element.matches(":focus")) {
        return {hit: false, visible: true, what: "calendar button"};
    }
    const style = getComputedStyle(element);
    const words = (element.textContent || "").replace(/\\s+/g, " ").trim();
    const luminance = (colour) => {
        const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map(value => {
            const channel = value / 255;
            return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    let behind = "rgb(255, 255, 255)";
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        const colour = getComputedStyle(parent).backgroundColor;
        if (colour !== "transparent" && !colour.startsWith("rgba(0, 0, 0, 0)")) { behind = colour; break; }
    }
    const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const [light, dark] = [luminance(style.outlineColor), luminance(behind)].sort((a, b) => b - a);
    const contrast = (light + 0.05) / (dark + 0.05);
    return {
        hit: element.matches(selector) && (text === null || words === text),
        visible: (outlined && contrast >= 3) || (!outlined && style.boxShadow !== "none"),
        what: `${element.outerHTML.slice(0, 100)} (outline ${style.outlineStyle} ${style.outlineColor} on ${behind})`,
    };
}"""
CHOSEN = "document.activeElement.options[document.activeElement.selectedIndex].text"
DESCRIPTION = """(selector) => {
    const field = document.querySelector(selector);
    const ids = (field.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
    return {invalid: field.getAttribute("aria-invalid"),
            described: ids.map(id => document.getElementById(id)?.textContent || "").join(" ")};
}"""


@pytest.fixture(scope="module")
def portal(tmp_path_factory, browser):
    """One server for the module, with flood control relaxed (it is tested elsewhere: these journeys
    send many forms from one address, quicker than a person types) and routing rules set by an admin."""
    if TEST_DATABASE_URL:
        pytest.skip("browser tests run once, on SQLite")
    relaxed = '"1000 per hour"'
    with serve_portal(tmp_path_factory.mktemp("journeys"), PORTAL_PUBLIC_TIP_MIN_FILL_SECONDS="0",
                      PORTAL_PUBLIC_TIP_LIMIT=relaxed, PORTAL_PUBLIC_TIP_FORM_LIMIT=relaxed,
                      PORTAL_PUBLIC_TIP_CHECK_LIMIT=relaxed, PORTAL_PUBLIC_REPORT_LIMIT=relaxed,
                      PORTAL_PUBLIC_REPORT_STATUS_LIMIT=relaxed, PORTAL_RATELIMIT_DEFAULT='"1000 per minute"',
                      PORTAL_STAFF_LOGIN_LIMIT='"1000 per minute"') as server:
        admin = staff_page(browser, server, "routing.admin@example.org", "admin")
        for category, unit in UNITS.items():
            admin.goto(server.url + "/staff/rules/")
            admin.fill("#name", f"{unit} work")
            admin.select_option("#kind", "report" if category == "lost-property" else "tip")
            admin.fill("#category", category)
            admin.fill("#unit_name", unit)
            admin.get_by_role("button", name="Add rule").click()
            assert admin.get_by_text("Rule added").is_visible()
        admin.context.close()
        yield server


def photo_with_camera_details() -> bytes:
    """A small JPEG that says where it was taken and with what camera."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Acme", "PhoneCam 3"
    exif[0x8825] = {1: "N", 2: (42.0, 10.0, 15.0), 3: "W", 4: (87.0, 50.0, 40.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


class Person:
    """One person's browser, driven one way, that checks every page it reaches."""

    def __init__(self, browser, server, variant: str, viewport: dict[str, int]) -> None:
        self.server, self.variant, self.keyboard = server, variant, variant == "keyboard"
        self.context = browser.new_context(viewport=viewport, java_script_enabled=variant != "no-script")
        self.page = self.context.new_page()
        self.problems: list[str] = []

    def where(self) -> str:
        return self.page.url.removeprefix(self.server.url)

    def check_page(self) -> None:
        facts = self.page.evaluate(PAGE_FACTS)
        where = f"{self.where()} ({self.variant})"
        self.problems += [f"{where}: {found}" for found in violations(self.page, self.variant != "no-script")]
        if facts["tooWide"]:
            self.problems.append(f"{where}: scrolls sideways, {facts['tooWide']}")
        self.problems += [f"{where}: duplicate id {found}" for found in facts["duplicateIds"]]
        self.problems += [f"{where}: positive tabindex {found}" for found in facts["positiveTabindex"]]

    def open(self, path: str) -> None:
        self.page.goto(self.server.url + path)
        self.check_page()

    def tab_to(self, selector: str, text: str | None = None) -> None:
        """Tab forward until the focus is on the element; every stop on the way must show its focus."""
        for _ in range(250):
            self.page.keyboard.press("Tab")
            focus = self.page.evaluate(FOCUS, [selector, text])
            if not focus["visible"]:
                self.problems.append(f"{self.where()}: focus not visible on {focus['what']}")
            if focus["hit"]:
                return
        raise AssertionError(f"Tab never reached {selector} {text or ''} on {self.where()}")

    def type_into(self, selector: str, text: str) -> None:
        if self.keyboard:
            self.tab_to(selector)
            self.page.keyboard.type(text)
        else:
            self.page.fill(selector, text)

    def choose(self, selector: str, label: str) -> None:
        """Pick an option of a drop-down by its words; by keyboard, with the arrows from the top."""
        if not self.keyboard:
            self.page.select_option(selector, label=label)
            return
        self.tab_to(selector)
        self.page.keyboard.press("Home")
        for _ in range(50):
            if self.page.evaluate(CHOSEN) == label:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"no option {label!r} in {selector} on {self.where()}")

    def answer(self, name: str, value: str) -> None:
        """A radio question; by keyboard the arrows move through its options."""
        if not self.keyboard:
            self.page.check(f'input[name="{name}"][value="{value}"]')
            return
        self.tab_to(f'input[name="{name}"]')
        for _ in range(5):
            if self.page.evaluate("document.activeElement.value") == value:
                break
            self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("Space")
        assert self.page.is_checked(f'input[name="{name}"][value="{value}"]')

    def attach(self, selector: str, name: str, data: bytes, media_type: str) -> None:
        if self.keyboard:
            self.tab_to(selector)
            selector = ":focus"
        self.page.set_input_files(selector, files=[{"name": name, "mimeType": media_type, "buffer": data}])

    def activate(self, selector: str, text: str | None = None) -> None:
        """Follow a link or press a button, and check the page it leads to."""
        with self.page.expect_navigation():
            if self.keyboard:
                self.tab_to(selector, text)
                self.page.keyboard.press("Enter")
            else:
                target = self.page.locator(selector)
                if text:
                    target = target.filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))
                target.first.click()
        self.check_page()

    def follow(self, link: str) -> None:
        self.activate("a", link)

    def press(self, button: str) -> None:
        self.activate("button", button)

    def text(self, selector: str) -> str:
        return self.page.locator(selector).inner_text()

    def shows_error(self, selector: str, message: str) -> None:
        """A required field left empty: the message is tied to the field and announced."""
        field = self.page.evaluate(DESCRIPTION, selector)
        assert field["invalid"] == "true", f"{selector} is not marked invalid on {self.where()}"
        assert message in field["described"], f"{selector} is not described by {message!r}: {field['described']!r}"
        assert self.page.locator('[role="alert"]').first.is_visible(), f"no alert on {self.where()}"

    def close(self) -> list[str]:
        self.context.close()
        return self.problems


def resident(browser, server, variant: str) -> Person:
    return Person(browser, server, variant, PHONE)


def staff_member(browser, server, variant: str, role: str, unit: str = "") -> Person:
    """Signed in with password and the authenticator's code, the way the variant works."""
    email = f"{role}.{uuid.uuid4().hex[:8]}@example.org"
    secret = create_staff(server, email, role, unit)
    person = Person(browser, server, variant, DESKTOP)
    person.open("/staff/login")
    person.type_into("#email", email)
    person.type_into("#password", PASSWORD)
    person.press("Sign in")
    person.type_into("#code", pyotp.TOTP(secret).now())
    person.press("Sign in")
    assert person.where() == "/staff/", f"signing in led to {person.where()}"
    return person


def assert_well_made(*people: Person) -> None:
    """Close each person's browser; no page any of them reached may have had a problem."""
    problems = [problem for person in people for problem in person.close()]
    assert problems == [], "\n".join(problems)


def open_from_queue(person: Person, words: str, unit: str) -> None:
    """Find one submission in the queue by its text; it must be in the unit's queue."""
    person.follow("Queue")
    person.type_into("#search", words)
    person.press("Show")
    rows = person.page.locator("table.queue tbody tr")
    assert rows.count() == 1, rows.all_inner_texts()
    assert unit in rows.first.inner_text()
    person.activate('table.queue a[href^="/staff/cases/"]')
    assert unit in person.text('[data-case="routing"]')


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_tip_with_a_photo_is_answered_and_the_tipster_reads_the_answer(portal, browser, variant):
    words = f"blue van {uuid.uuid4().hex[:6]}"
    tipster = resident(browser, portal, variant)
    tipster.open("/")
    tipster.follow("Send a tip")
    if tipster.keyboard:
        tipster.choose("#category", "Drugs")
        tipster.press("Send tip")
        tipster.shows_error("#description", "Please tell us what happened.")
    tipster.choose("#category", "Drugs")
    tipster.type_into("#description", f"A {words} stops at the corner house every night; bags change hands.")
    tipster.type_into("#where_text", "Corner of Elm and 3rd")
    tipster.attach("#attachments", "van.jpg", photo_with_camera_details(), "image/jpeg")
    tipster.press("Send tip")
    tip_number = tipster.text('[data-receipt="tip-number"]')
    passphrase = tipster.text('[data-receipt="passphrase"]')
    assert "removed GPS location, camera make and model" in tipster.text(".file-receipts")

    investigator = staff_member(browser, portal, variant, "investigator", UNITS["drugs"])
    open_from_queue(investigator, words, UNITS["drugs"])
    assert words in investigator.text('[data-case="text"]')
    files = investigator.page.locator("li", has_text="Download file 1")
    assert "image/jpeg" in files.inner_text() and "GPS location" in files.inner_text()
    investigator.type_into('form[action$="/tipster"] textarea[name="body"]', "Thank you. Which night was it last?")
    investigator.choose("#status", "Under review")
    investigator.press("Send to the tipster")
    assert investigator.page.get_by_text("Sent to the tipster").is_visible()

    tipster.follow("check on your tip")
    tipster.type_into("#tip_number", tip_number)
    tipster.type_into("#passphrase", passphrase)
    tipster.press("Open my tip")
    assert tipster.text('[data-tip="status"]') == "Under review"
    assert "Thank you. Which night was it last?" in tipster.text(".conversation")
    assert_well_made(investigator, tipster)


@pytest.mark.parametrize("variant", VARIANTS)
def test_an_online_report_is_approved_and_the_reporter_sees_the_case_number(portal, browser, variant):
    words = f"green umbrella {uuid.uuid4().hex[:6]}"
    email = f"reporter.{uuid.uuid4().hex[:6]}@example.org"
    reporter = resident(browser, portal, variant)
    reporter.open("/")
    reporter.follow("Tell us something")
    reporter.follow("File a report online")
    for question, answer in [("emergency", "no"), ("known_suspect", "no"), ("evidence", "no"), ("injury", "no"),
                             ("weapon", "no"), ("loss_over_limit", "no"), ("adult", "yes")]:
        reporter.answer(question, answer)
    reporter.choose("#place", "Deerfield")
    reporter.press("Continue")
    reporter.follow("Lost property")
    if reporter.keyboard:
        # Month, day and year, then the time: Tab moves between the parts of a date and time field.
        reporter.tab_to("#occurred_from")
        reporter.page.keyboard.type("11202026")
        reporter.page.keyboard.press("Tab")
        reporter.page.keyboard.type("0930AM")
    else:
        reporter.type_into("#occurred_from", "2026-11-20T09:30")
    reporter.type_into("#location", "Deerfield library")
    if reporter.keyboard:
        reporter.press("Send report")
        reporter.shows_error("#narrative", "Please describe what happened.")
        assert reporter.page.input_value("#occurred_from") == "2026-11-20T09:30", "what was typed is kept"
        assert reporter.page.input_value("#location") == "Deerfield library"
    reporter.type_into("#narrative", f"I left a {words} and my wallet on a table in the reading room.")
    reporter.type_into("#items-0-description", "Brown leather wallet")
    reporter.type_into("#reporter_name", "Ann Lee")
    reporter.type_into("#reporter_email", email)
    reporter.type_into("#reporter_phone", "847-555-0123")
    reporter.type_into("#reporter_address", "12 Elm Street")
    reporter.press("Send report")
    reference = reporter.text('[data-receipt="report-reference"]')
    assert reference.startswith("R-")

    clerk = staff_member(browser, portal, variant, "investigator", UNITS["lost-property"])
    open_from_queue(clerk, words, UNITS["lost-property"])
    clerk.choose("#decision", "Approve: open an official case")
    case_number = f"2026-{uuid.uuid4().int % 100000:05d}"
    clerk.type_into("#case_number", case_number)
    clerk.press("Record decision")
    assert clerk.page.get_by_text("Decision recorded").is_visible()

    reporter.follow("check its status")
    reporter.type_into("#reference", reference)
    reporter.type_into("#email", email)
    reporter.press("Check status")
    assert reporter.text('[data-report="status"]') == "Approved: an official case was opened"
    assert reporter.text('[data-report="case-number"]') == case_number
    assert_well_made(clerk, reporter)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_missing_person_notice_brings_a_tip_linked_to_it(portal, browser, variant):
    title = f"Missing: Robert Hale, 78, last seen on Waukegan Road ({uuid.uuid4().hex[:4]})"
    words = f"grey coat {uuid.uuid4().hex[:6]}"
    unit = UNITS["missing-persons"]
    author = staff_member(browser, portal, variant, "communications")
    author.follow("Notices")
    author.follow("Write a notice")
    author.choose("#notice_type", "Missing or endangered person")
    author.type_into("#title", title)
    author.type_into("#summary", "Robert is 6 ft tall and wears a grey coat. Call 911 if you see him.")
    for field, value in (("#severity", "Severe"), ("#urgency", "Immediate"), ("#certainty", "Likely")):
        author.choose(field, value)
    author.press("Save draft")
    author.press("Submit for a supervisor's review")
    assert author.text('[data-notice="state"]') == "in-review"

    supervisor = staff_member(browser, portal, variant, "supervisor", unit)
    supervisor.follow("Notices")
    supervisor.follow(title)
    supervisor.press("Approve and publish")
    assert supervisor.text('[data-notice="state"]') == "published"

    tipster = resident(browser, portal, variant)
    tipster.open("/")
    assert title in tipster.text("aside.alert-banner")
    tipster.follow(title)
    tipster.follow("I have information")
    assert title in tipster.text('[data-tip="appeal"]')
    assert tipster.page.input_value("#category") == "missing-persons"
    if tipster.keyboard:
        tipster.press("Send tip")
        tipster.shows_error("#description", "Please tell us what happened.")
        assert title in tipster.text('[data-tip="appeal"]'), "the tip stays linked to the notice"
    tipster.type_into("#description", f"I saw a man in a {words} at the bus stop on Deerfield Road at 6 pm.")
    tipster.press("Send tip")
    assert tipster.page.locator('[data-receipt="tip-number"]').count() == 1

    open_from_queue(supervisor, words, unit)
    assert title in supervisor.text('[data-case="appeal"]')
    assert_well_made(author, supervisor, tipster)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_resident_who_reads_spanish_switches_language_and_sends_a_tip_in_spanish(portal, browser, variant):
    words = f"camioneta azul {uuid.uuid4().hex[:6]}"
    tipster = resident(browser, portal, variant)
    tipster.open("/")
    tipster.follow("Español")
    assert tipster.where() == "/" and tipster.page.evaluate("document.documentElement.lang") == "es"
    tipster.follow("Enviar una pista")
    if tipster.keyboard:
        tipster.choose("#category", "Drogas")
        tipster.press("Enviar pista")
        tipster.shows_error("#description", "Cuéntenos qué pasó.")
    tipster.choose("#category", "Drogas")
    tipster.type_into("#description", f"Una {words} se detiene cada noche en la esquina; ¿será él? Ñandú.")
    tipster.attach("#attachments", "camioneta.jpg", photo_with_camera_details(), "image/jpeg")
    tipster.press("Enviar pista")
    tip_number = tipster.text('[data-receipt="tip-number"]')
    assert "se quitó: ubicación GPS, marca y modelo de la cámara" in tipster.text(".file-receipts")
    # Remembered: the next page, reached from the receipt, is Spanish too.
    tipster.follow("consultar su pista")
    assert tipster.page.evaluate("document.documentElement.lang") == "es"

    investigator = staff_member(browser, portal, variant, "investigator", UNITS["drugs"])
    open_from_queue(investigator, words, UNITS["drugs"])
    assert f"Una {words} se detiene cada noche en la esquina; ¿será él? Ñandú." in investigator.text(
        '[data-case="text"]'), "staff read the tip exactly as typed"
    assert tip_number and investigator.page.evaluate("document.documentElement.lang") == "en"
    assert_well_made(investigator, tipster)
