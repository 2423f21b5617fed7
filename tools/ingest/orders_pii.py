"""Orders through the PII broker: raw customer fields become vault references and
derived features before anything is written."""

from __future__ import annotations

from typing import Any

from policies.pii import redact
from policies.pii.detect import Entity
from policies.pii.disposable import email_domain, is_disposable
from policies.pii.tokens import customer_reference, reference
from tools.ingest.batches import OrdersBatch


def tokenize(batch: OrdersBatch, key: bytes, *, import_id: int | None = None
             ) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]], dict[str, tuple[str, str]]]:
    """(order rows, line rows by order name, vault entries ``{ref: (entity, raw)}``)."""
    vault: dict[str, tuple[str, str]] = {}

    def ref(entity: Entity, raw: str) -> str | None:
        if not raw.strip():
            return None
        r = reference(entity, raw, key)
        vault.setdefault(r, (entity.value, raw))
        return r

    def tokens(entity: Entity, raw: str) -> str:
        r = reference(entity, raw, key)
        vault.setdefault(r, (entity.value, raw))
        return r

    orders, lines = [], {}
    for o in batch.orders:
        tags = redact(o.tags, tokens).text if o.tags else ""
        domain = email_domain(o.email)
        orders.append({
            "name": o.name, "customer_ref": customer_reference(o.email, key) if o.email.strip() else "",
            "financial_status": o.financial_status[:30], "fulfillment_status": o.fulfillment_status[:30],
            "currency": o.currency, "total": o.total, "created_at": o.created_at, "external_id": o.external_id[:40],
            "email_ref": ref(Entity.EMAIL, o.email), "email_domain": domain[:255],
            "email_disposable": is_disposable(domain) if domain else False,
            "name_ref": ref(Entity.NAME, o.billing_name), "phone_ref": ref(Entity.PHONE, o.phone),
            "billing_address_ref": ref(Entity.ADDRESS, o.billing_address),
            "shipping_address_ref": ref(Entity.ADDRESS, o.shipping_address),
            "billing_country": o.billing_country[:60], "shipping_country": o.shipping_country[:60],
            "subtotal": o.subtotal, "shipping": o.shipping, "taxes": o.taxes, "discount_amount": o.discount_amount,
            "discount_code": o.discount_code[:200], "paid_at": o.paid_at, "cancelled_at": o.cancelled_at,
            "refunded_amount": o.refunded_amount, "risk_level": o.risk_level, "source": o.source[:100],
            "payment_method": o.payment_method[:200], "tags": tags, "import_id": import_id,
        })
        lines[o.name] = [{"sku": li.sku[:200], "name": li.name[:500], "quantity": li.quantity, "price": li.price}
                         for li in o.lines]
    return orders, lines, vault
