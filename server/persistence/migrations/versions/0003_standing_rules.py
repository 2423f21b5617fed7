"""The operator's standing rules move into the engine's own database, so every process reads them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 11:20:00
"""
from alembic import op
import sqlalchemy as sa

import server.persistence.types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('standing_rules',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('rule', server.persistence.types.JsonType, nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', server.persistence.types.UTCDateTime(), nullable=False),
    sa.Column('forgotten_at', server.persistence.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'key')
    )
    op.create_index(op.f('ix_standing_rules_tenant_id'), 'standing_rules', ['tenant_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_standing_rules_tenant_id'), table_name='standing_rules')
    op.drop_table('standing_rules')
