"""Every staff endpoint outside a short allow-list sends an anonymous visitor to sign-in."""

from __future__ import annotations

import re

from portal.staff import OPEN_ENDPOINTS

def sample_value(match: re.Match) -> str:
    """A value each converter accepts, so every rule really is requested."""
    spec = match.group(1)
    if spec.startswith("uuid:"):
        return "0b5e3a4c-8d2f-4a7e-9c1b-2f6d8e0a1b2c"
    if spec.startswith("any("):
        return spec[4:spec.index(")")].split(",")[0].strip()
    return "1"


def concrete_path(rule) -> str:
    return re.sub(r"<([^>]+)>", sample_value, rule.rule)


def test_every_endpoint_outside_the_allow_list_redirects_anonymous_visitors(staff_app):
    client = staff_app.test_client()
    checked = 0
    for rule in staff_app.url_map.iter_rules():
        if rule.endpoint in OPEN_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = concrete_path(rule)
            assert staff_app.url_map.bind("localhost").match(path, method=method)[0] == rule.endpoint, path
            response = client.open(path, method=method)
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
