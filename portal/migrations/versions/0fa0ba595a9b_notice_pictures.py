"""notice pictures

Revision ID: 0fa0ba595a9b
Revises: 4c585a8b1f44
Create Date: 2026-11-25 04:50:57.062202

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0fa0ba595a9b'
down_revision = '4c585a8b1f44'
branch_labels = None
depends_on = None


COLUMNS = (("image_name", 64), ("image_type", 40), ("image_alt", 200), ("image_removed", 300))


def upgrade():
    # Plain ADD COLUMN (no table rebuild: notice is referenced by tip and notice_event).
    for name, length in COLUMNS:
        op.add_column('notice', sa.Column(name, sa.String(length=length), nullable=False, server_default=''))


def downgrade():
    for name, _length in reversed(COLUMNS):
        op.execute(f"ALTER TABLE notice DROP COLUMN {name}")
