"""A real server with demo content, and headless Chromium at a phone's width."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, TEST_DATABASE_URL
from tests.serving import Server, free_port, gunicorn_command, run_flask, server_environment

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags that keep Chromium from reaching for the network, which this machine does not have.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js").read_text(encoding="utf-8")
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    return result.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
}"""

# With JavaScript off, code run through the DevTools protocol still runs but timers never fire, and
# axe waits on them: short ones are run as microtasks instead, long ones (watchdogs) never.
TIMERS_WITHOUT_SCRIPT = """() => {
    let next = 1;
    const cancelled = new Set();
    window.setTimeout = (callback, delay, ...args) => {
        const id = next++;
        if (!(delay > 0)) Promise.resolve().then(() => { if (!cancelled.has(id)) callback(...args); });
        return id;
    };
    window.clearTimeout = (id) => cancelled.add(id);
    window.requestAnimationFrame = (callback) => window.setTimeout(() => callback(performance.now()));
}"""


def violations(page, scripting: bool = True) -> list[str]:
    """axe-core's WCAG 2.1 A and AA findings on the page as it is now; ``scripting`` False for a
    page in a context with JavaScript disabled."""
    if not scripting:
        page.evaluate(TIMERS_WITHOUT_SCRIPT)
    page.evaluate(AXE)
    return page.evaluate(RUN_AXE, WCAG_21_AA)


@contextmanager
def serve_portal(folder: Path, **settings: str) -> Iterator[Server]:
    """Both zones served by gunicorn as `make run` does, over a migrated, seeded database."""
    port = free_port()
    environ = server_environment(f"sqlite:///{folder}/browser.db", port, **settings)
    run_flask(environ, "db", "upgrade")
    run_flask(environ, "seed-demo")
    with Server(gunicorn_command(), environ, port) as server:
        server.environ = environ
        yield server


@pytest.fixture(scope="module")
def served_portal(tmp_path_factory) -> Iterator[Server]:
    if TEST_DATABASE_URL:
        pytest.skip("browser tests run once, on SQLite")
    with serve_portal(tmp_path_factory.mktemp("browser")) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def create_staff(server: Server, email: str, role: str, unit: str = "") -> str:
    """A new back-office account, with the password PASSWORD; returns its two-factor secret."""
    output = run_flask(server.environ, "staff", "create", "--email", email, "--name", email.split("@")[0].title(),
                       "--role", role, "--unit", unit, input=PASSWORD + "\n")
    return re.search(r"secret=([A-Z2-7]+)", output).group(1)


def staff_page(browser, server: Server, email: str, role: str):
    """A new browser tab signed in to the back office as a new account of that role."""
    import pyotp

    secret = create_staff(server, email, role)
    page = browser.new_context().new_page()
    page.goto(server.url + "/staff/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()
    return page
