"""Redis down: the limits fail open onto each worker's memory instead of failing the request.

The rate-limit store is pointed at a closed loopback port, as if Redis had stopped.
"""

from __future__ import annotations

from portal.extensions import db
from portal.models.tips import Tip
from tests.conftest import create_staff
from tests.helpers import TipActions, parse_page, sign_in

REDIS_DOWN = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}


def tip_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Tip))


def test_tipsters_are_served_and_still_limited_while_redis_is_down(make_app):
    app = make_app("public", PORTAL_TIP_MIN_FILL_SECONDS=0, PORTAL_TIP_LIMIT="2 per hour", **REDIS_DOWN)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    tipster = TipActions(app.test_client())
    assert tipster.client.get("/").status_code == 200
    sent = [tipster.submit(description=f"Tip number {n} about the library.") for n in range(2)]
    assert [response.status_code for response in sent] == [200, 200]
    assert all(tipster.credentials(response) for response in sent)
    limited = tipster.submit(description="A third tip, kept for later.")
    assert limited.status_code == 429
    assert "A third tip, kept for later." in limited.get_data(as_text=True)
    assert tip_count(app) == 2
    health = app.test_client().get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["status"] == "degraded"
    assert health.get_json()["rate_limit_storage"]["ok"] is False


def test_staff_sign_in_stays_throttled_while_redis_is_down(make_app):
    app = make_app("staff", PORTAL_LOGIN_LIMIT="3 per minute", **REDIS_DOWN)
    create_staff(app, email="target@example.org")
    client = app.test_client()
    attempts = [sign_in(client, "target@example.org", "wrong guess").status_code for _ in range(4)]
    assert attempts == [200, 200, 200, 429]
    assert "Too many" in parse_page(sign_in(client, "target@example.org", "wrong guess")).text
