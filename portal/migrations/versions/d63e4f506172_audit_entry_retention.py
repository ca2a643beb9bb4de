"""audit entries may be deleted inside a purge window, for the retention schedule

Revision ID: d63e4f506172
Revises: c52d3e4f5061
Create Date: 2026-12-01 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal.models.audit import APPEND_ONLY_DDL


# revision identifiers, used by Alembic.
revision = 'd63e4f506172'
down_revision = 'c52d3e4f5061'
branch_labels = None
depends_on = None


def first_guard():
    """Revision d8e2b7f4a1c9, which drops and creates the guard as it was before this one; the
    triggers keep their names, so its downgrade drops either version."""
    return op.get_context().script.get_revision('d8e2b7f4a1c9').module


def upgrade():
    op.create_table('audit_purge_window',
    sa.Column('upto_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('upto_id', name=op.f('pk_audit_purge_window'))
    )
    first_guard().downgrade()
    for statement in APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    first_guard().downgrade()
    first_guard().upgrade()
    op.drop_table('audit_purge_window')
