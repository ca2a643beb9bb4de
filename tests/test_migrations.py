"""``flask db upgrade`` builds the whole schema on an empty database, identical to the models."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from portal.extensions import db
from portal.models.base import exists_on


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_object": lambda item, name, type_, reflected, compare_to: exists_on(item, connection.dialect.name),
        })
        return compare_metadata(context, db.metadata)


def test_upgrade_builds_the_models_schema_on_an_empty_database(make_app):
    app = make_app("public", create_schema=False)
    with app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
    assert tables == set(db.metadata.tables) | {"alembic_version"}
    assert schema_differences(app) == []


def test_the_migrated_database_serves_the_site(make_app):
    app = make_app("public", create_schema=False)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert app.test_client().get("/prevention/fraud/grandparent-scam").status_code == 200


def test_downgrade_to_base_removes_everything_and_upgrade_restores_it(make_app):
    app = make_app("public", create_schema=False)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    with app.app_context():
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert schema_differences(app) == []


def test_there_is_a_single_head(make_app):
    app = make_app("public", create_schema=False)
    with app.app_context():
        scripts = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(scripts.get_heads()) == 1


def test_the_migrated_database_keeps_the_audit_log_append_only(make_app):
    app = make_app("public", create_schema=False)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["staff", "create", "--email", "a@example.org", "--name", "A", "--role", "records"],
                           input="correct horse battery staple\n")
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as connection:
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            connection.execute(sa.text("DELETE FROM audit_entry"))


def test_the_migrated_database_lets_only_the_retention_purge_remove_audit_entries(make_app):
    app = make_app("public", create_schema=False)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    runner.invoke(args=["staff", "create", "--email", "a@example.org", "--name", "A", "--role", "records"],
                  input="correct horse battery staple\n")
    as_of = (datetime.now(timezone.utc).date() + timedelta(days=7 * 365 + 1)).isoformat()
    result = runner.invoke(args=["retention", "run", "--as-of", as_of])
    assert "Deleted audit entries 1 to 1 (1)" in result.output, result.output
    assert "The audit chain of 1 entries is intact." in runner.invoke(args=["audit", "verify"]).output
