"""Prevention tips written in the back office, reviewed, and found by residents."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import AuditEntry
from tests.conftest import staff_browser
from tests.helpers import parse_page


@pytest.fixture
def site(make_app):
    app = make_app("public", PORTAL_SITE_URL="https://portal.example.org")
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    return app


@pytest.fixture
def comms(staff_app, site):
    return staff_browser(staff_app, "pio@example.org", "communications")


@pytest.fixture
def sergeant(staff_app, site):
    return staff_browser(staff_app, "sgt@example.org", "supervisor")


def tip_fields(**fields) -> dict[str, str]:
    return {"category_id": "0", "new_category": "Bicycles", "title": "Lock your bike twice",
            "summary": "A U-lock through the frame and a cable through the wheels.",
            "body": "<p>Register the <strong>serial number</strong>.</p><script>alert(1)</script>",
            "override_reason": "", **fields}


def write_tip(client, **fields) -> int:
    response = client.post("/prevention/new", data=tip_fields(**fields))
    assert response.status_code == 302, parse_page(response).text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def state_of(client, tip_id: int) -> str:
    return parse_page(client.get(f"/prevention/{tip_id}")).text.split("State: ", 1)[1].split(";")[0].split(" ")[0]


def test_a_tip_is_drafted_reviewed_published_and_found(site, comms, sergeant):
    tip_id = write_tip(comms)
    visitor = site.test_client()
    assert visitor.get("/prevention/bicycles/lock-your-bike-twice").status_code == 404
    assert "Lock your bike twice" not in parse_page(visitor.get("/prevention/")).text
    refused = comms.post(f"/prevention/{tip_id}/publish", follow_redirects=True)
    assert "Only a supervisor can do that." in parse_page(refused).text
    comms.post(f"/prevention/{tip_id}/submit")
    assert state_of(comms, tip_id) == "in-review"
    sergeant.post(f"/prevention/{tip_id}/publish")
    assert state_of(sergeant, tip_id) == "published"

    page = visitor.get("/prevention/bicycles/lock-your-bike-twice")
    assert page.status_code == 200
    parsed = parse_page(page)
    assert parsed.meta["og:title"] == "Lock your bike twice"
    assert parsed.meta["og:url"] == "https://portal.example.org/prevention/bicycles/lock-your-bike-twice"
    html = page.get_data(as_text=True)
    assert "<strong>serial number</strong>" in html and "alert(1)" not in html
    assert "Written by Pio, communications, the Deerfield Police Department." in parsed.text
    assert "Lock your bike twice" in parse_page(visitor.get("/prevention/")).text
    found = parse_page(visitor.get("/prevention/search", query_string={"q": "u-lock WHEELS"}))
    assert "/prevention/bicycles/lock-your-bike-twice" in found.hrefs()
    assert "No prevention tip" in parse_page(visitor.get("/prevention/search", query_string={"q": "bike zebra"})).text

    blocked = comms.post(f"/prevention/{tip_id}", data=tip_fields(title="Changed by the author"),
                         follow_redirects=True)
    assert "A published tip is changed by a supervisor" in parse_page(blocked).text
    sergeant.post(f"/prevention/{tip_id}/unpublish")
    assert visitor.get("/prevention/bicycles/lock-your-bike-twice").status_code == 404
    assert parse_page(visitor.get("/prevention/search", query_string={"q": "u-lock"})).find_all("a", href=(
        "/prevention/bicycles/lock-your-bike-twice")) == []


def test_drafts_never_show_in_search(site, comms):
    write_tip(comms, title="Hide your spare key well", summary="Never under the mat.")
    assert "Hide your spare key" not in parse_page(site.test_client().get(
        "/prevention/search", query_string={"q": "spare key"})).text


def test_a_policy_warning_needs_a_supervisor_and_a_reason(staff_app, comms, sergeant):
    tip_id = write_tip(comms, summary="Buy the Kryptonite lock: 20% off at Joe's Bikes, call 847-555-0199.")
    page = parse_page(comms.get(f"/prevention/{tip_id}"))
    assert [item["data-policy"] for item in page.find_all("li") if "data-policy" in item] == ["phone", "commercial"]
    no_reason = sergeant.post(f"/prevention/{tip_id}/publish", data={"override_reason": ""})
    assert no_reason.status_code == 400
    assert "Say why this may be published despite the warnings." in parse_page(no_reason).text
    assert state_of(sergeant, tip_id) == "draft"
    sergeant.post(f"/prevention/{tip_id}/publish", data={"override_reason": "Shop is the village's partner."})
    assert state_of(sergeant, tip_id) == "published"
    with staff_app.app_context():
        entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "prevention.publish")).one()
    assert entry.detail == "Published over: commercial, phone. Why: Shop is the village's partner."


def test_bad_tip_input_is_flagged_next_to_its_field_with_the_text_kept(comms):
    response = comms.post("/prevention/new", data=tip_fields(new_category="", summary="Typed with care"))
    assert response.status_code == 400
    page = parse_page(response)
    assert page.find_all("ul", id="category_id-errors") and "Choose a category, or name a new one." in page.text
    assert "Typed with care" in response.get_data(as_text=True)


def test_investigators_and_records_staff_have_no_prevention_desk(staff_app, site):
    for role in ("investigator", "records"):
        client = staff_browser(staff_app, f"{role}@example.org", role)
        assert client.get("/prevention/").status_code == 404
        assert client.post("/prevention/new", data=tip_fields()).status_code == 404
