"""An index for the memory of decisions: the last refusal of a (kind, target) is one lookup.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 12:25:00
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_actions_kind_target', 'actions', ['tenant_id', 'kind', 'target', 'updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_actions_kind_target', table_name='actions')
