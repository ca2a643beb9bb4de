"""Every naughty string and XSS payload in every text field of every form, on SQLite and PostgreSQL:
never a 500, stored exactly as sent (staff fields: without surrounding whitespace, as their services
say), refused with an error next to the field when a validator says so, and shown only as text.

One app pair and one database per form; the Flask test client in-process, CSRF off. Argon2 runs
with its cheapest parameters here: the text under test never reaches a hash, and the full cost
would spend minutes hashing passphrases nobody checks (tests/security keeps the real cost).
"""

from __future__ import annotations

import inspect
import io
import json
import pkgutil
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask_wtf import FlaskForm

import portal
from portal import create_app
from portal.config import PublicConfig
from portal.extensions import db
from portal.form_tokens import issue_form_token
from portal.models import (Area, LegalHold, Notice, NoticeEvent, PreventionTip, RedactionMark, Report, ReportReply,
                           RetentionRule, RoutingRule, StaffUser, Tip, TipMessage, Unit, WorkItem, WorkNote)
from portal.public import forms as public_forms
from portal.public.crime_forms import CrimeFilterForm
from portal.services import passphrases, staff_accounts
from portal.staff import forms as staff_forms
from tests.conftest import BASE_OVERRIDES, PASSWORD, create_staff
from tests.helpers import DATA, REPORTER, TipActions, sign_in
from tests.reliability.conftest import fresh_database
from tests.reliability.hostile import Findings, Page, TextRule, corpus, rows, text_rules

pytestmark = pytest.mark.reliability

# Escaping does not depend on the database, storage does: SQLite gets every string, with the pages
# that show them; PostgreSQL the naughty strings and the extras (NUL, controls, Unicode), where the
# backends differ, which keeps the module within its few minutes.
STRINGS = {"sqlite": corpus(), "postgresql": corpus(with_xss=False)}
REPORT_TYPE = "hostile-everything"
# Every section of the report form at once, so one report type carries every field.
REPORT_TYPES_WITH_ALL_SECTIONS = {REPORT_TYPE: {"name": "Every section", "sections": [
    "items", "vehicle", "financial", "identity", "harassment"], "description": "All questions."}}
LOCAL_NOW = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def cheap_hashing(monkeypatch):
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passphrases, "hasher", cheap)
    monkeypatch.setattr(staff_accounts, "password_hasher", cheap)
    passphrases.decoy_hash.cache_clear()
    yield
    passphrases.decoy_hash.cache_clear()


@dataclass
class Site:
    """Both zones over one fresh database, and signed-in staff by role."""

    backend: str
    public: Flask
    staff: Flask
    clients: dict[str, Any] = field(default_factory=dict)

    def staff_client(self, role: str = "admin"):
        if role not in self.clients:
            email = f"{role}@example.org"
            create_staff(self.staff, email=email, role=role, name=f"{role.title()} Hostile", unit="Triage")
            client = self.staff.test_client()
            assert sign_in(client, email).status_code == 302
            self.clients[role] = client
        return self.clients[role]

    def scalar(self, statement):
        with self.public.app_context():
            value = db.session.scalar(statement)
            db.session.remove()
            return value

    def new_tip(self, **typed) -> tuple[str, str, str]:
        """A tip through the form: its number, passphrase and case id."""
        tipster = TipActions(self.public.test_client())
        number, passphrase = tipster.credentials(tipster.submit(**typed))
        item = self.scalar(db.select(WorkItem.public_id).join(Tip, WorkItem.tip_id == Tip.id)
                           .where(Tip.tip_number == number))
        return number, passphrase, item

    def new_report(self) -> tuple[str, str]:
        response = file_report(self.public.test_client(), {})
        reference = re.search(r'data-receipt="report-reference">([^<]+)<', response.get_data(as_text=True)).group(1)
        item = self.scalar(db.select(WorkItem.public_id).join(Report, WorkItem.report_id == Report.id)
                           .where(Report.reference == reference))
        return reference, item


