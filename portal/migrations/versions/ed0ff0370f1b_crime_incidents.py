"""crime incidents for the public map and open data, stored already generalized

Revision ID: ed0ff0370f1b
Revises: 0fa0ba595a9b
Create Date: 2026-12-01 18:08:06.326213

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ed0ff0370f1b'
down_revision = '0fa0ba595a9b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('incident_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('profile', sa.String(length=40), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('inserted', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['staff_user.id'], name=op.f('fk_incident_import_imported_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_import'))
    )
    op.create_table('incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('case_number', sa.String(length=40), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('offense', sa.String(length=200), nullable=False),
    sa.Column('block', sa.String(length=120), nullable=True),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('area_cell', sa.BigInteger(), nullable=True),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['incident_import.id'], name=op.f('fk_incident_import_id_incident_import')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident')),
    sa.UniqueConstraint('case_number', 'source', name=op.f('uq_incident_case_number'))
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index('ix_incident_aggregate', ['occurred_at', 'category', 'area_cell', 'week'], unique=False)
        batch_op.create_index('ix_incident_area_cell_occurred_at', ['area_cell', 'occurred_at'], unique=False)
        batch_op.create_index('ix_incident_category_occurred_at', ['category', 'occurred_at'], unique=False)
    op.create_table('incident_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('area_cell', sa.BigInteger(), nullable=True),
    sa.Column('incidents', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_count'))
    )
    with op.batch_alter_table('incident_count', schema=None) as batch_op:
        batch_op.create_index('ix_incident_count_week', ['week', 'category', 'area_cell', 'incidents'], unique=False)


def downgrade():
    op.drop_table('incident_count')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_category_occurred_at')
        batch_op.drop_index('ix_incident_area_cell_occurred_at')
        batch_op.drop_index('ix_incident_aggregate')

    op.drop_table('incident')
    op.drop_table('incident_import')