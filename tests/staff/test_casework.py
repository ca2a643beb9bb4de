"""Routing, the queue and the submission page, through both zones' HTTP interfaces."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from portal.extensions import db
from portal.models import Area, AuditEntry, RoutingRule, WorkItem
from tests.conftest import staff_browser
from tests.helpers import DATA, TipActions, parse_page, xss_payloads
from tests.mail import send_outbox


@pytest.fixture
def public_site(make_app):
    app = make_app("public", PORTAL_TIP_MIN_FILL_SECONDS=0)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    return app


def person(staff_app, email: str, role: str, unit: str = "") -> object:
    """A signed-in staff member's browser."""
    return staff_browser(staff_app, email, role, unit)


def send_tip(public_site, **typed) -> None:
    response = TipActions(public_site.test_client()).submit(**typed)
    assert response.status_code == 200


def items(app) -> list[WorkItem]:
    with app.app_context():
        found = list(db.session.scalars(db.select(WorkItem).order_by(WorkItem.id)))
        for item in found:
            item.unit, item.assignee  # noqa: B018 - load before the session closes
        db.session.expunge_all()
        return found


def add_rule(client, **fields):
    data = {"name": "Rule", "kind": "", "category": "", "keywords": "", "places": "", "unit_name": "Triage", **fields}
    return client.post("/rules/", data=data, follow_redirects=True)


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_tip_is_routed_by_the_first_matching_rule_and_says_why(staff_app, public_site):
    supervisor = person(staff_app, "sup@example.org", "supervisor", "Gang Unit")
    assert "Rule added" in parse_page(add_rule(supervisor, name="Gangs", category="gang-activity",
                                               unit_name="Gang Unit")).text
    send_tip(public_site, category="gang-activity", description="Tags and a fight at the park")
    [item] = items(staff_app)
    assert item.unit.name == "Gang Unit"
    page = parse_page(supervisor.get(f"/cases/{item.public_id}"))
    assert "Routed by rule 1 (Gangs): category = gang-activity → Gang Unit" in page.text
    assert "Tags and a fight at the park" in page.text
    assert "routing.rule_added" in audit_actions(staff_app)


def test_anything_no_rule_matches_lands_in_the_fallback_queue(staff_app, public_site):
    send_tip(public_site, category="other", description="Something odd")
    [item] = items(staff_app)
    assert item.unit.name == "Triage" and item.route_reason == "No rule matched → the Triage queue"


def test_reports_are_routed_too(staff_app, make_app, mail_server_settings):
    from tests.helpers import ReporterActions

    site = make_app("public", **mail_server_settings)
    site.test_cli_runner().invoke(args=["seed-demo"])
    reporter = ReporterActions(site.test_client())
    assert reporter.file("fraud", amount_lost="50").status_code == 200
    [item] = items(staff_app)
    assert (item.kind, item.category, item.unit.name) == ("report", "fraud", "Triage")


def test_a_unit_rule_can_hand_work_to_the_member_with_the_fewest_open_items(staff_app, public_site):
    admin = person(staff_app, "chief@example.org", "admin")
    person(staff_app, "ana@example.org", "investigator", "Youth")
    person(staff_app, "ben@example.org", "investigator", "Youth")
    add_rule(admin, name="Online", category="online-crime", unit_name="Youth", assign_to_member="y")
    for _ in range(4):
        send_tip(public_site, category="online-crime", description="Bullying on a chat app")
    assignees = [item.assignee.email for item in items(staff_app)]
    assert sorted(assignees) == ["ana@example.org", "ana@example.org", "ben@example.org", "ben@example.org"]
    assert assignees[0] != assignees[1]