@pytest.fixture
def memory_folder(tmp_path) -> Iterator[Path]:
    """A folder in memory where the machine has one: thousands of commits here test text, not fsync."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=shm) as folder:
        yield Path(folder)


@pytest.fixture
def site(backend, tmp_path, memory_folder, cheap_hashing):
    instance = tmp_path / "instance"
    instance.mkdir()
    with fresh_database(backend, memory_folder) as url:
        settings = {**BASE_OVERRIDES, "PORTAL_DATABASE_URL": url, "PORTAL_TIP_MIN_FILL_SECONDS": 0,
                    "PORTAL_REPORT_TYPES": {**PublicConfig.PORTAL_REPORT_TYPES, **REPORT_TYPES_WITH_ALL_SECTIONS}}
        public = create_app("public", settings, str(instance), environ={})
        staff = create_app("staff", {**settings, "PORTAL_PENDING_SIGN_IN_SECONDS": 3600}, str(instance), environ={})
        with public.app_context():
            db.create_all()
        assert public.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
        yield Site(backend, public, staff)
        for app in (public, staff):
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def report_form_start(client) -> dict[str, str]:
    """The signed screening answer and the terms shown: what a report form carries from its page."""
    html = client.post("/reports/screening", data={
        "emergency": "no", "place": "Deerfield", "known_suspect": "no", "evidence": "no", "injury": "no",
        "weapon": "no", "loss_over_limit": "no", "adult": "yes"}).get_data(as_text=True)
    screening = re.search(r"screening=([^\"&]+)", html).group(1)
    terms = re.search(r'name="terms_version" type="hidden" value="([^"]*)"', client.get(
        f"/reports/new/{REPORT_TYPE}?screening={screening}").get_data(as_text=True)).group(1)
    return {"screening": screening, "terms_version": terms}


def file_report(client, typed: dict[str, str], start: dict[str, str] | None = None):
    data = {**(start or report_form_start(client)), "occurred_from": LOCAL_NOW, **REPORT_FILLER,
            "items-0-value": "450", **typed}
    return client.post(f"/reports/new/{REPORT_TYPE}", data=data, content_type="multipart/form-data")


REPORT_FILLER = {"location": "Deerfield train station", "narrative": "My bike was taken.",
                 "items-0-description": "Blue bicycle", "items-0-brand": "Trek", "items-0-serial_number": "WTU123",
                 "vehicle_year": "2019", "vehicle_make": "Honda", "vehicle_model": "Civic", "vehicle_colour": "Red",
                 "vehicle_plate": "AB 1234", "vehicle_plate_state": "IL", "payment_method": "gift card",
                 "offender_contact": "a phone call", "accounts_affected": "a store card",
                 "caller_numbers": "a withheld number", "times_contacted": "twice a day since May", **REPORTER}


class Case:
    """One form: where it is, what it needs, and where what it stored can be read and seen.

    ``stored`` gives each tested field's stored value after an accepted post (None: the form stores
    nothing); ``shown`` the page that shows the stored values, after each accepted post when
    ``show_each``, else once at the end with every value. ``may_refuse`` fields are read by the
    service (a shape, a unique name): it may refuse what the form's validators let through, as long
    as it says so next to the field; each is driven on its own so its refusals hide nothing.
    """

    form: type[FlaskForm]
    fields: tuple[str, ...]
    filler: dict[str, str] = {}
    stripped: frozenset[str] = frozenset()
    may_refuse: frozenset[str] = frozenset()
    not_echoed: frozenset[str] = frozenset()
    not_displayed: frozenset[str] = frozenset()
    lookup = False
    says_no_match = False
    # Sent from a row of a list page: the outcome is a message on that page, not the form again.
    flash_only = False
    show_each = False
    # Hidden or signed fields, or fields another case drives through the same service, with why.
    untested: dict[str, str] = {}

    def __init__(self, site: Site) -> None:
        self.site = site
        self.strings = STRINGS[site.backend]

    def prepare(self) -> None:
        """Make what the form works on."""

    def send(self, values: dict[str, str]):
        raise NotImplementedError

    def accepted(self, response) -> bool:
        return response.status_code == 302

    def stored(self) -> dict[str, str] | None:
        return None

    def shown(self):
        return None

    def field_id(self, name: str) -> str:
        """The id its error list is named after: the field's own when the form gives one (a row's
        subfield, such as items-0-brand, is named by its own id already)."""
        field = getattr(self.form, name, None)
        return field.kwargs.get("id", name) if field is not None else name

    def rules(self) -> list[TextRule]:
        rules = text_rules(self.form)
        return [rules[name] for name in self.fields]

    def expected(self, name: str, text: str) -> str:
        return text.strip() if name in self.stripped else text

    def matches(self, name: str, stored: str, sent: str) -> bool:
        return stored == self.expected(name, sent)

    def echoed(self, name: str, text: str) -> str:
        """What a page showing the form again holds in the field."""
        return text


class Lookup(Case):
    """A form that finds something by what is typed: hostile text finds nothing, and says so."""

    lookup = True
    says_no_match = True

    def accepted(self, response) -> bool:
        return False


def drive(case: Case) -> Findings:
    findings = Findings()
    case.prepare()
    rules = case.rules()
    if case.lookup:
        for values in rows(rules, case.strings, False, case.filler) + rows(rules, case.strings, True, case.filler):
            check_refused(case, findings, case.send(values), values, rules, expect_errors=False)
        return findings
    for values in rows(rules, case.strings, True, case.filler):
        check_refused(case, findings, case.send(values), values, rules, expect_errors=True)
    steady = [rule for rule in rules if rule.name not in case.may_refuse]
    groups = [[rule] for rule in rules if rule.name in case.may_refuse] + [steady]
    seen: list[dict[str, str]] = []
    for group in groups:
        for partial in rows(group, case.strings, False, case.filler):
            values = {**{rule.name: case.filler[rule.name] for rule in rules}, **partial}
            check_accepted(case, findings, case.send(values), values, partial, seen)
    shown = case.shown() if seen and not case.show_each else None
    if shown is not None:
        page = Page(shown.get_data(as_text=True))
        for partial in seen:
            findings.check_page(page, shown_values(case, partial), "display page")
    return findings


def shown_values(case: Case, values: dict[str, str]) -> dict[str, str]:
    return {name: case.expected(name, text) for name, text in values.items() if name not in case.not_displayed}


def check_refused(case, findings: Findings, response, values, rules, expect_errors: bool) -> None:
    if not findings.check_response(response, values):
        return
    if case.accepted(response):
        for rule in rules:
            if rule.refusal(values[rule.name]):
                findings.add(rule.name, values[rule.name], f"accepted, though {rule.refusal(values[rule.name])}")
        return
    page = Page(response.get_data(as_text=True))
    if case.flash_only:
        if not page.flashed():
            findings.add(rules[0].name, values[rules[0].name], "refused without saying why")
        return
    if expect_errors:
        for rule in rules:
            text = values[rule.name]
            if rule.refused_by_form(text) and not page.field_error(case.field_id(rule.name)):
                findings.add(rule.name, text, f"refused ({rule.refusal(text)}) without an error next to the field")
        if not page.says_something_is_wrong():
            findings.add(rules[0].name, values[rules[0].name], "refused without saying why")
    elif case.says_no_match and not page.says_something_is_wrong():
        findings.add(rules[0].name, values[rules[0].name], "found nothing, and said nothing")
    findings.check_page(page, {name: case.echoed(name, text) for name, text in values.items()
                               if name not in case.not_echoed}, "form shown again")


def check_accepted(case, findings: Findings, response, values, partial, seen) -> None:
    if not findings.check_response(response, values):
        return
    if not case.accepted(response):
        page = Page(response.get_data(as_text=True))
        said = page.flashed() if case.flash_only else page.says_something_is_wrong()
        if not (case.may_refuse & set(partial)) or not said:
            for name, text in partial.items():
                findings.add(name, text, f"refused (HTTP {response.status_code})")
        findings.check_page(page, {name: text for name, text in values.items() if name not in case.not_echoed},
                            "form shown again")
        return
    stored = case.stored()
    if stored is not None:
        for name, text in partial.items():
            if name in stored and not case.matches(name, stored[name], text):
                findings.add(name, text, f"stored as {stored[name][:60]!r}")
    shown = case.shown() if case.show_each else None
    if shown is not None:
        findings.check_page(Page(shown.get_data(as_text=True)), shown_values(case, partial), "display page")
    else:
        seen.append(partial)


# Public forms ----------------------------------------------------------------------------------

TIP_FIELDS = ("description", "when_text", "where_text", "contact_name", "contact_phone", "contact_email")


class NewTip(Case):
    form = public_forms.TipForm
    fields = TIP_FIELDS
    filler = {"description": "Someone sells drugs behind the library.", "when_text": "", "where_text": "",
              "contact_name": "", "contact_phone": "", "contact_email": ""}
    show_each = True
    untested = {"website": "the honeypot: anything typed refuses the tip (tests/security)",
                "terms_version": "hidden, from the page", "form_token": "signed (tests/security)",
                "notice": "hidden, read as a number only"}

    def prepare(self) -> None:
        self.client = self.site.public.test_client()
        self.staff = self.site.staff_client("admin")
        with self.site.public.app_context():
            self.terms = re.search(r'name="terms_version" type="hidden" value="([^"]*)"',
                                   self.client.get("/tips/new").get_data(as_text=True)).group(1)

    def send(self, values):
        with self.site.public.test_request_context():
            token = issue_form_token()
        return self.client.post("/tips/new", data={"category": "drugs", "terms_version": self.terms,
                                                   "form_token": token, **values})

    def accepted(self, response) -> bool:
        return 'data-receipt="tip-number"' in response.get_data(as_text=True)

    def latest(self):
        return self.site.scalar(db.select(Tip).order_by(Tip.id.desc()).limit(1))

    def stored(self):
        tip = self.latest()
        return {name: getattr(tip, name) for name in self.fields}

    def shown(self):
        item = self.site.scalar(db.select(WorkItem.public_id).order_by(WorkItem.id.desc()).limit(1))
        return self.staff.get(f"/cases/{item}")


class CheckTip(Lookup):
    form = public_forms.TipCheckForm
    fields = ("tip_number", "passphrase")
    filler = {"tip_number": "ABCD-EFGH-JKMN", "passphrase": "one two three four five six"}
    not_echoed = frozenset({"passphrase"})

    def send(self, values):
        return self.site.public.test_client().post("/tips/check", data=values)


class AddToTip(Case):
    form = public_forms.TipMessageForm
    fields = ("body",)
    filler = {"body": "The car is back."}
    untested = {"tip_number": "names the tip: the TipCheckForm case sends the corpus through the same look-up",
                "passphrase": "as tip_number"}

    def prepare(self) -> None:
        self.number, self.passphrase, self.item = self.site.new_tip()
        self.tipster = TipActions(self.site.public.test_client())

    def send(self, values):
        return self.tipster.send_message(self.number, self.passphrase, values["body"])

    def accepted(self, response) -> bool:
        return response.status_code == 200

    def stored(self):
        body = self.site.scalar(db.select(TipMessage.body).order_by(TipMessage.id.desc()).limit(1))
        return {"body": body}

    def shown(self):
        return self.tipster.check(self.number, self.passphrase)

    def rules(self) -> list[TextRule]:
        # The service refuses a message with neither text nor file.
        return [replace(text_rules(self.form)["body"], required_by_service=True)]


class Screening(Case):
    form = public_forms.ReportScreeningForm
    fields = ("zip_code",)
    filler = {"zip_code": ""}

    def send(self, values):
        return self.site.public.test_client().post("/reports/screening", data={
            "emergency": "no", "place": "Deerfield", "known_suspect": "no", "evidence": "no", "injury": "no",
            "weapon": "no", "loss_over_limit": "no", "adult": "yes", **values})

    def accepted(self, response) -> bool:
        return response.status_code == 200

    def shown(self):
        return None


REPORT_FIELDS = tuple(REPORT_FILLER)
ITEM_RULES = {f"items-0-{name}": replace(rule, name=f"items-0-{name}")
              for name, rule in text_rules(public_forms.ItemForm).items()}


class NewReport(Case):
    form = public_forms.ReportForm
    fields = REPORT_FIELDS
    filler = REPORT_FILLER
    # The service reads the address from the shape the form checks, and keeps it without the spaces around.
    stripped = frozenset({"reporter_email"})
    show_each = True
    untested = {"terms_version": "hidden, from the page", "screening": "signed (tests/public/test_reports)"}

    def prepare(self) -> None:
        self.client = self.site.public.test_client()
        self.start = report_form_start(self.client)

    def rules(self) -> list[TextRule]:
        rules = {**text_rules(self.form), **ITEM_RULES}
        # A report of a type with property needs one item described.
        item = rules["items-0-description"]
        rules["items-0-description"] = replace(item, required_by_service=True)
        return [rules[name] for name in self.fields]

    def send(self, values):
        self.response = file_report(self.client, values, self.start)
        return self.response

    def accepted(self, response) -> bool:
        return 'data-receipt="report-reference"' in response.get_data(as_text=True)

    def stored(self):
        with self.site.public.app_context():
            report = db.session.scalars(db.select(Report).order_by(Report.id.desc()).limit(1)).one()
            item = report.items[0]
            values = {name: getattr(report, name) for name in ("location", "narrative", "reporter_name",
                                                                "reporter_email", "reporter_phone", "reporter_address")}
            values.update({f"items-0-{name}": getattr(item, name) for name in ("description", "brand", "serial_number")})
            values.update({name: report.details.get(name, "") for name in REPORT_FIELDS if name in text_rules(self.form)
                           and name not in values})
            db.session.remove()
        return values

    def shown(self):
        return self.response


class ReportLookup(Lookup):
    form = public_forms.ReportLookupForm
    fields = ("reference", "email")
    filler = {"reference": "R-ABCD-EFGH-JKMN", "email": "ann.lee@example.org"}

    def send(self, values):
        return self.site.public.test_client().post("/reports/status", data=values)


class ReportAnswer(Case):
    """The reporter's answer to staff's question: each round staff ask, and the reporter answers."""

    form = public_forms.ReportAnswerForm
    fields = ("answer",)
    filler = {"answer": "It was a blue Trek."}
    untested = {"reference": "names the report: the ReportLookupForm case sends the corpus through the same look-up",
                "email": "as reference"}

    def prepare(self) -> None:
        self.reference, self.item = self.site.new_report()
        self.client = self.site.public.test_client()
        self.staff = self.site.staff_client("admin")

    def ask(self, question: str):
        return self.staff.post(f"/cases/{self.item}/decision", data={"decision": "more_info_needed",
                                                                        "message": question})

    def answer(self, text: str):
        return self.client.post("/reports/status/answer", data={
            "reference": self.reference, "email": REPORTER["reporter_email"], "answer": text})

    def send(self, values):
        if self.waiting() != "more_info_needed":
            assert self.ask("What colour was it?").status_code == 302
        return self.answer(values["answer"])

    def waiting(self) -> str:
        return self.site.scalar(db.select(Report.status).where(Report.reference == self.reference)).value

    def accepted(self, response) -> bool:
        return response.status_code == 200

    def stored(self):
        return {"answer": self.site.scalar(db.select(ReportReply.body).order_by(ReportReply.id.desc()).limit(1))}

    def shown(self):
        return self.staff.get(f"/cases/{self.item}")


class ReportDecision(ReportAnswer):
    """Staff's question to the reporter, which the reporter reads on the status page."""

    form = staff_forms.ReportDecisionForm
    fields = ("message",)
    filler = {"message": "What colour was it?"}
    stripped = frozenset(fields)
    show_each = True
    untested = {"case_number": "approving ends a report: a report per string; the case number is plain text "
                               "checked like the message"}

    def rules(self) -> list[TextRule]:
        # Asking for information needs a question.
        return [replace(text_rules(self.form)["message"], required_by_service=True)]

    def send(self, values):
        if self.waiting() == "more_info_needed":
            assert self.answer("It was blue.").status_code == 200
        return self.ask(values["message"])

    def accepted(self, response) -> bool:
        return redirected(self.staff, response)

    def stored(self):
        with self.site.public.app_context():
            report = db.session.scalars(db.select(Report).where(Report.reference == self.reference)).one()
            question = report.status_message
            db.session.remove()
        return {"message": question}

    def shown(self):
        return self.client.post("/reports/status", data={"reference": self.reference,
                                                         "email": REPORTER["reporter_email"]})


