"""Every staff URL with every role: who gets the page, who gets 404, and nobody gets a 500."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.models import Area, Notice, RoutingRule, StaffUser, WorkItem
from portal.staff import OPEN_ENDPOINTS
from tests.conftest import PASSWORD
from tests.helpers import TipActions, sign_in

ROLES = ["admin", "supervisor", "investigator", "communications", "records"]
ADMIN_ONLY = {"admin.accounts", "admin.set_active", "admin.placement", "admin.rename_unit", "admin.remove_unit",
              "admin.audit_log", "retention.index", "retention.edit"}
SUPERVISORS = {"rules.index", "rules.toggle", "rules.add_area", "rules.edit_area", "rules.remove_area", "rules.edit",
               "cases.reroute"}
CASE_PAGES = {"cases.detail", "cases.add_note", "cases.reroute", "cases.download", "cases.set_state", "cases.reply",
              "cases.decide", "cases.hold"}
NOTICE_REVIEWERS = {"publishing.return_to_author", "publishing.reviewed"}
CRIME_DATA_IMPORTERS = {"incident_imports.index", "incident_imports.upload"}
DISCLOSURE_EXPORTERS = {"disclosure.index", "disclosure.export_set", "disclosure.item", "disclosure.export_item"}
# Records staff mark text in any submission; everyone else in the submissions they may open.
MARKS = {"disclosure.add_mark"}
# Who may see the tip routed to Narcotics: admins see all; the unit's members see its items.
SEES_THE_ITEM = {"admin", "supervisor", "investigator"}


@pytest.fixture
def world(staff_app, make_app):
    site = make_app("public", PORTAL_TIP_MIN_FILL_SECONDS=0)
    site.test_cli_runner().invoke(args=["seed-demo"])
    clients = {}
    for role in ROLES:
        unit = ["--unit", "Narcotics"] if role in ("supervisor", "investigator") else []
        result = staff_app.test_cli_runner().invoke(
            args=["staff", "create", "--email", f"{role}@example.org", "--name", role.title(), "--role", role, *unit],
            input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
        clients[role] = staff_app.test_client()
        assert sign_in(clients[role], f"{role}@example.org").status_code == 302
    clients["admin"].post("/rules/", data={"name": "Drugs", "kind": "", "category": "drugs", "keywords": "",
                                           "places": "", "unit_name": "Narcotics"})
    clients["admin"].post("/rules/areas", data={"name": "East beat", "places": "60015", "outline": ""})
    assert TipActions(site.test_client()).submit(category="drugs").status_code == 200
    created = clients["admin"].post("/notices/new", data={
        "notice_type": "general", "title": "T", "summary": "S", "body": "", "starts_at": "2026-01-01T00:00",
        "expires_at": "2026-01-02T00:00", "area_id": "0", "places": "", "severity": "", "urgency": "",
        "certainty": ""})
    assert created.status_code == 302
    with staff_app.app_context():
        item = db.session.scalars(db.select(WorkItem)).one()
        rule_id = db.session.scalars(db.select(RoutingRule.id)).one()
        area_id = db.session.scalars(db.select(Area.id)).one()
        notice_id = db.session.scalars(db.select(Notice.id)).one()
        records = db.session.scalars(db.select(StaffUser.public_id).where(StaffUser.email == "records@example.org")).one()
        return clients, {"public_id": item.public_id, "rule_id": str(rule_id), "area_id": str(area_id), "notice_id": str(notice_id), "account_id": records,
                         "attachment_id": "0b5e3a4c-8d2f-4a7e-9c1b-2f6d8e0a1b2c"}


def path_for(rule, values: dict[str, str]) -> str:
    def fill(match: re.Match) -> str:
        converter, _, name = match.group(1).rpartition(":")
        if converter.startswith("any("):
            return converter[4:converter.index(")")].split(",")[0].strip()
        return values.get(name, "0b5e3a4c-8d2f-4a7e-9c1b-2f6d8e0a1b2c" if converter == "uuid" else "1")

    return re.sub(r"<([^>]+)>", fill, rule.rule)


def expected_denied(role: str, endpoint: str) -> bool:
    if endpoint in ADMIN_ONLY:
        return role != "admin"
    if endpoint in CRIME_DATA_IMPORTERS or endpoint in DISCLOSURE_EXPORTERS:
        return role not in ("admin", "records")
    if endpoint in MARKS:
        return role not in SEES_THE_ITEM | {"records"}
    if (endpoint in SUPERVISORS or endpoint in NOTICE_REVIEWERS) and role not in ("admin", "supervisor"):
        return True
    if endpoint.startswith(("publishing.", "prevention_desk.")) and role not in ("admin", "supervisor", "communications"):
        return True
    return endpoint in CASE_PAGES and role not in SEES_THE_ITEM


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_url_with_every_role(staff_app, world, role):
    clients, values = world
    client = clients[role]
    checked = 0
    for rule in staff_app.url_map.iter_rules():
        if rule.endpoint in OPEN_ENDPOINTS or rule.endpoint in ("staff_auth.logout", "account.password"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            on_account = rule.endpoint in ("admin.set_active", "admin.placement")
            names = {**values, "public_id": values["account_id"]} if on_account else values
            response = client.open(path_for(rule, names), method=method, data={})
            assert response.status_code < 500, (rule.endpoint, method, response.status_code)
            if expected_denied(role, rule.endpoint):
                assert response.status_code == 404, (role, rule.endpoint, method, response.status_code)
            else:
                assert response.status_code != 404 or rule.endpoint == "cases.download", (role, rule.endpoint, method)
            checked += 1
    assert checked >= 15