def test_missing_persons_are_due_within_an_hour_and_flagged_when_overdue(staff_app, public_site):
    admin = person(staff_app, "chief@example.org", "admin")
    send_tip(public_site, category="missing-persons", description="My neighbour's boy has not come home")
    send_tip(public_site, category="drugs", description="Dealing at the corner")
    missing, drugs = items(staff_app)
    assert timedelta(minutes=59) < missing.due_at - missing.created_at <= timedelta(hours=1)
    assert drugs.due_at - drugs.created_at == timedelta(hours=72)
    assert "0 item(s)" in parse_page(admin.get("/queue/?overdue=yes")).text
    with staff_app.app_context():
        db.session.execute(db.update(WorkItem).where(WorkItem.id == missing.id).values(
            due_at=datetime.now(timezone.utc) - timedelta(minutes=5)))
        db.session.commit()
    overdue = parse_page(admin.get("/queue/?overdue=yes"))
    assert "1 item(s)" in overdue.text and "Overdue since" in overdue.text and "missing-persons" in overdue.text
    urgent_first = [href for href in parse_page(admin.get("/queue/?sort=urgent")).hrefs() if href.startswith("/cases/")]
    assert urgent_first[0].endswith(missing.public_id)
    newest_first = [href for href in parse_page(admin.get("/queue/?sort=newest")).hrefs() if href.startswith("/cases/")]
    assert newest_first[0].endswith(drugs.public_id)


def test_investigators_see_only_their_unit_or_their_own_items(staff_app, public_site):
    admin = person(staff_app, "chief@example.org", "admin")
    add_rule(admin, name="Drugs", category="drugs", unit_name="Narcotics")
    add_rule(admin, name="Gangs", category="gang-activity", unit_name="Gang Unit")
    narcotics = person(staff_app, "nar@example.org", "investigator", "Narcotics")
    gangs = person(staff_app, "gang@example.org", "supervisor", "Gang Unit")
    send_tip(public_site, category="drugs", description="Drug tip")
    send_tip(public_site, category="gang-activity", description="Gang tip")
    drug_item, gang_item = items(staff_app)
    assert "1 item(s)" in parse_page(narcotics.get("/queue/")).text
    assert narcotics.get(f"/cases/{drug_item.public_id}").status_code == 200
    assert narcotics.get(f"/cases/{gang_item.public_id}").status_code == 404
    assert gangs.get(f"/cases/{drug_item.public_id}").status_code == 404
    assert gangs.get(f"/cases/{gang_item.public_id}").status_code == 200
    assert "2 item(s)" in parse_page(admin.get("/queue/")).text


@pytest.mark.parametrize("role", ["investigator", "communications", "records"])
def test_only_supervisors_and_admins_edit_rules_or_re_route(staff_app, public_site, role):
    send_tip(public_site)
    [item] = items(staff_app)
    client = person(staff_app, f"{role}@example.org", role, "Triage")
    assert client.get("/rules/").status_code == 404
    assert add_rule(client, name="Sneaky").status_code == 404
    assert client.post(f"/cases/{item.public_id}/route", data={"unit_id": 1, "assignee_id": 0}).status_code == 404


def test_re_routing_by_hand_is_audited(staff_app, public_site):
    supervisor = person(staff_app, "sup@example.org", "supervisor", "Triage")
    person(staff_app, "det@example.org", "investigator", "Triage")
    send_tip(public_site)
    [item] = items(staff_app)
    html = supervisor.get(f"/cases/{item.public_id}").get_data(as_text=True)
    detective_id = re.search(r'<option value="(\d+)">Det \(Triage\)</option>', html).group(1)
    unit_id = re.search(r'<option selected value="(\d+)">Triage</option>', html).group(1)
    response = supervisor.post(f"/cases/{item.public_id}/route", data={"unit_id": unit_id, "assignee_id": detective_id},
                               follow_redirects=True)
    assert "Re-routed by hand by Sup → Triage" in parse_page(response).text
    assert items(staff_app)[0].assignee.email == "det@example.org"
    assert "case.rerouted" in audit_actions(staff_app)


def test_notes_are_internal_and_audited(staff_app, public_site):
    supervisor = person(staff_app, "sup@example.org", "supervisor", "Triage")
    send_tip(public_site)
    [item] = items(staff_app)
    response = supervisor.post(f"/cases/{item.public_id}/notes", data={"body": "Called the school."},
                               follow_redirects=True)
    assert "Called the school." in parse_page(response).text
    assert {"case.viewed", "case.note_added"} <= set(audit_actions(staff_app))


