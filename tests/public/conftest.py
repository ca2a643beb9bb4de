"""Tip tests run with the minimum fill time off, except where a test turns it back on."""

from __future__ import annotations

import pytest

from tests.helpers import TipActions


@pytest.fixture
def tip_app(make_app):
    app = make_app("public", PORTAL_TIP_MIN_FILL_SECONDS=0)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    return app


@pytest.fixture
def tipster(tip_app) -> TipActions:
    return TipActions(tip_app.test_client())
