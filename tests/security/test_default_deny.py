"""Every staff endpoint outside a short allow-list sends an anonymous visitor to sign-in."""

from __future__ import annotations

import re

from portal.staff import OPEN_ENDPOINTS

# Fills every URL variable, whatever its converter, so each rule can be requested.
SAMPLE_VALUE = "1"


def concrete_path(rule) -> str:
    return re.sub(r"<[^>]+>", SAMPLE_VALUE, rule.rule)


def test_every_endpoint_outside_the_allow_list_redirects_anonymous_visitors(staff_app):
    client = staff_app.test_client()
    checked = 0
    for rule in staff_app.url_map.iter_rules():
        if rule.endpoint in OPEN_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(concrete_path(rule), method=method)
            assert response.status_code == 302, (rule.rule, method)
            assert response.headers["Location"].endswith("/login"), (rule.rule, method)
            checked += 1
    assert checked >= 2


def test_unknown_staff_paths_do_not_reveal_what_exists(staff_client):
    response = staff_client.get("/anything/at/all")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")


def test_the_allow_list_is_short_and_known():
    assert OPEN_ENDPOINTS == {"staff_auth.login", "staff_auth.code", "staff_auth.enroll", "health.healthz", "static"}