class CrimeMapFilter(Case):
    """A GET form: whatever it is given, the page answers and shows it back as typed."""

    form = CrimeFilterForm
    fields = ("from", "to")
    filler = {"from": "", "to": ""}
    lookup = True
    says_no_match = False

    def prepare(self) -> None:
        assert self.site.public.test_cli_runner().invoke(args=["incidents", "demo"]).exit_code == 0
        self.client = self.site.public.test_client()

    def send(self, values):
        return self.client.get("/crime-map/table", query_string={**values, "category": values["from"]})

    def accepted(self, response) -> bool:
        return False


# Staff forms ------------------------------------------------------------------------------------


class StaffCase(Case):
    role = "admin"

    def prepare(self) -> None:
        self.staff = self.site.staff_client(self.role)

    def accepted(self, response) -> bool:
        return redirected(self.staff, response)


def redirected(client, response) -> bool:
    """A staff form's success; nobody reads the page the redirect leads to, so its message is
    dropped, or thousands would pile up in the session cookie."""
    if response.status_code != 302:
        return False
    forget_messages(client)
    return True


def forget_messages(client) -> None:
    with client.session_transaction() as session:
        session.pop("_flashes", None)


class Login(Lookup):
    form = staff_forms.LoginForm
    fields = ("email", "password")
    filler = {"email": "nobody@example.org", "password": "not the password at all"}
    not_echoed = frozenset({"password"})

    def send(self, values):
        return self.site.staff.test_client().post("/login", data=values)


