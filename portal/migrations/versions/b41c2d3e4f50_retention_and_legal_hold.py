"""retention schedule, legal holds, and when a work item was closed

Revision ID: b41c2d3e4f50
Revises: ed0ff0370f1b
Create Date: 2026-12-01 19:08:23.875719

The schedule's default rows are not inserted here: ``seed-demo`` and the first ``retention run``
add them (services.retention.ensure_default_rules), so the defaults live in one place.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b41c2d3e4f50'
down_revision = 'ed0ff0370f1b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retention_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('period_days', sa.Integer(), nullable=True),
    sa.Column('citation', sa.String(length=500), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_user.id'], name=op.f('fk_retention_rule_updated_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_rule')),
    sa.UniqueConstraint('kind', 'state', name=op.f('uq_retention_rule_kind'))
    )
    op.create_table('legal_hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=36), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=False),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['work_item.id'], name=op.f('fk_legal_hold_item_id_work_item')),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['staff_user.id'], name=op.f('fk_legal_hold_lifted_by_id_staff_user')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['staff_user.id'], name=op.f('fk_legal_hold_placed_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_hold')),
    sa.UniqueConstraint('public_id', name=op.f('uq_legal_hold_public_id'))
    )
    op.create_index(op.f('ix_legal_hold_item_id'), 'legal_hold', ['item_id'], unique=False)
    # Plain ADD COLUMN (no table rebuild: work_item is referenced by work_note and legal_hold).
    op.add_column('work_item', sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
    # Items closed before this release have no closing time; counting from the upgrade keeps them
    # longer than their schedule says, never shorter.
    work_item = sa.table('work_item', sa.column('open', sa.Boolean()), sa.column('closed_at', sa.DateTime(timezone=True)))
    op.execute(work_item.update().where(work_item.c.open.is_(False)).values(closed_at=datetime.now(timezone.utc)))


def downgrade():
    op.execute("ALTER TABLE work_item DROP COLUMN closed_at")
    op.drop_index(op.f('ix_legal_hold_item_id'), table_name='legal_hold')
    op.drop_table('legal_hold')
    op.drop_table('retention_rule')
