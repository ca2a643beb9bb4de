"""foundation: department, terms, prevention tips, staff

Revision ID: 1937f76c83d4
Revises: 
Create Date: 2026-11-24 08:02:58.318399

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1937f76c83d4'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('department_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('short_name', sa.String(length=120), nullable=False),
    sa.Column('jurisdiction', sa.String(length=200), nullable=False),
    sa.Column('street_address', sa.String(length=200), nullable=False),
    sa.Column('locality', sa.String(length=120), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.Column('postal_code', sa.String(length=20), nullable=False),
    sa.Column('emergency_phone', sa.String(length=40), nullable=False),
    sa.Column('non_emergency_phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('website_url', sa.String(length=300), nullable=False),
    sa.Column('facebook_name', sa.String(length=120), nullable=False),
    sa.Column('facebook_url', sa.String(length=300), nullable=False),
    sa.Column('twitter_handle', sa.String(length=60), nullable=False),
    sa.Column('maintained_by', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_profile'))
    )
    op.create_table('official_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=60), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('handle', sa.String(length=120), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_official_account')),
    sa.UniqueConstraint('url', name=op.f('uq_official_account_url'))
    )
    op.create_table('prevention_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prevention_category')),
    sa.UniqueConstraint('slug', name=op.f('uq_prevention_category_slug'))
    )
    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=36), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('admin', 'supervisor', 'investigator', 'communications', 'records', name='staff_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_user_email')),
    sa.UniqueConstraint('public_id', name=op.f('uq_staff_user_public_id'))
    )
    op.create_table('terms_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms_version')),
    sa.UniqueConstraint('version', name=op.f('uq_terms_version_version'))
    )
    with op.batch_alter_table('terms_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_terms_version_effective_on'), ['effective_on'], unique=False)

    op.create_table('prevention_tip',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['prevention_category.id'], name=op.f('fk_prevention_tip_category_id_prevention_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prevention_tip')),
    sa.UniqueConstraint('slug', name=op.f('uq_prevention_tip_slug'))
    )
    with op.batch_alter_table('prevention_tip', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prevention_tip_category_id'), ['category_id'], unique=False)


def downgrade():
    with op.batch_alter_table('prevention_tip', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prevention_tip_category_id'))

    op.drop_table('prevention_tip')
    with op.batch_alter_table('terms_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_terms_version_effective_on'))

    op.drop_table('terms_version')
    op.drop_table('staff_user')
    op.drop_table('prevention_category')
    op.drop_table('official_account')
    op.drop_table('department_profile')

