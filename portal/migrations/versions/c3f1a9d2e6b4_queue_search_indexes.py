"""trigram indexes for the staff queue's text search (PostgreSQL only)

Revision ID: c3f1a9d2e6b4
Revises: 7b560548db26
Create Date: 2026-11-25 04:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3f1a9d2e6b4'
down_revision = '7b560548db26'
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_tip_description_trigram", "tip", "description"),
    ("ix_tip_message_body_trigram", "tip_message", "body"),
    ("ix_report_narrative_trigram", "report", "narrative"),
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        op.create_index(name, table, [column], postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, _column in INDEXES:
        op.drop_index(name, table_name=table)
