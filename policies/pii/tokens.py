"""Stable tokenized references: the same value gives the same reference within a tenant."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from policies.pii.detect import Entity

PREFIX = {Entity.EMAIL: "em", Entity.PHONE: "ph", Entity.CARD: "cc", Entity.IBAN: "ib",
          Entity.ADDRESS: "ad", Entity.NAME: "nm"}
#: references of customers (an email is the customer's identity in a store)
CUSTOMER_PREFIX = "cus"


def tenant_key(secret: bytes, tenant: str) -> bytes:
    """A per-tenant key, so references never line up across tenants."""
    return hmac.new(secret, b"pii-ref:" + tenant.encode(), hashlib.sha256).digest()


def normalize(entity: Entity, value: str) -> str:
    match entity:
        case Entity.EMAIL:
            return value.strip().lower()
        case Entity.PHONE:
            core = re.split(r"\s*(?:x|ext\.?|extension)\s*(?=\d)", value, maxsplit=1)
            digits = re.sub(r"[^\d+]", "", core[0].replace("(0)", ""))
            return digits + ("x" + re.sub(r"\D", "", core[1]) if len(core) > 1 else "")
        case Entity.CARD | Entity.IBAN:
            return re.sub(r"[\s-]", "", value).upper()
        case Entity.ADDRESS | Entity.NAME:
            return " ".join(value.split()).casefold()
    raise ValueError(entity)


def _digest(key: bytes, label: str, value: str) -> str:
    mac = hmac.new(key, f"{label}:{value}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac).decode().lower()[:12]


def reference(entity: Entity, value: str, key: bytes) -> str:
    return f"{PREFIX[entity]}_{_digest(key, entity.value, normalize(entity, value))}"


def customer_reference(email: str, key: bytes) -> str:
    """The customer's tokenized identity, derived from their email."""
    return f"{CUSTOMER_PREFIX}_{_digest(key, 'customer', normalize(Entity.EMAIL, email))}"
