"""Telemetry: import records and watermarks, Search Console and GA4 facts with their rollups,
order details (PII as vault references) and order lines, inventory settings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 22:40:16.349645
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import server.persistence.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ga4_daily',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('landing_page', sa.String(length=2000), nullable=False),
    sa.Column('channel', sa.String(length=100), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('engaged_sessions', sa.Integer(), nullable=False),
    sa.Column('key_events', sa.Float(), nullable=False),
    sa.Column('revenue', sa.Float(), nullable=False),
    sa.Column('purchases', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', 'landing_page', 'channel', 'day'),
    sqlite_with_rowid=False
    )
    op.create_table('ga4_stats',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('landing_page', sa.String(length=2000), nullable=False),
    sa.Column('channel', sa.String(length=100), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('engaged_sessions', sa.Integer(), nullable=False),
    sa.Column('key_events', sa.Float(), nullable=False),
    sa.Column('revenue', sa.Float(), nullable=False),
    sa.Column('purchases', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', 'landing_page', 'channel', 'period')
    )
    op.create_table('gsc_ctr_buckets',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('impressions', sa.BigInteger(), nullable=False),
    sa.Column('clicks', sa.BigInteger(), nullable=False),
    sa.Column('pairs', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', 'position')
    )
    op.create_table('gsc_daily',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('page_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('query_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('impressions', sa.Integer(), nullable=False),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.Column('position_sum', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', 'page_id', 'query_id', 'day'),
    sqlite_with_rowid=False
    )
    op.create_table('gsc_page_stats',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('page_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('impressions', sa.Integer(), nullable=False),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.Column('position_sum', sa.Float(), nullable=False),
    sa.Column('prev_impressions', sa.Integer(), nullable=False),
    sa.Column('prev_clicks', sa.Integer(), nullable=False),
    sa.Column('prev_position_sum', sa.Float(), nullable=False),
    sa.Column('queries', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', 'page_id')
    )
    op.create_table('gsc_pair_stats',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('page_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('query_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('impressions', sa.Integer(), nullable=False),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.Column('position_sum', sa.Float(), nullable=False),
    sa.Column('prev_impressions', sa.Integer(), nullable=False),
    sa.Column('prev_clicks', sa.Integer(), nullable=False),
    sa.Column('prev_position_sum', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', 'page_id', 'query_id'),
    sqlite_with_rowid=False
    )
    op.create_table('gsc_query_stats',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('query_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('impressions', sa.Integer(), nullable=False),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.Column('position_sum', sa.Float(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('best_position', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', 'query_id')
    )
    with op.batch_alter_table('gsc_query_stats', schema=None) as batch_op:
        batch_op.create_index('ix_gsc_query_stats_impressions', ['tenant_id', 'impressions'], unique=False)

    op.create_table('gsc_pages',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('path', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'url')
    )
    op.create_table('gsc_queries',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id', 'id'),
    sa.UniqueConstraint('tenant_id', 'text')
    )
    op.create_table('gsc_ui_stats',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=2000), nullable=False),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.Column('impressions', sa.Integer(), nullable=False),
    sa.Column('position', sa.Float(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=True),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id', 'dimension', 'key')
    )
    op.create_table('inventory_settings',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('lead_time_days', sa.Integer(), nullable=False),
    sa.Column('safety_days', sa.Integer(), nullable=False),
    sa.Column('cover_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', server.persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id', 'scope', 'key')
    )
    op.create_table('telemetry_imports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('format', sa.String(length=40), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows_read', sa.BigInteger(), nullable=False),
    sa.Column('rows_written', sa.BigInteger(), nullable=False),
    sa.Column('rows_skipped', sa.BigInteger(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=True),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.Column('report', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('imported_at', server.persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'source', 'sha256')
    )
    op.create_table('telemetry_sources',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('watermark', server.persistence.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_import_id', sa.BigInteger(), nullable=True),
    sa.Column('last_import_at', server.persistence.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rows', sa.BigInteger(), nullable=False),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id', 'source')
    )
    op.create_table('order_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('price', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_order_lines_sku', ['tenant_id', 'sku'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('email_ref', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('email_domain', sa.String(length=255), server_default='', nullable=False))
        batch_op.add_column(sa.Column('email_disposable', sa.Boolean(), server_default=sa.text('(false)'), nullable=False))
        batch_op.add_column(sa.Column('name_ref', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('phone_ref', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('billing_address_ref', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('shipping_address_ref', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('billing_country', sa.String(length=60), server_default='', nullable=False))
        batch_op.add_column(sa.Column('shipping_country', sa.String(length=60), server_default='', nullable=False))
        batch_op.add_column(sa.Column('subtotal', sa.Float(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('shipping', sa.Float(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('taxes', sa.Float(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('discount_amount', sa.Float(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('discount_code', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('paid_at', server.persistence.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', server.persistence.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('refunded_amount', sa.Float(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('risk_level', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('source', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('payment_method', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('tags', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('import_id', sa.BigInteger(), nullable=True))
        batch_op.create_index('ix_orders_created', ['tenant_id', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_created')
        batch_op.drop_column('import_id')
        batch_op.drop_column('tags')
        batch_op.drop_column('payment_method')
        batch_op.drop_column('source')
        batch_op.drop_column('risk_level')
        batch_op.drop_column('refunded_amount')
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('paid_at')
        batch_op.drop_column('discount_code')
        batch_op.drop_column('discount_amount')
        batch_op.drop_column('taxes')
        batch_op.drop_column('shipping')
        batch_op.drop_column('subtotal')
        batch_op.drop_column('shipping_country')
        batch_op.drop_column('billing_country')
        batch_op.drop_column('shipping_address_ref')
        batch_op.drop_column('billing_address_ref')
        batch_op.drop_column('phone_ref')
        batch_op.drop_column('name_ref')
        batch_op.drop_column('email_disposable')
        batch_op.drop_column('email_domain')
        batch_op.drop_column('email_ref')
        batch_op.drop_column('external_id')

    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_order_lines_sku')
        batch_op.drop_index(batch_op.f('ix_order_lines_order_id'))

    op.drop_table('order_lines')
    op.drop_table('telemetry_sources')
    op.drop_table('telemetry_imports')
    op.drop_table('inventory_settings')
    op.drop_table('gsc_ui_stats')
    op.drop_table('gsc_queries')
    op.drop_table('gsc_pages')
    with op.batch_alter_table('gsc_query_stats', schema=None) as batch_op:
        batch_op.drop_index('ix_gsc_query_stats_impressions')

    op.drop_table('gsc_query_stats')
    op.drop_table('gsc_pair_stats')
    op.drop_table('gsc_page_stats')
    op.drop_table('gsc_daily')
    op.drop_table('gsc_ctr_buckets')
    op.drop_table('ga4_stats')
    op.drop_table('ga4_daily')
