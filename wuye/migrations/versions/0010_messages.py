"""messages to the complainant: a resident message belongs to a repair order or to a complaint

Revision ID: 0010_messages
Revises: 0009_delivery
Create Date: 2026-12-02 01:15:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0010_messages'
down_revision = '0009_delivery'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resident_message', schema=None) as batch_op:
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('complaint_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_resident_message_complaint_id_complaint'), 'complaint',
                                    ['complaint_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_resident_message_complaint_id'), ['complaint_id'], unique=False)


def downgrade():
    op.execute("DELETE FROM resident_message WHERE order_id IS NULL")
    with op.batch_alter_table('resident_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_message_complaint_id'))
        batch_op.drop_constraint(batch_op.f('fk_resident_message_complaint_id_complaint'), type_='foreignkey')
        batch_op.drop_column('complaint_id')
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=False)
