"""Fixtures: each test gets fresh apps of both zones over one real, empty database.

The database is SQLite in the test's temporary folder, or PostgreSQL when
``PORTAL_TEST_DATABASE_URL`` is set, in a schema of its own that is dropped afterwards.
``PORTAL_TEST_RATELIMIT_STORAGE_URI`` points the tests that turn rate limits on at Redis.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal import create_app
from portal.extensions import db

TEST_DATABASE_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
TEST_RATELIMIT_STORAGE_URI = os.environ.get("PORTAL_TEST_RATELIMIT_STORAGE_URI", "memory://")

# Safety features are switched off by default to keep feature tests short; tests/security/
# switches each back on and proves that it holds.
BASE_OVERRIDES: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    "PORTAL_CLIENT_KEY_SECRET": "test-client-key-secret-long-enough-0123456789",
    "RATELIMIT_ENABLED": False,
    "WTF_CSRF_ENABLED": False,
    # A test reads a page right after publishing; the production default allows a second's delay.
    "PORTAL_PAGE_RECHECK_SECONDS": 0,
}

PASSWORD = "correct horse battery staple"


def postgres_schema_url(base_url: str, schema: str) -> str:
    """Tables go into the test's own schema; extensions such as pg_trgm are found in ``public``."""
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3D{schema}%2Cpublic"


@contextmanager
def fresh_postgres_schema(base_url: str) -> Iterator[str]:
    """The URL of a new, empty schema in that PostgreSQL database, dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin_engine = sa.create_engine(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin_engine.begin() as connection:
        # Made once per database, as the search indexes' migration would in production.
        connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield postgres_schema_url(base_url, schema)
    finally:
        with admin_engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin_engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database for this test alone."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    with fresh_postgres_schema(TEST_DATABASE_URL) as url:
        yield url


@pytest.fixture
def instance_path(tmp_path: Path) -> str:
    path = tmp_path / "instance"
    path.mkdir()
    return str(path)


AppFactory = Callable[..., Flask]


@pytest.fixture
def make_app(database_url: str, instance_path: str) -> Iterator[AppFactory]:
    """Build an app of a zone over this test's database; the schema comes from the models."""
    built: list[Flask] = []

    def build(
        zone: str = "public", environ: dict[str, str] | None = None, create_schema: bool = True, **overrides: Any
    ) -> Flask:
        settings = {
            **BASE_OVERRIDES,
            "PORTAL_DATABASE_URL": database_url,
            "RATELIMIT_STORAGE_URI": TEST_RATELIMIT_STORAGE_URI,
            # Counters in a shared Redis must not leak from one test into the next.
            "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            **overrides,
        }
        app = create_app(zone, settings, instance_path, environ={} if environ is None else environ)
        built.append(app)
        if create_schema:
            with app.app_context():
                db.create_all()
        return app

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def public_app(make_app: AppFactory) -> Flask:
    return make_app("public")


@pytest.fixture
def staff_app(make_app: AppFactory) -> Flask:
    return make_app("staff")


@pytest.fixture
def seeded_public_app(public_app: Flask) -> Flask:
    runner = public_app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return public_app


@pytest.fixture
def client(seeded_public_app: Flask):
    return seeded_public_app.test_client()


@pytest.fixture
def staff_client(staff_app: Flask):
    return staff_app.test_client()


@pytest.fixture
def mail_server():
    """A real SMTP server on loopback, for the outbox to deliver to."""
    from tests.mail import MailServer

    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_server_settings(mail_server) -> dict[str, object]:
    return mail_server.settings()


def create_staff(app: Flask, email: str = "sgt.rivera@example.org", role: str = "supervisor",
                 name: str = "Sgt. Ana Rivera", unit: str = "") -> str:
    """An enrolled account, made with the operators' command."""
    result = app.test_cli_runner().invoke(
        args=["staff", "create", "--email", email, "--name", name, "--role", role] + (["--unit", unit] if unit else []),
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    return email


def staff_browser(app: Flask, email: str, role: str, unit: str = ""):
    """A test client signed in as a new, enrolled account of that role (and unit)."""
    from tests.helpers import sign_in

    create_staff(app, email=email, role=role, name=email.split("@")[0].title(), unit=unit)
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


@pytest.fixture
def fake_twilio():
    """A loopback server standing in for Twilio's REST API and media URLs (tests/sms_support.py)."""
    from tests.sms_support import running_fake_twilio

    yield from running_fake_twilio()


@pytest.fixture
def sms_app(make_app: AppFactory, fake_twilio) -> Flask:
    """A seeded public app with text-a-tip on, talking to the stand-in provider."""
    from tests.sms_support import sms_overrides

    app = make_app("public", **sms_overrides(fake_twilio.url))
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return app
