"""Configuration precedence, fail-fast in production, and per-zone settings."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.config import BaseConfig, ConfigurationError, env_overrides

LONG_SECRET = "x" * 40


def write_instance_file(instance_path: str, name: str, text: str) -> None:
    with open(f"{instance_path}/{name}", "w", encoding="utf-8") as handle:
        handle.write(text)


def test_precedence_is_defaults_then_instance_then_env_then_overrides(instance_path, database_url):
    base = {"TESTING": True, "PORTAL_DATABASE_URL": database_url}
    assert create_app("public", base, instance_path, environ={}).config["PORTAL_SITE_URL"] == "http://127.0.0.1:5000"

    write_instance_file(instance_path, "portal.py", "PORTAL_SITE_URL = 'https://shared.example'\nPORTAL_PROXY_COUNT = 1\n")
    assert create_app("public", base, instance_path, environ={}).config["PORTAL_SITE_URL"] == "https://shared.example"

    write_instance_file(instance_path, "public.py", "PORTAL_SITE_URL = 'https://zone.example'\n")
    app = create_app("public", base, instance_path, environ={})
    assert app.config["PORTAL_SITE_URL"] == "https://zone.example"
    assert app.config["PORTAL_PROXY_COUNT"] == 1

    environ = {"PORTAL_SITE_URL": "https://env.example", "PORTAL_PROXY_COUNT": "2"}
    app = create_app("public", base, instance_path, environ=environ)
    assert app.config["PORTAL_SITE_URL"] == "https://env.example"
    assert app.config["PORTAL_PROXY_COUNT"] == 2

    environ["PORTAL_PUBLIC_SITE_URL"] = "https://zone-env.example"
    assert create_app("public", base, instance_path, environ=environ).config["PORTAL_SITE_URL"] == "https://zone-env.example"
    assert create_app("staff", base, instance_path, environ=environ).config["PORTAL_SITE_URL"] == "https://env.example"

    app = create_app("public", {**base, "PORTAL_SITE_URL": "https://override.example"}, instance_path, environ=environ)
    assert app.config["PORTAL_SITE_URL"] == "https://override.example"


def test_env_names_map_to_extension_keys_and_unknown_names_are_ignored(caplog):
    config = {"SECRET_KEY": None, "RATELIMIT_STORAGE_URI": "memory://", "PORTAL_PROXY_COUNT": 0}
    environ = {
        "PORTAL_SECRET_KEY": "from-env",
        "PORTAL_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "PORTAL_PROXY_COUNT": "1",
        "PORTAL_SECRTE_KEY": "typo",
        "PORTAL_STAFF_SECRET_KEY": "staff-only",
        "OTHER": "ignored",
    }
    assert env_overrides("public", config, environ) == {
        "SECRET_KEY": "from-env",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "PORTAL_PROXY_COUNT": 1,
    }
    assert env_overrides("staff", config, environ)["SECRET_KEY"] == "staff-only"
    assert "PORTAL_SECRTE_KEY" in caplog.text


def test_no_own_setting_name_can_be_mistaken_for_a_zone_prefix():
    own_keys = [key for key in dir(BaseConfig) if key.startswith("PORTAL_")]
    assert not [key for key in own_keys if key.startswith(("PORTAL_PUBLIC_", "PORTAL_STAFF_"))]


def test_database_url_selects_postgresql_with_psycopg(instance_path):
    app = create_app(
        "public",
        {"TESTING": True, "PORTAL_DATABASE_URL": "postgresql://portal@db.internal/portal"},
        instance_path,
        environ={},
    )
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://portal@db.internal/portal"


def test_default_database_is_sqlite_in_the_instance_folder(instance_path):
    app = create_app("public", {"TESTING": True}, instance_path, environ={})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance_path}/portal.db"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "PORTAL_CLIENT_KEY_SECRET"])
def test_production_refuses_to_start_without_each_secret(instance_path, database_url, missing):
    settings = {"PORTAL_ENV": "production", "PORTAL_DATABASE_URL": database_url,
                "SECRET_KEY": LONG_SECRET, "PORTAL_CLIENT_KEY_SECRET": LONG_SECRET}
    del settings[missing]
    with pytest.raises(ConfigurationError, match=missing):
        create_app("public", settings, instance_path, environ={})


def test_production_refuses_a_short_secret_from_the_environment(instance_path, database_url):
    environ = {"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "short", "PORTAL_CLIENT_KEY_SECRET": LONG_SECRET,
               "PORTAL_DATABASE_URL": database_url}
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("staff", None, instance_path, environ=environ)


def test_production_with_secrets_starts_with_secure_cookies(instance_path, database_url):
    environ = {"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": LONG_SECRET, "PORTAL_CLIENT_KEY_SECRET": LONG_SECRET,
               "PORTAL_DATABASE_URL": database_url}
    app = create_app("public", None, instance_path, environ=environ)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_unknown_environment_name_is_refused(instance_path):
    with pytest.raises(ConfigurationError, match="PORTAL_ENV"):
        create_app("public", {"PORTAL_ENV": "prod"}, instance_path, environ={})


@pytest.mark.parametrize("wording", [{"es": {"name": "Departamento de Policía"}}, {"es": "la Villa"},
                                     {"es": {"jurisdiction": 7}}, ["es"]])
def test_department_wording_for_other_than_its_phrases_is_refused(instance_path, wording):
    with pytest.raises(ConfigurationError, match="PORTAL_DEPARTMENT_WORDING"):
        create_app("public", {"PORTAL_DEPARTMENT_WORDING": wording}, instance_path, environ={})


def test_unknown_zone_is_refused(instance_path):
    with pytest.raises(ValueError, match="unknown zone"):
        create_app("admin", {"TESTING": True}, instance_path, environ={})


def test_development_without_secrets_starts_but_writes_nothing(tmp_path, caplog):
    instance = tmp_path / "fresh-instance"
    instance.mkdir()
    app = create_app("public", {"PORTAL_DATABASE_URL": f"sqlite:///{tmp_path}/dev.db"}, str(instance), environ={})
    assert len(app.config["SECRET_KEY"]) >= 32
    assert "SECRET_KEY is not set" in caplog.text
    assert list(instance.iterdir()) == []


def test_zones_have_their_own_cookie_secret_and_policy(make_app):
    public_app = make_app("public", SECRET_KEY="p" * 40)
    staff_app = make_app("staff", SECRET_KEY="s" * 40)
    assert public_app.config["SESSION_COOKIE_NAME"] == "portal_public"
    assert staff_app.config["SESSION_COOKIE_NAME"] == "portal_staff"
    assert public_app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert staff_app.config["SESSION_COOKIE_SAMESITE"] == "Strict"
    assert public_app.config["SECRET_KEY"] != staff_app.config["SECRET_KEY"]
    assert public_app.config["MAX_CONTENT_LENGTH"] == 40 * 1024 * 1024
    assert staff_app.config["MAX_CONTENT_LENGTH"] == 10 * 1024 * 1024


def test_changing_one_apps_nested_setting_leaves_the_next_app_alone(make_app):
    first = make_app("public")
    first.config["PORTAL_DEPARTMENT"]["name"] = "Changed"
    assert make_app("public").config["PORTAL_DEPARTMENT"]["name"] == "Deerfield Police Department"
