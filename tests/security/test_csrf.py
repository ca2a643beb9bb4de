"""CSRF protection is on in real configuration and fails with a friendly page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD, create_staff
from tests.helpers import current_code, parse_page


@pytest.fixture
def csrf_app(make_app):
    app = make_app("staff", WTF_CSRF_ENABLED=True)
    create_staff(app)
    return app


def csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def sign_in_with_token(client, token: str):
    """Both steps, each with the token its own page carries."""
    response = client.post("/login", data={"email": "sgt.rivera@example.org", "password": PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        return response
    code = current_code(client.application, "sgt.rivera@example.org")
    return client.post("/login/code", data={"code": code, "csrf_token": csrf_token(client, "/login/code")})


def test_sign_in_without_a_token_is_refused_with_a_friendly_page(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": "sgt.rivera@example.org", "password": PASSWORD})
    assert response.status_code == 400
    text = parse_page(response).text
    assert "This form has expired" in text
    assert "Emergency? Call 911." in text
    assert "(847) 945-8636" in text
    assert client.get("/").status_code == 302, "not signed in"


def test_a_token_from_another_session_is_refused(csrf_app):
    token = csrf_token(csrf_app.test_client(), "/login")
    assert sign_in_with_token(csrf_app.test_client(), token).status_code == 400


def test_sign_in_with_the_token_works(csrf_app):
    client = csrf_app.test_client()
    assert sign_in_with_token(client, csrf_token(client, "/login")).status_code == 302


def test_sign_out_cannot_be_forged(csrf_app):
    client = csrf_app.test_client()
    sign_in_with_token(client, csrf_token(client, "/login"))
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200, "still signed in"
