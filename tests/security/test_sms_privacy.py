"""Text-a-tip keeps no phone number in clear, and none at all once a conversation is closed.

Proven over HTTP (the provider's signed webhook, the back office) and the operators' commands
(``outbox send``, ``retention run``, ``init-secrets``) against a real database:

- after a whole conversation (a tip with a picture, a follow-up, a staff reply texted out), no
  spelling of the tipster's number is in the database (rows, and SQLite's files), the logs, the
  uploads, the outbox folder or the back office's pages;
- while open, the number is only an alias and a sealed copy that opens with the number key and
  that conversation's alias only;
- closing (STOP, staff closing the case, idleness) sets both to NULL, and their bytes are gone
  from the database, SQLite's files included;
- retention purges a closed text tip with its conversation and outbox texts;
- the keys are written to the public zone only and are required there; the back office has no
  /sms/ route at all.
"""

from __future__ import annotations

import io
import logging
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.exceptions import InvalidTag

import portal
from portal.config import ConfigurationError
from portal.database import SqliteSettings
from portal.extensions import db
from portal.models import OutboxText, SmsConversation, Tip, TipMessage, WorkItem
from portal.services import sms_numbers
from tests.conftest import TEST_DATABASE_URL, staff_browser
from tests.helpers import DATA, all_stored_text, database_file_bytes, parse_page
from tests.sms_support import (NUMBER_SPELLINGS, TIPSTER_NUMBER, Answer, post_delivery_report, post_text, reply_of,
                               sms_overrides)

PHOTO_PATH = "/media/photo_with_gps.jpg"
TIP_TEXT = "DEERFIELD DRUGS someone sells pills behind the library every Friday"
FOLLOW_UP = "He drives a red pickup with a ladder rack"
STAFF_REPLY = "Thank you. Which entrance of the library?"
TODAY = datetime.now(timezone.utc).date()


# Reading what the portal keeps ---------------------------------------------------------------------

def message_sid(index: int) -> str:
    return f"SM{index:032x}"


def binary_values(app) -> Iterator[bytes]:
    """Every binary value of every row of every table (the test's schema on PostgreSQL)."""
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)):
                yield from (bytes(value) for value in row if isinstance(value, bytes | memoryview))


def files_under(*folders: str) -> list[Path]:
    return [path for folder in folders if Path(folder).exists() for path in Path(folder).rglob("*") if path.is_file()]


def spellings_in(text: str) -> list[str]:
    return [spelling for spelling in NUMBER_SPELLINGS if spelling in text]


def spellings_in_bytes(data: bytes) -> list[str]:
    return [spelling for spelling in NUMBER_SPELLINGS if spelling.encode() in data]


def conversation_row(app) -> SmsConversation:
    with app.app_context():
        conversation = db.session.scalars(db.select(SmsConversation)).one()
        db.session.expunge(conversation)
        return conversation


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def case_id(app) -> str:
    with app.app_context():
        return db.session.scalars(db.select(WorkItem.public_id)).one()


