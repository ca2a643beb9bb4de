"""Staff sign-in: Argon2id passwords, mandatory TOTP, lockout, server-side revocable sessions."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pyotp

from portal.extensions import db
from portal.models import AuditEntry, StaffSession, StaffUser
from tests.conftest import PASSWORD, create_staff
from tests.helpers import current_code, parse_page, sign_in

WRONG = "That e-mail address and password do not match an active account"


def staff_row(app, email: str = "sgt.rivera@example.org") -> StaffUser:
    with app.app_context():
        user = db.session.scalars(db.select(StaffUser).where(StaffUser.email == email)).one()
        db.session.expunge(user)
        return user


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_sign_in_takes_a_password_then_a_code_and_names_the_person(staff_app, staff_client):
    email = create_staff(staff_app)
    first = staff_client.post("/login", data={"email": email, "password": PASSWORD})
    assert first.status_code == 302 and first.headers["Location"].endswith("/login/code")
    assert staff_client.get("/").status_code == 302, "a password alone opens nothing"
    second = staff_client.post("/login/code", data={"code": current_code(staff_app, email)})
    assert second.status_code == 302
    page = parse_page(staff_client.get("/"))
    assert "Welcome, Sgt. Ana Rivera." in page.text
    assert "Signed in as Sgt. Ana Rivera (supervisor)" in page.text
    assert audit_actions(staff_app)[-2:] == ["sign_in.password_ok", "sign_in.succeeded"]


def test_a_code_cannot_be_used_twice(staff_app):
    email = create_staff(staff_app)
    code = current_code(staff_app, email)
    first, second = staff_app.test_client(), staff_app.test_client()
    assert sign_in(first, email, code=code).status_code == 302
    response = sign_in(second, email, code=code)
    assert response.status_code == 200
    assert "each works only once" in parse_page(response).text
    assert second.get("/").status_code == 302


def test_a_wrong_code_is_refused(staff_app, staff_client):
    email = create_staff(staff_app)
    response = sign_in(staff_client, email, code="000000" if current_code(staff_app, email) != "000000" else "111111")
    assert "That code is not valid." in parse_page(response).text
    assert staff_client.get("/").status_code == 302


def test_first_sign_in_enrolls_with_a_server_drawn_qr_code(staff_app, staff_client):
    with staff_app.app_context():
        from portal.services.staff_accounts import create_staff_account

        create_staff_account("new@example.org", "Det. New", "investigator", PASSWORD)
    response = staff_client.post("/login", data={"email": "new@example.org", "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/enroll")
    page = staff_client.get("/login/enroll")
    html = page.get_data(as_text=True)
    assert "<svg" in html and "<script" not in html
    secret = re.search(r'data-enroll="secret">([A-Z2-7]+)<', html).group(1)
    assert staff_client.get("/login/enroll").get_data(as_text=True).count(secret) == 1, "same key on reload"
    done = staff_client.post("/login/enroll", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302
    assert "Welcome, Det. New." in parse_page(staff_client.get("/")).text
    assert staff_row(staff_app, "new@example.org").totp_secret == secret
    assert "two_factor.enrolled" in audit_actions(staff_app)


def test_the_code_steps_need_a_recent_password_step(staff_app, staff_client):
    create_staff(staff_app)
    for path in ("/login/code", "/login/enroll"):
        response = staff_client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_wrong_password_and_unknown_account_get_the_same_message(staff_app, staff_client):
    email = create_staff(staff_app)
    for response in (sign_in(staff_client, email, "not the password at all"),
                     sign_in(staff_client, "nobody@example.org", PASSWORD)):
        assert response.status_code == 200
        assert WRONG in parse_page(response).text
    assert staff_client.get("/").status_code == 302
    assert audit_actions(staff_app).count("sign_in.failed") == 2


def test_repeated_failures_lock_the_account_for_a_while(make_app):
    app = make_app("staff", PORTAL_LOCKOUT_THRESHOLD=3, PORTAL_LOCKOUT_MINUTES=15)
    email = create_staff(app)
    client = app.test_client()
    for _ in range(3):
        sign_in(client, email, "wrong password guess")
    locked = sign_in(client, email)
    assert locked.status_code == 200 and WRONG in parse_page(locked).text, "even the right password"
    assert staff_row(app).locked_until > datetime.now(timezone.utc) + timedelta(minutes=14)
    assert {"sign_in.locked", "sign_in.refused_locked"} <= set(audit_actions(app))
    with app.app_context():
        db.session.execute(db.update(StaffUser).values(locked_until=datetime.now(timezone.utc) - timedelta(seconds=1)))
        db.session.commit()
    assert sign_in(client, email).status_code == 302, "the lock ends by itself"


def test_email_is_matched_without_regard_to_case_or_spaces(staff_app, staff_client):
    create_staff(staff_app, email="sgt.rivera@example.org")
    assert sign_in(staff_client, "  SGT.Rivera@Example.org ").status_code == 302


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


def test_sign_in_replaces_the_session(staff_app, staff_client):
    email = create_staff(staff_app)
    staff_client.get("/login")
    with staff_client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(staff_client, email)
    with staff_client.session_transaction() as session:
        assert "planted" not in session
        assert set(session) == {"session_token", "_permanent", "csrf_token"} - ({"csrf_token"} - set(session))


def test_sessions_live_on_the_server_and_only_a_hash_of_the_token_is_stored(staff_app, staff_client):
    sign_in(staff_client, create_staff(staff_app))
    with staff_client.session_transaction() as session:
        token = session["session_token"]
    with staff_app.app_context():
        stored = db.session.scalars(db.select(StaffSession.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0]


def test_sign_out_ends_the_session(staff_app, staff_client):
    sign_in(staff_client, create_staff(staff_app))
    with staff_client.session_transaction() as session:
        token = session["session_token"]
    response = staff_client.post("/logout", follow_redirects=True)
    assert "You have signed out." in parse_page(response).text
    assert staff_client.get("/").status_code == 302
    replay = staff_app.test_client()
    with replay.session_transaction() as session:
        session["session_token"] = token
    assert replay.get("/").status_code == 302, "a copied cookie is worthless after sign-out"


def test_an_idle_session_expires_after_30_minutes(staff_app, staff_client):
    sign_in(staff_client, create_staff(staff_app))
    with staff_app.app_context():
        db.session.execute(db.update(StaffSession).values(last_seen_at=datetime.now(timezone.utc) - timedelta(minutes=31)))
        db.session.commit()
    assert staff_client.get("/").status_code == 302


def test_a_busy_session_still_ends_after_12_hours(staff_app, staff_client):
    sign_in(staff_client, create_staff(staff_app))
    with staff_app.app_context():
        db.session.execute(db.update(StaffSession).values(created_at=datetime.now(timezone.utc) - timedelta(hours=12, minutes=1),
                                                          last_seen_at=datetime.now(timezone.utc)))
        db.session.commit()
    assert staff_client.get("/").status_code == 302


def test_a_password_change_ends_every_session_of_the_account(staff_app):
    email = create_staff(staff_app)
    laptop, phone = staff_app.test_client(), staff_app.test_client()
    sign_in(laptop, email)
    sign_in(phone, email)
    new_password = "a brand new long passphrase here"
    response = laptop.post("/account/password", data={"current_password": PASSWORD, "new_password": new_password},
                           follow_redirects=True)
    assert "every session of your account was ended" in parse_page(response).text
    assert laptop.get("/").status_code == 302 and phone.get("/").status_code == 302
    assert sign_in(laptop, email, new_password).status_code == 302


def test_a_weak_or_wrong_password_change_is_refused_next_to_the_field(staff_app, staff_client):
    sign_in(staff_client, create_staff(staff_app))
    weak = staff_client.post("/account/password", data={"current_password": PASSWORD, "new_password": "password1234"})
    assert "Please choose a less common password." in parse_page(weak).text
    wrong = staff_client.post("/account/password", data={"current_password": "nope", "new_password": "another long phrase here"})
    assert "That is not your current password." in parse_page(wrong).text
    assert staff_client.get("/").status_code == 200, "still signed in"


def test_deactivated_account_cannot_sign_in_and_its_sessions_end(staff_app, staff_client):
    email = create_staff(staff_app)
    sign_in(staff_client, email)
    assert staff_client.get("/").status_code == 200
    with staff_app.app_context():
        db.session.execute(db.update(StaffUser).values(active=False))
        db.session.commit()
    assert staff_client.get("/").status_code == 302
    assert WRONG in parse_page(sign_in(staff_client, email)).text


def test_password_is_stored_as_an_argon2id_hash(staff_app):
    create_staff(staff_app)
    stored = staff_row(staff_app).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_sign_in_is_throttled_per_client_and_per_account(make_app):
    app = make_app("staff", RATELIMIT_ENABLED=True, PORTAL_LOGIN_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(3):
        sign_in(client, "target@example.org", "guess")
    assert sign_in(client, "target@example.org", "guess").status_code == 429
    other_client_same_account = [
        client.post("/login", data={"email": "target@example.org", "password": "g"},
                    environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code
        for n in range(10, 14)
    ]
    assert other_client_same_account[-1] == 429
    assert client.post("/login", data={"email": "other@example.org", "password": "g"},
                       environ_base={"REMOTE_ADDR": "198.51.100.99"}).status_code == 200
    assert client.get("/login").status_code == 200
