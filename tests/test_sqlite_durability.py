"""The embedded SQLite database: durable commits, foreign keys, writers that queue, no WAL-reset bug."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from portal.database import sqlite_has_wal_reset_fix
from portal.extensions import db
from portal.models import OfficialAccount, PreventionTip
from tests.conftest import TEST_DATABASE_URL

sqlite_only = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite settings")


@pytest.mark.parametrize(
    ("version", "fixed"),
    [
        ((3, 6, 23), True),
        ((3, 7, 0), False),
        ((3, 40, 1), False),
        ((3, 44, 5), False),
        ((3, 44, 6), True),
        ((3, 45, 0), False),
        ((3, 50, 6), False),
        ((3, 50, 7), True),
        ((3, 51, 2), False),
        ((3, 51, 3), True),
        ((3, 52, 0), True),
    ],
)
def test_wal_is_used_only_where_the_wal_reset_bug_is_fixed(version, fixed):
    assert sqlite_has_wal_reset_fix(version) is fixed


@sqlite_only
def test_every_connection_gets_the_durability_pragmas(public_app):
    with public_app.app_context():
        with db.engine.connect() as connection:
            pragma = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                      for name in ("synchronous", "foreign_keys", "busy_timeout", "journal_mode")}
    assert pragma["synchronous"] == 2
    assert pragma["foreign_keys"] == 1
    assert pragma["busy_timeout"] == 10_000
    settings = public_app.extensions["portal.sqlite"]
    assert pragma["journal_mode"] == settings.journal_mode == ("wal" if settings.wal_reset_fix else "delete")


def test_foreign_keys_are_enforced(public_app):
    with public_app.app_context():
        db.session.add(PreventionTip(slug="orphan", category_id=999, title="t", summary="s", body_html="<p>b</p>"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


@sqlite_only
def test_concurrent_read_then_write_transactions_queue_instead_of_failing(public_app):
    """Without BEGIN IMMEDIATE two such transactions deadlock and one fails with "database is locked"."""
    failures: list[BaseException] = []
    writers, rounds = 6, 15

    def write(worker: int) -> None:
        with public_app.app_context():
            try:
                for round_number in range(rounds):
                    existing = db.session.scalar(sa.select(sa.func.count()).select_from(OfficialAccount))
                    db.session.add(OfficialAccount(platform="p", display_name="d", handle=f"h{existing}",
                                                   url=f"https://example.org/{worker}/{round_number}",
                                                   approved_on=date(2026, 1, 1)))
                    db.session.commit()
            except BaseException as error:  # noqa: BLE001 - collected and reported by the test
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with public_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OfficialAccount)) == writers * rounds
