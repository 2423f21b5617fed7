"""The worker processes of the durable engine: each one's heartbeat, so a live worker can take over
the workflows of one that died (DBOS recovers a dead executor's workflows when told which one died).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 12:00:00
"""
from alembic import op
import sqlalchemy as sa

import server.persistence.types

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_TS = server.persistence.types.UTCDateTime


def upgrade() -> None:
    op.create_table('workers',
    sa.Column('id', sa.String(length=200), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('started_at', _TS(), nullable=False),
    sa.Column('seen_at', _TS(), nullable=False),
    sa.Column('stopped_at', _TS(), nullable=True),
    sa.Column('recovered_by', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workers'))
    )


def downgrade() -> None:
    op.drop_table('workers')
