"""Reading pages the way a person (or a crawler sharing a link) would, and the store as an
attacker with a copy of the database would."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path


BLOCK_TAGS = frozenset(
    "address article aside br caption dd div dl dt footer form h1 h2 h3 h4 header li main nav ol p "
    "section table tbody td th thead tr ul".split()
)


class PageParser(HTMLParser):
    """Collects visible text, meta tags, links and element attributes of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text_parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.inline_scripts = 0
        self.inline_styles = 0
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in BLOCK_TAGS:
            self.text_parts.append(" ")
        self.elements.append((tag, attributes))
        if tag == "meta" and "content" in attributes:
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.meta[key] = attributes["content"]
        if tag == "link":
            self.links.append(attributes)
        if tag == "script" and "src" not in attributes:
            self.inline_scripts += 1
        if tag == "style" or "style" in attributes:
            self.inline_styles += 1
        if tag in ("script", "style", "title"):
            self.hidden_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.text_parts.append(" ")
        if tag in ("script", "style", "title"):
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.text_parts).split())

    def hrefs(self) -> list[str]:
        return [attributes["href"] for tag, attributes in self.elements if tag == "a" and "href" in attributes]

    def find_all(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [
            attributes
            for name, attributes in self.elements
            if name == tag and all(attributes.get(key.replace("_", "-")) == value for key, value in wanted.items())
        ]


def parse_page(response) -> PageParser:
    parser = PageParser()
    parser.feed(response.get_data(as_text=True))
    return parser


def missing_phrases(text: str, phrases: list[str]) -> list[str]:
    """The phrases a reader would not find in the text; empty when every one is there."""
    return [phrase for phrase in phrases if phrase not in text]


def current_code(app, email: str) -> str:
    """The authenticator app's code for this account, one the portal has not accepted before."""
    import time

    import pyotp

    from portal.extensions import db
    from portal.models import StaffUser

    with app.app_context():
        user = db.session.scalars(db.select(StaffUser).where(StaffUser.email == email.strip().lower())).one()
        secret, last = user.totp_secret, user.totp_last_step
    while True:
        now = int(time.time()) // 30
        # The current step, not the one before: a slow request (a busy CI) must not see it expire.
        step = now if last is None else max(now, last + 1)
        if step <= now + 1:
            return pyotp.TOTP(secret).generate_otp(step)
        time.sleep(1)


def sign_in(client, email: str, password: str | None = None, code: str | None = None):
    """Both steps of sign-in; stops after the first when it does not lead to the code step."""
    from tests.conftest import PASSWORD

    response = client.post("/login", data={"email": email, "password": password or PASSWORD})
    if response.status_code != 302 or not response.headers["Location"].endswith("/login/code"):
        return response
    return client.post("/login/code", data={"code": code or current_code(client.application, email)})


DATA = Path(__file__).resolve().parent / "data"


def naughty_strings() -> list[str]:
    """The Big List of Naughty Strings (tests/data/README.md)."""
    return json.loads((DATA / "blns.json").read_text(encoding="utf-8"))


def xss_payloads() -> list[str]:
    """1,339 XSS payloads, one per line; split on "\\n" only, as the corpus's README says."""
    return [line for line in (DATA / "xss_payloads.txt").read_text(encoding="utf-8").split("\n") if line]


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
    return match.group(1) if match else ""


class TipActions:
    """A tipster using the tip pages: fetch the form, send it, open the tip."""

    def __init__(self, client) -> None:
        self.client = client

    def form_fields(self) -> dict[str, str]:
        html = self.client.get("/tips/new").get_data(as_text=True)
        fields = {name: hidden_value(html, name) for name in ("form_token", "terms_version", "csrf_token")}
        return {name: value for name, value in fields.items() if value}

    def submit(self, files=None, fields: dict[str, str] | None = None, **typed):
        data = {**self.form_fields(), "category": "drugs", "description": "Someone sells drugs behind the library.",
                **(fields or {}), **typed}
        if files:
            data["attachments"] = files
        return self.client.post("/tips/new", data=data, content_type="multipart/form-data")

    def credentials(self, response) -> tuple[str, str]:
        page = parse_page(response)
        number = [attributes for tag, attributes in page.elements if attributes.get("data-receipt") == "tip-number"]
        assert number, "no receipt on the page"
        html = response.get_data(as_text=True)
        tip_number = re.search(r'data-receipt="tip-number">([^<]+)<', html).group(1)
        passphrase = re.search(r'data-receipt="passphrase">([^<]+)<', html).group(1)
        return tip_number, passphrase

    def check(self, tip_number: str, passphrase: str, **request_options):
        fields = {"tip_number": tip_number, "passphrase": passphrase}
        return self.client.post("/tips/check", data=fields, **request_options)

    def send_message(self, tip_number: str, passphrase: str, body: str, files=None, **request_options):
        data = {"tip_number": tip_number, "passphrase": passphrase, "body": body}
        if files:
            data["attachments"] = files
        return self.client.post("/tips/check/message", data=data, content_type="multipart/form-data",
                                **request_options)


ELIGIBLE = {"emergency": "no", "place": "Deerfield", "known_suspect": "no", "evidence": "no", "injury": "no",
            "weapon": "no", "loss_over_limit": "no", "adult": "yes"}
REPORTER = {"reporter_name": "Ann Lee", "reporter_email": "ann.lee@example.org", "reporter_phone": "847-555-0123",
            "reporter_address": "12 Elm Street, Deerfield, IL 60015"}


class ReporterActions:
    """A resident filing an online report and checking on it."""

    def __init__(self, client) -> None:
        self.client = client

    def screen(self, **answers):
        return self.client.post("/reports/screening", data={**ELIGIBLE, **answers})

    def screening_token(self) -> str:
        html = self.screen().get_data(as_text=True)
        return re.search(r"screening=([^\"&]+)", html).group(1)

    def form_page(self, report_type: str):
        return self.client.get(f"/reports/new/{report_type}?screening={self.screening_token()}")

    def file(self, report_type: str = "theft", files=None, **typed):
        html = self.form_page(report_type).get_data(as_text=True)
        data = {"screening": hidden_value(html, "screening"), "terms_version": hidden_value(html, "terms_version"),
                "occurred_from": "2026-11-20T22:15", "location": "Deerfield train station, bike rack",
                "narrative": "My locked bike was taken overnight.", "items-0-description": "Blue Trek bicycle",
                "items-0-value": "450", **REPORTER, **typed}
        if files:
            data["attachments"] = files
        return self.client.post(f"/reports/new/{report_type}", data=data, content_type="multipart/form-data")

    @staticmethod
    def reference(response) -> str:
        return re.search(r'data-receipt="report-reference">([^<]+)<', response.get_data(as_text=True)).group(1)

    def lookup(self, reference: str, email: str = REPORTER["reporter_email"], **request_options):
        return self.client.post("/reports/status", data={"reference": reference, "email": email}, **request_options)

    def answer(self, reference: str, text: str, email: str = REPORTER["reporter_email"]):
        return self.client.post("/reports/status/answer", data={"reference": reference, "email": email, "answer": text})


def database_file_bytes(app) -> bytes:
    """The SQLite database and its journal or write-ahead log, as they are on disk."""
    from portal.extensions import db

    with app.app_context():
        main = Path(db.engine.url.database)
    return b"".join(path.read_bytes() for path in (main, main.with_name(main.name + "-wal"),
                                                   main.with_name(main.name + "-journal")) if path.exists())


def all_stored_text(app) -> str:
    """Every value of every row of every table, as text, plus the raw SQLite files when there are some."""
    import sqlalchemy as sa

    from portal.extensions import db
    from tests.conftest import TEST_DATABASE_URL

    chunks = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)):
                chunks.append(" ".join(str(value) for value in row))
    if not TEST_DATABASE_URL:
        chunks.append(database_file_bytes(app).decode("latin-1"))
    return "\n".join(chunks)
