"""consent per complaint: the complainant agreed at intake to get the reply by SMS (resident_consent
gets complaint_id; order_id may be empty)

Revision ID: 0014_consent
Revises: 0013_speed
Create Date: 2026-12-02 02:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014_consent'
down_revision = '0013_speed'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resident_consent', schema=None) as batch_op:
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('complaint_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_resident_consent_complaint_id_complaint'), 'complaint',
                                    ['complaint_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint(batch_op.f('uq_resident_consent_complaint_id'), ['complaint_id'])


def downgrade():
    op.execute("DELETE FROM resident_consent WHERE order_id IS NULL")
    with op.batch_alter_table('resident_consent', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_resident_consent_complaint_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_resident_consent_complaint_id_complaint'), type_='foreignkey')
        batch_op.drop_column('complaint_id')
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=False)
