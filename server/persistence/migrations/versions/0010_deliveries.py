"""Deliveries of executed actions to the live store (Shopify), one per outbox event.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 12:00:00
"""
from alembic import op
import sqlalchemy as sa

import server.persistence.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('store_deliveries',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('outbox_id', sa.BigInteger(), nullable=False),
    sa.Column('action_id', sa.BigInteger(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('op', sa.String(length=20), nullable=False),
    sa.Column('resource', sa.String(length=500), nullable=False),
    sa.Column('expected', server.persistence.types.JsonType, nullable=False),
    sa.Column('target', server.persistence.types.JsonType, nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('error_code', sa.String(length=100), nullable=False),
    sa.Column('live', server.persistence.types.JsonType, nullable=True),
    sa.Column('remote_ids', server.persistence.types.JsonType, nullable=False),
    sa.Column('response', server.persistence.types.JsonType, nullable=False),
    sa.Column('next_attempt_at', server.persistence.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', server.persistence.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', server.persistence.types.UTCDateTime(), nullable=False),
    sa.Column('delivered_at', server.persistence.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_events.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('outbox_id')
    )
    op.create_index('ix_store_deliveries_action_id', 'store_deliveries', ['action_id'], unique=False)
    op.create_index('ix_store_deliveries_due', 'store_deliveries', ['tenant_id', 'state', 'next_attempt_at'],
                    unique=False)


def downgrade() -> None:
    # Dropping the table forgets where each delivery to the live store stands (the outbox keeps the events).
    op.drop_table('store_deliveries')
