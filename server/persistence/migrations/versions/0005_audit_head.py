"""The audit head is signed and protected like the events it points at.

Adds ``audit_heads.mac`` (HMAC with the chain key over tenant, seq and hash) and the
triggers that let a head only move forward (``server/persistence/audit_guard.py``).

Heads that exist already are signed here, once, with the key ``growth db upgrade``
passes in (``config.attributes["audit_key"]``), each only after its last link checks
out with that key. This is the one moment a head is known to be legacy rather than
stripped of its signature: after this revision an empty ``mac`` is a failure, never
something the next append or upgrade would sign.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 13:50:00
"""
import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.engine import Connection

from server.persistence import audit_guard
from server.persistence.migrate import UpgradeRefused
from tools.audit_chain import GENESIS, head_mac, link_hash

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_HEADS = sa.text(
    "SELECT h.tenant_id, h.seq, h.hash, e.ts, e.actor, e.event, e.subject, e.data, e.prev_hash, "
    "e.hash AS event_hash FROM audit_heads h "
    "LEFT JOIN audit_events e ON e.tenant_id = h.tenant_id AND e.seq = h.seq")


def _sign_existing_heads(conn: Connection) -> dict[str, str]:
    """{tenant: mac} for every head whose last link holds; nothing is written yet."""
    rows = conn.execute(_HEADS).all()
    if not rows:
        return {}
    key = context.config.attributes.get("audit_key")
    if not key:
        raise UpgradeRefused("migration 0005 signs the existing audit heads with the server secret: "
                           "run `growth db upgrade` with the server's GROWTH_SECRET_KEY")
    macs, linked, unlinked = {}, 0, 0
    for r in rows:
        if r.seq == 0:
            holds = r.hash == GENESIS
        else:
            holds = r.event_hash == r.hash and r.hash == link_hash(
                key, tenant=r.tenant_id, seq=r.seq, ts=r.ts, actor=r.actor, event=r.event, subject=r.subject,
                data=r.data, prev_hash=r.prev_hash)
            linked, unlinked = linked + holds, unlinked + (not holds)
        # a head that does not check out stays unsigned: `growth audit verify` reports it
        if holds:
            macs[r.tenant_id] = head_mac(key, tenant=r.tenant_id, seq=r.seq, hash=r.hash)
    if unlinked and not linked:
        raise UpgradeRefused("the secret does not check out against any audit chain in this database (is "
                           "GROWTH_SECRET_KEY the server's?); nothing was changed")
    return macs


def upgrade() -> None:
    conn = op.get_bind()
    macs = _sign_existing_heads(conn)
    with op.batch_alter_table('audit_heads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mac', sa.String(length=64), server_default='', nullable=False))
    for tenant, mac in macs.items():
        conn.execute(sa.text("UPDATE audit_heads SET mac = :mac WHERE tenant_id = :tenant"),
                     {"mac": mac, "tenant": tenant})
    audit_guard.restore(conn, tables=("audit_heads",))


def downgrade() -> None:
    audit_guard.drop(op.get_bind(), tables=("audit_heads",))
    with op.batch_alter_table('audit_heads', schema=None) as batch_op:
        batch_op.drop_column('mac')