def test_hostile_tip_text_is_shown_escaped_to_staff(staff_app, public_site):
    admin = person(staff_app, "chief@example.org", "admin")
    payloads = [payload for payload in xss_payloads() if "<" in payload][:25]
    for payload in payloads:
        send_tip(public_site, description=payload, where_text=payload[:500])
    for item, payload in zip(items(staff_app), payloads, strict=True):
        html = admin.get(f"/cases/{item.public_id}").get_data(as_text=True)
        assert payload not in html


def test_attachments_download_safely_and_each_download_is_audited(staff_app, public_site):
    admin = person(staff_app, "chief@example.org", "admin")
    photo = (DATA / "photo_with_gps.jpg").read_bytes()
    send_tip(public_site, files=[(io.BytesIO(photo), "scene.jpg")])
    [item] = items(staff_app)
    html = admin.get(f"/cases/{item.public_id}").get_data(as_text=True)
    assert "removed: GPS location" in html
    link = re.search(r'href="(/cases/[^"]+/files/[^"]+)"', html).group(1)
    with admin.get(link) as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert response.data[:2] == b"\xff\xd8"
    assert "attachment.downloaded" in audit_actions(staff_app)


def test_the_queue_searches_filters_and_pages(staff_app, public_site):
    admin = person(staff_app, "chief@example.org", "admin")
    for number in range(55):
        send_tip(public_site, description=f"Routine tip number {number}")
    send_tip(public_site, description="The stolen catalytic converters are in a garage")
    assert "56 item(s), page 1 of 2" in parse_page(admin.get("/queue/")).text
    second = parse_page(admin.get("/queue/?page=2"))
    assert "page 2 of 2" in second.text and len([href for href in second.hrefs() if href.startswith("/cases/")]) == 6
    found = parse_page(admin.get("/queue/?search=catalytic"))
    assert "1 item(s)" in found.text
    assert "0 item(s)" in parse_page(admin.get("/queue/?kind=report")).text
    assert "0 item(s)" in parse_page(admin.get("/queue/?search=%25_%25")).text, "wildcards are literal"


def test_search_needs_every_word_or_phrase_and_reads_the_tipsters_follow_ups(staff_app, public_site):
    admin = person(staff_app, "chief@example.org", "admin")
    send_tip(public_site, description="A RED truck parks by the school every night")
    send_tip(public_site, description="The truck was blue, plate 5XJ-2R1")
    tipster = TipActions(public_site.test_client())
    number, passphrase = tipster.credentials(tipster.submit(description="Noise at the park"))
    assert tipster.send_message(number, passphrase, "I forgot: the van had a dented door").status_code == 200

    def count(query: str) -> str:
        return re.search(r"(\d+) item\(s\)", parse_page(admin.get("/queue/", query_string={"search": query})).text)[1]

    assert count("truck") == "2"
    assert count("red truck") == "1", "every word must be there, in any order"
    assert count('"red truck"') == "1" and count('"truck red"') == "0", "a quoted phrase must be there as typed"
    assert count("5xj") == "1", "part of a plate, any case"
    assert count("dented door") == "1", "the tipster's follow-up message is searched too"
    too_long = parse_page(admin.get("/queue/", query_string={"search": "truck " * 50})).text
    assert "longer than 200 characters" in too_long and "3 item(s)" in too_long


def test_the_assignee_is_told_where_but_never_what(staff_app, make_app, mail_server):
    site = make_app("public", PORTAL_TIP_MIN_FILL_SECONDS=0, **mail_server.settings())
    site.test_cli_runner().invoke(args=["seed-demo"])
    admin = person(staff_app, "chief@example.org", "admin")
    person(staff_app, "ana@example.org", "investigator", "Youth")
    add_rule(admin, name="Online", category="online-crime", unit_name="Youth", assign_to_member="y")
    send_tip(site, category="online-crime", description="SECRET DETAIL about a bully")
    send_outbox(site)
    [message] = [message for message in mail_server.messages if message["To"] == "ana@example.org"]
    body = message.get_content()
    assert "A tip was assigned to you in the Youth queue." in body
    assert f"/cases/{items(staff_app)[0].public_id}" in body
    assert "SECRET DETAIL" not in body and "SECRET DETAIL" not in message["Subject"]


