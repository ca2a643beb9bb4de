"""Administration: accounts and units in the UI, deactivation, the audit log; admins only."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import AuditEntry, RoutingRule, StaffUser, Unit, WorkItem
from tests.conftest import PASSWORD, create_staff
from tests.helpers import TipActions, parse_page, sign_in

ADMIN_PAGES = ["/admin/accounts", "/admin/audit"]


def account_id(app, email: str) -> str:
    with app.app_context():
        return db.session.scalars(db.select(StaffUser.public_id).where(StaffUser.email == email)).one()


@pytest.fixture
def admin_client(staff_app):
    client = staff_app.test_client()
    sign_in(client, create_staff(staff_app, email="chief@example.org", role="admin", name="Chief Cruz"))
    return client


def test_an_admin_creates_an_account_who_enrolls_at_first_sign_in(staff_app, admin_client):
    response = admin_client.post("/admin/accounts", data={
        "email": "Det.Ng@example.org", "display_name": "Det. Lee Ng", "role": "investigator", "unit": "Youth",
        "password": PASSWORD}, follow_redirects=True)
    text = parse_page(response).text
    assert "Created the account of Det. Lee Ng." in text
    assert "Det. Lee Ng det.ng@example.org investigator, Youth Active, not yet enrolled" in text
    newcomer = staff_app.test_client()
    first = newcomer.post("/login", data={"email": "det.ng@example.org", "password": PASSWORD})
    assert first.headers["Location"].endswith("/login/enroll")


def test_bad_account_input_is_flagged_next_to_the_field(admin_client):
    response = admin_client.post("/admin/accounts", data={
        "email": "x@example.org", "display_name": "X", "role": "investigator", "password": "password1234"})
    assert response.status_code == 400
    page = parse_page(response)
    assert page.find_all("ul", id="password-errors") and "less common password" in page.text
    assert 'value="x@example.org"' in response.get_data(as_text=True)


def test_deactivating_an_account_signs_it_out_everywhere(staff_app, admin_client):
    email = create_staff(staff_app, email="ofc@example.org", role="investigator", name="Ofc. Diaz")
    officer = staff_app.test_client()
    sign_in(officer, email)
    assert officer.get("/").status_code == 200
    public_id = account_id(staff_app, email)
    response = admin_client.post(f"/admin/accounts/{public_id}/deactivate", follow_redirects=True)
    assert "Ofc. Diaz is now deactivated and signed out everywhere." in parse_page(response).text
    assert officer.get("/").status_code == 302
    admin_client.post(f"/admin/accounts/{public_id}/activate")
    assert sign_in(officer, email).status_code == 302


def test_an_admin_cannot_lock_themselves_out(staff_app, admin_client):
    public_id = account_id(staff_app, "chief@example.org")
    response = admin_client.post(f"/admin/accounts/{public_id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in parse_page(response).text


def test_the_audit_log_lists_sign_ins_and_says_the_chain_is_intact(admin_client):
    text = parse_page(admin_client.get("/admin/audit")).text
    assert "is intact" in text
    assert "chief@example.org sign_in.succeeded" in text and "account.created chief@example.org" in text


@pytest.mark.parametrize("role", ["supervisor", "investigator", "communications", "records"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_answer_404_to_every_other_role(staff_app, role, path):
    client = staff_app.test_client()
    sign_in(client, create_staff(staff_app, email=f"{role}@example.org", role=role))
    assert client.get(path).status_code == 404
    assert client.post("/admin/accounts", data={"email": "z@example.org"}).status_code == 404


def test_an_admin_moves_someone_to_another_role_and_unit(staff_app, admin_client):
    create_staff(staff_app, email="ofc@example.org", role="investigator", name="Ofc. Diaz")
    public_id = account_id(staff_app, "ofc@example.org")
    prefix = public_id[:8]
    response = admin_client.post(f"/admin/accounts/{public_id}/placement",
                                 data={f"{prefix}-role": "supervisor", f"{prefix}-unit": "Cyber"}, follow_redirects=True)
    assert "Ofc. Diaz is now supervisor in Cyber." in parse_page(response).text
    assert "Cyber: Ofc. Diaz" in parse_page(admin_client.get("/admin/accounts")).text


def test_an_admin_cannot_drop_their_own_admin_role(staff_app, admin_client):
    public_id = account_id(staff_app, "chief@example.org")
    prefix = public_id[:8]
    response = admin_client.post(f"/admin/accounts/{public_id}/placement",
                                 data={f"{prefix}-role": "records", f"{prefix}-unit": ""}, follow_redirects=True)
    assert "You cannot take away your own admin role." in parse_page(response).text


def test_an_admin_renames_a_unit_and_names_stay_unique(staff_app, admin_client):
    create_staff(staff_app, email="ofc@example.org", role="investigator", name="Ofc. Diaz")
    officer = account_id(staff_app, "ofc@example.org")
    admin_client.post(f"/admin/accounts/{officer}/placement",
                      data={f"{officer[:8]}-role": "investigator", f"{officer[:8]}-unit": "Cyber"})
    with staff_app.app_context():
        cyber = db.session.scalars(db.select(Unit.id).where(Unit.name == "Cyber")).one()
    renamed = admin_client.post(f"/admin/units/{cyber}/name", data={f"unit{cyber}-name": "Cyber Crimes"},
                                follow_redirects=True)
    assert "The unit is now called Cyber Crimes." in parse_page(renamed).text
    assert "Cyber Crimes: Ofc. Diaz" in parse_page(renamed).text
    with staff_app.app_context():
        db.session.add(Unit(name="Youth"))
        db.session.commit()
    clash = admin_client.post(f"/admin/units/{cyber}/name", data={f"unit{cyber}-name": "youth"}, follow_redirects=True)
    assert "Another unit already has that name." in parse_page(clash).text


def test_removing_a_unit_hands_everything_it_held_to_a_successor(staff_app, admin_client, make_app):
    site = make_app("public", PORTAL_TIP_MIN_FILL_SECONDS=0)
    site.test_cli_runner().invoke(args=["seed-demo"])
    create_staff(staff_app, email="ofc@example.org", role="investigator", name="Ofc. Diaz", unit="Cyber")
    create_staff(staff_app, email="det@example.org", role="investigator", name="Det. Ng", unit="Investigations")
    admin_client.post("/rules/", data={"name": "Online", "kind": "", "category": "online-crime", "keywords": "",
                                       "places": "", "unit_name": "Cyber"})
    assert TipActions(site.test_client()).submit(category="online-crime").status_code == 200
    assert TipActions(site.test_client()).submit(category="other").status_code == 200
    with staff_app.app_context():
        units = {unit.name: unit.id for unit in db.session.scalars(db.select(Unit))}
    cyber, investigations, triage = units["Cyber"], units["Investigations"], units["Triage"]

    def remove(unit_id: int, successor_id: int) -> str:
        return parse_page(admin_client.post(f"/admin/units/{unit_id}/remove",
                                            data={f"remove{unit_id}-successor": str(successor_id)},
                                            follow_redirects=True)).text

    assert ("Cyber still has 1 member(s), 1 routing rule(s) and 1 submission(s): "
            "choose the unit that takes them over.") in remove(cyber, 0)
    assert "Triage is the fallback queue" in remove(triage, investigations)
    removed = remove(cyber, investigations)
    assert "The unit was removed; Investigations took over what it held." in removed
    assert "Investigations: Det. Ng, Ofc. Diaz" in removed and "Cyber:" not in removed
    with staff_app.app_context():
        online = db.session.scalars(db.select(WorkItem).where(WorkItem.category == "online-crime")).one()
        assert online.unit_id == investigations
        assert db.session.scalars(db.select(RoutingRule.unit_id)).one() == investigations
        entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "unit.removed")).one()
        assert entry.target == "Cyber" and entry.detail.endswith("to Investigations")
    assert "The unit was removed." in remove(make_unit_with_nothing(staff_app), 0)


def make_unit_with_nothing(app) -> int:
    with app.app_context():
        unit = Unit(name="Retired desk")
        db.session.add(unit)
        db.session.commit()
        return unit.id
