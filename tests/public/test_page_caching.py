"""Public pages drawn once per content version: 304s for those who have them, a new page the
moment a notice is published, changed, cancelled or expires, and never a shared form."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from portal.extensions import db
from portal.models import Notice
from tests.conftest import staff_browser
from tests.helpers import parse_page
from tests.public.test_notices import EMERGENCY, expire, publish
from tests.staff.test_admin import account_id
from tests.staff.test_notices import notice_fields

SHARED_PAGES = ("/", "/notices/", "/prevention/", "/prevention/home/", "/prevention/home/lock-up-and-light-up")


@pytest.fixture
def site(make_tip_app):
    return make_tip_app()


def revalidated(client, path: str, etag: str):
    return client.get(path, headers={"If-None-Match": etag})


@pytest.mark.parametrize("path", SHARED_PAGES)
def test_a_page_the_visitor_has_answers_304_and_says_how_proxies_may_keep_it(site, path):
    visitor = site.test_client()
    first = visitor.get(path)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert "Set-Cookie" not in first.headers and "csrf_token" not in first.get_data(as_text=True)
    etag = first.headers["ETag"]
    again = revalidated(visitor, path, etag)
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "public, no-cache"
    assert "default-src 'none'" in again.headers["Content-Security-Policy"]
    assert again.headers["X-Content-Type-Options"] == "nosniff"
    stored = visitor.get(path)
    assert stored.get_data() == first.get_data() and stored.headers["ETag"] == etag
    assert revalidated(visitor, path, '"something-else"').status_code == 200


def test_a_visitor_with_a_cookie_gets_the_same_page_and_304(make_tip_app):
    site = make_tip_app(WTF_CSRF_ENABLED=True)
    visitor = site.test_client()
    visitor.get("/tips/new")
    assert visitor.get_cookie("portal_public") is not None, "the tip form's CSRF token needs the session"
    plain = site.test_client().get("/notices/")
    with_cookie = visitor.get("/notices/")
    assert with_cookie.get_data() == plain.get_data() and with_cookie.headers["ETag"] == plain.headers["ETag"]
    assert revalidated(visitor, "/notices/", plain.headers["ETag"]).status_code == 304


def test_publishing_changing_and_cancelling_a_notice_show_at_once(site, sergeant):
    visitor = site.test_client()
    empty = visitor.get("/notices/").headers["ETag"]
    notice_id = publish(sergeant, notice_type="road-closure", title="Deerfield Road closed")
    published = revalidated(visitor, "/notices/", empty)
    assert published.status_code == 200 and "Deerfield Road closed" in parse_page(published).text
    sergeant.post(f"/notices/{notice_id}/update", data=notice_fields(
        notice_type="road-closure", title="Deerfield Road reopened", note="Reopened"))
    changed = revalidated(visitor, "/notices/", published.headers["ETag"])
    assert changed.status_code == 200 and "Deerfield Road reopened" in parse_page(changed).text
    page = visitor.get(f"/notices/{notice_id}")
    sergeant.post(f"/notices/{notice_id}/cancel", data={"note": "Open again"})
    cancelled = revalidated(visitor, "/notices/", changed.headers["ETag"])
    assert cancelled.status_code == 200 and "Deerfield Road" not in parse_page(cancelled).text
    assert "Cancelled: Open again" in parse_page(revalidated(visitor, f"/notices/{notice_id}",
                                                             page.headers["ETag"])).text


def test_an_emergency_banner_leaves_every_stored_page_when_the_notice_expires(site, staff_app, sergeant):
    notice_id = publish(sergeant, notice_type="weather-emergency", title="Tornado warning",
                        summary="Take shelter now.", **EMERGENCY)
    visitor = site.test_client()
    warned = {path: visitor.get(path) for path in SHARED_PAGES}
    assert all("Tornado warning" in parse_page(page).text for page in warned.values())
    expire(staff_app, notice_id)
    for path, page in warned.items():
        after = revalidated(visitor, path, page.headers["ETag"])
        assert after.status_code == 200 and "Tornado warning" not in parse_page(after).text, path


def test_a_notice_expires_from_stored_pages_at_its_time_with_no_write(make_tip_app, staff_app):
    """Even a worker trusting its last look for a minute drops the notice at its expiry time."""
    site = make_tip_app(PORTAL_PAGE_RECHECK_SECONDS=60)
    sergeant = staff_browser(staff_app, "sgt@example.org", "supervisor")
    notice_id = publish(sergeant, notice_type="road-closure", title="Parade on Waukegan Road")
    expiry = datetime.now(timezone.utc) + timedelta(seconds=1.5)
    with staff_app.app_context():
        db.session.get(Notice, notice_id).expires_at = expiry
        db.session.commit()
    visitor = site.test_client()
    listed = visitor.get("/notices/")
    assert "Parade on Waukegan Road" in parse_page(listed).text
    assert revalidated(visitor, "/notices/", listed.headers["ETag"]).status_code == 304
    time.sleep(max(0.0, (expiry - datetime.now(timezone.utc)).total_seconds()) + 0.1)
    after = revalidated(visitor, "/notices/", listed.headers["ETag"])
    assert after.status_code == 200 and "Parade on Waukegan Road" not in parse_page(after).text


def test_a_new_role_of_the_author_shows_on_the_stored_notice(site, staff_app, sergeant):
    admin = staff_browser(staff_app, "chief@example.org", "admin")
    notice_id = publish(sergeant, notice_type="general", title="Coffee with a cop")
    visitor = site.test_client()
    page = visitor.get(f"/notices/{notice_id}")
    assert "Posted by Sgt, supervisor" in parse_page(page).text
    public_id = account_id(staff_app, "sgt@example.org")
    prefix = public_id[:8]
    admin.post(f"/admin/accounts/{public_id}/placement", data={f"{prefix}-role": "admin", f"{prefix}-unit": ""})
    after = revalidated(visitor, f"/notices/{notice_id}", page.headers["ETag"])
    assert after.status_code == 200 and "Posted by Sgt, admin" in parse_page(after).text


@pytest.mark.parametrize("path", ["/tips/new", "/tips/check", "/reports/screening", "/reports/status"])
def test_pages_with_forms_are_never_stored_or_shared(site, path):
    visitor = site.test_client()
    first = visitor.get(path)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "no-store" and "ETag" not in first.headers
    assert revalidated(visitor, path, '"anything"').status_code == 200


def test_staff_pages_are_never_stored_or_shared(staff_app, sergeant):
    for path in ("/login", "/queue/", "/notices/"):
        client = sergeant if path != "/login" else staff_app.test_client()
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers, path


def test_made_up_query_strings_never_grow_the_store_past_its_bound(site):
    from portal.public.page_cache import MAX_PAGES

    visitor = site.test_client()
    for number in range(MAX_PAGES + 20):
        assert visitor.get(f"/prevention/?n={number}").status_code == 200
    assert len(site.extensions["portal.drawn_pages"].pages) == MAX_PAGES


def test_a_kept_page_is_not_counted_against_the_page_limit_but_other_pages_are(make_tip_app):
    site = make_tip_app(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute")
    visitor = site.test_client()
    assert [visitor.get("/prevention/").status_code for _ in range(6)] == [200] * 6
    assert [visitor.get("/terms").status_code for _ in range(3)] == [200, 200, 429]
