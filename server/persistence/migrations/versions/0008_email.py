"""The e-mail channel: each tenant's send mode, its suppression list and every message with its rendering.

Recipient addresses are PII: these tables hold vault references only (``pii_vault`` has the values).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00
"""
from alembic import op
import sqlalchemy as sa

import server.persistence.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('email_channels',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('daily_cap', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('updated_at', server.persistence.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id')
    )
    op.create_table('email_suppressions',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('address_ref', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', server.persistence.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id', 'address_ref')
    )
    op.create_table('email_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('recipients', server.persistence.types.JsonType, nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', server.persistence.types.UTCDateTime(), nullable=False),
    sa.Column('sent_at', server.persistence.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_email_messages_tenant_id_id', 'email_messages', ['tenant_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_email_messages_tenant_id_id', table_name='email_messages')
    op.drop_table('email_messages')
    op.drop_table('email_suppressions')
    op.drop_table('email_channels')
