"""administration (issue 11): building builders, unit 单元/floor/area/status, several contacts per unit,
department heads, must-change-password, per-project appointment windows; today's owners become contacts

Revision ID: 0007_admin
Revises: 0006
Create Date: 2026-12-01 21:45:00

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_admin'
down_revision = '0007_reports'
branch_labels = None
depends_on = None

# what desk/forms.py offered to every project until now
WINDOWS = [("08:00", "10:00"), ("10:00", "12:00"), ("12:00", "14:00"), ("14:00", "16:00"), ("16:00", "18:00"),
           ("18:00", "20:00")]


def _add_columns(table, *columns):
    # a SQLite downgrade leaves these columns behind (see downgrade): add only what is missing
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            if column.name not in present:
                batch_op.add_column(column)


def upgrade():
    _add_columns('project', sa.Column('address', sa.String(length=200), nullable=False, server_default=''))
    _add_columns('building',
                 sa.Column('developer', sa.String(length=100), nullable=False, server_default=''),
                 sa.Column('main_contractor', sa.String(length=100), nullable=False, server_default=''))
    _add_columns('unit',
                 sa.Column('unit_no', sa.String(length=10), nullable=False, server_default=''),
                 sa.Column('floor', sa.Integer(), nullable=True),
                 sa.Column('area_centi', sa.Integer(), nullable=True),
                 sa.Column('status', sa.String(length=10), nullable=False, server_default='occupied'))
    if 'head_id' not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns('department')}:
        with op.batch_alter_table('department', schema=None) as batch_op:
            batch_op.add_column(sa.Column('head_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f('fk_department_head_id_app_user'), 'app_user', ['head_id'],
                                        ['id'], ondelete='SET NULL')
    _add_columns('app_user', sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    op.create_table('unit_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('phone2', sa.String(length=20), nullable=False),
    sa.Column('may_receive_messages', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_unit_contact_project_id_project')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_contact_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_contact'))
    )
    with op.batch_alter_table('unit_contact', schema=None) as batch_op:
        batch_op.create_index('ix_unit_contact_project_phone', ['project_id', 'phone'], unique=False)
        batch_op.create_index('ix_unit_contact_project_phone2', ['project_id', 'phone2'], unique=False)
        batch_op.create_index('ix_unit_contact_unit', ['unit_id', 'position'], unique=False)
    op.create_table('appointment_window',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('starts', sa.String(length=5), nullable=False),
    sa.Column('ends', sa.String(length=5), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_appointment_window_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_window')),
    sa.UniqueConstraint('project_id', 'starts', 'ends', name=op.f('uq_appointment_window_project_id'))
    )
    _migrate_data()


def _migrate_data():
    """Each project gets today's fixed windows as its rows; each unit's owner becomes its first contact,
    and 单元/floor are read from labels of the form 3栋2单元1201."""
    conn = op.get_bind()
    windows = sa.table('appointment_window', sa.column('project_id'), sa.column('starts'), sa.column('ends'),
                       sa.column('position'), sa.column('active'))
    for (project_id,) in conn.execute(sa.text("SELECT id FROM project")):
        conn.execute(windows.insert(), [dict(project_id=project_id, starts=s, ends=e, position=i, active=True)
                                        for i, (s, e) in enumerate(WINDOWS)])
    contacts = sa.table('unit_contact', sa.column('project_id'), sa.column('unit_id'), sa.column('position'),
                        sa.column('kind'), sa.column('name'), sa.column('phone'), sa.column('phone2'),
                        sa.column('may_receive_messages'))
    rows = conn.execute(sa.text("SELECT id, project_id, label, room, owner_name, owner_phone FROM unit")).all()
    batch = []
    for unit_id, project_id, label, room, owner_name, owner_phone in rows:
        m = re.search(r"(\d+)单元(\d+)$", label or "")
        unit_no = m.group(1) if m else ""
        floor = int(room[:-2]) if room and room.isdigit() and len(room) > 2 else None
        conn.execute(sa.text("UPDATE unit SET unit_no = :u, floor = :f WHERE id = :id"),
                     dict(u=unit_no, f=floor, id=unit_id))
        if owner_name or owner_phone:
            batch.append(dict(project_id=project_id, unit_id=unit_id, position=0, kind='owner',
                              name=owner_name or '', phone=owner_phone or '', phone2='', may_receive_messages=True))
    if batch:
        conn.execute(contacts.insert(), batch)


def downgrade():
    # SQLite would rebuild unit, app_user, project and building, which other tables point at (a failing
    # foreign key check): there the added columns stay behind, unused by 0006's code
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_table('appointment_window')
    with op.batch_alter_table('unit_contact', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_contact_unit')
        batch_op.drop_index('ix_unit_contact_project_phone2')
        batch_op.drop_index('ix_unit_contact_project_phone')
    op.drop_table('unit_contact')
    if sqlite:
        return
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_department_head_id_app_user'), type_='foreignkey')
        batch_op.drop_column('head_id')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('status')
        batch_op.drop_column('area_centi')
        batch_op.drop_column('floor')
        batch_op.drop_column('unit_no')
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.drop_column('main_contractor')
        batch_op.drop_column('developer')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('address')
