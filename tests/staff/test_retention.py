"""Retention schedule, legal holds and the purge, through the back office and the operators' command."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Attachment, AuditEntry, RetentionRule, Tip, WorkItem
from tests.conftest import staff_browser
from tests.helpers import DATA, ReporterActions, TipActions, parse_page
from tests.test_cli import audit_ids, tamper

TODAY = datetime.now(timezone.utc).date()


@pytest.fixture
def public_site(make_app, mail_server_settings):
    app = make_app("public", PORTAL_TIP_MIN_FILL_SECONDS=0, **mail_server_settings)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    return app


def send_tip(public_site, description: str = "A blue van parks behind the school every night.", **typed) -> None:
    assert TipActions(public_site.test_client()).submit(description=description, **typed).status_code == 200


def item_ids(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(WorkItem.public_id).order_by(WorkItem.id)))


def rule_id(app, kind: str, state: str) -> int:
    with app.app_context():
        return db.session.scalars(db.select(RetentionRule.id).where(RetentionRule.kind == kind,
                                                                    RetentionRule.state == state)).one()


def audit_entries(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        entries = list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)
                                          .order_by(AuditEntry.id)))
        db.session.expunge_all()
        return entries


def run(app, *options: str):
    result = app.test_cli_runner().invoke(args=["retention", "run", *options])
    assert result.exit_code == 0, result.output
    return result.output


def days_from_today(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def upload_names(app) -> set[str]:
    return {path.name for path in Path(app.config["PORTAL_UPLOAD_FOLDER"]).iterdir() if path.is_file()}


# The schedule -------------------------------------------------------------------------------------

def test_admins_see_the_default_schedule_marked_to_confirm_and_how_audit_entries_go(staff_app, public_site):
    admin = staff_browser(staff_app, "chief@example.org", "admin")
    page = admin.get("/retention/")
    assert page.status_code == 200
    text = parse_page(page).text
    assert "Confirm with the department's records officer" in text
    assert "50 ILCS 205" in text
    assert "1095 days" in text and "365 days" in text and "730 days" in text and "2555 days" in text
    assert "append-only" in text and "checkpoint entry" in text and "audit verify" in text
    assert "Kept and purged with its tip" in text
    assert "Retention" in parse_page(admin.get("/queue/")).text
    supervisor = staff_browser(staff_app, "sup@example.org", "supervisor", "Triage")
    assert supervisor.get("/retention/").status_code == 404
    assert supervisor.post(f"/retention/{rule_id(staff_app, 'tip', 'closed')}/edit",
                           data={"period_days": "1", "citation": "x"}).status_code == 404


def test_an_admin_edits_a_period_and_citation_and_the_change_is_audited_before_and_after(staff_app, public_site):
    admin = staff_browser(staff_app, "chief@example.org", "admin")
    closed = rule_id(staff_app, "tip", "closed")
    response = admin.post(f"/retention/{closed}/edit", data={
        "period_days": "2555", "citation": "Local Records Commission schedule 27.1"}, follow_redirects=True)
    assert response.status_code == 200
    text = parse_page(response).text
    assert "Retention rule changed." in text and "2555 days" in text and "schedule 27.1" in text
    [entry] = audit_entries(staff_app, "retention.rule_changed")
    assert entry.actor == "chief@example.org"
    assert "tip/closed: period 1095 days" in entry.detail and "-> period 2555 days" in entry.detail
    assert "50 ILCS 205" in entry.detail and "schedule 27.1" in entry.detail
    admin.post(f"/retention/{closed}/edit", data={"period_days": "", "citation": "Kept until further notice"})
    assert "never purged automatically" in audit_entries(staff_app, "retention.rule_changed")[-1].detail


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"period_days": "three years", "citation": "My typed citation"}, "period_days", "Not a valid integer value"),
    ({"period_days": "0", "citation": "My typed citation"}, "period_days", "between 1 and 36500"),
    ({"period_days": "400", "citation": ""}, "citation", "Give the records-law authority"),
    ({"period_days": "400", "citation": "x" * 501}, "citation", "500 characters"),
])
def test_bad_schedule_input_is_shown_next_to_its_field_with_the_text_kept(staff_app, public_site, data, field,
                                                                          message):
    admin = staff_browser(staff_app, "chief@example.org", "admin")
    response = admin.post(f"/retention/{rule_id(staff_app, 'tip', 'closed')}/edit", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    errors = re.search(rf'id="{field}-errors">(.*?)</ul>', html, re.S)
    assert errors and message in errors.group(1)
    if data["citation"] == "My typed citation":
        assert "My typed citation" in html
    assert not audit_entries(staff_app, "retention.rule_changed")


def test_a_fixed_rule_keeps_its_period_and_says_why(staff_app, public_site):
    admin = staff_browser(staff_app, "chief@example.org", "admin")
    message_rule = rule_id(staff_app, "message", "any")
    page = admin.get(f"/retention/{message_rule}/edit")
    assert "Kept and purged with its tip" in parse_page(page).text
    refused = admin.post(f"/retention/{message_rule}/edit", data={"period_days": "30", "citation": "x"})
    assert refused.status_code == 400
    assert "cannot be changed here" in re.search(r'id="period_days-errors">(.*?)</ul>',
                                                 refused.get_data(as_text=True), re.S).group(1)
    kept = admin.post(f"/retention/{message_rule}/edit", data={"period_days": "", "citation": "GO 227"})
    assert kept.status_code == 302


def test_an_admin_changes_how_long_audit_entries_are_kept(staff_app, public_site):
    admin = staff_browser(staff_app, "chief@example.org", "admin")
    audit_rule = rule_id(staff_app, "audit-entry", "any")
    assert "data-retention" not in admin.get(f"/retention/{audit_rule}/edit").get_data(as_text=True)
    changed = admin.post(f"/retention/{audit_rule}/edit", data={"period_days": "3650", "citation": "GO 227"})
    assert changed.status_code == 302
    assert "3650 days" in parse_page(admin.get("/retention/")).text
    assert "audit-entry/any: period 2555 days" in audit_entries(staff_app, "retention.rule_changed")[-1].detail


# Legal holds --------------------------------------------------------------------------------------

def test_an_investigator_places_and_lifts_a_hold_with_reasons_and_both_are_audited(staff_app, public_site):
    investigator = staff_browser(staff_app, "det@example.org", "investigator", "Triage")
    send_tip(public_site)
    [public_id] = item_ids(staff_app)
    assert "Not on legal hold" in parse_page(investigator.get(f"/cases/{public_id}")).text
    empty = investigator.post(f"/cases/{public_id}/hold/place", data={"reason": ""})
    assert empty.status_code == 400 and "Give the reason." in parse_page(empty).text
    for change, reason, done, refused in (("place", "Subpoena 26-CV-118", "Legal hold placed", "already on legal hold"),
                                          ("lift", "Case dismissed", "Legal hold lifted", "not on legal hold")):
        text = parse_page(investigator.post(f"/cases/{public_id}/hold/{change}", data={"reason": reason},
                                            follow_redirects=True)).text
        assert done in text and reason in text
        assert ("On legal hold" in text) == (change == "place")
        assert ("On legal hold" in parse_page(investigator.get("/queue/")).text) == (change == "place")
        again = investigator.post(f"/cases/{public_id}/hold/{change}", data={"reason": "again"})
        assert again.status_code == 400 and refused in parse_page(again).text
    [placed_entry] = audit_entries(staff_app, "legal_hold.placed")
    [lifted_entry] = audit_entries(staff_app, "legal_hold.lifted")
    assert (placed_entry.target, placed_entry.detail, placed_entry.actor) == (public_id, "Subpoena 26-CV-118",
                                                                               "det@example.org")
    assert (lifted_entry.target, lifted_entry.detail) == (public_id, "Case dismissed")


@pytest.mark.parametrize(("role", "unit"), [("records", "Triage"), ("communications", "Triage"),
                                            ("supervisor", "Patrol"), ("investigator", "Patrol")])
def test_others_cannot_place_a_hold_and_are_told_nothing(staff_app, public_site, role, unit):
    send_tip(public_site)
    [public_id] = item_ids(staff_app)
    other = staff_browser(staff_app, f"{role}@example.org", role, unit)
    assert other.post(f"/cases/{public_id}/hold/place", data={"reason": "mine"}).status_code == 404
    assert other.post(f"/cases/{public_id}/hold/lift", data={"reason": "mine"}).status_code == 404
    assert not audit_entries(staff_app, "legal_hold.placed")


def test_supervisors_and_admins_hold_too_and_the_hold_form_is_only_for_them(staff_app, public_site):
    send_tip(public_site)
    [public_id] = item_ids(staff_app)
    supervisor = staff_browser(staff_app, "sup@example.org", "supervisor", "Triage")
    admin = staff_browser(staff_app, "chief@example.org", "admin")
    records = staff_browser(staff_app, "rec@example.org", "records", "Triage")
    assert supervisor.post(f"/cases/{public_id}/hold/place", data={"reason": "FOIA request 12"}).status_code == 302
    assert admin.post(f"/cases/{public_id}/hold/lift", data={"reason": "Request answered"}).status_code == 302
    page = records.get(f"/cases/{public_id}").get_data(as_text=True)
    assert "Not on legal hold" in page and "/hold/" not in page


# The purge ----------------------------------------------------------------------------------------

def close_all(app, client) -> None:
    for public_id in item_ids(app):
        assert client.post(f"/cases/{public_id}/close").status_code == 302


def test_a_closed_tip_is_purged_only_after_its_period_with_its_files_and_leaves_a_tombstone(staff_app, public_site):
    secret = "The dealer's name is Quentin Zarkowski"
    photo = (DATA / "photo_with_gps.jpg").read_bytes()
    send_tip(public_site, description=secret, files=[(io.BytesIO(photo), "scene.jpg")])
    supervisor = staff_browser(staff_app, "sup@example.org", "supervisor", "Triage")
    [public_id] = item_ids(staff_app)
    with staff_app.app_context():
        tip_number, = db.session.scalars(db.select(Tip.tip_number)).all()
    supervisor.post(f"/cases/{public_id}/notes", data={"body": "Spoke to the school"})
    files_before = upload_names(staff_app)
    assert files_before
    assert "Deleted 0 record(s)" in run(staff_app, "--as-of", days_from_today(3 * 365 + 2))  # still open
    close_all(staff_app, supervisor)

    assert "Deleted 0 record(s)" in run(staff_app, "--as-of", days_from_today(3 * 365 - 1))
    dry = run(staff_app, "--dry-run", "--as-of", days_from_today(3 * 365 + 1))
    assert f"Would delete tip {tip_number} (rule " in dry and "Would delete 1 record(s)." in dry
    assert supervisor.get(f"/cases/{public_id}").status_code == 200 and upload_names(staff_app) == files_before

    output = run(staff_app, "--as-of", days_from_today(3 * 365 + 1))
    assert f"Deleted tip {tip_number} (rule {rule_id(staff_app, 'tip', 'closed')}: tip closed, 1095 days)" in output
    assert "audit entries" not in output  # none is seven years old yet
    assert supervisor.get(f"/cases/{public_id}").status_code == 404
    assert not files_before & upload_names(staff_app)
    with staff_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0
    [tombstone] = audit_entries(staff_app, "retention.purged")
    assert tombstone.target == public_id and tombstone.actor == "retention schedule"
    assert tip_number in tombstone.detail and "1095 days" in tombstone.detail
    assert f"as of {days_from_today(3 * 365 + 1)}" in tombstone.detail
    assert "Quentin" not in tombstone.detail and "school" not in tombstone.detail
    assert "Deleted 0 record(s)" in run(staff_app, "--as-of", days_from_today(3 * 365 + 1))
    assert len(audit_entries(staff_app, "retention.purged")) == 1
    verify = staff_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output


def test_a_held_tip_survives_the_purge_until_the_hold_is_lifted(staff_app, public_site):
    send_tip(public_site)
    investigator = staff_browser(staff_app, "det@example.org", "investigator", "Triage")
    [public_id] = item_ids(staff_app)
    close_all(staff_app, investigator)
    investigator.post(f"/cases/{public_id}/hold/place", data={"reason": "Pending lawsuit"})
    late = days_from_today(10 * 365)
    output = run(staff_app, "--as-of", late)
    assert "Deleted 0 record(s)" in output and "Legal holds in force: 1" in output
    assert investigator.get(f"/cases/{public_id}").status_code == 200
    investigator.post(f"/cases/{public_id}/hold/lift", data={"reason": "Lawsuit settled"})
    assert "Deleted 1 record(s)" in run(staff_app, "--as-of", late)
    assert investigator.get(f"/cases/{public_id}").status_code == 404


def test_rejected_reports_go_after_a_year_with_their_files_and_approved_ones_stay_longer(staff_app, public_site):
    reporter = ReporterActions(public_site.test_client())
    photo = (DATA / "photo_with_gps.jpg").read_bytes()
    rejected = reporter.reference(reporter.file(files=[(io.BytesIO(photo), "bike.jpg")]))
    approved = reporter.reference(reporter.file(narrative="My scooter was taken too."))
    records = staff_browser(staff_app, "rec@example.org", "records", "Triage")
    first, second = item_ids(staff_app)
    assert records.post(f"/cases/{first}/decision", data={"decision": "rejected",
                                                          "message": "Not a crime"}).status_code == 302
    assert records.post(f"/cases/{second}/decision", data={"decision": "approved",
                                                           "case_number": "26-000123"}).status_code == 302
    files = upload_names(staff_app)
    assert files
    assert "Deleted 0 record(s)" in run(staff_app, "--as-of", days_from_today(364))
    output = run(staff_app, "--as-of", days_from_today(366))
    assert f"Deleted report {rejected} " in output and approved not in output
    assert not files & upload_names(staff_app)
    assert records.get(f"/cases/{first}").status_code == 404
    assert records.get(f"/cases/{second}").status_code == 200
    assert f"Deleted report {approved} " in run(staff_app, "--as-of", days_from_today(5 * 365 + 1))


def test_the_purge_works_in_batches(staff_app, public_site):
    for number in range(5):
        send_tip(public_site, description=f"Tip number {number} about a parked van")
    supervisor = staff_browser(staff_app, "sup@example.org", "supervisor", "Triage")
    close_all(staff_app, supervisor)
    output = run(staff_app, "--batch-size", "2", "--as-of", days_from_today(3 * 365 + 1))
    assert "Deleted 5 record(s) in 3 batch(es)." in output
    assert len(audit_entries(staff_app, "retention.purged")) == 5
    assert item_ids(staff_app) == []


def test_the_purge_fills_an_empty_schedule_with_the_defaults(staff_app):
    output = run(staff_app, "--dry-run")
    assert "Would delete 0 record(s)." in output
    with staff_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(RetentionRule)) == 0
    run(staff_app)
    with staff_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(RetentionRule)) == 11


def test_notices_go_two_years_after_expiry_or_cancellation_unless_a_tip_answers_them(staff_app, public_site):
    from tests.staff.test_notices import write_notice

    sergeant = staff_browser(staff_app, "sgt@example.org", "supervisor")
    general = write_notice(sergeant, title="Leaf collection starts")
    closure = write_notice(sergeant, notice_type="road-closure", title="Deerfield Road closed")
    appeal = write_notice(sergeant, notice_type="missing-person", title="Missing: Ann, 15",
                          summary="Last seen near the library.", severity="Severe", urgency="Immediate",
                          certainty="Likely")
    for notice_id in (general, closure, appeal):
        assert sergeant.post(f"/notices/{notice_id}/publish", data={"override_reason": "Approved"}).status_code == 302
    sergeant.post(f"/notices/{closure}/cancel", data={"note": "Road reopened"})
    send_tip(public_site, description="I saw her at the station", notice=str(appeal))
    with staff_app.app_context():
        assert db.session.scalars(db.select(Tip.notice_id)).one() == appeal
    assert "Deleted 0 record(s)" in run(staff_app, "--as-of", days_from_today(2 * 365 - 1))
    output = run(staff_app, "--as-of", days_from_today(2 * 365 + 3))
    assert "Deleted 2 record(s)" in output
    assert sergeant.get(f"/notices/{general}").status_code == 404
    assert sergeant.get(f"/notices/{closure}").status_code == 404
    assert sergeant.get(f"/notices/{appeal}").status_code == 200
    tombstones = audit_entries(staff_app, "retention.purged")
    assert len(tombstones) == 2 and not any("Leaf" in entry.detail or "Deerfield Road" in entry.detail
                                            for entry in tombstones)


# The audit log's own rule ---------------------------------------------------------------------------

def verify(app) -> str:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    return result.output


SEVEN_YEARS = 7 * 365


def test_audit_entries_go_after_seven_years_leaving_a_checkpoint_that_verify_accepts(staff_app, public_site):
    send_tip(public_site)
    investigator = staff_browser(staff_app, "det@example.org", "investigator", "Triage")
    [public_id] = item_ids(staff_app)
    investigator.post(f"/cases/{public_id}/hold/place", data={"reason": "Subpoena 26-CV-118"})
    before = audit_entries(staff_app, "legal_hold.placed")[0]
    ids = audit_ids(staff_app)
    with staff_app.app_context():
        anchor = db.session.get(AuditEntry, ids[-1]).entry_hash
    rule = rule_id(staff_app, "audit-entry", "any")

    assert "audit entries" not in run(staff_app, "--as-of", days_from_today(SEVEN_YEARS - 1))
    dry = run(staff_app, "--dry-run", "--as-of", days_from_today(SEVEN_YEARS + 1))
    assert (f"Would delete audit entries {ids[0]} to {ids[-1]} ({len(ids)}) "
            f"(rule {rule}: audit-entry any, 2555 days)") in dry
    assert audit_ids(staff_app) == ids

    output = run(staff_app, "--as-of", days_from_today(SEVEN_YEARS + 1))
    assert f"Deleted audit entries {ids[0]} to {ids[-1]} ({len(ids)})" in output
    assert "a checkpoint entry names the last one" in output
    [checkpoint] = audit_entries(staff_app, "audit.purged")
    assert audit_ids(staff_app) == [checkpoint.id]
    assert checkpoint.detail == f"{len(ids)} entries purged, ids {ids[0]} to {ids[-1]}; anchor {anchor}"
    assert (checkpoint.actor, checkpoint.target) == ("retention schedule", f"retention rule {rule}")
    assert "Subpoena" not in checkpoint.detail and before.detail == "Subpoena 26-CV-118"
    assert "The audit chain of 1 entries is intact." in verify(staff_app)

    again = run(staff_app, "--as-of", days_from_today(SEVEN_YEARS + 1))
    assert "audit entries" not in again and audit_ids(staff_app) == [checkpoint.id]
    assert investigator.get(f"/cases/{public_id}").status_code == 200  # the submission itself is untouched


def test_audit_entries_go_in_batches_and_purge_after_purge_the_chain_stays_verified(staff_app, public_site):
    admin = staff_browser(staff_app, "chief@example.org", "admin")
    closed = rule_id(staff_app, "tip", "closed")
    for days in ("400", "500", "600"):
        admin.post(f"/retention/{closed}/edit", data={"period_days": days, "citation": "GO 227"})
    first_ids = audit_ids(staff_app)
    output = run(staff_app, "--batch-size", "2", "--as-of", days_from_today(SEVEN_YEARS + 1))
    assert output.count("Deleted audit entries") == (len(first_ids) + 1) // 2
    checkpoints = audit_entries(staff_app, "audit.purged")
    assert audit_ids(staff_app) == [entry.id for entry in checkpoints]
    assert "intact" in verify(staff_app)
    assert "audit entries" not in run(staff_app, "--batch-size", "2", "--as-of", days_from_today(SEVEN_YEARS + 1))

    admin.post(f"/retention/{closed}/edit", data={"period_days": "700", "citation": "GO 227"})
    output = run(staff_app, "--as-of", days_from_today(SEVEN_YEARS + 1))
    assert f"Deleted audit entries {checkpoints[0].id} to " in output  # the old checkpoints go with what follows
    [latest] = audit_entries(staff_app, "audit.purged")
    assert audit_ids(staff_app) == [latest.id]
    assert "The audit chain of 1 entries is intact." in verify(staff_app)
    admin.post(f"/retention/{closed}/edit", data={"period_days": "800", "citation": "GO 227"})
    assert "intact" in verify(staff_app)


def test_after_a_purge_the_database_still_refuses_deletes_and_verify_still_finds_tampering(staff_app, public_site):
    staff_browser(staff_app, "chief@example.org", "admin")
    run(staff_app, "--as-of", days_from_today(SEVEN_YEARS + 1))
    admin = staff_browser(staff_app, "chief2@example.org", "admin")
    admin.post(f"/retention/{rule_id(staff_app, 'tip', 'closed')}/edit", data={"period_days": "9", "citation": "x"})
    remaining = audit_ids(staff_app)
    assert len(remaining) >= 3 and "intact" in verify(staff_app)
    with staff_app.app_context(), db.engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM audit_purge_window")) == 0
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            connection.execute(sa.text("DELETE FROM audit_entry"))
    assert audit_ids(staff_app) == remaining

    tamper(staff_app, "UPDATE audit_entry SET detail = 'nothing to see' WHERE id = :id", remaining[1])
    broken = staff_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and f"broken at entry {remaining[1]}" in broken.output


def test_removing_the_first_remaining_entries_by_hand_is_found_after_a_purge(staff_app, public_site):
    staff_browser(staff_app, "chief@example.org", "admin")
    run(staff_app, "--as-of", days_from_today(SEVEN_YEARS + 1))
    staff_browser(staff_app, "chief2@example.org", "admin")
    remaining = audit_ids(staff_app)
    tamper(staff_app, "DELETE FROM audit_entry WHERE id = :id", remaining[0])  # the checkpoint
    broken = staff_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and f"broken at entry {remaining[1]}" in broken.output
