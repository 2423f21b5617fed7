"""Connections per tenant to outside stores (``growth connect shopify``), the credential sealed with the vault key.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa

import server.persistence.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('store_connections',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('shop', sa.String(length=255), nullable=False),
    sa.Column('api_url', sa.String(length=500), nullable=True),
    sa.Column('token_ciphertext', sa.Text(), nullable=False),
    sa.Column('token_hint', sa.String(length=40), nullable=False),
    sa.Column('scopes', server.persistence.types.JsonType, nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('shop_name', sa.String(length=255), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('checked_at', server.persistence.types.UTCDateTime(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', server.persistence.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', server.persistence.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id', 'provider')
    )


def downgrade() -> None:
    # Dropping the table forgets the stores' credentials; the operator connects again after upgrading.
    op.drop_table('store_connections')
