"""Tip tests run with the minimum fill time off, except where a test turns it back on; notice tests
share a site with its public address set and a supervisor to publish on it."""

from __future__ import annotations

import pytest

from tests.conftest import staff_browser
from tests.helpers import TipActions


@pytest.fixture
def make_tip_app(make_app):
    """A seeded public app; the minimum fill time is off unless the test sets it."""

    def build(**overrides):
        app = make_app("public", **{"PORTAL_TIP_MIN_FILL_SECONDS": 0, **overrides})
        assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
        return app

    return build


@pytest.fixture
def tip_app(make_tip_app):
    return make_tip_app()


@pytest.fixture
def tipster(tip_app) -> TipActions:
    return TipActions(tip_app.test_client())


@pytest.fixture
def report_app(make_tip_app, mail_server):
    return make_tip_app(**mail_server.settings())


@pytest.fixture
def reporter(report_app):
    from tests.helpers import ReporterActions

    return ReporterActions(report_app.test_client())


@pytest.fixture
def site(make_tip_app):
    return make_tip_app(PORTAL_SITE_URL="https://portal.example.org")


@pytest.fixture
def sergeant(staff_app, site):
    return staff_browser(staff_app, "sgt@example.org", "supervisor")
