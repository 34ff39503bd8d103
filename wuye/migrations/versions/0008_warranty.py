"""who pays (issue 12): the charge type of each order and quote, common-area units, the warranty table,
cost claims. Orders made before this were all charged as paid work: they stay 'paid'.

Revision ID: 0008_warranty
Revises: 0007_admin
Create Date: 2026-12-01 22:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_warranty'
down_revision = '0007_admin'
branch_labels = None
depends_on = None


def _add_column(table, column):
    # a SQLite downgrade leaves these columns behind (see downgrade): add only what is missing
    if column.name not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}:
        op.add_column(table, column)  # a plain ADD COLUMN: SQLite needs no rebuild of these much-referenced tables


def upgrade():
    _add_column('repair_order', sa.Column('charge_type', sa.String(length=10), nullable=False, server_default='paid'))
    _add_column('repair_order', sa.Column('charge_basis', sa.JSON(), nullable=True))
    _add_column('repair_order', sa.Column('charge_note', sa.Text(), nullable=True))
    _add_column('repair_order', sa.Column('charge_party', sa.String(length=100), nullable=True))
    _add_column('quote', sa.Column('charge_type', sa.String(length=10), nullable=True))
    _add_column('unit', sa.Column('common_area', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('warranty_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('season_start', sa.String(length=5), nullable=True),
    sa.Column('season_end', sa.String(length=5), nullable=True),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('responsible', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_warranty_item_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warranty_item')),
    sa.UniqueConstraint('project_id', 'code', name=op.f('uq_warranty_item_project_id'))
    )
    op.create_table('cost_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['app_user.id'], name=op.f('fk_cost_claim_claimed_by_id_app_user')),
    sa.ForeignKeyConstraint(['order_id'], ['repair_order.id'], name=op.f('fk_cost_claim_order_id_repair_order')),
    sa.ForeignKeyConstraint(['paid_by_id'], ['app_user.id'], name=op.f('fk_cost_claim_paid_by_id_app_user')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_cost_claim_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost_claim')),
    sa.UniqueConstraint('order_id', name=op.f('uq_cost_claim_order_id'))
    )
    op.create_index('ix_cost_claim_project_state', 'cost_claim', ['project_id', 'state'], unique=False)
    op.create_index('ix_repair_order_project_charge', 'repair_order', ['project_id', 'charge_type', 'closed_at'],
                    unique=False)


def downgrade():
    op.drop_index('ix_repair_order_project_charge', table_name='repair_order')
    op.drop_index('ix_cost_claim_project_state', table_name='cost_claim')
    op.drop_table('cost_claim')
    op.drop_table('warranty_item')
    # SQLite would rebuild these tables, which others point at: there the columns stay behind, unused
    if op.get_bind().dialect.name == "sqlite":
        return
    op.drop_column('unit', 'common_area')
    op.drop_column('quote', 'charge_type')
    for column in ('charge_party', 'charge_note', 'charge_basis', 'charge_type'):
        op.drop_column('repair_order', column)
