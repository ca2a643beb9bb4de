"""Security headers on every response of both zones, errors and static files included."""

from __future__ import annotations

import pytest

PUBLIC_PATHS = ["/", "/terms", "/official-accounts", "/prevention/", "/no-such-page", "/healthz",
                "/static/css/portal.css"]
STAFF_PATHS = ["/login", "/", "/no-such-page", "/healthz", "/static/css/portal.css"]


def assert_security_headers(response, zone: str) -> None:
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    if zone == "public":
        assert "script-src" not in directives, "no script at all on the public site"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers, "only over HTTPS"


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_responses_carry_security_headers(client, path):
    with client.get(path) as response:
        assert_security_headers(response, "public")


@pytest.mark.parametrize("path", STAFF_PATHS)
def test_staff_responses_carry_security_headers_and_are_never_cached(staff_client, path):
    with staff_client.get(path) as response:
        assert_security_headers(response, "staff")
        assert response.headers["Cache-Control"] == "no-store"


def test_hsts_is_sent_over_https(client):
    response = client.get("/", base_url="https://portal.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_forwarded_https_is_trusted_only_when_a_proxy_is_configured(make_app):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    untrusting = make_app("public").test_client()
    assert "Strict-Transport-Security" not in untrusting.get("/", headers=headers).headers
    behind_proxy = make_app("public", PORTAL_PROXY_COUNT=1).test_client()
    assert "Strict-Transport-Security" in behind_proxy.get("/", headers=headers).headers


def test_rate_limit_key_is_the_forwarded_address_only_behind_a_configured_proxy(make_app):
    app = make_app("public", PORTAL_PROXY_COUNT=1, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="1 per minute")
    client = app.test_client()
    assert client.get("/terms", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    assert client.get("/terms", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    assert client.get("/terms", headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 200


def test_sign_in_page_is_not_cached_and_public_pages_may_be(client, staff_client):
    assert staff_client.get("/login").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/terms").headers.get("Cache-Control", "")
    assert client.get("/no-such-page").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(make_app):
    from tests.conftest import create_staff
    from tests.helpers import sign_in

    app = make_app("staff", SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    response = sign_in(client, create_staff(app))
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("portal_staff=")
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=Strict" in cookie


def test_request_body_size_is_capped(make_app):
    app = make_app("staff", MAX_CONTENT_LENGTH=2048)
    response = app.test_client().post("/login", data={"email": "x@example.org", "password": "p" * 5000})
    assert response.status_code == 413
