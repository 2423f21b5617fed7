"""The holding-cost rate in the inventory settings (percent of the stock's cost a year; None: inherit).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 17:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inventory_settings') as batch:
        batch.add_column(sa.Column('holding_cost_pct', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inventory_settings') as batch:
        batch.drop_column('holding_cost_pct')
