"""The append-only audit log: each entry carries the hash of the one before it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime


class AuditEntry(db.Model):
    MAX_ACTION = 60
    MAX_ACTOR = 254
    MAX_TARGET = 120

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    # Who acted, as written at the time (an e-mail address, or what was typed at sign-in).
    actor: Mapped[str] = mapped_column(String(MAX_ACTOR))
    action: Mapped[str] = mapped_column(String(MAX_ACTION), index=True)
    target: Mapped[str] = mapped_column(String(MAX_TARGET), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditPurgeWindow(db.Model):
    """While a row is here, the database lets entries up to ``upto_id`` be deleted. Only the
    retention purge writes one, and removes it again in the same transaction (services.audit)."""

    upto_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


# The database itself refuses to change an entry, and to remove one outside a purge window,
# whatever the application does; the hash chain (``audit verify``) then catches anyone with the
# rights to drop these triggers or open a window.
REFUSAL = "audit entries are append-only"
APPEND_ONLY_DDL = {
    "sqlite": [
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "WHEN NOT EXISTS (SELECT 1 FROM audit_purge_window WHERE OLD.id <= upto_id) "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' THEN "
        "IF EXISTS (SELECT 1 FROM audit_purge_window WHERE OLD.id <= upto_id) THEN RETURN OLD; END IF; "
        f"END IF; RAISE EXCEPTION '{REFUSAL}'; END $$",
        "CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
        "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
    ],
}
for dialect_name, statements in APPEND_ONLY_DDL.items():
    for statement in statements:
        event.listen(AuditEntry.__table__, "after_create", DDL(statement).execute_if(dialect=dialect_name))