def test_overdue_items_are_escalated_once_to_the_unit_supervisor(staff_app, public_site, mail_server):
    staff_app.config.update(mail_server.settings())
    admin = person(staff_app, "chief@example.org", "admin")
    person(staff_app, "sup@example.org", "supervisor", "Youth")
    add_rule(admin, name="Missing", category="missing-persons", unit_name="Youth")
    send_tip(public_site, category="missing-persons", description="Missing child")
    runner = staff_app.test_cli_runner()
    assert "Escalated 0 overdue item(s)." in runner.invoke(args=["casework", "escalate"]).output
    with staff_app.app_context():
        db.session.execute(db.update(WorkItem).values(due_at=datetime.now(timezone.utc) - timedelta(minutes=1)))
        db.session.commit()
    assert "Escalated 1 overdue item(s)." in runner.invoke(args=["casework", "escalate"]).output
    assert "Escalated 0 overdue item(s)." in runner.invoke(args=["casework", "escalate"]).output, "only once"
    send_outbox(staff_app)
    [message] = [message for message in mail_server.messages if message["To"] == "sup@example.org"]
    assert message["Subject"] == "Overdue tip in the Youth queue"
    assert "Missing child" not in message.get_content()


def test_supervisors_get_a_daily_digest_with_counts(staff_app, public_site, mail_server):
    staff_app.config.update(mail_server.settings())
    person(staff_app, "sup@example.org", "supervisor", "Triage")
    for _ in range(3):
        send_tip(public_site)
    assert "Queued the digest for 1 supervisor(s)." in staff_app.test_cli_runner().invoke(
        args=["casework", "digest"]).output
    send_outbox(staff_app)
    [message] = mail_server.messages
    assert "Triage queue: 3 open, 0 overdue, 3 new in the last 24 hours." in message.get_content()


def test_staff_write_to_the_tipster_who_reads_it_when_checking(staff_app, public_site):
    supervisor = person(staff_app, "sup@example.org", "supervisor", "Triage")
    tipster = TipActions(public_site.test_client())
    tip_number, passphrase = tipster.credentials(tipster.submit())
    [item] = items(staff_app)
    response = supervisor.post(f"/cases/{item.public_id}/tipster", data={
        "body": "Can you say which car?", "status": "under_review", "public_message": "We are on it."},
        follow_redirects=True)
    assert "Sent to the tipster" in parse_page(response).text
    text = parse_page(tipster.check(tip_number, passphrase)).text
    assert "Under review" in text and "We are on it." in text and "Can you say which car?" in text
    assert "case.tipster_contacted" in audit_actions(staff_app)


def file_report_for_records(staff_app, make_app, mail_server):
    """A resident files a report; returns them, its reference, a records clerk and its work item."""
    from tests.helpers import ReporterActions

    site = make_app("public", **mail_server.settings())
    site.test_cli_runner().invoke(args=["seed-demo"])
    reporter = ReporterActions(site.test_client())
    reference = reporter.reference(reporter.file())
    records = person(staff_app, "rec@example.org", "records", "Triage")
    [item] = items(staff_app)
    return reporter, reference, records, item


def test_staff_decide_a_report_from_its_page(staff_app, make_app, mail_server):
    reporter, reference, records, item = file_report_for_records(staff_app, make_app, mail_server)
    refused = records.post(f"/cases/{item.public_id}/decision", data={"decision": "approved", "case_number": ""})
    assert refused.status_code == 400 and "needs the official case number" in parse_page(refused).text
    records.post(f"/cases/{item.public_id}/decision", data={"decision": "approved", "case_number": "26-000777"})
    assert "26-000777" in parse_page(reporter.lookup(reference)).text
    again = records.post(f"/cases/{item.public_id}/decision", data={"decision": "rejected", "message": "x"})
    assert "not possible from the report's current status" in parse_page(again).text


