"""routing rules, work items and notes

Revision ID: 7b560548db26
Revises: 5a26193c7ae4
Create Date: 2026-11-24 09:26:19.861766

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b560548db26'
down_revision = '5a26193c7ae4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('places', sa.String(length=500), nullable=False),
    sa.Column('outline', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area')),
    sa.UniqueConstraint('name', name=op.f('uq_area_name'))
    )
    op.create_table('routing_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('keywords', sa.String(length=500), nullable=False),
    sa.Column('places', sa.String(length=500), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('assign_to_member', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_routing_rule_area_id_area')),
    sa.ForeignKeyConstraint(['assignee_id'], ['staff_user.id'], name=op.f('fk_routing_rule_assignee_id_staff_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_routing_rule_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rule'))
    )
    with op.batch_alter_table('routing_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_rule_position'), ['position'], unique=False)

    op.create_table('work_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('tip_id', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('route_reason', sa.Text(), nullable=False),
    sa.Column('open', sa.Boolean(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(tip_id IS NULL) <> (report_id IS NULL)', name=op.f('ck_work_item_one_submission')),
    sa.ForeignKeyConstraint(['assignee_id'], ['staff_user.id'], name=op.f('fk_work_item_assignee_id_staff_user')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_work_item_report_id_report')),
    sa.ForeignKeyConstraint(['rule_id'], ['routing_rule.id'], name=op.f('fk_work_item_rule_id_routing_rule')),
    sa.ForeignKeyConstraint(['tip_id'], ['tip.id'], name=op.f('fk_work_item_tip_id_tip')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_work_item_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_item')),
    sa.UniqueConstraint('public_id', name=op.f('uq_work_item_public_id')),
    sa.UniqueConstraint('report_id', name=op.f('uq_work_item_report_id')),
    sa.UniqueConstraint('tip_id', name=op.f('uq_work_item_tip_id'))
    )
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_item_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_item_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_item_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_item_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_item_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_item_open'), ['open'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_item_unit_id'), ['unit_id'], unique=False)

    op.create_table('work_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['work_item.id'], name=op.f('fk_work_note_item_id_work_item')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_work_note_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_note'))
    )
    with op.batch_alter_table('work_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_note_item_id'), ['item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('work_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_note_item_id'))

    op.drop_table('work_note')
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_item_unit_id'))
        batch_op.drop_index(batch_op.f('ix_work_item_open'))
        batch_op.drop_index(batch_op.f('ix_work_item_kind'))
        batch_op.drop_index(batch_op.f('ix_work_item_due_at'))
        batch_op.drop_index(batch_op.f('ix_work_item_created_at'))
        batch_op.drop_index(batch_op.f('ix_work_item_category'))
        batch_op.drop_index(batch_op.f('ix_work_item_assignee_id'))

    op.drop_table('work_item')
    with op.batch_alter_table('routing_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_rule_position'))

    op.drop_table('routing_rule')
    op.drop_table('area')
