"""Outcomes of executed actions, the learning loop's calibrations and held-back-control experiments.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 17:00:00
"""
from alembic import op
import sqlalchemy as sa

import server.persistence.types

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_TS = server.persistence.types.UTCDateTime
_JSON = server.persistence.types.JsonType


def upgrade() -> None:
    op.create_table('outcomes',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('action_id', sa.BigInteger(), nullable=False),
    sa.Column('agent', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('metric', sa.String(length=100), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('effect', sa.Float(), nullable=True),
    sa.Column('low', sa.Float(), nullable=True),
    sa.Column('high', sa.Float(), nullable=True),
    sa.Column('revenue', sa.Float(), nullable=True),
    sa.Column('revenue_low', sa.Float(), nullable=True),
    sa.Column('revenue_high', sa.Float(), nullable=True),
    sa.Column('expected_revenue', sa.Float(), nullable=False),
    sa.Column('experiment_id', sa.BigInteger(), nullable=True),
    sa.Column('details', _JSON, nullable=False),
    sa.Column('measured_at', _TS(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'action_id')
    )
    op.create_table('calibrations',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('agent', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('approvals', sa.Integer(), nullable=False),
    sa.Column('rejections', sa.Integer(), nullable=False),
    sa.Column('confidence_factor', sa.Float(), nullable=False),
    sa.Column('revenue_ratio', sa.Float(), nullable=False),
    sa.Column('outcomes', sa.Integer(), nullable=False),
    sa.Column('negative_outcomes', sa.Integer(), nullable=False),
    sa.Column('details', _JSON, nullable=False),
    sa.Column('updated_at', _TS(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id', 'agent', 'kind')
    )
    op.create_table('experiments',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('treated', _JSON, nullable=False),
    sa.Column('control', _JSON, nullable=False),
    sa.Column('share', sa.Float(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', _TS(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('significant', sa.Boolean(), nullable=False),
    sa.Column('result', _JSON, nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_experiments_tenant_id', 'experiments', ['tenant_id'], unique=False)


def downgrade() -> None:
    # Dropping these forgets what the engine learned (outcomes, calibrations, experiments); actions stay.
    op.drop_index('ix_experiments_tenant_id', table_name='experiments')
    op.drop_table('experiments')
    op.drop_table('calibrations')
    op.drop_table('outcomes')