def test_items_can_be_closed_and_reopened(staff_app, public_site):
    supervisor = person(staff_app, "sup@example.org", "supervisor", "Triage")
    send_tip(public_site)
    [item] = items(staff_app)
    supervisor.post(f"/cases/{item.public_id}/close")
    assert "0 item(s)" in parse_page(supervisor.get("/queue/")).text
    assert "1 item(s)" in parse_page(supervisor.get("/queue/?state=closed")).text
    supervisor.post(f"/cases/{item.public_id}/reopen")
    assert "1 item(s)" in parse_page(supervisor.get("/queue/")).text


def test_moving_a_rule_up_changes_which_rule_decides(staff_app, public_site):
    admin = person(staff_app, "chief@example.org", "admin")
    add_rule(admin, name="Drugs", category="drugs", unit_name="Narcotics")
    add_rule(admin, name="Park", keywords="park", unit_name="Patrol")
    send_tip(public_site, category="drugs", description="Dealing in the park")
    with staff_app.app_context():
        park_id = db.session.scalars(db.select(RoutingRule.id).where(RoutingRule.name == "Park")).one()
    admin.post(f"/rules/{park_id}/up")
    send_tip(public_site, category="drugs", description="Dealing in the park again")
    assert [item.unit.name for item in items(staff_app)] == ["Narcotics", "Patrol"]
    assert "routing.rule_moved" in audit_actions(staff_app)


def test_the_queue_filters_by_unit_and_assignee(staff_app, public_site):
    admin = person(staff_app, "chief@example.org", "admin")
    person(staff_app, "ana@example.org", "investigator", "Youth")
    add_rule(admin, name="Online", category="online-crime", unit_name="Youth", assign_to_member="y")
    send_tip(public_site, category="online-crime")
    send_tip(public_site, category="drugs")
    youth, triage = items(staff_app)
    assert "1 item(s)" in parse_page(admin.get(f"/queue/?unit={youth.unit.id}")).text
    assert "1 item(s)" in parse_page(admin.get(f"/queue/?assignee={youth.assignee.id}")).text
    assert "2 item(s)" in parse_page(admin.get("/queue/?unit=0&assignee=0")).text
    assert "2 item(s)" in parse_page(admin.get("/queue/?unit=abc")).text, "a bad filter is ignored, not a 500"


def test_a_rule_can_send_a_drawn_area_to_its_beat(staff_app, public_site):
    supervisor = person(staff_app, "sup@example.org", "supervisor", "Patrol East")
    bad = supervisor.post("/rules/areas", data={"name": "East", "places": "", "outline": "42,-87; 43,-87"})
    assert bad.status_code == 400 and "at least three corners" in parse_page(bad).text
    supervisor.post("/rules/areas", data={"name": "East beat", "places": "",
                                          "outline": "42.175,-87.845; 42.175,-87.80; 42.14,-87.80; 42.14,-87.845"})
    html = supervisor.get("/rules/").get_data(as_text=True)
    area_id = re.search(r'<option value="(\d+)">East beat</option>', html).group(1)
    add_rule(supervisor, name="East", area_id=area_id, unit_name="Patrol East")
    send_tip(public_site, description="Inside the beat", latitude="42.16", longitude="-87.82")
    send_tip(public_site, description="Outside the beat", latitude="42.16", longitude="-87.95")
    inside, outside = items(staff_app)
    assert inside.unit.name == "Patrol East" and "area = East beat" in inside.route_reason
    assert outside.unit.name == "Triage"


