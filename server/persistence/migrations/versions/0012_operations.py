"""The operations loop: cycle records, agent flags, notifications and per-tenant settings.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 12:00:00
"""
from alembic import op
import sqlalchemy as sa

import server.persistence.types

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_TS = server.persistence.types.UTCDateTime
_JSON = server.persistence.types.JsonType


def upgrade() -> None:
    op.create_table('cycles',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('cycle_key', sa.String(length=200), nullable=False),
    sa.Column('trigger', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('phases', _JSON, nullable=False),
    sa.Column('reflection', _JSON, nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('started_at', _TS(), nullable=False),
    sa.Column('finished_at', _TS(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'cycle_key', name='uq_cycles_key')
    )
    op.create_index('ix_cycles_recent', 'cycles', ['tenant_id', 'started_at'], unique=False)
    op.create_table('agent_flags',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('agent', sa.String(length=60), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_by', sa.String(length=200), nullable=False),
    sa.Column('changed_at', _TS(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id', 'agent')
    )
    op.create_table('notifications',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('dedupe_key', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('data', _JSON, nullable=False),
    sa.Column('channels', _JSON, nullable=False),
    sa.Column('created_at', _TS(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'dedupe_key', name='uq_notifications_dedupe')
    )
    op.create_index('ix_notifications_recent', 'notifications', ['tenant_id', 'created_at'], unique=False)
    op.create_table('tenant_settings',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', _JSON, nullable=False),
    sa.Column('changed_at', _TS(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id', 'key')
    )


def downgrade() -> None:
    # Dropping these forgets the cycle history, the agents switched off and which notifications were sent.
    op.drop_table('tenant_settings')
    op.drop_index('ix_notifications_recent', table_name='notifications')
    op.drop_table('notifications')
    op.drop_table('agent_flags')
    op.drop_index('ix_cycles_recent', table_name='cycles')
    op.drop_table('cycles')
