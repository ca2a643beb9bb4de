"""Staff sign-in placeholder: named accounts, Argon2id, fresh session, throttling."""

from __future__ import annotations

from portal.extensions import db
from portal.models import StaffUser
from tests.conftest import PASSWORD, create_staff
from tests.helpers import parse_page, sign_in


def test_sign_in_opens_the_back_office_and_names_the_person(staff_app, staff_client):
    email = create_staff(staff_app)
    response = sign_in(staff_client, email)
    assert response.status_code == 302
    page = parse_page(staff_client.get("/"))
    assert "Welcome, Sgt. Ana Rivera." in page.text
    assert "Signed in as Sgt. Ana Rivera (supervisor)" in page.text


def test_email_is_matched_without_regard_to_case_or_spaces(staff_app, staff_client):
    create_staff(staff_app, email="sgt.rivera@example.org")
    assert sign_in(staff_client, "  SGT.Rivera@Example.org ").status_code == 302


def test_wrong_password_and_unknown_account_get_the_same_message(staff_app, staff_client):
    email = create_staff(staff_app)
    wrong_password = sign_in(staff_client, email, "not the password at all")
    unknown = sign_in(staff_client, "nobody@example.org", PASSWORD)
    for response in (wrong_password, unknown):
        assert response.status_code == 200
        assert "That e-mail address and password do not match an active account." in parse_page(response).text
    assert staff_client.get("/").status_code == 302


def test_the_form_comes_back_with_the_email_typed_but_never_the_password(staff_app, staff_client):
    response = sign_in(staff_client, "typed@example.org", "secret-typed-password")
    html = response.get_data(as_text=True)
    assert 'value="typed@example.org"' in html
    assert "secret-typed-password" not in html


def test_missing_fields_are_flagged_next_to_the_field(staff_client):
    response = staff_client.post("/login", data={"email": "", "password": ""})
    page = parse_page(response)
    assert response.status_code == 200
    assert page.find_all("input", id="email", aria_invalid="true")
    assert page.find_all("ul", id="email-errors")
    assert "This field is required." in page.text


def test_control_characters_are_refused_next_to_the_field_on_every_database(staff_app, staff_client):
    create_staff(staff_app)
    response = staff_client.post("/login", data={"email": "sgt.rivera@example.org\x00", "password": PASSWORD + "\x00"})
    page = parse_page(response)
    assert response.status_code == 200
    assert page.find_all("ul", id="email-errors") and page.find_all("ul", id="password-errors")
    assert "This contains a character that cannot be used here." in page.text


def test_over_long_input_is_refused_next_to_the_field(staff_client):
    response = staff_client.post("/login", data={"email": "a" * 300 + "@example.org", "password": "p"})
    assert response.status_code == 200
    assert "Field cannot be longer than 254 characters." in parse_page(response).text


def test_deactivated_account_cannot_sign_in_and_its_session_ends(staff_app, staff_client):
    email = create_staff(staff_app)
    sign_in(staff_client, email)
    assert staff_client.get("/").status_code == 200
    with staff_app.app_context():
        db.session.execute(db.update(StaffUser).values(active=False))
        db.session.commit()
    assert staff_client.get("/").status_code == 302
    assert sign_in(staff_client, email).status_code == 200


def test_sign_in_replaces_the_session(staff_app, staff_client):
    email = create_staff(staff_app)
    staff_client.get("/login")
    with staff_client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(staff_client, email)
    with staff_client.session_transaction() as session:
        assert "planted" not in session
        assert set(session) >= {"staff_id"}


def test_sign_out_ends_the_session(staff_app, staff_client):
    sign_in(staff_client, create_staff(staff_app))
    response = staff_client.post("/logout", follow_redirects=True)
    assert "You have signed out." in parse_page(response).text
    assert staff_client.get("/").status_code == 302


def test_password_is_stored_as_an_argon2id_hash(staff_app):
    create_staff(staff_app)
    with staff_app.app_context():
        stored = db.session.scalars(db.select(StaffUser.password_hash)).one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_sign_in_is_throttled_per_client_and_per_account(make_app):
    app = make_app("staff", RATELIMIT_ENABLED=True, PORTAL_LOGIN_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(3):
        sign_in(client, "target@example.org", "guess")
    blocked = sign_in(client, "target@example.org", "guess")
    assert blocked.status_code == 429
    other_client_same_account = [
        client.post("/login", data={"email": "target@example.org", "password": "g"},
                    environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code
        for n in range(10, 14)
    ]
    assert other_client_same_account[-1] == 429
    assert client.post("/login", data={"email": "other@example.org", "password": "g"},
                       environ_base={"REMOTE_ADDR": "198.51.100.99"}).status_code == 200
    assert client.get("/login").status_code == 200
