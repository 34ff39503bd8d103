"""the boards at speed: indexes the complaint board's paged columns read by

Revision ID: 0013_speed
Revises: 0012_reports
Create Date: 2026-12-02 01:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013_speed'
down_revision = '0012_reports'
branch_labels = None
depends_on = None

INDEXES = [
    # the closed column counts and lists the last 30 days' closings, not every complaint ever closed
    ('complaint', 'ix_complaint_project_state_closed', ['project_id', 'state', 'closed_at']),
    # a department head's board: the complaints of their department, found from the department
    ('complaint_department', 'ix_complaint_department_department', ['department_id', 'complaint_id']),
]


def upgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
