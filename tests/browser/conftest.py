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


def staff_page(browser, server: Server, email: str, role: str):
    """A new browser tab signed in to the back office as a new account of that role."""
    import pyotp

    output = run_flask(server.environ, "staff", "create", "--email", email, "--name", email.split("@")[0].title(),
                       "--role", role, input=PASSWORD + "\n")
    secret = re.search(r"secret=([A-Z2-7]+)", output).group(1)
    page = browser.new_context().new_page()
    page.goto(server.url + "/staff/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()
    return page
