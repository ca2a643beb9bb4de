"""anonymous tips, messages and attachments

Revision ID: 42d4af792920
Revises: 1937f76c83d4
Create Date: 2026-11-24 08:21:56.630068

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '42d4af792920'
down_revision = '1937f76c83d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tip_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tip_category')),
    sa.UniqueConstraint('slug', name=op.f('uq_tip_category_slug'))
    )
    op.create_table('tip',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=36), nullable=False),
    sa.Column('tip_number', sa.String(length=20), nullable=False),
    sa.Column('passphrase_hash', sa.String(length=255), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('terms_version_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('when_text', sa.String(length=300), nullable=False),
    sa.Column('where_text', sa.String(length=500), nullable=False),
    sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('status', sa.Enum('received', 'under_review', 'closed', name='tip_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('public_message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['tip_category.id'], name=op.f('fk_tip_category_id_tip_category')),
    sa.ForeignKeyConstraint(['terms_version_id'], ['terms_version.id'], name=op.f('fk_tip_terms_version_id_terms_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tip')),
    sa.UniqueConstraint('public_id', name=op.f('uq_tip_public_id')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_tip_submission_key')),
    sa.UniqueConstraint('tip_number', name=op.f('uq_tip_tip_number'))
    )
    with op.batch_alter_table('tip', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tip_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tip_created_at'), ['created_at'], unique=False)

    op.create_table('tip_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tip_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.Enum('tipster', 'staff', name='message_author', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_tip_message_staff_user_id_staff_user')),
    sa.ForeignKeyConstraint(['tip_id'], ['tip.id'], name=op.f('fk_tip_message_tip_id_tip')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tip_message'))
    )
    with op.batch_alter_table('tip_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tip_message_tip_id'), ['tip_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=36), nullable=False),
    sa.Column('tip_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('metadata_removed', sa.String(length=500), nullable=False),
    sa.Column('metadata_warning', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['tip_message.id'], name=op.f('fk_attachment_message_id_tip_message')),
    sa.ForeignKeyConstraint(['tip_id'], ['tip.id'], name=op.f('fk_attachment_tip_id_tip')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('public_id', name=op.f('uq_attachment_public_id')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachment_stored_name'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_tip_id'), ['tip_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_tip_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('tip_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tip_message_tip_id'))

    op.drop_table('tip_message')
    with op.batch_alter_table('tip', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tip_created_at'))
        batch_op.drop_index(batch_op.f('ix_tip_category_id'))

    op.drop_table('tip')
    op.drop_table('tip_category')
