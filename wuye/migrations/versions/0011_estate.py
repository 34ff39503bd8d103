"""a repair category may be a common facility (公共设施): its repairs are proposed as common parts, per
project (it was one fixed code, common_facility)

Revision ID: 0011_estate
Revises: 0010_messages
Create Date: 2026-12-02 01:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0011_estate'
down_revision = '0010_messages'
branch_labels = None
depends_on = None


def upgrade():
    if 'common_parts' not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns('repair_category')}:
        op.add_column('repair_category', sa.Column('common_parts', sa.Boolean(), nullable=False,
                                                   server_default=sa.false()))
    # what the code used to decide: the default category common_facility is a common facility
    op.execute(sa.text("UPDATE repair_category SET common_parts = :yes WHERE code = 'common_facility'")
               .bindparams(yes=True))


def downgrade():
    # SQLite would rebuild the table, which others point at: there the column stays behind, unused
    if op.get_bind().dialect.name == "sqlite":
        return
    op.drop_column('repair_category', 'common_parts')
