"""Every public page carries what General Order 227 requires, as a resident would read it."""

from __future__ import annotations

import pytest

from portal.config import BaseConfig
from tests.helpers import missing_phrases, parse_page

DEERFIELD = BaseConfig.PORTAL_DEPARTMENT

PUBLIC_PAGES = [
    "/",
    "/terms",
    "/terms/1.0",
    "/terms/1.1",
    "/official-accounts",
    "/prevention/",
    "/prevention/home/",
    "/prevention/vehicle/lock-take-hide",
    "/prevention/fraud/grandparent-scam",
    "/tips/new",
    "/tips/check",
    "/tell-us",
    "/reports/screening",
    "/reports/status",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES + ["/no-such-page"])
def test_every_page_shows_department_contact_banner_and_official_links(client, path):
    response = client.get(path)
    assert response.status_code == (404 if path == "/no-such-page" else 200)
    page = parse_page(response)
    assert "Deerfield Police Department" in page.text
    assert "Emergency? Call 911." in page.text
    assert "(847) 945-8636" in page.text
    assert "850 Waukegan Road" in page.text
    assert "police@deerfield.il.us" in page.text
    assert "This site is maintained by the Deerfield Police Department's Communications Unit." in page.text
    hrefs = page.hrefs()
    assert "tel:911" in hrefs
    assert "tel:8479458636" in hrefs
    assert DEERFIELD["website_url"] in hrefs
    assert DEERFIELD["facebook_url"] in hrefs
    assert "https://x.com/DeerfieldILPD" in hrefs
    assert "Facebook: Deerfield Police Department" in page.text
    assert "@DeerfieldILPD" in page.text


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_page_is_accessible_in_structure(client, path):
    page = parse_page(client.get(path))
    html_tags = page.find_all("html")
    assert html_tags and html_tags[0]["lang"] == "en"
    assert page.find_all("meta", name="viewport")
    assert page.find_all("a", href="#main"), "skip link"
    assert page.find_all("main", id="main")
    assert page.find_all("header") and page.find_all("footer")
    assert page.find_all("nav", aria_label="Main")
    assert len([tag for tag, _ in page.elements if tag == "h1"]) == 1
    assert page.inline_scripts == 0 and page.inline_styles == 0
    assert not [attributes for tag, attributes in page.elements if tag == "script"], "no JavaScript needed"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_page_has_sharing_metadata_with_canonical_url(client, path):
    page = parse_page(client.get(path, headers={"Host": "attacker.example"}))
    canonical = f"http://127.0.0.1:5000{path}"
    assert page.meta["og:url"] == canonical
    assert {"rel": "canonical", "href": canonical} in page.links
    for key in ("og:title", "og:description", "twitter:title", "twitter:description"):
        assert page.meta[key].strip(), key
    assert page.meta["og:image"] == "http://127.0.0.1:5000/static/img/og-card.png"
    assert page.meta["twitter:image"] == page.meta["og:image"]
    assert page.meta["twitter:card"] == "summary_large_image"
    assert page.meta["twitter:site"] == "@DeerfieldILPD"
    assert page.meta["og:site_name"] == "Deerfield Police Department"
    assert "attacker.example" not in client.get(path, headers={"Host": "attacker.example"}).get_data(as_text=True)


def test_share_image_is_served_at_the_size_the_tags_promise(client):
    with client.get("/static/img/og-card.png") as response:
        assert response.status_code == 200
        png = response.data
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1200, 630)


def test_sharing_metadata_uses_the_configured_site_address(make_app):
    app = make_app("public", PORTAL_SITE_URL="https://portal.deerfield.example/")
    page = parse_page(app.test_client().get("/official-accounts"))
    assert page.meta["og:url"] == "https://portal.deerfield.example/official-accounts"


def test_home_states_purpose_scope_and_policy(client):
    assert missing_phrases(parse_page(client.get("/")).text, [
        "official online presence of the Deerfield Police Department",
        "It serves the residents, businesses and visitors of the Village of Deerfield, Illinois.",
        "road closures, special events, weather emergencies, missing or endangered persons and job openings",
        "This site is not for emergencies",
        "Opinions posted by visitors are theirs, not the department's.",
        "remove obscenities, off-topic comments and personal attacks",
        "may be disclosed under public records laws",
    ]) == []


