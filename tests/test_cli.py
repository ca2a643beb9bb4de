"""``flask --app portal`` commands: init-secrets, seed-demo, staff create."""

from __future__ import annotations

import os
import pty
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import DepartmentProfile, PreventionTip, StaffRole, StaffUser, TermsVersion
from tests.conftest import PASSWORD
from tests.serving import ROOT, free_port, run_flask, server_environment


def invoke(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_staff_create_reads_the_password_from_a_pipe(public_app):
    result = invoke(public_app, "staff", "create", "--email", "Det.Kim@Example.org", "--name", "Det. Joon Kim",
                    "--role", "investigator", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Created investigator account for Det. Joon Kim <det.kim@example.org>." in result.output
    uri = re.search(r"(otpauth://totp/\S+)", result.output).group(1)
    with public_app.app_context():
        user = db.session.scalars(db.select(StaffUser)).one()
        assert (user.email, user.display_name, user.role, user.active) == (
            "det.kim@example.org", "Det. Joon Kim", StaffRole.INVESTIGATOR, True)
        assert user.password_hash.startswith("$argon2id$")
        assert user.enrolled and f"secret={user.totp_secret}" in uri, "enrolled with the printed URI"


def test_staff_create_puts_the_person_in_a_unit(public_app):
    for email in ("a@example.org", "b@example.org"):
        result = invoke(public_app, "staff", "create", "--email", email, "--name", email, "--role", "investigator",
                        "--unit", "Cyber", input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
    with public_app.app_context():
        from portal.models import Unit

        [unit] = db.session.scalars(db.select(Unit)).all()
        assert unit.name == "Cyber" and [member.email for member in unit.members] == ["a@example.org", "b@example.org"]


def test_staff_create_refuses_a_common_password(public_app):
    result = invoke(public_app, "staff", "create", "--email", "c@example.org", "--name", "C", "--role", "records",
                    input="password1234\n")
    assert result.exit_code == 1 and "Please choose a less common password." in result.output


def test_staff_create_refuses_bad_input_without_a_traceback(public_app):
    cases = [
        (["--email", "not-an-email", "--name", "A", "--role", "admin"], PASSWORD, "not a valid e-mail address"),
        (["--email", "a@example.org", "--name", "  ", "--role", "admin"], PASSWORD, "staff are never anonymous"),
        (["--email", "a@example.org", "--name", "A", "--role", "admin"], "short", "at least 12 characters"),
        (["--email", "a@example.org", "--name", "A", "--role", "chief"], PASSWORD, "Invalid value for '--role'"),
    ]
    for options, password, message in cases:
        result = invoke(public_app, "staff", "create", *options, input=password + "\n")
        assert result.exit_code != 0, options
        assert message in result.output, (options, result.output)
        assert "Traceback" not in result.output
    with public_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(StaffUser)) == 0


def test_staff_create_refuses_a_duplicate_email(public_app):
    args = ["staff", "create", "--email", "a@example.org", "--name", "A", "--role", "records"]
    assert invoke(public_app, *args, input=PASSWORD + "\n").exit_code == 0
    result = invoke(public_app, *[arg.upper() if arg == "a@example.org" else arg for arg in args], input=PASSWORD + "\n")
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_staff_create_prompts_twice_for_a_hidden_password_on_a_terminal(database_url):
    """Run the real command on a pseudo-terminal, as an operator would."""
    environ = server_environment(database_url, free_port())
    run_flask(environ, "db", "upgrade")
    pid, terminal = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "flask", "--app", "portal", "staff", "create",
                                   "--email", "tty@example.org", "--name", "Lt. Tee", "--role", "admin"], environ)
    transcript = b""
    answers = [PASSWORD, PASSWORD]
    while True:
        try:
            chunk = os.read(terminal, 1024)
        except OSError:
            break
        if not chunk:
            break
        transcript += chunk
        if answers and transcript.rstrip().endswith(b":"):
            os.write(terminal, (answers.pop(0) + "\n").encode())
            transcript += b"<answered>"
    _, status = os.waitpid(pid, 0)
    text = transcript.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "Password:" in text and "Repeat for confirmation:" in text
    assert PASSWORD not in text, "the password must not be echoed"
    assert "Created admin account for Lt. Tee <tty@example.org>." in text


def test_seed_demo_fills_an_empty_database_once(public_app):
    first = invoke(public_app, "seed-demo")
    assert first.exit_code == 0
    assert ("Seeded: department profile, official accounts, terms of service, crime prevention tips, tip categories, "
            "retention schedule (defaults to confirm with the records officer).") in first.output
    second = invoke(public_app, "seed-demo")
    assert "nothing seeded" in second.output
    with public_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DepartmentProfile)) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(TermsVersion)) == 2
        assert db.session.scalar(db.select(db.func.count()).select_from(PreventionTip)) == 10
        profile = db.session.scalars(db.select(DepartmentProfile)).one()
        assert (profile.name, profile.twitter_handle, profile.facebook_name) == (
            "Deerfield Police Department", "DeerfieldILPD", "Deerfield Police Department")


def test_department_load_config_replaces_the_stored_profile(public_app):
    invoke(public_app, "seed-demo")
    public_app.config["PORTAL_DEPARTMENT"]["non_emergency_phone"] = "(847) 555-0100"
    result = invoke(public_app, "department", "load-config")
    assert result.exit_code == 0
    assert "Stored the profile of the Deerfield Police Department." in result.output
    assert "(847) 555-0100" in public_app.test_client().get("/").get_data(as_text=True)


