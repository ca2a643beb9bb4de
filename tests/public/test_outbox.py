"""The e-mail outbox against a real SMTP server on loopback, including outages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from portal.extensions import db
from portal.models import OutboxEmail
from tests.helpers import ReporterActions
from tests.mail import send_outbox


def outbox_rows(app) -> list[OutboxEmail]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(OutboxEmail).order_by(OutboxEmail.id)))
        db.session.expunge_all()
        return rows


def let_time_pass(app) -> None:
    """Make every waiting message due again, as if its back-off had run out."""
    with app.app_context():
        db.session.execute(db.update(OutboxEmail).where(OutboxEmail.sent_at.is_(None)).values(
            next_attempt_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
        db.session.commit()


def file_reports(app, count: int) -> list[str]:
    reporter = ReporterActions(app.test_client())
    return [reporter.reference(reporter.file(reporter_email=f"person{n}@example.org")) for n in range(count)]


def test_the_report_and_its_e_mail_are_stored_even_while_the_mail_server_is_down(report_app, mail_server):
    mail_server.stop()
    references = file_reports(report_app, 2)
    assert len(references) == 2, "residents get their receipt: the e-mail waits in the outbox"
    assert "Sent 0, failed 2, 2 waiting." in send_outbox(report_app)
    rows = outbox_rows(report_app)
    assert [(row.attempts, row.sent_at, row.last_error) for row in rows] == [
        (1, None, "ConnectionRefusedError"), (1, None, "ConnectionRefusedError")]
    assert all(row.next_attempt_at > datetime.now(timezone.utc) for row in rows), "backed off"
    assert "Sent 0, failed 0, 2 waiting." in send_outbox(report_app), "not retried before the back-off ends"
    mail_server.start()
    let_time_pass(report_app)
    assert "Sent 2, failed 0, 0 waiting." in send_outbox(report_app)
    assert sorted(message["To"] for message in mail_server.messages) == ["person0@example.org", "person1@example.org"]


def test_an_outage_in_the_middle_of_a_run_loses_nothing_and_sends_nothing_twice(report_app, mail_server):
    references = file_reports(report_app, 3)
    assert "Sent 3, failed 0, 0 waiting." in send_outbox(report_app)
    mail_server.messages.clear()
    file_reports(report_app, 3)
    mail_server.handler.refusing = True
    assert "Sent 0, failed 3, 3 waiting." in send_outbox(report_app)
    mail_server.handler.refusing = False
    let_time_pass(report_app)
    with report_app.app_context():
        first_waiting = db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
                                           .order_by(OutboxEmail.id)).first()
        first_waiting.next_attempt_at = datetime.now(timezone.utc) + timedelta(hours=1)
        db.session.commit()
    assert "Sent 2, failed 0, 1 waiting." in send_outbox(report_app)
    let_time_pass(report_app)
    assert "Sent 1, failed 0, 0 waiting." in send_outbox(report_app)
    delivered = [message["To"] for message in mail_server.messages]
    assert sorted(delivered) == ["person0@example.org", "person1@example.org", "person2@example.org"]
    assert len(set(references)) == 3
    assert all(row.sent_at is not None and row.last_error == "" for row in outbox_rows(report_app))


def test_the_server_going_away_between_two_messages(report_app, mail_server):
    """A real stop in the middle of a run: what was sent is marked sent, the rest waits."""
    file_reports(report_app, 2)
    original = mail_server.handler.handle_DATA

    async def accept_one_then_stop(server, session, envelope):
        response = await original(server, session, envelope)
        mail_server.handler.refusing = True
        return response

    mail_server.handler.handle_DATA = accept_one_then_stop
    assert "Sent 1, failed 1, 1 waiting." in send_outbox(report_app)
    mail_server.handler.handle_DATA = original
    mail_server.handler.refusing = False
    let_time_pass(report_app)
    assert "Sent 1, failed 0, 0 waiting." in send_outbox(report_app)
    assert len(mail_server.messages) == 2


def test_back_off_grows_and_is_capped():
    from portal.services.outbox import MAX_BACKOFF, backoff

    waits = [backoff(attempt) for attempt in range(1, 12)]
    assert waits[0] == timedelta(minutes=1) and waits[1] == timedelta(minutes=2) and waits[2] == timedelta(minutes=4)
    assert waits == sorted(waits) and waits[-1] == MAX_BACKOFF


def test_the_development_transport_writes_e_mail_files(make_tip_app, tmp_path):
    app = make_tip_app(PORTAL_MAIL_TRANSPORT="file", PORTAL_OUTBOX_FOLDER=str(tmp_path / "outbox"))
    [reference] = file_reports(app, 1)
    assert "Sent 1, failed 0, 0 waiting." in send_outbox(app)
    [written] = list((tmp_path / "outbox").iterdir())
    assert reference in written.read_text()
