"""CSRF protection is on in real configuration and fails with a friendly page."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD, create_staff
from tests.helpers import parse_page


def csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_sign_in_without_a_token_is_refused_with_a_friendly_page(make_app):
    app = make_app("staff", WTF_CSRF_ENABLED=True)
    email = create_staff(app)
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    text = parse_page(response).text
    assert "This form has expired" in text
    assert "Emergency? Call 911." in text
    assert "(847) 945-8636" in text
    assert client.get("/").status_code == 302, "not signed in"


def test_a_token_from_another_session_is_refused(make_app):
    app = make_app("staff", WTF_CSRF_ENABLED=True)
    email = create_staff(app)
    token = csrf_token(app.test_client(), "/login")
    response = app.test_client().post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 400


def test_sign_in_with_the_token_works(make_app):
    app = make_app("staff", WTF_CSRF_ENABLED=True)
    email = create_staff(app)
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_sign_out_cannot_be_forged(make_app):
    app = make_app("staff", WTF_CSRF_ENABLED=True)
    email = create_staff(app)
    client = app.test_client()
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200, "still signed in"