class Code(Lookup):
    form = staff_forms.CodeForm
    fields = ("code",)
    filler = {"code": "000000"}

    def prepare(self) -> None:
        create_staff(self.site.staff, email="coder@example.org", role="investigator", name="Coder", unit="Triage")
        self.client = self.site.staff.test_client()
        assert self.client.post("/login", data={"email": "coder@example.org", "password": PASSWORD}).status_code == 302

    def send(self, values):
        return self.client.post("/login/code", data=values)


class PasswordChange(StaffCase, Lookup):
    """The current password is never right here: a right one with a strong new one signs everyone out."""

    form = staff_forms.PasswordChangeForm
    fields = ("current_password", "new_password")
    filler = {"current_password": "not the password at all", "new_password": "a long new passphrase for me"}
    not_echoed = frozenset(fields)
    role = "records"

    def send(self, values):
        return self.staff.post("/account/password", data=values)


class CaseNote(StaffCase):
    form = staff_forms.NoteForm
    fields = ("body",)
    filler = {"body": "Called the witness."}

    def prepare(self) -> None:
        super().prepare()
        _number, _passphrase, self.item = self.site.new_tip()

    def send(self, values):
        return self.staff.post(f"/cases/{self.item}/notes", data=values)

    def stored(self):
        return {"body": self.site.scalar(db.select(WorkNote.body).order_by(WorkNote.id.desc()).limit(1))}

    def shown(self):
        return self.staff.get(f"/cases/{self.item}")


