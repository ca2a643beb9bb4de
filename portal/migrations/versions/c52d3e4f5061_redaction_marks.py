"""text staff marked for redaction from public records exports

Revision ID: c52d3e4f5061
Revises: b41c2d3e4f50
Create Date: 2026-12-01 19:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c52d3e4f5061'
down_revision = 'b41c2d3e4f50'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('redaction_mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['work_item.id'], name=op.f('fk_redaction_mark_item_id_work_item'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_redaction_mark_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redaction_mark'))
    )
    with op.batch_alter_table('redaction_mark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redaction_mark_item_id'), ['item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('redaction_mark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_redaction_mark_item_id'))

    op.drop_table('redaction_mark')
