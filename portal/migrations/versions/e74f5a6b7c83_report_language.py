"""the language an online report was filed in, for its e-mails

Revision ID: e74f5a6b7c83
Revises: d63e4f506172
Create Date: 2026-12-02 01:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e74f5a6b7c83'
down_revision = 'd63e4f506172'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        # Reports filed before residents could choose a language were filed in English.
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=False, server_default='en'))


def downgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('language')
