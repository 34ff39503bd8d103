"""customer service follows corrective actions up (跟踪检查): an index for its lists by state and due date

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 16:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('corrective_action', schema=None) as batch_op:
        batch_op.create_index('ix_corrective_action_tracking', ['project_id', 'state', 'due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('corrective_action', schema=None) as batch_op:
        batch_op.drop_index('ix_corrective_action_tracking')
