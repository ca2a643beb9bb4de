"""The community portal of a police department: one package, two trust zones.

``create_app("public")`` is the resident site; ``create_app("staff")`` is the back office. Each is
a separate Flask app with its own configuration, secret key and session cookie, and the public
app never registers a staff route.
"""

from __future__ import annotations

import copy
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from portal import (cli, config, errors, health, language_choice, layout, logs, public, security, staff,
                    url_converters)
from portal.database import choose_sqlite_settings, configure_sqlite
from portal.extensions import csrf, db, migrate, new_limiter

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "portal" / "migrations"

log = logging.getLogger(__name__)


def load_config(
    app: Flask, zone: str, overrides: Mapping[str, Any] | None, environ: Mapping[str, str]
) -> None:
    defaults = config.ZONES[zone]
    # Deep copies, so that one app changing a nested default never changes another app's.
    app.config.from_mapping(
        {key: copy.deepcopy(getattr(defaults, key)) for key in dir(defaults) if key.isupper()}
    )
    app.config.from_pyfile("portal.py", silent=True)
    app.config.from_pyfile(f"{zone}.py", silent=True)
    app.config.update(config.env_overrides(zone, app.config, environ))
    app.config.update(overrides or {})
    app.config["PORTAL_ZONE"] = zone
    app.config["SQLALCHEMY_DATABASE_URI"] = config.database_uri(
        app.config["PORTAL_DATABASE_URL"], app.instance_path
    )
    for key, folder in (("PORTAL_UPLOAD_FOLDER", "uploads"), ("PORTAL_OUTBOX_FOLDER", "outbox"),
                        ("PORTAL_MEDIA_FOLDER", "public-media")):
        app.config[key] = app.config[key] or os.path.join(app.instance_path, folder)
    if app.config["PORTAL_ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True


def use_temporary_secrets(app: Flask) -> None:
    """Development only: random in-memory secrets, so the CLI can run before ``init-secrets``."""
    for key in ("SECRET_KEY", "PORTAL_CLIENT_KEY_SECRET"):
        if not app.config.get(key):
            app.config[key] = secrets.token_urlsafe(48)


def init_database(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        settings = choose_sqlite_settings(app.config["PORTAL_SQLITE_BUSY_TIMEOUT_MS"],
                                          app.config["PORTAL_SQLITE_CACHE_MIB"])
        configure_sqlite(engine, settings)
        app.extensions["portal.sqlite"] = settings


def create_app(
    zone: str = "public",
    overrides: Mapping[str, Any] | None = None,
    instance_path: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Flask:
    """Build one zone's app. Wires things together only: no files written, no network calls."""
    if zone not in config.ZONES:
        raise ValueError(f"unknown zone {zone!r}; expected one of {config.ZONE_NAMES}")
    app = Flask(
        __name__,
        instance_path=instance_path or str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, zone, overrides, os.environ if environ is None else environ)
    warnings = config.check(app.config)
    use_temporary_secrets(app)
    logs.configure(app)
    url_converters.register(app)
    for warning in warnings:
        log.warning("%s zone: %s", zone, warning)

    init_database(app)
    csrf.init_app(app)
    limiter = new_limiter()
    limiter.init_app(app)
    app.extensions["portal.limiter"] = limiter
    errors.register(app)
    security.register(app)
    layout.register(app)
    language_choice.register(app)
    cli.init_app(app)
    health.register(app, limiter)
    (public.register if zone == "public" else staff.register)(app, limiter)
    return app
