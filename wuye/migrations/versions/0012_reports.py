"""reports: the charge type in the orders' report index, the consented quotes' cost and the first visit's arrival by order

Revision ID: 0012_reports
Revises: 0011_estate
Create Date: 2026-12-02 01:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012_reports'
down_revision = '0011_estate'
branch_labels = None
depends_on = None

OLD_REPORT = ['project_id', 'created_at', 'state', 'source', 'category', 'urgency', 'technician_id', 'unit_id']


def upgrade():
    # the orders per technician and per charge type are then counted from the index alone, in one GROUP BY
    with op.batch_alter_table('repair_order', schema=None) as batch_op:
        batch_op.drop_index('ix_repair_order_project_report')
        batch_op.create_index('ix_repair_order_project_report', OLD_REPORT + ['charge_type'], unique=False)
    # the last consented revision's labour and materials of an order, without reading the quote rows
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.create_index('ix_quote_order_consented',
                              ['order_id', 'decision', 'revision', 'labour_fen', 'materials_fen'], unique=False)
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_order_arrival', ['order_id', 'number', 'arrived_at'], unique=False)


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_order_arrival')
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.drop_index('ix_quote_order_consented')
    with op.batch_alter_table('repair_order', schema=None) as batch_op:
        batch_op.drop_index('ix_repair_order_project_report')
        batch_op.create_index('ix_repair_order_project_report', OLD_REPORT, unique=False)
