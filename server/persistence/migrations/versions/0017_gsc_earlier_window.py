"""Each page's Search Console totals over the four weeks before the previous window (the "earlier"
window), so a slide that began more than four weeks ago is measured against where the page stood before
it. NULL when the imported data does not reach back that far.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 00:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

COLUMNS = (('earlier_impressions', sa.Integer()), ('earlier_clicks', sa.Integer()),
           ('earlier_position_sum', sa.Float()))


def upgrade() -> None:
    with op.batch_alter_table('gsc_page_stats') as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('gsc_page_stats') as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
