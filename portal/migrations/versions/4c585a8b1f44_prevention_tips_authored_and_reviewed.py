"""prevention tips authored and reviewed

Revision ID: 4c585a8b1f44
Revises: a6ae84643fa6
Create Date: 2026-11-25 04:39:05.443112

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c585a8b1f44'
down_revision = 'a6ae84643fa6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('prevention_tip', schema=None) as batch_op:
        # Tips already on the site stay published; their cleaned text is all there is to edit.
        batch_op.add_column(sa.Column('body_source', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('state', sa.Enum('draft', 'in-review', 'published', name='prevention_state', native_enum=False, create_constraint=True, length=20), nullable=False, server_default='published'))
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_prevention_tip_state'), ['state'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_prevention_tip_author_id_staff_user'), 'staff_user', ['author_id'], ['id'])



def downgrade():
    with op.batch_alter_table('prevention_tip', schema=None) as batch_op:
        if op.get_bind().dialect.name == "sqlite":
            # SQLite's rebuild would otherwise copy the state column's CHECK onto a table without it.
            batch_op.drop_constraint(batch_op.f('ck_prevention_tip_prevention_state'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_prevention_tip_author_id_staff_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_prevention_tip_state'))
        batch_op.drop_column('author_id')
        batch_op.drop_column('state')
        batch_op.drop_column('body_source')

