"""The version of what the public pages show, read in one query, so that a page drawn once can be
served again until the moment anything on it changes.

It changes with every write to a notice (publishing, an update, a cancellation, a purge), a
prevention tip or category, the department profile or an author's role, and when a notice
starts or expires: expiry needs no job, so the clock is part of the version, and the query says
when the next start or expiry falls.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, String, bindparam, case, func
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.models import DepartmentProfile, Notice, PreventionCategory, PreventionTip, StaffUser

log = logging.getLogger(__name__)


def scalar(column, *criteria):
    return db.select(column).where(*criteria).scalar_subquery()


NOW = bindparam("now", type_=Notice.starts_at.type)
# Built once: each page served asks it, and building a statement costs more than running it.
VERSION_QUERY = db.select(
    scalar(func.count(Notice.id)),
    scalar(func.max(Notice.updated_at)),
    # The last start and the last expiry already passed: each moves when a notice comes or goes.
    scalar(func.max(case((Notice.starts_at <= NOW, Notice.starts_at)))),
    scalar(func.max(case((Notice.expires_at <= NOW, Notice.expires_at)))),
    # Pages sign notices and prevention tips with the author's role; an account has no change stamp.
    scalar(func.aggregate_strings(StaffUser.role.cast(String), ","),
           StaffUser.id.in_(db.select(Notice.author_id).union(db.select(PreventionTip.author_id)))),
    scalar(func.count(PreventionTip.id)),
    scalar(func.max(PreventionTip.updated_at)),
    scalar(func.count(PreventionCategory.id)),
    scalar(func.max(DepartmentProfile.updated_at)),
    scalar(func.min(Notice.starts_at), Notice.starts_at > NOW),
    scalar(func.min(Notice.expires_at), Notice.expires_at > NOW),
)


@dataclass(frozen=True)
class ContentVersion:
    fingerprint: str
    # The next start or expiry of a notice, when the version changes without any write.
    next_change: datetime | None


def read_version(engine: Engine, now: datetime) -> ContentVersion:
    with engine.connect() as connection:
        # One statement that only reads: on PostgreSQL no BEGIN and ROLLBACK around it, each a
        # round trip. SQLite keeps its BEGIN IMMEDIATE (database.py), which autocommit would leave open.
        if engine.dialect.name != "sqlite":
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        row = tuple(connection.execute(VERSION_QUERY, {"now": now}).one())
    changes = [moment for moment in row[-2:] if moment is not None]
    return ContentVersion(hashlib.sha256(repr(row[:-2]).encode()).hexdigest()[:24], min(changes, default=None))


class VersionWatch:
    """The current version for one app's database. ``recheck_seconds`` 0 asks the database on
    every call; more lets a worker trust its last answer that long (never past the next start or
    expiry), at the price of showing a write up to that much later."""

    def __init__(self, engine: Engine, recheck_seconds: float) -> None:
        self.engine = engine
        self.recheck = timedelta(seconds=recheck_seconds)
        self.known: ContentVersion | None = None
        self.trusted_until = datetime.min.replace(tzinfo=timezone.utc)
        self.lock = threading.Lock()

    def current(self, now: datetime | None = None) -> str | None:
        """The fingerprint now; None when the database cannot say (the page is then drawn from
        scratch and shows its own fallbacks)."""
        now = now or datetime.now(timezone.utc)
        with self.lock:
            if self.known is not None and now < self.trusted_until:
                return self.known.fingerprint
        try:
            known = read_version(self.engine, now)
        except SQLAlchemyError as error:
            log.warning("public content version unavailable: %s", type(error).__name__)
            return None
        with self.lock:
            self.known = known
            self.trusted_until = min(now + self.recheck, known.next_change or now + self.recheck)
        return known.fingerprint


def watch_versions(recheck_seconds: float) -> VersionWatch:
    """For the app in context, whose engine is then used outside any request."""
    return VersionWatch(db.engine, recheck_seconds)
