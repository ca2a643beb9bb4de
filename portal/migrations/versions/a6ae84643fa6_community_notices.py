"""community notices

Revision ID: a6ae84643fa6
Revises: d8e2b7f4a1c9
Create Date: 2026-11-25 04:18:30.344083

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6ae84643fa6'
down_revision = 'd8e2b7f4a1c9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=36), nullable=False),
    sa.Column('notice_type', sa.Enum('road-closure', 'special-event', 'weather-emergency', 'missing-person', 'wanted-person', 'employment', 'general', name='notice_type', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('state', sa.Enum('draft', 'in-review', 'published', 'cancelled', name='notice_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('places', sa.String(length=300), nullable=False),
    sa.Column('severity', sa.String(length=20), nullable=False),
    sa.Column('urgency', sa.String(length=20), nullable=False),
    sa.Column('certainty', sa.String(length=20), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('awaiting_review', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_notice_area_id_area')),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_notice_author_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    sa.UniqueConstraint('public_id', name=op.f('uq_notice_public_id'))
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_awaiting_review'), ['awaiting_review'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_notice_type'), ['notice_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_state'), ['state'], unique=False)

    op.create_table('notice_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('message_type', sa.String(length=10), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notice.id'], name=op.f('fk_notice_event_notice_id_notice')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_notice_event_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_event'))
    )
    with op.batch_alter_table('notice_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_event_notice_id'), ['notice_id'], unique=False)

    # A plain ADD COLUMN with the foreign key inline: a batch rebuild of the tip table would have to
    # drop a table that other tables reference.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tip ADD COLUMN notice_id INTEGER "
                   "CONSTRAINT fk_tip_notice_id_notice REFERENCES notice (id)")
    else:
        op.add_column('tip', sa.Column('notice_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_tip_notice_id_notice'), 'tip', 'notice', ['notice_id'], ['id'])
    op.create_index(op.f('ix_tip_notice_id'), 'tip', ['notice_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_tip_notice_id'), table_name='tip')
    with op.batch_alter_table('tip', schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":
            # SQLite's rebuild of the table leaves the column's inline constraint behind by itself.
            batch_op.drop_constraint(batch_op.f('fk_tip_notice_id_notice'), type_='foreignkey')
        batch_op.drop_column('notice_id')
    with op.batch_alter_table('notice_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_event_notice_id'))

    op.drop_table('notice_event')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_state'))
        batch_op.drop_index(batch_op.f('ix_notice_published_at'))
        batch_op.drop_index(batch_op.f('ix_notice_notice_type'))
        batch_op.drop_index(batch_op.f('ix_notice_expires_at'))
        batch_op.drop_index(batch_op.f('ix_notice_awaiting_review'))
        batch_op.drop_index(batch_op.f('ix_notice_author_id'))

    op.drop_table('notice')