def run_command(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def days_ahead(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


@pytest.fixture
def app_log() -> Iterator[io.StringIO]:
    """What the app's own log handler writes, with its format (it is installed once per process)."""
    handlers = [handler for handler in logging.getLogger().handlers if getattr(handler, "portal_handler", False)]
    assert handlers, "the app installs its handler when an app is built"
    captured = io.StringIO()
    previous = [handler.setStream(captured) for handler in handlers]
    yield captured
    for handler, stream in zip(handlers, previous):
        handler.setStream(stream)


# The conversation ----------------------------------------------------------------------------------

@pytest.fixture
def tipster(sms_app, fake_twilio):
    """The webhook's client, with the provider serving the tipster's photo."""
    photo = (DATA / "photo_with_gps.jpg").read_bytes()
    fake_twilio.answers[PHOTO_PATH] = [Answer(200, photo, {"Content-Type": "image/jpeg"})]
    return sms_app.test_client()


@pytest.fixture
def supervisor(staff_app):
    return staff_browser(staff_app, "sgt.rivera@example.org", "supervisor", "Triage")


def open_tip_by_text(tipster, fake_twilio) -> None:
    """The tipster texts the keyword, a tip and a picture."""
    reply = reply_of(post_text(tipster, TIP_TEXT, message_sid(1), media=(fake_twilio.url + PHOTO_PATH,)))
    assert "received your tip" in reply and "could not accept the picture" not in reply


def text_follow_up(tipster) -> None:
    assert "Added to tip" in reply_of(post_text(tipster, FOLLOW_UP, message_sid(2)))


def staff_text_reply(supervisor, staff_app) -> None:
    response = supervisor.post(f"/cases/{case_id(staff_app)}/tipster", data={"body": STAFF_REPLY, "status": ""},
                               follow_redirects=True)
    assert "Texted to the tipster." in parse_page(response).text


def deliver_texts(sms_app, fake_twilio) -> None:
    """The outbox texts the reply, and the provider reports it delivered (a report names the number too)."""
    fake_twilio.answers[fake_twilio.messages_path()] = [Answer(201, b'{"sid": "SMreport1"}')]
    assert "Texts: sent 1, failed 0" in run_command(sms_app, "outbox", "send")
    [sent] = fake_twilio.sent_texts()
    assert sent.form["To"] == [TIPSTER_NUMBER] and STAFF_REPLY in sent.form["Body"][0]
    with post_delivery_report(sms_app.test_client(), sent.form["StatusCallback"][0], "SMreport1", "delivered") as answer:
        assert answer.status_code == 204


def whole_conversation(sms_app, staff_app, tipster, supervisor, fake_twilio) -> None:
    open_tip_by_text(tipster, fake_twilio)
    text_follow_up(tipster)
    staff_text_reply(supervisor, staff_app)
    deliver_texts(sms_app, fake_twilio)


def staff_pages(supervisor, staff_app) -> str:
    case_page = supervisor.get(f"/cases/{case_id(staff_app)}")
    queue = supervisor.get("/queue/")
    assert case_page.status_code == queue.status_code == 200
    case_html = case_page.get_data(as_text=True)
    assert "Received by text message" in case_html and FOLLOW_UP in case_html and "delivered to the phone" in case_html
    return case_html + queue.get_data(as_text=True)


# 1. Nowhere in clear -------------------------------------------------------------------------------

def test_a_whole_conversation_leaves_no_number_in_the_database_logs_files_or_pages(
        sms_app, staff_app, tipster, supervisor, fake_twilio, caplog, app_log):
    caplog.set_level(logging.DEBUG)
    whole_conversation(sms_app, staff_app, tipster, supervisor, fake_twilio)

    stored = all_stored_text(sms_app)
    assert FOLLOW_UP in stored and STAFF_REPLY in stored, "the test must read the store to mean anything"
    assert spellings_in(stored) == []
    if not TEST_DATABASE_URL:
        assert spellings_in_bytes(database_file_bytes(sms_app)) == []
    files = files_under(sms_app.config["PORTAL_UPLOAD_FOLDER"], sms_app.config["PORTAL_OUTBOX_FOLDER"])
    assert files, "the picture must be stored for the test to mean anything"
    for path in files:
        assert spellings_in_bytes(path.read_bytes()) == [], path.name
    assert "tip.created" in caplog.text and "sms_outbox.delivered" in caplog.text
    assert "sms_outbox.delivered" in app_log.getvalue(), "the test must see the app's own log to mean anything"
    assert spellings_in(caplog.text) == [] and spellings_in(app_log.getvalue()) == []
    assert spellings_in(staff_pages(supervisor, staff_app)) == []


# 2. Only sealed while open -------------------------------------------------------------------------

def test_an_open_conversation_holds_an_alias_and_a_number_that_opens_only_with_its_key_and_alias(
        sms_app, tipster, fake_twilio):
    open_tip_by_text(tipster, fake_twilio)
    conversation = conversation_row(sms_app)
    assert conversation.alias and conversation.sealed_number
    assert spellings_in(conversation.alias) == [] and spellings_in_bytes(conversation.sealed_number) == []
    number_key = sms_app.config["PORTAL_SMS_NUMBER_KEY"]
    assert sms_numbers.open_number(conversation.sealed_number, conversation.alias, number_key) == TIPSTER_NUMBER
    with pytest.raises(InvalidTag):
        sms_numbers.open_number(conversation.sealed_number, conversation.alias, "another-number-key-" + "0" * 32)
    other_alias = sms_numbers.alias_for("+18475550199", sms_app.config["PORTAL_SMS_ALIAS_KEY"])
    with pytest.raises(InvalidTag):
        sms_numbers.open_number(conversation.sealed_number, other_alias, number_key)


# 3. None at all once closed ------------------------------------------------------------------------

def stop_by_text(sms_app, staff_app, tipster, supervisor) -> None:
    assert "conversation ended and your number deleted" in reply_of(post_text(tipster, "STOP", message_sid(3)))


def close_the_case(sms_app, staff_app, tipster, supervisor) -> None:
    assert supervisor.post(f"/cases/{case_id(staff_app)}/close").status_code == 302


def leave_it_idle(sms_app, staff_app, tipster, supervisor) -> None:
    idle_days = sms_app.config["PORTAL_SMS_IDLE_DAYS"]
    output = run_command(sms_app, "retention", "run", "--as-of", days_ahead(idle_days + 1))
    assert "Closed 1 idle text conversation(s)" in output


def fragments(secret: bytes, size: int = 8) -> list[bytes]:
    """Pieces of a secret, so that a partly overwritten copy is found too."""
    return [secret[start:start + size] for start in range(0, len(secret) - size + 1, size)]


def stored_bytes(app) -> bytes:
    """On SQLite the files on disk, which keep what SQL no longer shows; on PostgreSQL every value."""
    if not TEST_DATABASE_URL:
        return database_file_bytes(app)
    return b"\n".join(list(binary_values(app)) + [all_stored_text(app).encode()])


@pytest.fixture(params=["journal as chosen", "write-ahead log"])
def journal(request, monkeypatch):
    """The SQLite here has the WAL-reset bug, so the portal uses a rollback journal; a SQLite without
    it uses WAL, whose log keeps a page's old content until a checkpoint. Both must forget."""
    if request.param == "write-ahead log":
        if TEST_DATABASE_URL:
            pytest.skip("SQLite's write-ahead log")
        monkeypatch.setattr(portal, "choose_sqlite_settings", lambda busy_timeout_ms, cache_mib=64: SqliteSettings(
            sqlite3.sqlite_version, "wal", busy_timeout_ms, True, cache_mib))
    return request.param


@pytest.mark.parametrize("close", [stop_by_text, close_the_case, leave_it_idle], ids=["stop", "staff", "idle"])
def test_closing_a_conversation_destroys_the_alias_and_the_sealed_number(
        journal, close, sms_app, staff_app, tipster, supervisor, fake_twilio):
    open_tip_by_text(tipster, fake_twilio)
    text_follow_up(tipster)
    before = conversation_row(sms_app)
    assert before.alias.encode() in stored_bytes(sms_app) and before.sealed_number in stored_bytes(sms_app)

    close(sms_app, staff_app, tipster, supervisor)

    after = conversation_row(sms_app)
    assert (after.alias, after.sealed_number) == (None, None) and after.closed_at is not None
    left = stored_bytes(sms_app)
    secrets = fragments(before.alias.encode(), 16) + fragments(before.sealed_number)
    assert [piece for piece in secrets if piece in left] == []
    assert "the tipster's number is deleted" in parse_page(supervisor.get(f"/cases/{case_id(staff_app)}")).text


# 4. Retention ----------------------------------------------------------------------------------------

def test_retention_purges_a_closed_text_tip_with_its_conversation_and_texts(
        sms_app, staff_app, tipster, supervisor, fake_twilio):
    whole_conversation(sms_app, staff_app, tipster, supervisor, fake_twilio)
    staff_text_reply(supervisor, staff_app)  # still queued when the case closes: given up, then purged
    close_the_case(sms_app, staff_app, tipster, supervisor)
    item = case_id(staff_app)
    assert (count(sms_app, Tip), count(sms_app, SmsConversation), count(sms_app, OutboxText)) == (1, 1, 2)

    kept = run_command(staff_app, "retention", "run", "--as-of", days_ahead(30))
    assert "Deleted tip" not in kept and count(sms_app, Tip) == 1
    purged = run_command(staff_app, "retention", "run", "--as-of", days_ahead(3 * 365 + 1))

    assert "Deleted tip" in purged
    assert [count(sms_app, model) for model in (Tip, TipMessage, SmsConversation, OutboxText)] == [0, 0, 0, 0]
    assert files_under(sms_app.config["PORTAL_UPLOAD_FOLDER"]) == []
    assert supervisor.get(f"/cases/{item}").status_code == 404


# 5. The keys: public zone only, and required there ---------------------------------------------------

SMS_KEYS = ("PORTAL_SMS_ALIAS_KEY", "PORTAL_SMS_NUMBER_KEY")


def without_keys() -> dict[str, object]:
    """Text-a-tip on, with the keys left to the instance folder."""
    return {key: value for key, value in sms_overrides().items() if key not in SMS_KEYS}


def test_init_secrets_writes_the_text_keys_for_the_public_zone_only_and_keeps_them(make_app, instance_path):
    app = make_app("public")
    run_command(app, "init-secrets")
    instance = Path(instance_path)
    public_text, staff_text = (instance / "public.py").read_text(), (instance / "staff.py").read_text()
    assert all(f"{key} = " in public_text for key in SMS_KEYS)
    assert not any(key in staff_text for key in SMS_KEYS)

    assert "nothing written" in run_command(app, "init-secrets")
    assert (instance / "public.py").read_text() == public_text
    public = make_app("public", **without_keys())
    staff = make_app("staff", **without_keys())
    assert all(len(public.config[key]) >= 32 and public.config[key] in public_text for key in SMS_KEYS)
    assert all(staff.config[key] is None for key in SMS_KEYS)


def test_text_a_tip_refuses_to_start_the_public_zone_without_its_keys(make_app):
    with pytest.raises(ConfigurationError, match="PORTAL_SMS_ALIAS_KEY, PORTAL_SMS_NUMBER_KEY"):
        make_app("public", **without_keys())
    with pytest.raises(ConfigurationError, match="PORTAL_SMS_NUMBER_KEY"):
        make_app("public", **sms_overrides(PORTAL_SMS_NUMBER_KEY="short"))
    assert make_app("staff", **without_keys()).config["PORTAL_SMS_PROVIDER"] == "twilio"


@pytest.mark.parametrize("zone", ["public", "staff"])
@pytest.mark.parametrize("setting, value, refusal", [
    ("PORTAL_SMS_PROVIDER", "nexmo", "PORTAL_SMS_PROVIDER must be one of"),
    ("PORTAL_SMS_AUTH_TOKEN", None, "PORTAL_SMS_AUTH_TOKEN is not set"),
], ids=["unknown-provider", "no-auth-token"])
def test_an_unknown_provider_or_a_missing_auth_token_is_refused(make_app, zone, setting, value, refusal):
    with pytest.raises(ConfigurationError, match=refusal):
        make_app(zone, **sms_overrides(**{setting: value}))


# 6. The back office never takes texts ----------------------------------------------------------------

def test_the_staff_zone_has_no_sms_route_even_with_text_a_tip_configured(make_app, sms_app):
    staff = make_app("staff", **without_keys())
    assert "/sms/twilio" in {rule.rule for rule in sms_app.url_map.iter_rules()}
    assert [rule.rule for rule in staff.url_map.iter_rules() if rule.rule.startswith("/sms")] == []
    signed_in = staff_browser(staff, "sgt.rivera@example.org", "supervisor", "Triage")
    response = post_text(signed_in, TIP_TEXT, message_sid(1))
    assert response.status_code == 404
    response.close()
