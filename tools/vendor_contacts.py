"""Where a vendor's purchase orders go: one address per vendor name (the products' ``Vendor``).

The address is vaulted like every recipient (the contacts table holds its reference); the delivery of
a purchase order reads it back only to hand it to the e-mail channel. A vendor with no address makes
the delivery ``delivery_failed`` (``no_vendor_address``) until one is set and the delivery retried.
"""

from __future__ import annotations

from typing import Any

from policies.pii.detect import Entity
from policies.principal import Principal
from tools.audit import record
from tools.deps import Deps, Tx
from tools.email import address_ref, normalize
from tools.errors import InvalidInput
from tools.registry import operation

ROLE = "vendor"


def _name(vendor: str) -> str:
    name = vendor.strip()
    if not name or len(name) > 200 or any(c in name for c in "\r\n"):
        raise InvalidInput("name the vendor as the products' Vendor column does (1 to 200 characters, one line)",
                           code="invalid_vendor")
    return name


async def address(tx: Tx, vendor: str) -> str | None:
    """The vendor's purchase-order address, read from the vault; None if none is known."""
    if not vendor.strip():
        return None
    row = await tx.email.contact(ROLE, vendor)
    if row is None:
        return None
    found = await tx.pii.reveal(row["address_ref"])
    return found[1] if found is not None else None


@operation("vendors.set_address")
async def set_vendor_address(deps: Deps, principal: Principal, *, vendor: str, address: str) -> dict[str, Any]:
    """Send ``vendor``'s purchase orders to ``address``."""
    name, value = _name(vendor), normalize(address)
    ref = address_ref(deps, principal.tenant, value)

    async def txn(tx: Tx) -> None:
        now = deps.now()
        await tx.tenants.ensure(name=principal.tenant, now=now)
        await tx.pii.store(ref=ref, entity=Entity.EMAIL.value, value=value, now=now)
        await tx.email.set_contact(ROLE, name, ref=ref, by=principal.subject, now=now)
        await record(tx, deps, actor=principal.subject, event="vendor.address_set", subject=f"vendor:{name}",
                     data={"address": ref})

    await deps.db.transact(principal.tenant, txn)
    return {"vendor": name, "address": ref}


@operation("vendors.remove_address")
async def remove_vendor_address(deps: Deps, principal: Principal, *, vendor: str) -> dict[str, Any]:
    name = _name(vendor)

    async def txn(tx: Tx) -> bool:
        removed = await tx.email.remove_contact(ROLE, name)
        if removed:
            await record(tx, deps, actor=principal.subject, event="vendor.address_removed", subject=f"vendor:{name}")
        return removed

    return {"vendor": name, "removed": await deps.db.transact(principal.tenant, txn)}


@operation("vendors.list")
async def vendor_addresses(deps: Deps, principal: Principal) -> dict[str, Any]:
    """The vendors with a purchase-order address (as references), and the store's vendors without one."""

    async def txn(tx: Tx) -> dict[str, Any]:
        known = await tx.email.contacts(ROLE)
        names = {str(p.get("vendor") or "").strip() for p in await tx.commerce.catalogue()} - {""}
        have = {c["key"] for c in known}
        return {"vendors": [{"vendor": c["name"], "address": c["address_ref"], "updated_at": c["updated_at"]}
                            for c in known],
                "missing": sorted(n for n in names if n.lower() not in have)}

    return await deps.db.query(principal.tenant, txn)
