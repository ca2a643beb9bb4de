"""the database refuses to change or delete audit entries

Revision ID: d8e2b7f4a1c9
Revises: c3f1a9d2e6b4
Create Date: 2026-11-25 04:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd8e2b7f4a1c9'
down_revision = 'c3f1a9d2e6b4'
branch_labels = None
depends_on = None

# The guard as it was at this revision (the models' APPEND_ONLY_DDL has moved on since; revision
# d63e4f506172 restores these on downgrade).
GUARD = {
    "sqlite": [
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$",
        "CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
        "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
    ],
}
DROP = {
    "sqlite": ["DROP TRIGGER audit_entry_no_update", "DROP TRIGGER audit_entry_no_delete"],
    "postgresql": ["DROP TRIGGER audit_entry_no_change ON audit_entry",
                   "DROP TRIGGER audit_entry_no_truncate ON audit_entry",
                   "DROP FUNCTION audit_entry_append_only()"],
}


def upgrade():
    for statement in GUARD.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in DROP.get(op.get_bind().dialect.name, []):
        op.execute(statement)