class TipReply(CaseNote):
    form = staff_forms.TipReplyForm
    fields = ("body", "public_message")
    filler = {"body": "Thank you, we are looking into it.", "public_message": "Under review."}
    show_each = True
    not_displayed = frozenset({"public_message"})

    def prepare(self) -> None:
        StaffCase.prepare(self)
        self.tipster = TipActions(self.site.public.test_client())
        self.number, self.passphrase, self.item = self.site.new_tip()

    def send(self, values):
        self.last_body = values["body"]
        return self.staff.post(f"/cases/{self.item}/tipster", data={"status": "under_review", **values})

    def stored(self):
        with self.site.public.app_context():
            tip = db.session.scalars(db.select(Tip).where(Tip.tip_number == self.number)).one()
            messages = db.session.scalars(db.select(TipMessage.body).where(TipMessage.tip_id == tip.id)
                                          .order_by(TipMessage.id.desc()).limit(1)).all()
            values = {"public_message": tip.public_message, "body": messages[0] if messages else ""}
            db.session.remove()
        if not self.last_body.strip():
            # A blank message is no message: only the status changed.
            values["body"] = self.last_body
        return values

    def shown(self):
        # The tipster's own page shows the reply and the public message.
        return self.tipster.check(self.number, self.passphrase)


class Hold(StaffCase):
    form = staff_forms.HoldForm
    fields = ("reason",)
    filler = {"reason": "Litigation pending."}
    stripped = frozenset({"reason"})

    def prepare(self) -> None:
        super().prepare()
        _number, _passphrase, self.item = self.site.new_tip()
        self.placed = False

    def send(self, values):
        change = "lift" if self.placed else "place"
        response = self.staff.post(f"/cases/{self.item}/hold/{change}", data=values)
        if self.accepted(response):
            self.placed = not self.placed
        return response

    def stored(self):
        with self.site.public.app_context():
            hold = db.session.scalars(db.select(LegalHold).order_by(LegalHold.id.desc()).limit(1)).one()
            value = hold.reason if self.placed else hold.lift_reason
            db.session.remove()
        return {"reason": value}

    def shown(self):
        return self.staff.get(f"/cases/{self.item}")


class Mark(StaffCase):
    form = staff_forms.RedactionMarkForm
    fields = ("marked_text", "mark_reason")
    filler = {"marked_text": "behind the library", "mark_reason": "Names a place that identifies a witness."}
    stripped = frozenset(fields)

    def prepare(self) -> None:
        super().prepare()
        _number, _passphrase, self.item = self.site.new_tip()

    def send(self, values):
        # Only text the submission holds can be marked: a note puts it there first.
        if Mark.rules(self)[0].refusal(values["marked_text"]) is None:
            assert self.staff.post(f"/cases/{self.item}/notes", data={"body": values["marked_text"]}).status_code == 302
            forget_messages(self.staff)
        return self.staff.post(f"/disclosure/items/{self.item}/marks", data=values)

    def stored(self):
        with self.site.public.app_context():
            mark = db.session.scalars(db.select(RedactionMark).order_by(RedactionMark.id.desc()).limit(1)).one()
            values = {"marked_text": mark.text, "mark_reason": mark.reason}
            db.session.remove()
        return values

    def shown(self):
        return self.staff.get(f"/disclosure/items/{self.item}")


class DisclosureSet(StaffCase):
    form = staff_forms.DisclosureSetForm
    fields = ("requester", "category")
    filler = {"requester": "Chicago Tribune, request 2026-117", "category": ""}
    stripped = frozenset(fields)
    # A category nothing is filed under exports nothing, which the form says.
    may_refuse = frozenset({"category"})
    not_displayed = frozenset(fields)

    def prepare(self) -> None:
        super().prepare()
        self.site.new_tip()

    def send(self, values):
        self.last_category = values["category"].strip()
        self.response = self.staff.post("/disclosure/export", data={"kind": "", **values})
        return self.response

    def accepted(self, response) -> bool:
        return response.status_code == 200 and response.mimetype == "application/zip"

    def stored(self):
        with zipfile.ZipFile(io.BytesIO(self.response.get_data())) as archive:
            manifest = json.loads(archive.read("manifest.json"))
        self.response.close()
        return {"requester": manifest.get("requester", ""), "category": self.last_category}

    def shown(self):
        return self.staff.get("/disclosure/")


