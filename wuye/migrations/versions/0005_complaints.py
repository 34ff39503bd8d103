"""complaints (业主投诉): the complaint and its 顾客投诉处理记录表, corrective actions, contacts,
forwardings, 越权上报 escalations, involved departments and people, repeat links, the day counter

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 14:12:06

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('complaint_counter',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_complaint_counter_project_id_project')),
    sa.PrimaryKeyConstraint('project_id', 'day', name=op.f('pk_complaint_counter'))
    )
    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('complainant_name', sa.String(length=50), nullable=False),
    sa.Column('complainant_phone', sa.String(length=20), nullable=False),
    sa.Column('topic', sa.String(length=20), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('received_by_id', sa.Integer(), nullable=False),
    sa.Column('solved_on_spot', sa.Boolean(), nullable=False),
    sa.Column('spot_action', sa.Text(), nullable=True),
    sa.Column('registered_at', sa.DateTime(), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('work_log', sa.Text(), nullable=True),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('other_units', sa.Boolean(), nullable=False),
    sa.Column('other_units_note', sa.Text(), nullable=True),
    sa.Column('validity', sa.String(length=10), nullable=True),
    sa.Column('validity_reason', sa.String(length=30), nullable=True),
    sa.Column('validity_note', sa.Text(), nullable=True),
    sa.Column('severity', sa.String(length=10), nullable=True),
    sa.Column('normal_kind', sa.String(length=12), nullable=True),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('classified_at', sa.DateTime(), nullable=True),
    sa.Column('classified_by_id', sa.Integer(), nullable=True),
    sa.Column('overruled_at', sa.DateTime(), nullable=True),
    sa.Column('overruled_by_id', sa.Integer(), nullable=True),
    sa.Column('overrule_reason', sa.Text(), nullable=True),
    sa.Column('management_review', sa.Boolean(), nullable=False),
    sa.Column('review_conclusion', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('repeat_status', sa.String(length=10), nullable=True),
    sa.Column('repeat_reason', sa.Text(), nullable=True),
    sa.Column('repeat_decided_at', sa.DateTime(), nullable=True),
    sa.Column('repeat_decided_by_id', sa.Integer(), nullable=True),
    sa.Column('cause', sa.Text(), nullable=True),
    sa.Column('responsibility', sa.Text(), nullable=True),
    sa.Column('responsible_department_id', sa.Integer(), nullable=True),
    sa.Column('responsible_user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmation_note', sa.Text(), nullable=True),
    sa.Column('inspected_at', sa.DateTime(), nullable=True),
    sa.Column('inspection_by_id', sa.Integer(), nullable=True),
    sa.Column('inspection_participants', sa.Text(), nullable=True),
    sa.Column('inspection_findings', sa.Text(), nullable=True),
    sa.Column('penalty_decision', sa.Text(), nullable=True),
    sa.Column('penalty_reference', sa.String(length=200), nullable=True),
    sa.Column('penalty_at', sa.DateTime(), nullable=True),
    sa.Column('penalty_by_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('result_at', sa.DateTime(), nullable=True),
    sa.Column('result_by_id', sa.Integer(), nullable=True),
    sa.Column('satisfaction', sa.String(length=14), nullable=True),
    sa.Column('satisfaction_note', sa.Text(), nullable=True),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('close_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['classified_by_id'], ['app_user.id'], name=op.f('fk_complaint_classified_by_id_app_user')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['app_user.id'], name=op.f('fk_complaint_closed_by_id_app_user')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['app_user.id'], name=op.f('fk_complaint_confirmed_by_id_app_user')),
    sa.ForeignKeyConstraint(['handler_id'], ['app_user.id'], name=op.f('fk_complaint_handler_id_app_user')),
    sa.ForeignKeyConstraint(['inspection_by_id'], ['app_user.id'], name=op.f('fk_complaint_inspection_by_id_app_user')),
    sa.ForeignKeyConstraint(['overruled_by_id'], ['app_user.id'], name=op.f('fk_complaint_overruled_by_id_app_user')),
    sa.ForeignKeyConstraint(['penalty_by_id'], ['app_user.id'], name=op.f('fk_complaint_penalty_by_id_app_user')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_complaint_project_id_project')),
    sa.ForeignKeyConstraint(['received_by_id'], ['app_user.id'], name=op.f('fk_complaint_received_by_id_app_user')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_complaint_recorded_by_id_app_user')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['app_user.id'], name=op.f('fk_complaint_registered_by_id_app_user')),
    sa.ForeignKeyConstraint(['repeat_decided_by_id'], ['app_user.id'], name=op.f('fk_complaint_repeat_decided_by_id_app_user')),
    sa.ForeignKeyConstraint(['responsible_department_id'], ['department.id'], name=op.f('fk_complaint_responsible_department_id_department')),
    sa.ForeignKeyConstraint(['responsible_user_id'], ['app_user.id'], name=op.f('fk_complaint_responsible_user_id_app_user')),
    sa.ForeignKeyConstraint(['result_by_id'], ['app_user.id'], name=op.f('fk_complaint_result_by_id_app_user')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['app_user.id'], name=op.f('fk_complaint_reviewed_by_id_app_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_complaint_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint')),
    sa.UniqueConstraint('project_id', 'number', name=op.f('uq_complaint_project_id_number'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_project_handler', ['project_id', 'handler_id', 'id'], unique=False)
        batch_op.create_index('ix_complaint_project_receiver', ['project_id', 'received_by_id', 'id'], unique=False)
        batch_op.create_index('ix_complaint_project_review', ['project_id', 'management_review', 'id'], unique=False)
        batch_op.create_index('ix_complaint_project_state', ['project_id', 'state', 'id'], unique=False)
        batch_op.create_index('ix_complaint_project_unit', ['project_id', 'unit_id', 'received_at'], unique=False)

    op.create_table('complaint_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('purpose', sa.String(length=12), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['app_user.id'], name=op.f('fk_complaint_contact_by_id_app_user')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_contact_complaint_id_complaint'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_contact'))
    )
    with op.batch_alter_table('complaint_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_contact_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('complaint_department',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_department_complaint_id_complaint'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_complaint_department_department_id_department')),
    sa.PrimaryKeyConstraint('complaint_id', 'department_id', name=op.f('pk_complaint_department'))
    )
    op.create_table('complaint_escalation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('to_role', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['app_user.id'], name=op.f('fk_complaint_escalation_by_id_app_user')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_escalation_complaint_id_complaint'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_escalation'))
    )
    with op.batch_alter_table('complaint_escalation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_escalation_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('complaint_forwarding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('to', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['app_user.id'], name=op.f('fk_complaint_forwarding_by_id_app_user')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_forwarding_complaint_id_complaint'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_forwarding'))
    )
    with op.batch_alter_table('complaint_forwarding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_forwarding_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('complaint_person',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_person_complaint_id_complaint'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_complaint_person_user_id_app_user')),
    sa.PrimaryKeyConstraint('complaint_id', 'user_id', name=op.f('pk_complaint_person'))
    )
    op.create_table('complaint_repeat',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('earlier_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_repeat_complaint_id_complaint'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['earlier_id'], ['complaint.id'], name=op.f('fk_complaint_repeat_earlier_id_complaint')),
    sa.PrimaryKeyConstraint('complaint_id', 'earlier_id', name=op.f('pk_complaint_repeat'))
    )
    op.create_table('corrective_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('done_note', sa.Text(), nullable=True),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verification_note', sa.Text(), nullable=True),
    sa.Column('failed_checks', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_corrective_action_complaint_id_complaint'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['done_by_id'], ['app_user.id'], name=op.f('fk_corrective_action_done_by_id_app_user')),
    sa.ForeignKeyConstraint(['owner_id'], ['app_user.id'], name=op.f('fk_corrective_action_owner_id_app_user')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_corrective_action_project_id_project')),
    sa.ForeignKeyConstraint(['set_by_id'], ['app_user.id'], name=op.f('fk_corrective_action_set_by_id_app_user')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['app_user.id'], name=op.f('fk_corrective_action_verified_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_action')),
    sa.UniqueConstraint('complaint_id', 'seq', name=op.f('uq_corrective_action_complaint_id_seq'))
    )
    with op.batch_alter_table('corrective_action', schema=None) as batch_op:
        batch_op.create_index('ix_corrective_action_owner', ['project_id', 'owner_id', 'state'], unique=False)



def downgrade():
    with op.batch_alter_table('corrective_action', schema=None) as batch_op:
        batch_op.drop_index('ix_corrective_action_owner')

    op.drop_table('corrective_action')
    op.drop_table('complaint_repeat')
    op.drop_table('complaint_person')
    with op.batch_alter_table('complaint_forwarding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_forwarding_complaint_id'))

    op.drop_table('complaint_forwarding')
    with op.batch_alter_table('complaint_escalation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_escalation_complaint_id'))

    op.drop_table('complaint_escalation')
    op.drop_table('complaint_department')
    with op.batch_alter_table('complaint_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_contact_complaint_id'))

    op.drop_table('complaint_contact')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_project_unit')
        batch_op.drop_index('ix_complaint_project_state')
        batch_op.drop_index('ix_complaint_project_review')
        batch_op.drop_index('ix_complaint_project_receiver')
        batch_op.drop_index('ix_complaint_project_handler')

    op.drop_table('complaint')
    op.drop_table('complaint_counter')
