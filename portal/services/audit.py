"""The audit log: who did what and when, append-only, each entry chained to the previous by hash.

Changing or deleting an entry breaks every hash after it, which ``verify_chain`` (the ``audit
verify`` command) reports with the first entry that no longer matches.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import text

from portal.extensions import db
from portal.models import AuditEntry

GENESIS = "0" * 64
# Any constant will do: it serializes writers of the chain on PostgreSQL.
CHAIN_LOCK_KEY = 227_0001


def entry_digest(previous_hash: str, entry: AuditEntry) -> str:
    fields = {
        "previous": previous_hash,
        "at": entry.created_at.astimezone(timezone.utc).isoformat(),
        "staff_user_id": entry.staff_user_id,
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "detail": entry.detail,
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def lock_chain() -> None:
    """Two writers must not both extend the same last entry. SQLite's BEGIN IMMEDIATE already
    serializes writers; PostgreSQL takes a transaction-scoped advisory lock."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


def record(action: str, actor: str, *, staff_user_id: int | None = None, target: str = "", detail: str = "",
           now: datetime | None = None) -> AuditEntry:
    """Add an entry to the caller's transaction; it is written only if that transaction commits."""
    lock_chain()
    db.session.flush()
    previous = db.session.scalar(db.select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(created_at=now or datetime.now(timezone.utc), staff_user_id=staff_user_id,
                       actor=actor[:AuditEntry.MAX_ACTOR], action=action, target=target[:AuditEntry.MAX_TARGET],
                       detail=detail, previous_hash=previous or GENESIS)
    entry.entry_hash = entry_digest(entry.previous_hash, entry)
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    first_broken_id: int | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify_chain() -> ChainCheck:
    previous = GENESIS
    count = 0
    for entry in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)):
        count += 1
        if entry.previous_hash != previous or entry_digest(previous, entry) != entry.entry_hash:
            return ChainCheck(count, entry.id)
        previous = entry.entry_hash
    return ChainCheck(count, None)


def recent_entries(limit: int = 200) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
