"""the database refuses to change or delete audit entries

Revision ID: d8e2b7f4a1c9
Revises: c3f1a9d2e6b4
Create Date: 2026-11-25 04:20:00.000000

"""
from alembic import op

from portal.models.audit import APPEND_ONLY_DDL


# revision identifiers, used by Alembic.
revision = 'd8e2b7f4a1c9'
down_revision = 'c3f1a9d2e6b4'
branch_labels = None
depends_on = None

DROP = {
    "sqlite": ["DROP TRIGGER audit_entry_no_update", "DROP TRIGGER audit_entry_no_delete"],
    "postgresql": ["DROP TRIGGER audit_entry_no_change ON audit_entry",
                   "DROP TRIGGER audit_entry_no_truncate ON audit_entry",
                   "DROP FUNCTION audit_entry_append_only()"],
}


def upgrade():
    for statement in APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in DROP.get(op.get_bind().dialect.name, []):
        op.execute(statement)