def test_home_entry_points_are_honest_about_what_is_not_built_yet(client):
    page = parse_page(client.get("/"))
    assert {"/prevention/", "/tips/new", "/tips/check", "/tell-us", "/reports/screening", "/notices/",
            "/crime-map/"} <= set(page.hrefs())
    assert "Coming soon" not in page.text
    assert "Alerts and notices Coming soon" not in page.text
    assert "Send an anonymous tip Coming soon" not in page.text
    assert "Report a crime online Coming soon" not in page.text
    assert not page.find_all("form"), "no fake forms"


def test_terms_page_shows_the_current_version_and_lists_older_ones(client):
    page = parse_page(client.get("/terms"))
    assert missing_phrases(page.text, [
        "Version 1.1, in effect from June 1, 2026.",
        "are not the opinions of the Deerfield Police Department",
        "contains obscenities, profanity or sexual content",
        "is off-topic",
        "makes personal attacks",
        "may be disclosed in response to a request under public records laws",
        "as long as records retention schedules require",
        "Earlier versions",
    ]) == []
    assert "/terms/1.0" in page.hrefs()


def test_an_older_terms_version_keeps_its_own_text(client):
    text = parse_page(client.get("/terms/1.0")).text
    assert "Version 1.0, in effect from January 1, 2025." in text
    assert "do not reflect the views of the Deerfield Police Department" in text
    assert client.get("/terms/9.9").status_code == 404


def test_a_future_terms_version_is_listed_as_upcoming_not_current(seeded_public_app, client):
    from datetime import date, timedelta

    from portal.extensions import db
    from portal.models import TermsVersion

    takes_effect = date.today() + timedelta(days=30)
    with seeded_public_app.app_context():
        db.session.add(
            TermsVersion(version="2.0", effective_on=takes_effect, summary="Next year's terms.", body_html="<p>New.</p>")
        )
        db.session.commit()
    text = parse_page(client.get("/terms")).text
    assert "Version 1.1, in effect from" in text
    assert "Upcoming changes" in text
    assert f"Version 2.0, takes effect on {takes_effect.strftime('%B %-d, %Y')}" in text


def test_official_accounts_page_lists_each_account_with_its_approval_date(client):
    page = parse_page(client.get("/official-accounts"))
    assert "An account that uses our name, badge or photos but is not listed here is not ours" in page.text
    assert "Facebook Deerfield Police Department https://www.facebook.com/DeerfieldPolice March 1, 2024" in page.text
    assert "X (Twitter) @DeerfieldILPD https://x.com/DeerfieldILPD March 1, 2024" in page.text
    assert page.find_all("time", datetime="2024-03-01")


def test_prevention_tips_cover_every_category_and_each_tip_has_a_page(client):
    index = parse_page(client.get("/prevention/"))
    for name in ("Home security", "Vehicle safety", "Fraud and scams", "Online safety", "Personal safety"):
        assert name in index.text
    tip_links = [href for href in index.hrefs() if href.startswith("/prevention/") and href.count("/") == 3 and not href.endswith("/")]
    assert len(tip_links) >= 10
    for href in tip_links:
        response = client.get(href)
        assert response.status_code == 200, href
        page = parse_page(response)
        assert page.meta["og:type"] == "article"
        assert page.meta["og:description"]


def test_a_tip_page_shows_its_advice(client):
    text = parse_page(client.get("/prevention/vehicle/lock-take-hide")).text
    assert "Lock, take, hide" in text
    assert "Take keys and fobs inside with you" in text


@pytest.mark.parametrize("path", ["/prevention/nope/", "/prevention/home/nope", "/prevention/vehicle/going-away"])
def test_unknown_or_mismatched_tips_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_department_details_come_from_configuration(make_app):
    app = make_app(
        "public",
        PORTAL_DEPARTMENT={**DEERFIELD, "name": "Lake Forest Police Department", "non_emergency_phone": "(847) 234-2601"},
    )
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    text = parse_page(app.test_client().get("/")).text
    assert "Lake Forest Police Department community portal" in text
    assert "(847) 234-2601" in text
    assert "Deerfield Police Department community portal" not in text
    assert "(847) 945-8636" not in text


def test_pages_show_configured_contact_details_before_anything_is_seeded(public_app):
    page = parse_page(public_app.test_client().get("/"))
    assert "Deerfield Police Department" in page.text
    assert "(847) 945-8636" in page.text