def test_seeded_rich_text_is_sanitized(public_app):
    invoke(public_app, "seed-demo")
    with public_app.app_context():
        bodies = db.session.scalars(db.select(TermsVersion.body_html)).all()
    assert bodies and all("<script" not in body for body in bodies)
    assert all('rel="noopener noreferrer"' in body for body in bodies if "<a " in body)


def test_init_secrets_writes_each_zone_its_own_secrets_once(public_app):
    instance = Path(public_app.instance_path)
    first = invoke(public_app, "init-secrets")
    assert first.exit_code == 0
    assert "public.py:SECRET_KEY" in first.output and "staff.py:PORTAL_CLIENT_KEY_SECRET" in first.output
    public_text = (instance / "public.py").read_text()
    staff_text = (instance / "staff.py").read_text()
    assert public_text != staff_text
    assert oct((instance / "public.py").stat().st_mode & 0o777) == "0o600"
    second = invoke(public_app, "init-secrets")
    assert "nothing written" in second.output
    assert (instance / "public.py").read_text() == public_text


def test_init_secrets_keeps_an_existing_secret_and_adds_the_missing_one(public_app):
    instance = Path(public_app.instance_path)
    (instance / "staff.py").write_text("SECRET_KEY = 'kept-by-the-operator'")
    invoke(public_app, "init-secrets")
    text = (instance / "staff.py").read_text()
    assert text.startswith("SECRET_KEY = 'kept-by-the-operator'\n")
    assert text.count("SECRET_KEY") == 1 and "PORTAL_CLIENT_KEY_SECRET = " in text


def test_written_secrets_are_picked_up_by_the_factory(public_app):
    invoke(public_app, "init-secrets")
    from portal import create_app

    app = create_app("staff", {"PORTAL_DATABASE_URL": public_app.config["PORTAL_DATABASE_URL"], "PORTAL_ENV": "production"},
                     public_app.instance_path, environ={})
    assert len(app.config["SECRET_KEY"]) >= 48


def audit_ids(app) -> list[int]:
    from portal.models import AuditEntry

    with app.app_context():
        return list(db.session.scalars(db.select(AuditEntry.id).order_by(AuditEntry.id)))


def three_audited_accounts(app) -> list[int]:
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        invoke(app, "staff", "create", "--email", email, "--name", email, "--role", "records", input=PASSWORD + "\n")
    return audit_ids(app)


def tamper(app, statement: str, entry_id: int) -> None:
    """What someone with the database owner's rights could do: drop the guard, then edit."""
    drops = {"sqlite": ["DROP TRIGGER audit_entry_no_update", "DROP TRIGGER audit_entry_no_delete"],
             "postgresql": ["DROP TRIGGER audit_entry_no_change ON audit_entry"]}
    with app.app_context(), db.engine.begin() as connection:
        for drop in drops[connection.dialect.name]:
            connection.execute(sa.text(drop))
        connection.execute(sa.text(statement), {"id": entry_id})


def test_the_database_refuses_to_change_or_delete_an_audit_entry(public_app):
    first = three_audited_accounts(public_app)[0]
    for statement in ("UPDATE audit_entry SET target = 'someone-else' WHERE id = :id",
                      "DELETE FROM audit_entry WHERE id = :id"):
        with public_app.app_context(), db.engine.connect() as connection:
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                connection.execute(sa.text(statement), {"id": first})
    assert "The audit chain of 3 entries is intact." in invoke(public_app, "audit", "verify").output


def test_audit_verify_finds_a_tampered_entry(public_app):
    entries = three_audited_accounts(public_app)
    assert "The audit chain of 3 entries is intact." in invoke(public_app, "audit", "verify").output
    tamper(public_app, "UPDATE audit_entry SET target = 'someone-else@example.org' WHERE id = :id", entries[1])
    broken = invoke(public_app, "audit", "verify")
    assert broken.exit_code == 1 and f"broken at entry {entries[1]}" in broken.output


def test_audit_verify_finds_a_deleted_entry(public_app):
    entries = three_audited_accounts(public_app)
    tamper(public_app, "DELETE FROM audit_entry WHERE id = :id", entries[1])
    broken = invoke(public_app, "audit", "verify")
    assert broken.exit_code == 1 and f"broken at entry {entries[2]}" in broken.output


def test_audit_verify_accepts_what_the_retention_purge_removed_and_nothing_else(public_app):
    entries = three_audited_accounts(public_app)
    as_of = (datetime.now(timezone.utc).date() + timedelta(days=7 * 365 + 1)).isoformat()
    assert f"Deleted audit entries {entries[0]} to {entries[-1]} (3)" in invoke(public_app, "retention", "run",
                                                                                 "--as-of", as_of).output
    invoke(public_app, "staff", "create", "--email", "d@example.org", "--name", "D", "--role", "records",
           input=PASSWORD + "\n")
    assert "The audit chain of 2 entries is intact." in invoke(public_app, "audit", "verify").output
    checkpoint, last = audit_ids(public_app)
    with public_app.app_context(), db.engine.connect() as connection:
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            connection.execute(sa.text("DELETE FROM audit_entry WHERE id = :id"), {"id": checkpoint})
    tamper(public_app, "DELETE FROM audit_entry WHERE id = :id", checkpoint)
    broken = invoke(public_app, "audit", "verify")
    assert broken.exit_code == 1 and f"broken at entry {last}" in broken.output
