"""Online reports through HTTP: screening, each type, validation, receipt, look-up, review, expiry."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from portal.exceptions import InvalidInput, PermissionDenied
from portal.extensions import db
from portal.models import OutboxEmail, Report, ReportStatus, StaffUser
from portal.services import reports as report_service
from tests.helpers import DATA, ELIGIBLE, REPORTER, missing_phrases, naughty_strings, parse_page
from tests.mail import send_outbox


def only_report(app) -> Report:
    with app.app_context():
        report = db.session.scalars(db.select(Report)).one()
        report.items, report.history, report.replies  # noqa: B018 - load before the session closes
        db.session.expunge_all()
        return report


def staff_member(app) -> int:
    with app.app_context():
        officer = StaffUser(email="desk@example.org", display_name="Ofc. Desk", role="records", password_hash="x")
        db.session.add(officer)
        db.session.commit()
        return officer.id


def move(app, report: Report, status: ReportStatus, **options) -> None:
    """What the back office will do: a named staff member changes the status."""
    with app.app_context():
        officer = db.session.scalar(db.select(StaffUser.id))
    officer = officer or staff_member(app)
    with app.app_context():
        report_service.change_report_status(report.public_id, officer, status, "http://127.0.0.1:5000", **options)


def test_tell_us_leads_to_911_a_report_or_a_tip(client):
    page = parse_page(client.get("/tell-us"))
    assert {"tel:911", "/reports/screening", "/tips/new"} <= set(page.hrefs())
    assert "Is someone in danger, or is it happening now?" in page.text


def test_eligible_answers_lead_to_the_report_types(reporter):
    page = parse_page(reporter.screen())
    for name in ("Theft", "Theft from a vehicle", "Lost property", "Criminal damage or vandalism", "Identity theft",
                 "Fraud or scam", "Harassing calls or messages", "Other"):
        assert name in page.text


@pytest.mark.parametrize(
    ("answer", "phrase", "number"),
    [
        ({"emergency": "yes"}, "call 911 straight away", "tel:911"),
        ({"place": "__elsewhere__"}, "only take reports of crimes that happened in our jurisdiction", "tel:8479458636"),
        ({"known_suspect": "yes"}, "because you know who did it", "tel:8479458636"),
        ({"evidence": "yes"}, "because there is evidence an officer should collect", "tel:8479458636"),
        ({"injury": "yes"}, "because someone was hurt", "tel:8479458636"),
        ({"weapon": "yes"}, "because a weapon was involved", "tel:8479458636"),
        ({"loss_over_limit": "yes"}, "because the loss is more than $1,000", "tel:8479458636"),
        ({"adult": "no"}, "must be made by an adult, or by a parent or guardian", "tel:8479458636"),
    ],
)
def test_every_ineligible_answer_ends_on_a_page_with_the_reason_and_the_number(reporter, answer, phrase, number):
    response = reporter.screen(**answer)
    assert response.status_code == 200
    page = parse_page(response)
    assert phrase in page.text
    assert "This cannot be reported online" in page.text
    assert number in page.hrefs()
    assert "/reports/screening" in page.hrefs(), "never a dead end"
    assert not [href for href in page.hrefs() if href.startswith("/reports/new/")]


@pytest.mark.parametrize(
    ("place", "zip_code", "eligible"),
    [("Deerfield", "", True), ("__elsewhere__", "60015", True), ("Deerfield", "60035", False),
     ("__elsewhere__", "", False)],
)
def test_jurisdiction_by_place_or_zip_code(reporter, place, zip_code, eligible):
    text = parse_page(reporter.screen(place=place, zip_code=zip_code)).text
    assert ("What do you want to report?" in text) is eligible
    assert ("only take reports of crimes that happened in our jurisdiction" in text) is not eligible


def test_an_expired_security_token_keeps_the_whole_report(make_tip_app, mail_server):
    from tests.helpers import ReporterActions

    app = make_tip_app(WTF_CSRF_ENABLED=True, **mail_server.settings())
    reporter = ReporterActions(app.test_client())
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     reporter.client.get("/reports/screening").get_data(as_text=True)).group(1)
    screened = reporter.client.post("/reports/screening", data={**ELIGIBLE, "csrf_token": csrf})
    token = re.search(r"screening=([^\"&]+)", screened.get_data(as_text=True)).group(1)
    fresh = ReporterActions(app.test_client())
    response = fresh.client.post("/reports/new/theft", data={
        "screening": token, "terms_version": "1.1", "csrf_token": "from-a-lost-session",
        "occurred_from": "2026-11-20T22:15", "location": "Station", "narrative": "Long careful account.",
        "items-0-description": "Blue Trek bicycle", **REPORTER})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "For your security this form had expired. Nothing was lost" in parse_page(response).text
    assert "Long careful account." in html and 'value="ann.lee@example.org"' in html
    assert 'value="Blue Trek bicycle"' in html and 'value="2026-11-20T22:15"' in html


def test_a_rate_limited_reporter_keeps_the_report(make_tip_app, mail_server):
    from tests.helpers import ReporterActions

    app = make_tip_app(RATELIMIT_ENABLED=True, PORTAL_REPORT_LIMIT="1 per hour", **mail_server.settings())
    reporter = ReporterActions(app.test_client())
    assert reporter.file().status_code == 200
    limited = reporter.file(narrative="The second report, typed at length.")
    assert limited.status_code == 429
    assert "(847) 945-8636" in parse_page(limited).text
    assert "The second report, typed at length." in limited.get_data(as_text=True)


def test_unanswered_questions_are_flagged_and_answers_kept(reporter):
    response = reporter.client.post("/reports/screening", data={"emergency": "no", "place": "Deerfield"})
    assert response.status_code == 400
    page = parse_page(response)
    assert page.find_all("ul", id="injury-errors") and "Please answer yes or no." in page.text
    assert 'value="no" checked' in response.get_data(as_text=True) or page.find_all("input", id="emergency-1",
                                                                                     checked="")


def test_a_form_sent_back_says_so_in_its_title_and_links_each_problem_to_its_field(reporter):
    screened = reporter.client.post("/reports/screening", data={"emergency": "no", "place": "Deerfield"})
    html = screened.get_data(as_text=True)
    assert "<title>Error: Can you report this online? |" in html
    [summary] = re.findall(r'<div class="errors-summary" role="alert">(.*?)</div>', html, re.S)
    assert '<a href="#injury-0">' in summary and "Please answer yes or no." in summary
    assert 'id="injury-0"' in html, "the link leads to the question's first answer"

    form = reporter.file(narrative="", location="Deerfield library",
                         **{"items-0-description": "Wallet", "items-0-value": "lots"})
    html = form.get_data(as_text=True)
    assert form.status_code == 400 and "<title>Error: Report: Theft |" in html
    [summary] = re.findall(r'<div class="errors-summary" role="alert">(.*?)</div>', html, re.S)
    links = dict(re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', summary))
    assert "narrative" in links and "items-0-value" in links, links
    assert all(f'id="{field}"' in html for field in links)
    assert "<title>Report: Theft |" in reporter.form_page("theft").get_data(as_text=True)


def test_the_report_form_needs_a_passed_screening(reporter):
    for suffix in ("", "?screening=forged"):
        response = reporter.client.get(f"/reports/new/theft{suffix}")
        assert response.status_code == 302 and response.headers["Location"].endswith("/reports/screening")
    assert reporter.client.get(f"/reports/new/no-such-type?screening={reporter.screening_token()}").status_code == 404


TYPE_FIELDS = {
    "theft": ({"items-0-description": "Bike"}, ["Item 1"], ["The vehicle"]),
    "theft-from-vehicle": ({"vehicle_make": "Honda", "vehicle_plate": "ABC 123"}, ["The vehicle", "Item 1"], []),
    "lost-property": ({"items-0-description": "Wallet"}, ["Item 1"], ["Money and contact"]),
    "criminal-damage": ({"items-0-description": "Fence"}, ["Item 1"], ["The vehicle"]),
    "identity-theft": ({"accounts_affected": "A credit card opened at Bank X", "amount_lost": "120"},
                       ["Accounts affected", "Money and contact"], ["Item 1"]),
    "fraud": ({"amount_lost": "300", "payment_method": "gift cards", "offender_contact": "+1 555 0100"},
              ["Money and contact"], ["Item 1"]),
    "harassing-communications": ({"caller_numbers": "+1 555 0199", "times_contacted": "Daily since May"},
                                 ["The calls or messages"], ["Item 1", "Money and contact"]),
    "other": ({}, ["What happened"], ["Item 1", "The vehicle"]),
}


@pytest.mark.parametrize("report_type", sorted(TYPE_FIELDS))
def test_each_report_type_asks_its_own_questions_and_is_filed(report_app, reporter, report_type):
    typed, shown, hidden = TYPE_FIELDS[report_type]
    form_text = parse_page(reporter.form_page(report_type)).text
    assert missing_phrases(form_text, shown + ["About you", "not anonymous"]) == []
    for section in hidden:
        assert section not in form_text
    response = reporter.file(report_type, **typed)
    assert response.status_code == 200, parse_page(response).text[:600]
    reference = reporter.reference(response)
    report = only_report(report_app)
    assert (report.reference, report.report_type, report.status) == (reference, report_type, ReportStatus.SUBMITTED)
    for name, value in typed.items():
        if not name.startswith("items-"):
            assert report.details[name] == value
    if "items" in report_app.config["PORTAL_REPORT_TYPES"][report_type]["sections"]:
        assert [item.description for item in report.items] == [typed.get("items-0-description", "Blue Trek bicycle")]
    else:
        assert report.items == [], "rows of a section the type does not have are ignored"
    assert report.occurred_from == datetime(2026, 11, 21, 4, 15, tzinfo=timezone.utc), "22:15 in Chicago"


def test_the_receipt_is_a_printable_copy_and_a_copy_is_e_mailed(report_app, reporter, mail_server):
    response = reporter.file("theft", narrative="Taken between 10 pm and 6 am.")
    assert response.headers["Cache-Control"] == "no-store"
    reference = reporter.reference(response)
    text = parse_page(response).text
    assert missing_phrases(text, [reference, "Theft", "November 20, 2026, 10:15 PM", "Taken between 10 pm and 6 am.",
                                  "Blue Trek bicycle", "Ann Lee", "ann.lee@example.org", "browser's Print command"]) == []
    with report_app.test_client().get("/static/css/portal.css") as stylesheet:
        css = stylesheet.get_data(as_text=True)
    assert "@media print" in css and ".no-print" in css.split("@media print")[1]
    assert "Sent 1, failed 0, 0 waiting." in send_outbox(report_app)
    [message] = mail_server.messages
    assert message["To"] == "ann.lee@example.org"
    assert reference in message["Subject"]
    body = mail_server.bodies()[0]
    assert "Taken between 10 pm and 6 am." in body and "November 20, 2026, 10:15 PM" in body


def test_the_terms_version_accepted_is_recorded(report_app, reporter):
    reporter.file()
    with report_app.app_context():
        from portal.models import TermsVersion

        assert db.session.get(TermsVersion, only_report(report_app).terms_version_id).version == "1.1"


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"narrative": ""}, "narrative", "Please describe what happened."),
        ({"location": ""}, "location", "Please say where it happened."),
        ({"occurred_from": ""}, "occurred_from", "Please give the date and time."),
        ({"occurred_from": "yesterday"}, "occurred_from", "Not a valid datetime value."),
        ({"occurred_from": "2099-01-01T10:00"}, "occurred_from", "The date and time cannot be in the future."),
        ({"occurred_to": "2026-11-19T10:00"}, "occurred_to", "The end of the time range must be after its start."),
        ({"reporter_email": "not-an-address"}, "reporter_email", "Please give an e-mail address like"),
        ({"reporter_name": ""}, "reporter_name", "Please give your name."),
        ({"reporter_address": "x" * 301}, "reporter_address", "Field cannot be longer than 300 characters."),
        ({"narrative": "a\x00b"}, "narrative", "This contains a NUL character"),
        ({"items-0-value": "NaN"}, "items-0-value", "Please enter a number."),
        ({"items-0-value": "-5"}, "items-0-value", "Number must be at least 0."),
    ],
)
def test_bad_input_is_flagged_next_to_its_field_with_everything_kept(report_app, reporter, typed, field, message):
    response = reporter.file("theft", **{"reporter_phone": "847-555-9999", **typed})
    assert response.status_code == 400
    page = parse_page(response)
    assert page.find_all("ul", id=f"{field}-errors"), f"no error next to {field}"
    assert message in page.text
    html = response.get_data(as_text=True)
    assert 'value="847-555-9999"' in html and "Blue Trek bicycle" in html
    with report_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 0


def test_a_loss_above_the_limit_is_sent_to_the_phone(report_app, reporter):
    response = reporter.file("theft", **{"items-0-value": "900", "items-1-description": "Helmet", "items-1-value": "200"})
    assert response.status_code == 400
    assert "The total loss is more than $1,000" in parse_page(response).text
    assert "Helmet" in response.get_data(as_text=True)


def test_every_naughty_string_is_stored_exactly_as_typed(report_app, reporter):
    fields = ("narrative", "location", "reporter_name", "reporter_address", "items-0-description")
    for text in naughty_strings():
        value = text if text.strip() else text + "x"
        response = reporter.file("theft", **{name: value[:100] for name in fields})
        assert response.status_code == 200, (text, parse_page(response).text[:300])
    with report_app.app_context():
        stored = db.session.scalars(db.select(Report).order_by(Report.id)).all()
        assert [report.narrative for report in stored] == [
            (text if text.strip() else text + "x")[:100] for text in naughty_strings()]
        assert [report.items[0].description for report in stored] == [report.narrative for report in stored]


def test_look_up_shows_the_status_with_either_case_or_spacing(report_app, reporter):
    reference = reporter.reference(reporter.file())
    response = reporter.lookup(reference.lower().replace("-", " "), "ANN.LEE@example.org ")
    assert response.status_code == 200
    assert "Submitted, waiting for review" in parse_page(response).text


@pytest.mark.parametrize("wrong", ["reference", "email"])
def test_a_wrong_pair_gets_one_generic_error(reporter, wrong):
    reference = reporter.reference(reporter.file())
    response = reporter.lookup("R-ZZZZ-ZZZZ-ZZZZ" if wrong == "reference" else reference,
                               "someone@example.org" if wrong == "email" else REPORTER["reporter_email"])
    assert response.status_code == 400
    assert "That reference and e-mail address do not match a report." in parse_page(response).text


def test_look_ups_are_limited_per_client_and_per_reference(make_tip_app, mail_server):
    from tests.helpers import ReporterActions

    app = make_tip_app(RATELIMIT_ENABLED=True, PORTAL_REPORT_STATUS_LIMIT="3 per hour", **mail_server.settings())
    reporter = ReporterActions(app.test_client())
    reference = reporter.reference(reporter.file())
    statuses = [reporter.lookup(reference, "guess@example.org", environ_base={"REMOTE_ADDR": f"203.0.113.{n}"})
                .status_code for n in range(4)]
    assert statuses == [400, 400, 400, 429]
    limited = reporter.lookup(reference, environ_base={"REMOTE_ADDR": "203.0.113.77"})
    assert limited.status_code == 429 and "(847) 945-8636" in parse_page(limited).text
    per_client = [reporter.lookup(f"R-AAAA-AAAA-AAA{n}", environ_base={"REMOTE_ADDR": "198.51.100.3"}).status_code
                  for n in range(4)]
    assert per_client == [400, 400, 400, 429]


def test_the_whole_review_flow_e_mails_the_reporter_at_every_step(report_app, reporter, mail_server):
    reference = reporter.reference(reporter.file())
    report = only_report(report_app)
    move(report_app, report, ReportStatus.UNDER_REVIEW)
    move(report_app, report, ReportStatus.MORE_INFO_NEEDED, message="What colour was the bike lock?")
    page = parse_page(reporter.lookup(reference))
    assert "More information needed from you" in page.text and "What colour was the bike lock?" in page.text
    answered = reporter.answer(reference, "A red D-lock.")
    assert "your answer was sent and the report is back under review" in parse_page(answered).text
    move(report_app, report, ReportStatus.APPROVED, case_number="26-004512")
    page = parse_page(reporter.lookup(reference))
    assert "Approved: an official case was opened" in page.text and "26-004512" in page.text
    report = only_report(report_app)
    assert [change.to_status for change in report.history] == [
        ReportStatus.SUBMITTED, ReportStatus.UNDER_REVIEW, ReportStatus.MORE_INFO_NEEDED, ReportStatus.UNDER_REVIEW,
        ReportStatus.APPROVED]
    assert [reply.body for reply in report.replies] == ["A red D-lock."]
    assert "Sent 5, failed 0, 0 waiting." in send_outbox(report_app)
    subjects = [message["Subject"] for message in mail_server.messages]
    assert subjects == [
        f"Your report {reference} was received",
        f"Your report {reference}: Under review",
        f"Your report {reference}: More information needed from you",
        f"Your report {reference}: Under review",
        f"Your report {reference}: Approved: an official case was opened",
    ]
    assert "Official case number: 26-004512" in mail_server.bodies()[-1]


def test_a_rejection_shows_its_reason(report_app, reporter, mail_server):
    reference = reporter.reference(reporter.file())
    move(report_app, only_report(report_app), ReportStatus.REJECTED, message="This happened in Highland Park.")
    page = parse_page(reporter.lookup(reference))
    assert "Not accepted" in page.text and "This happened in Highland Park." in page.text
    send_outbox(report_app)
    assert "This happened in Highland Park." in mail_server.bodies()[-1]


def test_transitions_outside_the_flow_are_refused(report_app, reporter):
    reporter.file()
    report = only_report(report_app)
    with pytest.raises(PermissionDenied):
        move(report_app, report, ReportStatus.SUBMITTED)
    move(report_app, report, ReportStatus.REJECTED, message="Duplicate of 26-1")
    for status in (ReportStatus.APPROVED, ReportStatus.UNDER_REVIEW):
        with pytest.raises(PermissionDenied):
            move(report_app, report, status, case_number="1")
    reporter.file()
    with report_app.app_context():
        second = db.session.scalars(db.select(Report).order_by(Report.id.desc())).first()
    with pytest.raises(InvalidInput, match="case number"):
        move(report_app, second, ReportStatus.APPROVED)
    with pytest.raises(InvalidInput, match="reporter reads it"):
        move(report_app, second, ReportStatus.REJECTED)


def test_an_answer_is_only_taken_when_one_was_asked_for(reporter):
    reference = reporter.reference(reporter.file())
    response = reporter.answer(reference, "Unasked")
    assert response.status_code == 400
    assert "This report is not waiting for information from you." in parse_page(response).text


def test_reports_left_waiting_for_the_reporter_expire_and_are_deleted(report_app, reporter, mail_server):
    photo = (DATA / "photo_with_gps.jpg").read_bytes()
    reporter.file(files=[(io.BytesIO(photo), "bike.jpg")])
    reporter.file(narrative="A second, fresh report")
    with report_app.app_context():
        stale, fresh = db.session.scalars(db.select(Report).order_by(Report.id)).all()
        stale_reference = stale.reference
    for report in (stale, fresh):
        move(report_app, report, ReportStatus.MORE_INFO_NEEDED, message="Which bike shop?")
    with report_app.app_context():
        db.session.execute(db.update(Report).where(Report.id == stale.id).values(
            status_changed_at=datetime.now(timezone.utc) - timedelta(days=15)))
        db.session.commit()
    result = report_app.test_cli_runner().invoke(args=["reports", "expire"])
    assert "Expired and deleted 1 report(s)." in result.output
    with report_app.app_context():
        assert [report.id for report in db.session.scalars(db.select(Report))] == [fresh.id]
    assert list(Path(report_app.config["PORTAL_UPLOAD_FOLDER"]).iterdir()) == []
    assert "That reference and e-mail address do not match" in parse_page(reporter.lookup(stale_reference)).text
    send_outbox(report_app)
    assert mail_server.messages[-1]["Subject"] == f"Your report {stale_reference} was closed"


def test_status_changes_and_their_e_mail_commit_together(report_app, reporter):
    reporter.file()
    move(report_app, only_report(report_app), ReportStatus.UNDER_REVIEW)
    with report_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxEmail)) == 2
    with pytest.raises(PermissionDenied):
        move(report_app, only_report(report_app), ReportStatus.SUBMITTED)
    with report_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxEmail)) == 2


def test_hostile_look_ups_never_break_the_page(reporter):
    for text in naughty_strings()[:200]:
        assert reporter.lookup(text, text).status_code == 400, text


def test_hostile_text_is_shown_escaped_on_the_receipt_and_the_status_page(reporter):
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    response = reporter.file(narrative=payload, location=payload[:100])
    html = response.get_data(as_text=True)
    assert payload not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    status = reporter.lookup(reporter.reference(response)).get_data(as_text=True)
    assert payload not in status and "&lt;img src=x onerror=alert(2)&gt;" in status
