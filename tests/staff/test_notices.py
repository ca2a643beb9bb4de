"""Writing, reviewing and publishing notices in the back office, through HTTP."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from portal.extensions import db
from portal.models import AuditEntry, Notice
from tests.conftest import staff_browser
from tests.helpers import parse_page, xss_payloads


def local(delta: timedelta) -> str:
    return (datetime.now(ZoneInfo("America/Chicago")) + delta).strftime("%Y-%m-%dT%H:%M")


def notice_fields(**fields) -> dict[str, str]:
    return {"notice_type": "general", "title": "Leaf collection starts", "summary": "Crews work on Elm Street.",
            "body": "<p>Please park off the street.</p>", "starts_at": local(timedelta(minutes=-5)),
            "expires_at": local(timedelta(days=2)), "area_id": "0", "places": "", "severity": "", "urgency": "",
            "certainty": "", **fields}


def write_notice(client, **fields) -> int:
    response = client.post("/notices/new", data=notice_fields(**fields))
    assert response.status_code == 302, parse_page(response).text
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def comms(staff_app):
    return staff_browser(staff_app, "pio@example.org", "communications")


@pytest.fixture
def sergeant(staff_app):
    return staff_browser(staff_app, "sgt@example.org", "supervisor")


def state_of(client, notice_id: int) -> str:
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    return re.search(r'data-notice="state">([^<]*)<', page).group(1)


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_draft_goes_to_review_and_a_supervisor_publishes_it(staff_app, comms, sergeant):
    notice_id = write_notice(comms)
    assert state_of(comms, notice_id) == "draft"
    comms.post(f"/notices/{notice_id}/submit")
    assert state_of(comms, notice_id) == "in-review"
    assert "Leaf collection starts" in parse_page(sergeant.get("/notices/")).text
    published = sergeant.post(f"/notices/{notice_id}/publish", data={"override_reason": ""}, follow_redirects=True)
    page = parse_page(published).text
    assert "Published." in page and "Author Pio (communications)" in page
    assert state_of(sergeant, notice_id) == "published"
    history = parse_page(sergeant.get(f"/notices/{notice_id}")).text
    assert "created by Pio" in history and "submitted by Pio" in history and "approved by Sgt (CAP Alert)" in history
    assert {"notice.created", "notice.submitted", "notice.approved"} <= set(audit_actions(staff_app))


def test_a_supervisor_returns_a_notice_with_a_reason(comms, sergeant):
    notice_id = write_notice(comms)
    comms.post(f"/notices/{notice_id}/submit")
    refused = sergeant.post(f"/notices/{notice_id}/return", data={"note": ""}, follow_redirects=True)
    assert "Tell the author what to change." in parse_page(refused).text
    sergeant.post(f"/notices/{notice_id}/return", data={"note": "Name the streets affected."})
    assert state_of(comms, notice_id) == "draft"
    assert "returned by Sgt: Name the streets affected." in parse_page(comms.get(f"/notices/{notice_id}")).text


def test_a_time_sensitive_notice_goes_out_at_once_and_is_reviewed_afterwards(comms, sergeant):
    notice_id = write_notice(comms, notice_type="road-closure", title="Deerfield Road closed",
                             summary="Closed between Waukegan Road and Wilmot Road for a water main break.")
    done = comms.post(f"/notices/{notice_id}/publish", data={"override_reason": ""}, follow_redirects=True)
    assert "Published; a supervisor will review it afterwards." in parse_page(done).text
    assert state_of(comms, notice_id) == "published, published at once and waiting for a supervisor's review"
    overview = parse_page(sergeant.get("/notices/")).text
    assert re.search(r"waiting for a supervisor's review Deerfield Road closed", overview)
    sergeant.post(f"/notices/{notice_id}/reviewed")
    assert state_of(sergeant, notice_id) == "published"


def test_other_notices_wait_for_a_supervisor(comms):
    notice_id = write_notice(comms, notice_type="employment", title="Now hiring: records clerk")
    refused = comms.post(f"/notices/{notice_id}/publish", data={"override_reason": ""}, follow_redirects=True)
    assert "This notice needs a supervisor's approval: submit it for review." in parse_page(refused).text
    assert state_of(comms, notice_id) == "draft"


def test_policy_warnings_show_next_to_the_text_and_need_a_supervisor_with_a_reason(staff_app, comms, sergeant):
    notice_id = write_notice(comms, notice_type="road-closure", title="Crash on Deerfield Road",
                             summary="The driver is guilty; call his wife at 847-555-0199.")
    editor = parse_page(comms.get(f"/notices/{notice_id}/edit"))
    assert editor.find_all("ul", id="summary-warnings"), "warnings sit next to the summary field"
    assert [attributes["data-policy"] for attributes in editor.find_all("li") if "data-policy" in attributes] == [
        "guilt", "phone"]
    blocked = comms.post(f"/notices/{notice_id}/publish", data={"override_reason": "urgent"})
    assert blocked.status_code == 400 and "a supervisor must publish this over the warnings" in parse_page(blocked).text
    assert state_of(comms, notice_id) == "draft"
    no_reason = sergeant.post(f"/notices/{notice_id}/publish", data={"override_reason": " "})
    assert no_reason.status_code == 400
    assert "Say why this may be published despite the warnings." in parse_page(no_reason).text
    sergeant.post(f"/notices/{notice_id}/publish", data={"override_reason": "Family asked us to share the number."})
    assert state_of(sergeant, notice_id) == "published"
    history = parse_page(sergeant.get(f"/notices/{notice_id}")).text
    assert "policy-override by Sgt: Published over: guilt, phone. Why: Family asked us to share the number." in history
    assert "notice.policy-override" in audit_actions(staff_app)


def test_a_published_notice_is_updated_and_cancelled_keeping_its_history(comms):
    notice_id = write_notice(comms, notice_type="road-closure", title="Deerfield Road closed")
    comms.post(f"/notices/{notice_id}/publish", data={"override_reason": ""})
    form = parse_page(comms.get(f"/notices/{notice_id}/update"))
    assert form.find_all("input", id="title", value="Deerfield Road closed"), "the update starts from the current text"
    missing_note = comms.post(f"/notices/{notice_id}/update", data=notice_fields(
        notice_type="road-closure", title="Deerfield Road reopened", note=""))
    assert missing_note.status_code == 400 and "Deerfield Road reopened" in missing_note.get_data(as_text=True)
    comms.post(f"/notices/{notice_id}/update", data=notice_fields(
        notice_type="road-closure", title="Deerfield Road reopened", note="Road reopened"))
    comms.post(f"/notices/{notice_id}/cancel", data={"note": "Repairs done"})
    page = parse_page(comms.get(f"/notices/{notice_id}")).text
    assert "Deerfield Road reopened" in page and state_of(comms, notice_id).startswith("cancelled")
    assert "updated by Pio (CAP Update): Road reopened" in page
    assert "cancelled by Pio (CAP Cancel): Repairs done" in page


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"expires_at": local(timedelta(hours=-1))}, "expires_at", "The notice must expire after it starts."),
    ({"expires_at": local(timedelta(days=400))}, "expires_at", "A notice can run for a year at most"),
    ({"notice_type": "weather-emergency"}, "severity", "Choose the severity of this emergency."),
    ({"title": "x" * 121}, "title", "Field cannot be longer than 120 characters."),
    ({"notice_type": "bogus"}, "notice_type", "Not a valid choice."),
])
def test_bad_notice_input_is_flagged_next_to_its_field_and_the_text_kept(comms, fields, field, message):
    response = comms.post("/notices/new", data=notice_fields(summary="Typed with care", **fields))
    assert response.status_code == 400
    page = parse_page(response)
    assert page.find_all("ul", id=f"{field}-errors") and message in page.text
    assert "Typed with care" in response.get_data(as_text=True)


class MarkupCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside = 0
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "div" and ("class", "notice-preview") in attrs:
            self.inside = 1
        elif self.inside:
            self.found.append((tag, attrs))
            self.inside += tag not in ("br",)

    def handle_endtag(self, tag):
        if self.inside:
            self.inside -= 1


def test_hostile_rich_text_keeps_only_the_allowed_markup(comms):
    payloads = xss_payloads() + ['<a href="javascript:alert(1)">x</a>', '<a href="data:text/html,hi">x</a>',
                                 '<p onclick="alert(1)">x</p>', "<script>alert(1)</script>"]
    batches, batch = [], ""
    for payload in payloads:
        if len(batch) + len(payload) > Notice.MAX_BODY - 1:
            batches.append(batch)
            batch = ""
        batch += payload + "\n"
    batches.append(batch)
    for body in batches:
        notice_id = write_notice(comms, body=body)
        collector = MarkupCollector()
        collector.feed(comms.get(f"/notices/{notice_id}").get_data(as_text=True))
        for tag, attributes in collector.found:
            assert tag in {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3"}, tag
            for name, value in attributes:
                assert name in ("href", "rel"), (tag, name)
                if name == "href":
                    assert value.startswith(("https://", "mailto:")), value


def test_a_cancellation_note_over_the_limit_is_refused_with_the_reason(comms):
    notice_id = write_notice(comms, notice_type="road-closure", title="Deerfield Road closed")
    comms.post(f"/notices/{notice_id}/publish", data={"override_reason": ""})
    refused = comms.post(f"/notices/{notice_id}/cancel", data={"note": "x" * 1001}, follow_redirects=True)
    assert "Field cannot be longer than 1000 characters." in parse_page(refused).text
    assert state_of(comms, notice_id).startswith("published")
