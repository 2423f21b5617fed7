"""The keyring: data keys wrapped with the master secret, so the secret can be rotated.

The rows are written on first unlock, not here: wrapping needs the master secret, which
migrations never see. A database migrated from before this revision is adopted then (its
keys are the ones derived from the secret it was written under).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 14:00:00
"""
from alembic import op
import sqlalchemy as sa

import server.persistence.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('keyring',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('wrapped', sa.Text(), nullable=False),
    sa.Column('origin', sa.String(length=40), nullable=False),
    sa.Column('created_at', server.persistence.types.UTCDateTime(), nullable=False),
    sa.Column('rotated_at', server.persistence.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    # Without its keyring a database's vault and references can no longer be read: refuse rather than lose them.
    if op.get_bind().execute(sa.text("SELECT count(*) FROM keyring")).scalar():
        raise RuntimeError("the keyring holds this database's data keys; downgrading past 0006 would lose them")
    op.drop_table('keyring')
