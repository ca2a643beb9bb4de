"""Notices as residents meet them: the list, a page, the banner, appeals, feeds and CAP."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import feedparser
import pytest
import xmlschema

from portal.extensions import db
from portal.models import Notice, Tip, WorkItem
from tests.conftest import staff_browser
from tests.helpers import DATA, TipActions, parse_page
from tests.staff.test_notices import notice_fields

CAP_SCHEMA = xmlschema.XMLSchema(str(DATA / "CAP-v1.2.xsd"))
EMERGENCY = {"severity": "Severe", "urgency": "Immediate", "certainty": "Observed"}


@pytest.fixture
def staff_app(make_app):
    return make_app("staff", PORTAL_SITE_URL="https://portal.example.org")


def publish(client, **fields) -> int:
    created = client.post("/notices/new", data=notice_fields(**fields))
    assert created.status_code == 302, parse_page(created).text
    notice_id = int(created.headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/notices/{notice_id}/publish", data={"override_reason": ""}).status_code == 302
    return notice_id


def expire(app, notice_id: int) -> None:
    """What the passing of time does; no job is involved."""
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        notice.expires_at = datetime.now(timezone.utc) - timedelta(minutes=1)
        db.session.commit()


def test_a_published_notice_is_listed_shared_and_signed_by_its_author(site, sergeant):
    notice_id = publish(sergeant, notice_type="road-closure", title="Deerfield Road closed",
                        summary="Closed between Waukegan Road and Wilmot Road. " + "Detour signs are up. " * 12)
    visitor = site.test_client()
    listed = parse_page(visitor.get("/notices/"))
    assert "Deerfield Road closed" in listed.text
    assert "Deerfield Road closed" not in parse_page(visitor.get("/notices/?type=weather-emergency")).text
    assert "Deerfield Road closed" in parse_page(visitor.get("/notices/?type=road-closure")).text
    page = parse_page(visitor.get(f"/notices/{notice_id}"))
    assert "Posted by Sgt, supervisor, Deerfield Police Department" in page.text
    url = f"https://portal.example.org/notices/{notice_id}"
    assert page.meta["og:title"] == "Deerfield Road closed" and page.meta["og:type"] == "article"
    assert page.meta["og:url"] == url and page.meta["twitter:card"] == "summary_large_image"
    assert page.meta["og:description"].startswith("Closed between Waukegan Road")
    share = re.search(r'<textarea id="share-text" readonly rows="3">([^<]*)</textarea>',
                      visitor.get(f"/notices/{notice_id}").get_data(as_text=True)).group(1)
    assert len(share) <= 280 and share.endswith(" " + url)
    assert share.startswith("Road closure: Deerfield Road closed. Closed between") and "…" in share


def test_drafts_are_nowhere_in_public(site, sergeant):
    created = sergeant.post("/notices/new", data=notice_fields(title="Not yet approved"))
    notice_id = int(created.headers["Location"].rsplit("/", 1)[1])
    visitor = site.test_client()
    assert visitor.get(f"/notices/{notice_id}").status_code == 404
    for path in ("/notices/", "/notices/archive", "/notices/feed.atom", "/notices/feed.rss", "/notices/feed.json"):
        assert "Not yet approved" not in visitor.get(path).get_data(as_text=True), path


def test_an_emergency_shows_on_every_public_page_until_cancelled(site, sergeant):
    notice_id = publish(sergeant, notice_type="missing-person", title="Missing: Ana, 11",
                        summary="Last seen near the library.", **EMERGENCY)
    visitor = site.test_client()
    for path in ("/", "/tips/new", "/prevention/", "/notices/archive", "/no-such-page"):
        banner = parse_page(visitor.get(path)).find_all("aside", **{"class": "alert-banner"})
        assert banner, path
        assert "Missing: Ana, 11" in visitor.get(path).get_data(as_text=True)
    sergeant.post(f"/notices/{notice_id}/cancel", data={"note": "Found safe"})
    assert not parse_page(visitor.get("/")).find_all("aside", **{"class": "alert-banner"})
    page = parse_page(visitor.get(f"/notices/{notice_id}"))
    assert "Cancelled: Found safe" in page.text and "I have information" not in page.text
    assert "Missing: Ana, 11" in parse_page(visitor.get("/notices/archive")).text
    assert "Missing: Ana, 11" not in parse_page(visitor.get("/notices/")).text


def test_expired_notices_leave_the_list_and_the_banner_by_themselves(site, staff_app, sergeant):
    notice_id = publish(sergeant, notice_type="weather-emergency", title="Tornado warning",
                        summary="Take shelter now.", **EMERGENCY)
    visitor = site.test_client()
    assert "Tornado warning" in parse_page(visitor.get("/")).text
    expire(staff_app, notice_id)
    assert "Tornado warning" not in parse_page(visitor.get("/")).text
    assert "Tornado warning" not in parse_page(visitor.get("/notices/")).text
    assert "Tornado warning" in parse_page(visitor.get("/notices/archive")).text
    assert "This notice has expired." in parse_page(visitor.get(f"/notices/{notice_id}")).text


def test_a_tip_from_an_appeal_is_tagged_and_routed_with_the_tag(site, staff_app, sergeant):
    sergeant.post("/rules/", data={"name": "Appeals", "kind": "", "category": "notice:missing-person",
                                   "keywords": "", "places": "", "unit_name": "Investigations", "area_id": "0"})
    notice_id = publish(sergeant, notice_type="missing-person", title="Missing: Ana, 11",
                        summary="Last seen near the library.", **EMERGENCY)
    visitor = site.test_client()
    page = parse_page(visitor.get(f"/notices/{notice_id}"))
    assert f"/tips/new?notice={notice_id}" in page.hrefs()
    form = visitor.get(f"/tips/new?notice={notice_id}").get_data(as_text=True)
    assert 'data-tip="appeal"' in form and "Missing: Ana, 11" in form
    assert '<option selected value="missing-persons">' in form
    assert f'name="notice" type="hidden" value="{notice_id}"' in form
    tipster = TipActions(visitor)
    sent = tipster.submit(category="missing-persons", description="I saw her at the station.",
                          fields={"notice": str(notice_id)})
    assert sent.status_code == 200
    with staff_app.app_context():
        tip = db.session.scalars(db.select(Tip)).one()
        item = db.session.scalars(db.select(WorkItem)).one()
        assert tip.notice_id == notice_id
        assert item.unit.name == "Investigations" and "category = notice:missing-person" in item.route_reason
        assert item.due_at - item.created_at == timedelta(hours=1), "a missing person appeal is worked within the hour"
    chief = staff_browser(staff_app, "chief@example.org", "admin")
    case = parse_page(chief.get(f"/cases/{item.public_id}"))
    assert f"In answer to the appeal: Missing: Ana, 11 (notice {notice_id})" in case.text


def test_a_tip_with_a_bogus_appeal_number_is_still_taken(site, sergeant):
    notice_id = publish(sergeant, notice_type="road-closure", title="Road closed")
    tipster = TipActions(site.test_client())
    for bogus in (str(notice_id), "999999", "12abc", "-1", "１２"):
        assert tipster.submit(fields={"notice": bogus}).status_code == 200, bogus
    with site.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Tip).where(Tip.notice_id.is_not(None))) == 0


def test_the_feeds_parse_and_carry_every_public_notice(site, sergeant):
    closure = publish(sergeant, notice_type="road-closure", title="Deerfield Road closed",
                      summary="Detour via Wilmot Road & Lake Cook Road <east>.", body="<p>Use <em>care</em>.</p>")
    hiring = publish(sergeant, notice_type="employment", title="Now hiring: records clerk", summary="Apply by May 1.")
    visitor = site.test_client()
    for path in ("/notices/feed.atom", "/notices/feed.rss"):
        response = visitor.get(path)
        parsed = feedparser.parse(response.data)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        entries = {entry.title: entry for entry in parsed.entries}
        assert set(entries) == {"Deerfield Road closed", "Now hiring: records clerk"}
        closed = entries["Deerfield Road closed"]
        assert closed.link == f"https://portal.example.org/notices/{closure}"
        assert closed.author.startswith("Sgt, supervisor")
        assert "<em>care</em>" in (closed.get("content", [{}])[0].get("value", "") or closed.summary)
    assert visitor.get("/notices/feed.atom").mimetype == "application/atom+xml"
    feed = json.loads(visitor.get("/notices/feed.json").data)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    items = {item["title"]: item for item in feed["items"]}
    assert items["Now hiring: records clerk"]["url"] == f"https://portal.example.org/notices/{hiring}"
    assert items["Deerfield Road closed"]["summary"] == "Detour via Wilmot Road & Lake Cook Road <east>."
    assert all(item["authors"][0]["name"] == "Sgt, supervisor" for item in feed["items"])


def test_cap_alerts_update_and_cancel_are_schema_valid_and_reference_each_other(site, staff_app, sergeant):
    beat = "42.175,-87.845; 42.175,-87.80; 42.14,-87.80; 42.14,-87.845"
    sergeant.post("/rules/areas", data={"name": "East beat", "places": "", "outline": beat})
    with staff_app.app_context():
        from portal.models import Area

        area_id = db.session.scalars(db.select(Area.id)).one()
    notice_id = publish(sergeant, notice_type="weather-emergency", title="Tornado warning",
                        summary="Take shelter now.", area_id=str(area_id), places="East side", **EMERGENCY)
    visitor = site.test_client()
    namespace = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}

    def alert() -> dict:
        response = visitor.get(f"/notices/{notice_id}/cap.xml")
        assert response.mimetype == "application/cap+xml"
        CAP_SCHEMA.validate(response.data.decode())
        return CAP_SCHEMA.to_dict(response.data.decode(), namespaces=namespace)

    first = alert()
    assert first["cap:msgType"] == "Alert" and "cap:references" not in first
    info = first["cap:info"][0]
    assert info["cap:category"] == ["Met"] and info["cap:severity"] == "Severe"
    assert info["cap:headline"] == "Tornado warning" and info["cap:web"].endswith(f"/notices/{notice_id}")
    area = info["cap:area"][0]
    assert area["cap:areaDesc"] == "East beat; East side"
    corners = area["cap:polygon"][0].split(" ")
    assert len(corners) == 5 and corners[0] == corners[-1]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[56]:00", first["cap:sent"])

    sergeant.post(f"/notices/{notice_id}/update", data=notice_fields(
        notice_type="weather-emergency", title="Tornado warning extended", summary="Stay sheltered.",
        area_id=str(area_id), note="Extended by an hour", **EMERGENCY))
    update = alert()
    assert update["cap:msgType"] == "Update"
    assert update["cap:references"] == f"{first['cap:sender']},{first['cap:identifier']},{first['cap:sent']}"
    sergeant.post(f"/notices/{notice_id}/cancel", data={"note": "Storm has passed"})
    cancel = alert()
    assert cancel["cap:msgType"] == "Cancel" and len(cancel["cap:references"].split(" ")) == 2
    index = feedparser.parse(visitor.get("/notices/alerts.atom").data)
    assert [link.href for entry in index.entries for link in entry.links] == [
        f"https://portal.example.org/notices/{notice_id}/cap.xml"]


def test_only_emergencies_have_a_cap_alert(site, sergeant):
    notice_id = publish(sergeant, notice_type="road-closure", title="Road closed")
    assert site.test_client().get(f"/notices/{notice_id}/cap.xml").status_code == 404


def test_a_notice_that_has_not_started_waits_off_the_list_and_banner(site, sergeant):
    from tests.staff.test_notices import local

    notice_id = publish(sergeant, notice_type="weather-emergency", title="Blizzard warning from Friday",
                        summary="Snow from Friday.", starts_at=local(timedelta(days=2)),
                        expires_at=local(timedelta(days=3)), **EMERGENCY)
    visitor = site.test_client()
    assert "Blizzard warning" not in parse_page(visitor.get("/")).text
    assert "Blizzard warning" not in parse_page(visitor.get("/notices/")).text
    page = parse_page(visitor.get(f"/notices/{notice_id}")).text
    assert "This notice takes effect on" in page and "expired" not in page, "its address can already be shared"
