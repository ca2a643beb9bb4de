"""Error pages: friendly, with the emergency banner and the phone numbers, never a stack trace."""

from __future__ import annotations

import pytest

from tests.conftest import create_staff
from tests.helpers import parse_page, sign_in


def assert_error_page_shows_contacts(response, status: int, title: str) -> None:
    assert response.status_code == status
    text = parse_page(response).text
    assert title in text
    assert "Emergency? Call 911." in text
    assert "(847) 945-8636" in text
    assert "Traceback" not in text


def test_404_page(client):
    assert_error_page_shows_contacts(client.get("/missing"), 404, "Page not found")


def test_405_page_says_which_methods_are_allowed(client):
    response = client.post("/terms")
    assert_error_page_shows_contacts(response, 405, "That action is not allowed here")
    assert set(response.headers["Allow"].split(", ")) >= {"GET"}


def test_413_page(make_app):
    app = make_app("staff", MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/login", data={"email": "a@b.example", "password": "x" * 4000})
    assert_error_page_shows_contacts(response, 413, "That upload is too large")


def test_400_page(client):
    # Over-long or malformed input to a public route must never break the page.
    assert client.get("/prevention/" + "a" * 5000 + "/").status_code == 404
    assert_error_page_shows_contacts(client.get("/prevention/%00/"), 404, "Page not found")


def test_429_page_after_the_configured_limit(make_app):
    app = make_app("public", RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="3 per minute")
    client = app.test_client()
    assert [client.get("/terms").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/terms")
    assert_error_page_shows_contacts(response, 429, "Too many requests")
    assert response.headers["Retry-After"] == "60"
    assert "call us instead" in parse_page(response).text


def test_limits_count_per_client_address(make_app):
    app = make_app("public", RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute")
    client = app.test_client()
    for _ in range(2):
        client.get("/terms", environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert client.get("/terms", environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 429
    assert client.get("/terms", environ_base={"REMOTE_ADDR": "198.51.100.2"}).status_code == 200


def test_database_outage_gives_503_with_phone_numbers(make_app, tmp_path):
    app = make_app("public", create_schema=False, PORTAL_DATABASE_URL=f"sqlite:///{tmp_path}/no-such-folder/portal.db")
    client = app.test_client()
    response = client.get("/terms")
    assert_error_page_shows_contacts(response, 503, "This service is temporarily unavailable")
    assert response.headers["Retry-After"] == "60"
    assert "nothing you send can be received" in parse_page(response).text


def test_postgresql_outage_gives_503(make_app):
    app = make_app(
        "public", create_schema=False, PORTAL_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"
    )
    response = app.test_client().get("/official-accounts")
    assert_error_page_shows_contacts(response, 503, "This service is temporarily unavailable")


def test_staff_error_pages_also_show_the_banner(staff_app):
    client = staff_app.test_client()
    sign_in(client, create_staff(staff_app))
    assert_error_page_shows_contacts(client.get("/no-such-page"), 404, "Page not found")


def test_unexpected_error_gives_a_friendly_500(make_app):
    app = make_app("public")
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom-for-test")
    assert_error_page_shows_contacts(response, 500, "Something went wrong on our side")
    assert "secret internals" not in response.get_data(as_text=True)


def test_input_the_database_refuses_is_a_400_not_a_500(make_app):
    from sqlalchemy.exc import DataError

    app = make_app("public")

    @app.get("/refused-for-test")
    def refused():
        raise DataError("SELECT 1", {}, ValueError("PostgreSQL text fields cannot contain NUL (0x00) bytes"))

    assert_error_page_shows_contacts(app.test_client().get("/refused-for-test"), 400, "Something in that request was not right")


@pytest.mark.parametrize(
    ("error", "status", "title"),
    [("NotFound", 404, "Page not found"), ("PermissionDenied", 403, "You cannot open this page")],
)
def test_service_errors_map_to_their_pages(make_app, error, status, title):
    from portal import exceptions

    app = make_app("public")

    @app.get("/service-error-for-test")
    def service_error():
        raise getattr(exceptions, error)("details that stay in the server")

    response = app.test_client().get("/service-error-for-test")
    assert_error_page_shows_contacts(response, status, title)
    assert "details that stay in the server" not in response.get_data(as_text=True)


def test_healthz_reports_database_status(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["rate_limit_storage"]["ok"] is True


def test_healthz_reports_a_rate_limit_store_outage_as_degraded_not_down(make_app):
    app = make_app("public", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "degraded"
    assert response.get_json()["rate_limit_storage"] == {"enabled": True, "ok": False,
                                                         "fallback": "in-memory per worker"}
    assert response.get_json()["database"]["ok"] is True


def test_healthz_reports_a_database_outage_as_json_503(make_app, tmp_path):
    app = make_app("staff", create_schema=False, PORTAL_DATABASE_URL=f"sqlite:///{tmp_path}/missing/portal.db")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"]["ok"] is False


def test_healthz_shows_sqlite_durability_settings_in_effect(client):
    database = client.get("/healthz").get_json()["database"]
    if database["backend"] != "sqlite":
        pytest.skip("SQLite only")
    sqlite = database["sqlite"]
    assert sqlite["synchronous"] == 2  # FULL
    assert sqlite["foreign_keys"] == 1
    assert sqlite["journal_mode"] == ("wal" if sqlite["wal_reset_fix"] else "delete")