def test_areas_come_from_gis_geojson_and_can_be_redrawn_or_removed(staff_app, public_site):
    supervisor = person(staff_app, "sup@example.org", "supervisor", "Patrol East")
    broken = '{"type": "Polygon", "coordinates": [[[-87.845, 42.175], [-87.80, 42.175]'
    refused = supervisor.post("/rules/areas", data={"name": "East beat", "places": "", "outline": broken})
    assert refused.status_code == 400 and "This is not valid GeoJSON." in parse_page(refused).text
    assert broken.replace('"', "&#34;") in refused.get_data(as_text=True), "what was pasted comes back"
    beat = {"type": "Feature", "properties": {"BEAT": "E1"}, "geometry": {"type": "Polygon", "coordinates": [[
        [-87.845, 42.175], [-87.80, 42.175], [-87.80, 42.14], [-87.845, 42.14], [-87.845, 42.175]]]}}
    added = supervisor.post("/rules/areas", data={"name": "East beat", "places": "", "outline": json.dumps(beat)},
                            follow_redirects=True)
    assert "East beat (outline of 4 corners)" in parse_page(added).text
    with staff_app.app_context():
        area_id = db.session.scalars(db.select(Area.id)).one()
    add_rule(supervisor, name="East", area_id=str(area_id), unit_name="Patrol East")

    page = supervisor.get(f"/rules/areas/{area_id}")
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in page.headers["Content-Security-Policy"]
    assert "tile.openstreetmap.org" not in supervisor.get("/queue/").headers["Content-Security-Policy"]
    outline = parse_page(page).find_all("textarea", id="outline")
    assert outline, "the outline field is on the page"
    assert "42.175000,-87.845000; 42.175000,-87.800000; 42.140000,-87.800000; 42.140000,-87.845000" in page.get_data(
        as_text=True)

    moved = supervisor.post(f"/rules/areas/{area_id}", data={
        "name": "East beat", "places": "", "outline": "42.175,-88.0; 42.175,-87.9; 42.14,-87.9; 42.14,-88.0"},
        follow_redirects=True)
    assert "Area changed; the rules that use it follow." in parse_page(moved).text
    send_tip(public_site, description="In the redrawn beat", latitude="42.16", longitude="-87.95")
    assert items(staff_app)[0].unit.name == "Patrol East"

    in_use = supervisor.post(f"/rules/areas/{area_id}/remove", follow_redirects=True)
    assert "East beat is used by rule 1 (East): change those rules first." in parse_page(in_use).text
    with staff_app.app_context():
        rule_id = db.session.scalars(db.select(RoutingRule.id)).one()
    supervisor.post(f"/rules/{rule_id}/edit", data={"name": "East", "kind": "", "category": "", "keywords": "",
                                                    "places": "60015", "area_id": "0", "unit_name": "Patrol East"})
    gone = supervisor.post(f"/rules/areas/{area_id}/remove", follow_redirects=True)
    assert "Area East beat removed." in parse_page(gone).text
    assert supervisor.get(f"/rules/areas/{area_id}").status_code == 404
    actions = audit_actions(staff_app)
    assert {"routing.area_added", "routing.area_changed", "routing.area_removed"} <= set(actions)


def test_a_rule_can_be_changed_and_the_change_is_audited(staff_app, public_site):
    supervisor = person(staff_app, "sup@example.org", "supervisor", "Narcotics")
    add_rule(supervisor, name="Drugs", category="drugs", unit_name="Narcotics")
    with staff_app.app_context():
        rule_id = db.session.scalars(db.select(RoutingRule.id)).one()
    form = parse_page(supervisor.get(f"/rules/{rule_id}/edit"))
    assert form.find_all("input", id="category", value="drugs")
    response = supervisor.post(f"/rules/{rule_id}/edit", data={
        "name": "Drugs near schools", "kind": "tip", "category": "drugs", "keywords": "school", "places": "",
        "area_id": "0", "unit_name": "Youth"}, follow_redirects=True)
    assert "Rule changed." in parse_page(response).text
    send_tip(public_site, category="drugs", description="Dealing outside the school")
    [item] = items(staff_app)
    assert item.unit.name == "Youth"
    with staff_app.app_context():
        entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "routing.rule_changed")).one()
        assert "category = drugs -> Narcotics =>" in entry.detail and "text mentions school -> Youth" in entry.detail


def test_the_reporters_answer_is_shown_to_staff_on_the_case_page(staff_app, make_app, mail_server):
    reporter, reference, records, item = file_report_for_records(staff_app, make_app, mail_server)
    for decision, message in (("under_review", ""), ("more_info_needed", "What colour was the lock?")):
        assert records.post(f"/cases/{item.public_id}/decision",
                            data={"decision": decision, "message": message}).status_code == 302
    reporter.answer(reference, "A red D-lock <b>with</b> a sticker.")
    page = parse_page(records.get(f"/cases/{item.public_id}"))
    assert "The reporter's answers" in page.text
    assert "A red D-lock <b>with</b> a sticker." in page.text
