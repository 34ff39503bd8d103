"""the delivery outbox (a row per notice, channel and recipient), its attempts, users' channel choices,
and the user's WeCom id

Revision ID: 0009_delivery
Revises: 0008_warranty
Create Date: 2026-12-01 22:20:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0009_delivery'
down_revision = '0008_warranty'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'resident_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_resident_message_project_id_project')),
        sa.ForeignKeyConstraint(['order_id'], ['repair_order.id'],
                                name=op.f('fk_resident_message_order_id_repair_order'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_message')),
    )
    op.create_index(op.f('ix_resident_message_order_id'), 'resident_message', ['order_id'], unique=False)
    op.create_table(
        'resident_consent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('agreed_at', sa.DateTime(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['order_id'], ['repair_order.id'],
                                name=op.f('fk_resident_consent_order_id_repair_order'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'],
                                name=op.f('fk_resident_consent_recorded_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_consent')),
        sa.UniqueConstraint('order_id', name=op.f('uq_resident_consent_order_id')),
    )
    op.create_table(
        'delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=True),
        sa.Column('resident_message_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('recipient', sa.String(length=200), nullable=False),
        sa.Column('group_key', sa.String(length=200), nullable=True),
        sa.Column('urgent', sa.Boolean(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('next_at', sa.DateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('lease_until', sa.DateTime(), nullable=True),
        sa.Column('possible_repeats', sa.Integer(), nullable=False),
        sa.Column('gateway_id', sa.String(length=100), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('delivered_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['notification_id'], ['notification.id'],
                                name=op.f('fk_delivery_notification_id_notification'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['resident_message_id'], ['resident_message.id'],
                                name=op.f('fk_delivery_resident_message_id_resident_message'), ondelete='CASCADE'),
        sa.UniqueConstraint('resident_message_id', 'channel', 'recipient',
                            name=op.f('uq_delivery_resident_message_id_channel_recipient')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
        sa.UniqueConstraint('notification_id', 'channel', 'recipient',
                            name=op.f('uq_delivery_notification_id_channel_recipient')),
        sa.UniqueConstraint('channel', 'group_key', name=op.f('uq_delivery_channel_group_key')),
    )
    op.create_index('ix_delivery_due', 'delivery', ['state', 'next_at'], unique=False)
    op.create_table(
        'delivery_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('delivery_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('outcome', sa.String(length=12), nullable=False),
        sa.Column('gateway_id', sa.String(length=100), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('duration_ms', sa.Integer(), nullable=False),
        sa.Column('process', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'],
                                name=op.f('fk_delivery_attempt_delivery_id_delivery'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_attempt')),
    )
    op.create_index(op.f('ix_delivery_attempt_delivery_id'), 'delivery_attempt', ['delivery_id'], unique=False)
    op.create_table(
        'delivery_preference',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                                name=op.f('fk_delivery_preference_user_id_app_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_preference')),
        sa.UniqueConstraint('user_id', 'kind', 'channel', name=op.f('uq_delivery_preference_user_id_kind_channel')),
    )
    op.create_table(
        'delivery_address',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('address', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                                name=op.f('fk_delivery_address_user_id_app_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_address')),
        sa.UniqueConstraint('user_id', 'channel', name=op.f('uq_delivery_address_user_id_channel')),
    )
    op.create_table(
        'digest_day',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('made_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_digest_day_project_id_project'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_day')),
        sa.UniqueConstraint('project_id', 'day', name=op.f('uq_digest_day_project_id_day')),
    )
    op.create_table(
        'push_subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('endpoint', sa.String(length=1000), nullable=False),
        sa.Column('p256dh', sa.String(length=200), nullable=False),
        sa.Column('auth', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                                name=op.f('fk_push_subscription_user_id_app_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscription')),
        sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscription_endpoint')),
    )
    op.create_index(op.f('ix_push_subscription_user_id'), 'push_subscription', ['user_id'], unique=False)
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wecom_userid', sa.String(length=64), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('wecom_userid')
    op.drop_index(op.f('ix_push_subscription_user_id'), table_name='push_subscription')
    op.drop_table('push_subscription')
    op.drop_table('digest_day')
    op.drop_table('delivery_address')
    op.drop_table('delivery_preference')
    op.drop_index(op.f('ix_delivery_attempt_delivery_id'), table_name='delivery_attempt')
    op.drop_table('delivery_attempt')
    op.drop_index('ix_delivery_due', table_name='delivery')
    op.drop_table('delivery')
    op.drop_table('resident_consent')
    op.drop_index(op.f('ix_resident_message_order_id'), table_name='resident_message')
    op.drop_table('resident_message')
