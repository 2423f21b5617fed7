"""Delivery by e-mail: attachments kept with their message, a message's dedupe key (a delivery finds the
message it already sent after a crash), and contacts (a vendor's purchase-order address, as a vault reference).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 12:00:00
"""
from alembic import op
import sqlalchemy as sa

import server.persistence.types

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('email_messages') as batch:
        batch.add_column(sa.Column('dedupe_key', sa.String(length=200), nullable=False, server_default=''))
    op.create_index('ix_email_messages_dedupe', 'email_messages', ['tenant_id', 'dedupe_key'], unique=False)
    op.create_table('email_attachments',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['email_messages.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_email_attachments_message_id', 'email_attachments', ['message_id'], unique=False)
    op.create_table('email_contacts',
    sa.Column('tenant_id', sa.String(length=63), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address_ref', sa.String(length=64), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('updated_at', server.persistence.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.PrimaryKeyConstraint('tenant_id', 'role', 'key')
    )


def downgrade() -> None:
    # Dropping these forgets the attachments sent and the vendors' addresses (the vault keeps the values).
    op.drop_table('email_contacts')
    op.drop_index('ix_email_attachments_message_id', table_name='email_attachments')
    op.drop_table('email_attachments')
    op.drop_index('ix_email_messages_dedupe', table_name='email_messages')
    with op.batch_alter_table('email_messages') as batch:
        batch.drop_column('dedupe_key')