class Queue(StaffCase, Lookup):
    """A GET form: the queue answers any search and shows it back as typed."""

    form = staff_forms.QueueFilterForm
    fields = ("category", "search")
    filler = {"category": "", "search": ""}

    says_no_match = False

    def send(self, values):
        return self.staff.get("/queue/", query_string=values)


class RuleEdit(StaffCase):
    form = staff_forms.RuleForm
    fields = ("name", "category", "keywords", "places", "unit_name")
    filler = {"name": "Gangs", "category": "", "keywords": "graffiti", "places": "", "unit_name": "Triage"}
    stripped = frozenset(fields)
    show_each = True
    role = "supervisor"

    def expected(self, name: str, text: str) -> str:
        # A rule sends to the unit of that name in any case, as it is already spelt.
        if name == "unit_name" and self.unit_spelling.lower() == text.strip().lower():
            return self.unit_spelling
        return super().expected(name, text)

    def prepare(self) -> None:
        super().prepare()
        assert self.staff.post("/rules/", data={**self.filler, "kind": "", "area_id": "0"}).status_code == 302
        self.rule_id = self.site.scalar(db.select(RoutingRule.id).order_by(RoutingRule.id.desc()).limit(1))

    def send(self, values):
        return self.staff.post(f"/rules/{self.rule_id}/edit", data={"kind": "", "area_id": "0", **values})

    def stored(self):
        with self.site.public.app_context():
            rule = db.session.get(RoutingRule, self.rule_id)
            values = {name: getattr(rule, name) for name in ("name", "category", "keywords", "places")}
            values["unit_name"] = self.unit_spelling = rule.unit.name
            db.session.remove()
        return values

    def shown(self):
        return self.staff.get("/rules/")


class AreaEdit(StaffCase):
    form = staff_forms.AreaForm
    fields = ("name", "places", "outline")
    filler = {"name": "Beat 12", "places": "Deerfield", "outline": ""}
    stripped = frozenset({"name", "places"})
    may_refuse = frozenset({"places", "outline"})
    not_displayed = frozenset({"outline"})
    show_each = True
    role = "supervisor"

    def prepare(self) -> None:
        super().prepare()
        assert self.staff.post("/rules/areas", data=self.filler).status_code == 302
        self.area_id = self.site.scalar(db.select(Area.id).order_by(Area.id.desc()).limit(1))

    def send(self, values):
        return self.staff.post(f"/rules/areas/{self.area_id}", data=values)

    def stored(self):
        with self.site.public.app_context():
            area = db.session.get(Area, self.area_id)
            # An accepted outline is stored in one canonical form, which the routing tests check.
            values = {"name": area.name, "places": area.places}
            db.session.remove()
        return values

    def shown(self):
        return self.staff.get(f"/rules/areas/{self.area_id}")


class RetentionEdit(StaffCase):
    form = staff_forms.RetentionRuleForm
    fields = ("citation",)
    filler = {"citation": "ILCS 50 ILCS 205/7"}
    stripped = frozenset(fields)
    show_each = True

    def prepare(self) -> None:
        super().prepare()
        self.staff.get("/retention/")
        self.rule_id = self.site.scalar(db.select(RetentionRule.id).order_by(RetentionRule.id).limit(1))

    def send(self, values):
        return self.staff.post(f"/retention/{self.rule_id}/edit", data={"period_days": "", **values})

    def stored(self):
        return {"citation": self.site.scalar(db.select(RetentionRule.citation).where(RetentionRule.id == self.rule_id))}

    def shown(self):
        return self.staff.get("/retention/")


NOTICE_FIELDS = ("title", "summary", "body", "places", "image_alt")
NOTICE_FILLER = {"title": "Road closed", "summary": "Elm Street is closed for repairs.", "body": "",
                 "places": "Elm Street", "image_alt": "Map of the closure"}


class NoticeEdit(StaffCase):
    form = staff_forms.NoticeForm
    fields = NOTICE_FIELDS
    filler = NOTICE_FILLER
    stripped = frozenset({"title", "summary", "places", "image_alt"})
    # The body is rich text: kept as typed, shown through the allow-list (so never as the raw text).
    not_displayed = frozenset({"body", "image_alt"})
    show_each = True
    role = "communications"

    def post_data(self, values):
        now = datetime.now()
        return {"notice_type": "road-closure", "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
                "expires_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"), "area_id": "0", "severity": "",
                "urgency": "", "certainty": "", **values}

    def rules(self) -> list[TextRule]:
        # A picture needs its description.
        return [replace(rule, required_by_service=True) if rule.name == "image_alt" else rule for rule in super().rules()]

    def prepare(self) -> None:
        super().prepare()
        picture = (io.BytesIO((DATA / "photo_with_gps.jpg").read_bytes()), "photo.jpg")
        created = self.staff.post("/notices/new", data={**self.post_data(NOTICE_FILLER), "image": picture},
                                  content_type="multipart/form-data")
        assert created.status_code == 302
        self.notice_id = self.site.scalar(db.select(Notice.id).order_by(Notice.id.desc()).limit(1))

    def send(self, values):
        return self.staff.post(f"/notices/{self.notice_id}/edit", data=self.post_data(values))

    def stored(self):
        with self.site.public.app_context():
            notice = db.session.get(Notice, self.notice_id)
            values = {name: getattr(notice, name) for name in ("title", "summary", "places", "image_alt")}
            values["body"] = notice.body_source
            db.session.remove()
        return values

    def shown(self):
        return self.staff.get(f"/notices/{self.notice_id}")


