"""text-a-tip conversations and outbound texts

Revision ID: f85a6b7c8d94
Revises: e74f5a6b7c83
Create Date: 2026-12-02 06:15:11.780403

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f85a6b7c8d94'
down_revision = 'e74f5a6b7c83'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sms_conversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tip_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=64), nullable=True),
    sa.Column('sealed_number', sa.LargeBinary(length=128), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_text_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by', sa.Enum('tipster_stopped', 'tip_closed', 'idle', name='conversation_end', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.ForeignKeyConstraint(['tip_id'], ['tip.id'], name=op.f('fk_sms_conversation_tip_id_tip')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_conversation')),
    sa.UniqueConstraint('alias', name=op.f('uq_sms_conversation_alias')),
    sa.UniqueConstraint('tip_id', name=op.f('uq_sms_conversation_tip_id'))
    )
    with op.batch_alter_table('sms_conversation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_conversation_last_text_at'), ['last_text_at'], unique=False)

    op.create_table('outbox_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('given_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=False),
    sa.Column('provider_key', sa.String(length=64), nullable=True),
    sa.Column('delivery_report', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['sms_conversation.id'], name=op.f('fk_outbox_text_conversation_id_sms_conversation')),
    sa.ForeignKeyConstraint(['message_id'], ['tip_message.id'], name=op.f('fk_outbox_text_message_id_tip_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_text')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_text_message_id')),
    sa.UniqueConstraint('provider_key', name=op.f('uq_outbox_text_provider_key'))
    )
    with op.batch_alter_table('outbox_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_text_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_text_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_text_sent_at'), ['sent_at'], unique=False)

    with op.batch_alter_table('tip_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_tip_message_delivery_key'), ['delivery_key'])



def downgrade():
    with op.batch_alter_table('tip_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_tip_message_delivery_key'), type_='unique')
        batch_op.drop_column('delivery_key')

    with op.batch_alter_table('outbox_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_text_sent_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_text_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_text_conversation_id'))

    op.drop_table('outbox_text')
    with op.batch_alter_table('sms_conversation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_conversation_last_text_at'))

    op.drop_table('sms_conversation')
