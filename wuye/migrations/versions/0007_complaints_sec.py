"""residents' links throttle the failures, not the people: a hit on a live link is counted against
that link (link_hit.link_id), a wrong token against its address

Revision ID: 0007_complaints_sec
Revises: 0006
Create Date: 2026-12-01 22:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007_complaints_sec'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('link_hit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_link_hit_link_at', ['link_id', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('link_hit', schema=None) as batch_op:
        batch_op.drop_index('ix_link_hit_link_at')
        batch_op.drop_column('link_id')