class NoticeUpdate(NoticeEdit):
    """An update to a published notice: its line is what the public reads of the change."""

    form = staff_forms.NoticeUpdateForm
    fields = ("note", "override_reason")
    filler = {"note": "Road reopened", "override_reason": "Checked: the warnings are about our own text."}
    stripped = frozenset({"note"})
    not_displayed = frozenset({"override_reason"})
    show_each = False
    role = "supervisor"
    untested = {name: "NoticeForm's case drives it through the same service" for name in NOTICE_FIELDS}

    def rules(self) -> list[TextRule]:
        return Case.rules(self)

    def prepare(self) -> None:
        super().prepare()
        assert self.staff.post(f"/notices/{self.notice_id}/publish", data={"override_reason": ""}).status_code == 302
        self.events = self.event_count()

    def event_count(self) -> int:
        return self.site.scalar(db.select(db.func.count()).select_from(NoticeEvent))

    def send(self, values):
        return self.staff.post(f"/notices/{self.notice_id}/update", data=self.post_data({**NOTICE_FILLER, **values}))

    def stored(self):
        note = self.site.scalar(db.select(NoticeEvent.note).order_by(NoticeEvent.id.desc()).limit(1))
        return {"note": note}

    def shown(self):
        # The public notice page lists every update.
        return self.site.public.test_client().get(f"/notices/{self.notice_id}")


class PreventionEdit(StaffCase):
    form = staff_forms.PreventionTipForm
    fields = ("title", "summary", "body")
    filler = {"title": "Lock your bike", "summary": "A good lock stops most thefts.", "body": "<p>Use a U-lock.</p>"}
    stripped = frozenset({"title", "summary"})
    not_displayed = frozenset({"body"})
    show_each = True
    role = "communications"
    untested = {"new_category": "makes a category per post; the category's name is plain text like the title",
                "override_reason": "read only when a published tip changes (NoticeUpdateForm's case)"}

    def prepare(self) -> None:
        super().prepare()
        category = self.site.scalar(db.select(PreventionTip.category_id).limit(1))
        self.category = str(category)
        assert self.staff.post("/prevention/new", data={"category_id": self.category, **self.filler}).status_code == 302
        self.tip_id = self.site.scalar(db.select(PreventionTip.id).order_by(PreventionTip.id.desc()).limit(1))

    def send(self, values):
        return self.staff.post(f"/prevention/{self.tip_id}", data={"category_id": self.category, "new_category": "",
                                                                   **values})

    def stored(self):
        with self.site.public.app_context():
            tip = db.session.get(PreventionTip, self.tip_id)
            values = {"title": tip.title, "summary": tip.summary, "body": tip.body_source}
            db.session.remove()
        return values

    def shown(self):
        return self.staff.get(f"/prevention/{self.tip_id}")


FRESH_ADDRESS = "(a new address each time)"


class PreventionSearch(Lookup):
    """The public search box, a GET form of its own (no FlaskForm): it keeps the first 200 characters."""

    form = None
    fields = ("q",)
    filler = {"q": ""}
    says_no_match = False

    def rules(self) -> list[TextRule]:
        return [TextRule("q", None, False, False, None)]

    def send(self, values):
        return self.site.public.test_client().get("/prevention/search", query_string=values)

    def echoed(self, name: str, text: str) -> str:
        return text[:200]


class NewAccount(StaffCase):
    form = staff_forms.AccountForm
    fields = ("display_name", "email")
    filler = {"display_name": "Det. Kim Park", "email": FRESH_ADDRESS}
    stripped = frozenset({"display_name"})
    may_refuse = frozenset({"email"})
    not_displayed = frozenset({"email"})
    untested = {"unit": "a unit per post would grow every page that lists units; UnitName drives unit names",
                "password": "never stored as typed; PasswordChangeForm drives the corpus through the same checks"}

    def prepare(self) -> None:
        super().prepare()
        self.count = 0

    def send(self, values):
        self.count += 1
        email = f"officer{self.count}@example.org" if values["email"] == FRESH_ADDRESS else values["email"]
        self.sent_email, self.email = email, staff_accounts.normalize_email(email)
        return self.staff.post("/admin/accounts", data={**values, "email": email, "role": "investigator", "unit": "",
                                                        "password": "a long first passphrase for the officer"})

    def stored(self):
        with self.site.public.app_context():
            user = db.session.scalars(db.select(StaffUser).order_by(StaffUser.id.desc()).limit(1)).one()
            values = {"display_name": user.display_name, "email": user.email}
            db.session.remove()
        return values

    def expected(self, name: str, text: str) -> str:
        return self.email if name == "email" else super().expected(name, text)

    def echoed(self, name: str, text: str) -> str:
        return self.sent_email if text == FRESH_ADDRESS else text

    def shown(self):
        return self.staff.get("/admin/accounts")


class NoticeCancel(NoticeEdit):
    """Cancelling a published notice with the line the public reads; the outcome is a message on
    the notice's page. Each string cancels a notice of its own."""

    form = staff_forms.NoticeNoteForm
    fields = ("note",)
    filler = {"note": "Found safe."}
    stripped = frozenset(fields)
    may_refuse = frozenset(fields)
    not_echoed = frozenset(fields)
    not_displayed = frozenset()
    flash_only = True

    def prepare(self) -> None:
        StaffCase.prepare(self)

    def send(self, values):
        assert self.staff.post("/notices/new", data=self.post_data(NOTICE_FILLER)).status_code == 302
        self.notice_id = self.site.scalar(db.select(Notice.id).order_by(Notice.id.desc()).limit(1))
        assert self.staff.post(f"/notices/{self.notice_id}/publish", data={"override_reason": ""}).status_code == 302
        posted = self.staff.post(f"/notices/{self.notice_id}/cancel", data=values)
        return self.staff.get(f"/notices/{self.notice_id}") if posted.status_code == 302 else posted

    def accepted(self, response) -> bool:
        return self.site.scalar(db.select(Notice.state).where(Notice.id == self.notice_id)) == "cancelled"

    def stored(self):
        return {"note": self.site.scalar(db.select(NoticeEvent.note).where(
            NoticeEvent.notice_id == self.notice_id, NoticeEvent.action == "cancelled"))}

    def shown(self):
        return self.staff.get(f"/notices/{self.notice_id}")


