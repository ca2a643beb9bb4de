"""Outages under a real gunicorn: the database locked, read-only or gone, the mail server down, the
upload disk full. Each answers 503 with the phone numbers and ``Retry-After`` (or queues the mail),
never acknowledges what it did not store, and recovers by itself in the same server process:
the very form that was refused goes through once the fault is gone.
"""

from __future__ import annotations

import io
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.models import Attachment, OutboxEmail, Tip
from tests.helpers import ReporterActions, TipActions, hidden_value, parse_page
from tests.mail import MailServer
from tests.reliability.conftest import WORKERS, Gunicorn, Site
from tests.reliability.faults import TcpRelay, fill, read_only, small_tmpfs, sqlite_write_lock
from tests.serving import run_flask

pytestmark = pytest.mark.reliability

PHONE = "(847) 945-8636"
REQUEST_SECONDS = 30
# Small, so that a locked database is reported in well under the 10 s default.
BUSY_TIMEOUT_MS = 300


class Reply:
    """A served response, read the way tests.helpers reads the Flask test client's."""

    def __init__(self, response: requests.Response) -> None:
        self.status_code, self.headers, self.text = response.status_code, response.headers, response.text
        self.json = response.json

    def get_data(self, as_text: bool = False) -> str:
        return self.text


class Visitor:
    """A person's browser on the served site, for TipActions and ReporterActions.

    It keeps its cookie and, like a browser sending a form it was shown, the CSRF token of the
    last form it opened (one token serves every form of a session).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.csrf_token = ""

    def get(self, path: str) -> Reply:
        reply = Reply(self.session.get(self.url + path, timeout=REQUEST_SECONDS, allow_redirects=False))
        self.csrf_token = hidden_value(reply.text, "csrf_token") or self.csrf_token
        return reply

    def post(self, path: str, data: dict, content_type: str = "") -> Reply:
        """``content_type`` is taken as the test client takes it; requests sends multipart when there are files."""
        if not self.csrf_token:
            self.get(path)
        fields: list[tuple[str, str]] = [] if "csrf_token" in data else [("csrf_token", self.csrf_token)]
        files: list[tuple[str, tuple[str, bytes]]] = []
        for name, value in data.items():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, tuple):
                    stream, filename = item
                    files.append((name, (filename, stream.read())))
                else:
                    fields.append((name, item))
        return Reply(self.session.post(self.url + path, data=fields, files=files or None, timeout=REQUEST_SECONDS,
                                       allow_redirects=False))


def assert_unavailable(reply: Reply) -> None:
    """The outage page: 503, when to come back, how to call instead, and no receipt."""
    assert reply.status_code == 503, reply.text[:500]
    assert reply.headers["Retry-After"].isdigit()
    assert "data-receipt" not in reply.text
    text = parse_page(reply).text
    assert PHONE in text and "911" in text


def assert_tip_acknowledged(reply: Reply) -> None:
    assert reply.status_code == 200, reply.text[:500]
    assert 'data-receipt="tip-number"' in reply.text


def tips_described(site: Site, description: str) -> int:
    with site.engine() as engine, Session(engine) as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Tip).where(Tip.description == description))


def unique_description() -> str:
    return f"A van parked behind the library every night, case {uuid.uuid4().hex}."


def sqlite_file(site: Site) -> Path:
    return Path(sa.make_url(site.database_url).database)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_locked_sqlite_database_answers_503_in_the_busy_timeout_and_then_takes_the_same_tip(site):
    site.environ["PORTAL_SQLITE_BUSY_TIMEOUT_MS"] = str(BUSY_TIMEOUT_MS)
    description = unique_description()
    with Gunicorn(site):
        visitor = Visitor(site.url)
        tipster = TipActions(visitor)
        form = tipster.form_fields()
        with sqlite_write_lock(sqlite_file(site)):
            started = time.monotonic()
            assert_unavailable(visitor.post("/tips/new", {**form, "category": "drugs", "description": description}))
            assert time.monotonic() - started < 5, "answered within the short busy timeout, not the 10 s default"
            assert_unavailable(visitor.get("/tips/new"))
            assert visitor.get("/healthz").status_code == 503
        assert tips_described(site, description) == 0
        assert_tip_acknowledged(tipster.submit(fields=form, description=description))
        assert tips_described(site, description) == 1
        assert visitor.get("/healthz").status_code == 200


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_read_only_sqlite_database_refuses_writes_with_503_and_recovers_in_every_worker(site):
    description = unique_description()
    with Gunicorn(site):
        visitor = Visitor(site.url)
        tipster = TipActions(visitor)
        form = tipster.form_fields()
        with read_only(site.folder):
            # Enough tries that workers meet the fault both on a connection opened before it and
            # on one opened during it (which SQLite opens read-only).
            for _ in range(2 * WORKERS):
                assert_unavailable(tipster.submit(fields=form, description=description))
            assert visitor.get("/tips/new").status_code == 200, "reading still works"
        assert tips_described(site, description) == 0
        assert_tip_acknowledged(tipster.submit(fields=form, description=description))
        assert tips_described(site, description) == 1
        for _ in range(2 * WORKERS):
            assert_tip_acknowledged(tipster.submit(description=unique_description()))


def through(relay: TcpRelay, database_url: str) -> str:
    return sa.make_url(database_url).set(port=relay.port).render_as_string(hide_password=False)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_postgresql_going_away_answers_503_and_the_same_server_recovers_when_it_is_back(site):
    relay = TcpRelay(sa.make_url(site.database_url).port or 5432)
    site.environ["PORTAL_DATABASE_URL"] = through(relay, site.database_url)
    description = unique_description()
    with relay, Gunicorn(site):
        visitor = Visitor(site.url)
        tipster = TipActions(visitor)
        # Started while the database's port is closed: a 503, not a crash.
        for path in ("/tips/new", "/notices/", "/prevention/"):
            assert_unavailable(visitor.get(path))
        assert visitor.get("/healthz").json()["database"]["ok"] is False
        relay.start()
        for _ in range(2 * WORKERS):
            assert visitor.get("/healthz").status_code == 200
        form = tipster.form_fields()
        relay.stop()
        assert_unavailable(visitor.post("/tips/new", {**form, "category": "drugs", "description": description}))
        assert_unavailable(visitor.get("/notices/"))
        assert visitor.get("/healthz").status_code == 503
        assert tips_described(site, description) == 0
        relay.start()
        assert_tip_acknowledged(tipster.submit(fields=form, description=description))
        assert tips_described(site, description) == 1
        for _ in range(2 * WORKERS):
            assert visitor.get("/healthz").status_code == 200


def make_mail_due(site: Site) -> None:
    """As if the back-off after the failed try had run out."""
    with site.engine() as engine, Session(engine) as session:
        session.execute(sa.update(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
                        .values(next_attempt_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
        session.commit()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_report_filed_while_the_mail_server_is_down_is_e_mailed_once_when_it_is_back(site):
    mail = MailServer()
    site.environ.update({key: str(value) for key, value in mail.settings().items()})
    email = f"reporter-{uuid.uuid4().hex[:8]}@example.org"
    with Gunicorn(site):
        reporter = ReporterActions(Visitor(site.url))
        receipt = reporter.file(reporter_email=email)
        assert receipt.status_code == 200
        reference = reporter.reference(receipt)
    assert "Sent 0, failed 1, 1 waiting." in run_flask(site.environ, "outbox", "send")
    mail.start()
    try:
        make_mail_due(site)
        assert "Sent 1, failed 0, 0 waiting." in run_flask(site.environ, "outbox", "send")
        make_mail_due(site)
        assert "Sent 0, failed 0, 0 waiting." in run_flask(site.environ, "outbox", "send")
    finally:
        mail.stop()
    [message] = mail.messages
    assert message["To"] == email
    assert reference in message.get_content()


def video(size: int, name: str) -> tuple[io.BytesIO, str]:
    """An MP4 by its first bytes: stored exactly as sent, so its size on disk is known."""
    header = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    return io.BytesIO(header + b"\x01" * (size - len(header))), name


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_full_upload_disk_keeps_the_tipsters_text_and_leaves_no_record_or_file(site):
    description = unique_description()
    with small_tmpfs(site.folder / "upload-disk", "1m") as disk:
        uploads = disk / "uploads"
        site.environ["PORTAL_UPLOAD_FOLDER"] = str(uploads)
        filler = fill(disk, leave_bytes=256 * 1024)
        with Gunicorn(site):
            tipster = TipActions(Visitor(site.url))
            form = tipster.form_fields()

            def send():
                # The first file fits; the second does not, so the first must go too.
                return tipster.submit(fields=form, description=description,
                                      files=[video(64 * 1024, "first.mp4"), video(512 * 1024, "second.mp4")])

            refused = send()
            assert_unavailable(refused)
            assert "your files could not be stored just now" in parse_page(refused).text
            assert description in refused.text, "what the tipster wrote is on the page again"
            assert tips_described(site, description) == 0
            assert list(uploads.iterdir()) == [], "no partial or orphan file"
            filler.unlink()
            assert_tip_acknowledged(send())
        with site.engine() as engine, Session(engine) as session:
            stored = {row.stored_name: row.size_bytes for row in session.scalars(sa.select(Attachment))}
        assert tips_described(site, description) == 1
        assert sorted(stored.values()) == [64 * 1024, 512 * 1024]
        assert {path.name: path.stat().st_size for path in uploads.iterdir()} == stored
