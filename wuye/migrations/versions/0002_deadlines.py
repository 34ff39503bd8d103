"""deadlines: the deadline rows, their notices, per-project policies and the watcher heartbeat

The partial indexes hold only what the watcher may still act on, so its tick reads the due rows
and not the history (see wuye/models/deadline.py); SQLite and PostgreSQL both support them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 13:35:00.091997

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

RUNNING = 'met_at IS NULL AND closed_at IS NULL'
UNBREACHED = 'met_at IS NULL AND breached_at IS NULL AND closed_at IS NULL'
UNWARNED = 'warned_at IS NULL AND met_at IS NULL AND breached_at IS NULL AND closed_at IS NULL'
INDEXES = [
    ('ix_deadline_breach_due', ['due_at'], UNBREACHED, False),
    ('ix_deadline_warn_due', ['warn_at'], UNWARNED, False),
    ('ix_deadline_escalation_due', ['next_escalation_at'], 'next_escalation_at IS NOT NULL', False),
    ('ix_deadline_project_running', ['project_id', 'due_at'], RUNNING, False),
    ('uq_deadline_subject_kind_running', ['subject_type', 'subject_id', 'kind'], RUNNING, True),
    ('ix_deadline_subject', ['subject_type', 'subject_id', 'id'], None, False),
]


def upgrade():
    op.create_table('watcher_heartbeat',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('beat_at', sa.DateTime(), nullable=False),
    sa.Column('process', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_watcher_heartbeat'))
    )
    op.create_table('deadline_policy',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('warn_percent', sa.Integer(), nullable=True),
    sa.Column('warn_minutes', sa.Integer(), nullable=True),
    sa.Column('escalation_minutes', sa.JSON(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_deadline_policy_project_id_project')),
    sa.PrimaryKeyConstraint('project_id', 'kind', name=op.f('pk_deadline_policy'))
    )
    op.create_table('deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=30), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('warn_at', sa.DateTime(), nullable=True),
    sa.Column('warned_at', sa.DateTime(), nullable=True),
    sa.Column('met_at', sa.DateTime(), nullable=True),
    sa.Column('breached_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('next_escalation_at', sa.DateTime(), nullable=True),
    sa.Column('responsible_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_deadline_project_id_project')),
    sa.ForeignKeyConstraint(['responsible_id'], ['app_user.id'], name=op.f('fk_deadline_responsible_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline'))
    )
    for name, columns, where, unique in INDEXES:
        op.create_index(name, 'deadline', columns, unique=unique,
                        sqlite_where=sa.text(where) if where else None,
                        postgresql_where=sa.text(where) if where else None)

    op.create_table('deadline_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadline.id'], name=op.f('fk_deadline_notice_deadline_id_deadline'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_notice')),
    sa.UniqueConstraint('deadline_id', 'level', name=op.f('uq_deadline_notice_deadline_id_level'))
    )


def downgrade():
    op.drop_table('deadline_notice')
    op.drop_table('deadline')  # its indexes go with it
    op.drop_table('deadline_policy')
    op.drop_table('watcher_heartbeat')
