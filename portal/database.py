"""Durability settings for the embedded SQLite database, applied to one engine at a time."""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

log = logging.getLogger(__name__)


def sqlite_has_wal_reset_fix(version: tuple[int, int, int]) -> bool:
    """True when this SQLite cannot corrupt a WAL database through the WAL-reset bug.

    Affected: 3.7.0 up to 3.51.2. Fixed in 3.51.3 and in the 3.44.6 and 3.50.7 backports.
    """
    if version < (3, 7, 0) or version >= (3, 51, 3):
        return True
    return (3, 44, 6) <= version < (3, 45, 0) or (3, 50, 7) <= version < (3, 51, 0)


@dataclass(frozen=True)
class SqliteSettings:
    version: str
    journal_mode: str
    busy_timeout_ms: int
    wal_reset_fix: bool
    cache_mib: int = 64


def choose_sqlite_settings(busy_timeout_ms: int, cache_mib: int = 64) -> SqliteSettings:
    fixed = sqlite_has_wal_reset_fix(sqlite3.sqlite_version_info)
    return SqliteSettings(sqlite3.sqlite_version, "wal" if fixed else "delete", busy_timeout_ms, fixed, cache_mib)


def configure_sqlite(engine: Engine, settings: SqliteSettings) -> None:
    """Full fsync on commit, foreign keys, a busy timeout, writers that queue, and a page cache.

    ``synchronous=FULL`` because with ``NORMAL`` a committed tip can vanish after a power cut.
    Transactions start with ``BEGIN IMMEDIATE`` (SQLAlchemy's pysqlite recipe) so two writers
    wait for each other instead of one failing with "database is locked" on upgrade. SQLite's
    default 2 MiB page cache makes a million-row import rewrite index pages from disk over and
    over, and sorts of a large aggregate spill to temporary files.
    """
    if settings.journal_mode != "wal":
        log.warning(
            "SQLite %s has the WAL-reset bug: using journal_mode=%s instead of WAL",
            settings.version,
            settings.journal_mode,
        )

    database_file = engine.url.database or ""

    def file_read_only() -> bool:
        return os.path.exists(database_file) and not os.access(database_file, os.W_OK)

    @event.listens_for(engine, "connect")
    def apply_pragmas(dbapi_connection, record):
        # SQLite silently opens a file it cannot write (on a read-only mount) read-only.
        record.info["read_only"] = file_read_only()
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(settings.busy_timeout_ms)}")
        cursor.execute(f"PRAGMA journal_mode = {settings.journal_mode}")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Deleted content is overwritten, not left in free pages: a closed text conversation's sealed
        # number and a purged tip must not be readable from the file afterwards.
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(settings.cache_mib)}")
        cursor.execute("PRAGMA temp_store = MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin_immediate(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "checkout")
    def replace_read_only_connection(_dbapi_connection, record, _proxy):
        # A connection opened read-only stays so; once the file is writable again, take a new one.
        if record.info.get("read_only") and not file_read_only():
            raise DisconnectionError("SQLite connection opened read-only")


def checkpoint_wal(engine: Engine) -> None:
    """Copy SQLite's write-ahead log into the database file and empty it.

    ``secure_delete`` overwrites a deleted value in the database file, but in WAL mode the page as
    it was stays in the ``-wal`` file until a checkpoint. Called after destroying what must not stay
    readable (a tipster's number). Best effort: a reader in progress can keep the log for a while.
    A no-op in the other journal modes and on PostgreSQL.
    """
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    finally:
        raw.close()
