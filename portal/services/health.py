"""What /healthz reports: can the database answer, and how SQLite is set up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.database import SqliteSettings
from portal.extensions import db


def database_status(sqlite: SqliteSettings | None) -> dict[str, Any]:
    status: dict[str, Any] = {"backend": db.engine.dialect.name}
    try:
        db.session.execute(text("SELECT 1"))
        if sqlite is not None:
            status["sqlite"] = {
                "version": sqlite.version,
                "wal_reset_fix": sqlite.wal_reset_fix,
                # Read back rather than echoed from settings: proves the pragmas took effect.
                "journal_mode": db.session.execute(text("PRAGMA journal_mode")).scalar(),
                "synchronous": db.session.execute(text("PRAGMA synchronous")).scalar(),
                "foreign_keys": db.session.execute(text("PRAGMA foreign_keys")).scalar(),
            }
        status["ok"] = True
    except SQLAlchemyError as error:
        db.session.rollback()
        status["ok"] = False
        status["error"] = type(error).__name__
    return status
