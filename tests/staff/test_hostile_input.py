"""Hostile text typed into a back-office form comes back escaped, never as markup."""

from __future__ import annotations

from markupsafe import escape

from tests.helpers import xss_payloads


def test_xss_payloads_typed_into_a_form_come_back_escaped(staff_client):
    """An empty password fails validation before any hashing, so all 1,339 payloads stay fast."""
    blank_page = staff_client.get("/login").get_data(as_text=True)
    for payload in xss_payloads():
        response = staff_client.post("/login", data={"email": payload, "password": ""})
        assert response.status_code == 200, payload
        html = response.get_data(as_text=True)
        assert f'value="{escape(payload)}"' in html, payload
        if any(character in payload for character in "<>\"") and payload not in blank_page:
            assert payload not in html, payload
