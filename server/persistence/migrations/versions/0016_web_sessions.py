"""The web console's sign-in sessions: a hashed cookie value, the token it stands for, its CSRF token.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 20:00:00
"""
from alembic import op
import sqlalchemy as sa

import server.persistence.types

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_TS = server.persistence.types.UTCDateTime


def upgrade() -> None:
    op.create_table('web_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('csrf', sa.String(length=64), nullable=False),
    sa.Column('flash', sa.Text(), nullable=False),
    sa.Column('created_at', _TS(), nullable=False),
    sa.Column('seen_at', _TS(), nullable=False),
    sa.Column('expires_at', _TS(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_web_sessions_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions'))
    )
    op.create_index('ix_web_sessions_expiry', 'web_sessions', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_web_sessions_expiry', table_name='web_sessions')
    op.drop_table('web_sessions')