class UnitName(StaffCase):
    """Renaming a unit: its outcome is a message on the accounts page, as with placements."""

    form = staff_forms.UnitNameForm
    fields = ("name",)
    filler = {"name": "Gang Unit"}
    stripped = frozenset(fields)
    may_refuse = frozenset(fields)
    not_echoed = frozenset(fields)
    show_each = True
    flash_only = True

    def prepare(self) -> None:
        super().prepare()
        create_staff(self.site.staff, email="gang@example.org", role="investigator", name="Gang", unit="Gang Unit")
        self.unit_id = self.site.scalar(db.select(Unit.id).where(Unit.name == "Gang Unit"))

    def send(self, values):
        self.before = self.site.scalar(db.select(Unit.name).where(Unit.id == self.unit_id))
        posted = self.staff.post(f"/admin/units/{self.unit_id}/name", data={f"unit{self.unit_id}-name": values["name"]})
        # The page the redirect leads to, with the message.
        return self.staff.get("/admin/accounts") if posted.status_code == 302 else posted

    def accepted(self, response) -> bool:
        return self.site.scalar(db.select(Unit.name).where(Unit.id == self.unit_id)) != self.before

    def stored(self):
        return {"name": self.site.scalar(db.select(Unit.name).where(Unit.id == self.unit_id))}

    def shown(self):
        return self.staff.get("/admin/accounts")


CASES: dict[type[FlaskForm], type[Case]] = {
    public_forms.TipForm: NewTip, public_forms.TipCheckForm: CheckTip, public_forms.TipMessageForm: AddToTip,
    public_forms.ReportScreeningForm: Screening, public_forms.ReportForm: NewReport,
    public_forms.ReportLookupForm: ReportLookup, public_forms.ReportAnswerForm: ReportAnswer,
    staff_forms.ReportDecisionForm: ReportDecision,
    CrimeFilterForm: CrimeMapFilter,
    staff_forms.LoginForm: Login, staff_forms.CodeForm: Code, staff_forms.PasswordChangeForm: PasswordChange,
    staff_forms.NoteForm: CaseNote, staff_forms.TipReplyForm: TipReply, staff_forms.HoldForm: Hold,
    staff_forms.RedactionMarkForm: Mark, staff_forms.DisclosureSetForm: DisclosureSet, staff_forms.QueueFilterForm: Queue,
    staff_forms.RuleForm: RuleEdit, staff_forms.AreaForm: AreaEdit, staff_forms.RetentionRuleForm: RetentionEdit,
    staff_forms.NoticeForm: NoticeEdit, staff_forms.PreventionTipForm: PreventionEdit,
    staff_forms.AccountForm: NewAccount, staff_forms.UnitNameForm: UnitName, staff_forms.NoticeUpdateForm: NoticeUpdate,
    staff_forms.NoticeNoteForm: NoticeCancel,
}
# Forms of no FlaskForm class of ours: the public search box.
OTHER_FORMS = (PreventionSearch,)
# Forms with no text field: buttons carrying a CSRF token, choices from a list, or files.
NO_TEXT = {staff_forms.LogoutForm, staff_forms.ActiveForm, staff_forms.RuleToggleForm, staff_forms.StateForm,
           staff_forms.AreaRemovalForm, staff_forms.UnitRemovalForm, staff_forms.RerouteForm,
           staff_forms.IncidentImportForm}
# Forms whose text fields another case drives through the same field and service, with why.
COVERED_ELSEWHERE = {
    staff_forms.DisclosureExportForm: "the requester of DisclosureSetForm, which extends it, through the same service",
    staff_forms.PublishForm: "override_reason: NoticeUpdateForm's field of the same name and rule",
    staff_forms.PlacementForm: "unit: UnitNameForm drives Unit.name (strip, 80 characters); a unit made per string "
                               "would need a removal per string",
}


def every_form() -> set[type[FlaskForm]]:
    found = set()
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if ".migrations" in module.name:
            continue
        for _name, value in inspect.getmembers(import_module(module.name), inspect.isclass):
            if issubclass(value, FlaskForm) and value is not FlaskForm and value.__module__.startswith("portal."):
                found.add(value)
    return found


def test_every_form_with_text_is_driven():
    """A new form fails here until it is in the table."""
    forms = every_form()
    missing = {form.__name__ for form in forms - set(CASES) - NO_TEXT - set(COVERED_ELSEWHERE)}
    assert not missing, f"forms with no hostile-input case: {sorted(missing)}"
    for form in NO_TEXT:
        assert not text_rules(form), form.__name__
    for form, case in CASES.items():
        rules = set(text_rules(form)) | (set(ITEM_RULES) if form is public_forms.ReportForm else set())
        unaccounted = rules - set(case.fields) - set(case.untested)
        assert not unaccounted, f"{form.__name__}: text fields not driven: {sorted(unaccounted)}"


@pytest.mark.parametrize("case_class", list(dict.fromkeys(CASES.values())) + list(OTHER_FORMS),
                         ids=lambda case: case.__name__)
def test_hostile_text_in_every_field(site, case_class):
    findings = drive(case_class(site))
    assert findings.posts
    assert not findings.problems, findings.report()
