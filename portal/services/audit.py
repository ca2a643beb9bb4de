"""The audit log: who did what and when, append-only, each entry chained to the previous by hash.

Changing or deleting an entry breaks every hash after it, which ``verify_chain`` (the ``audit
verify`` command) reports with the first entry that no longer matches.

The retention schedule may remove the oldest entries (``purge_oldest``), always a run from the
start of the chain: a checkpoint entry appended first names, as its anchor, the hash of the last
entry removed, so the first remaining entry still has something to chain to. The database lets
those deletes through only inside the purge's own transaction (models.audit.AuditPurgeWindow).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import text

from portal.extensions import db
from portal.models import AuditEntry, AuditPurgeWindow

GENESIS = "0" * 64
# Any constant will do: it serializes writers of the chain on PostgreSQL.
CHAIN_LOCK_KEY = 227_0001
CHECKPOINT = "audit.purged"
ANCHOR = re.compile(r"; anchor ([0-9a-f]{64})$")


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


def checkpoint_anchor(entry: AuditEntry) -> str | None:
    match = ANCHOR.search(entry.detail) if entry.action == CHECKPOINT else None
    return match.group(1) if match else None


def verify_chain() -> ChainCheck:
    """Walk the chain from its first remaining entry, which must chain to GENESIS or to the anchor
    the newest checkpoint names (the last entry a purge removed): removing entries any other way
    is found like changing one."""
    first: AuditEntry | None = None
    previous = anchor = ""
    count = 0
    for entry in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)):
        count += 1
        if first is None:
            first, previous = entry, entry.previous_hash  # checked once the newest checkpoint is read
        if entry.previous_hash != previous or entry_digest(previous, entry) != entry.entry_hash:
            return ChainCheck(count, entry.id)
        anchor = checkpoint_anchor(entry) or anchor
        previous = entry.entry_hash
    if first is not None and first.previous_hash not in (GENESIS, anchor):
        return ChainCheck(count, first.id)
    return ChainCheck(count, None)


# Retention ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PurgedRun:
    entries: int
    first_id: int
    last_id: int


def purgeable_upto(cutoff: datetime) -> int | None:
    """The last id of the run of entries from the start of the chain all made at or before
    ``cutoff``, not counting checkpoints at its end: a checkpoint goes only with some entry after
    it, so a purge that has just run finds nothing more to do."""
    newer = db.session.scalar(db.select(db.func.min(AuditEntry.id)).where(AuditEntry.created_at > cutoff))
    query = db.select(db.func.max(AuditEntry.id)).where(AuditEntry.action != CHECKPOINT)
    return db.session.scalar(query if newer is None else query.where(AuditEntry.id < newer))


def run_through(upto: int) -> PurgedRun:
    """What purging through ``upto`` (an id ``purgeable_upto`` gave) removes, for a dry run."""
    first, last, entries = db.session.execute(
        db.select(db.func.min(AuditEntry.id), db.func.max(AuditEntry.id), db.func.count())
        .where(AuditEntry.id <= upto)).one()
    return PurgedRun(entries, first, last)


def purge_oldest(upto: int, batch_size: int, actor: str, target: str) -> PurgedRun | None:
    """Remove up to ``batch_size`` entries from the start of the chain, none after ``upto``, in the
    caller's transaction: the checkpoint first, then the deletes inside a window that is closed
    again before the caller commits, so no other transaction ever sees it open."""
    rows = db.session.execute(db.select(AuditEntry.id, AuditEntry.entry_hash).where(AuditEntry.id <= upto)
                              .order_by(AuditEntry.id).limit(batch_size)).all()
    if not rows:
        return None
    run = PurgedRun(len(rows), rows[0].id, rows[-1].id)
    record(CHECKPOINT, actor, target=target,
           detail=f"{run.entries} entries purged, ids {run.first_id} to {run.last_id}; anchor {rows[-1].entry_hash}")
    window = AuditPurgeWindow(upto_id=run.last_id)
    db.session.add(window)
    db.session.flush()
    db.session.execute(db.delete(AuditEntry).where(AuditEntry.id <= run.last_id))
    db.session.delete(window)
    db.session.flush()
    return run


def recent_entries(limit: int = 200) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
