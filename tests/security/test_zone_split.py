"""The public app has no staff routes at all; the staff app has no public pages."""

from __future__ import annotations

STAFF_BLUEPRINTS = {"staff_auth", "dashboard", "account", "admin", "queue", "cases", "rules", "publishing",
                    "prevention_desk", "incident_imports", "retention", "disclosure"}
PUBLIC_BLUEPRINTS = {"pages", "prevention", "tips", "reports", "notices", "crime_map", "api"}


def blueprints_of(app) -> set[str]:
    return {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules() if "." in rule.endpoint}


def test_public_app_has_no_staff_endpoint(public_app):
    assert blueprints_of(public_app) == PUBLIC_BLUEPRINTS | {"health"}
    assert not [rule.rule for rule in public_app.url_map.iter_rules() if "login" in rule.rule or "staff" in rule.rule]


def test_staff_app_has_no_public_pages(staff_app):
    assert blueprints_of(staff_app) == STAFF_BLUEPRINTS | {"health"}


def test_staff_urls_answer_404_on_the_public_site(client):
    for path in ("/login", "/logout", "/staff", "/staff/login", "/dashboard"):
        assert client.get(path).status_code == 404, path
        assert client.post(path).status_code in (404, 405), path


def test_a_staff_session_cookie_is_not_accepted_by_the_public_app(staff_app, public_app):
    from tests.conftest import create_staff
    from tests.helpers import sign_in

    staff_client = staff_app.test_client()
    sign_in(staff_client, create_staff(staff_app))
    cookie = staff_client.get_cookie("portal_staff")
    assert cookie is not None
    public_client = public_app.test_client()
    public_client.set_cookie("portal_staff", cookie.value)
    response = public_client.get("/")
    assert response.status_code == 200
    assert "Sgt. Ana Rivera" not in response.get_data(as_text=True)
