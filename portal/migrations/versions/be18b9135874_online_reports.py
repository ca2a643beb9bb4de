"""online reports and the e-mail outbox

Revision ID: be18b9135874
Revises: 42d4af792920
Create Date: 2026-11-24 08:46:33.885416

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'be18b9135874'
down_revision = '42d4af792920'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_email'))
    )
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_email_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_email_sent_at'), ['sent_at'], unique=False)

    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=36), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('report_type', sa.String(length=60), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'under_review', 'approved', 'rejected', 'more_info_needed', name='report_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('terms_version_id', sa.Integer(), nullable=False),
    sa.Column('occurred_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('occurred_to', sa.DateTime(timezone=True), nullable=True),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('reporter_name', sa.String(length=120), nullable=False),
    sa.Column('reporter_email', sa.String(length=254), nullable=False),
    sa.Column('reporter_phone', sa.String(length=40), nullable=False),
    sa.Column('reporter_address', sa.String(length=300), nullable=False),
    sa.Column('case_number', sa.String(length=40), nullable=True),
    sa.Column('status_message', sa.Text(), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['terms_version_id'], ['terms_version.id'], name=op.f('fk_report_terms_version_id_terms_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    sa.UniqueConstraint('public_id', name=op.f('uq_report_public_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_report_reference'))
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_report_type'), ['report_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_reporter_email'), ['reporter_email'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_status_changed_at'), ['status_changed_at'], unique=False)

    op.create_table('report_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('brand', sa.String(length=200), nullable=False),
    sa.Column('serial_number', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_item_report_id_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_item'))
    )
    with op.batch_alter_table('report_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_item_report_id'), ['report_id'], unique=False)

    op.create_table('report_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_reply_report_id_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_reply'))
    )
    with op.batch_alter_table('report_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_reply_report_id'), ['report_id'], unique=False)

    op.create_table('report_status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('submitted', 'under_review', 'approved', 'rejected', 'more_info_needed', name='report_status_from', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('to_status', sa.Enum('submitted', 'under_review', 'approved', 'rejected', 'more_info_needed', name='report_status_to', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_status_change_report_id_report')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_report_status_change_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_status_change'))
    )
    with op.batch_alter_table('report_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_status_change_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_id', sa.Integer(), nullable=True))
        batch_op.alter_column('tip_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_attachment_report_id'), ['report_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_report_id_report'), 'report', ['report_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), '(tip_id IS NULL) <> (report_id IS NULL)')


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_attachment_report_id_report'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_report_id'))
        batch_op.alter_column('tip_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('report_id')

    with op.batch_alter_table('report_status_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_status_change_report_id'))

    op.drop_table('report_status_change')
    with op.batch_alter_table('report_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_reply_report_id'))

    op.drop_table('report_reply')
    with op.batch_alter_table('report_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_item_report_id'))

    op.drop_table('report_item')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_status_changed_at'))
        batch_op.drop_index(batch_op.f('ix_report_status'))
        batch_op.drop_index(batch_op.f('ix_report_reporter_email'))
        batch_op.drop_index(batch_op.f('ix_report_report_type'))

    op.drop_table('report')
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_email_sent_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_email_next_attempt_at'))

    op.drop_table('outbox_email')
