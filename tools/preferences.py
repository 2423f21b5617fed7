"""The operator's standing preferences: remembered, listed, forgotten — and enforced at proposal."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlparse

from policies import preferences as prefs
from policies.principal import Principal
from tools.audit import record
from tools.deps import Deps, Tx
from tools.errors import InvalidInput, NotFound
from tools.registry import operation


def _store(deps: Deps) -> Any:
    if deps.memory is None:
        raise InvalidInput("agent memory is not configured in this process", code="memory_unavailable")
    return deps.memory


@operation("memory.write")
async def remember(deps: Deps, principal: Principal, *, text: str) -> dict[str, Any]:
    """Keep a standing preference; the ones the engine can enforce are parsed into rules."""
    text = " ".join(text.split())
    if not 3 <= len(text) <= 500:
        raise InvalidInput("a preference is a sentence of 3 to 500 characters", code="invalid_input")
    rule = prefs.parse_rule(text)
    key = uuid.uuid4().hex[:10]
    value = {"key": key, "text": text, "by": principal.subject, "at": deps.now().isoformat(),
             "rule": {"kind": rule.kind, "subject": list(rule.subject)} if rule else None}
    await _store(deps).put(principal.tenant, key, value)
    await deps.db.transact(principal.tenant, lambda tx: record(
        tx, deps, actor=principal.subject, event="memory.remembered", subject=f"preference:{key}",
        data={"text": text, "rule": value["rule"]}))
    return {**value, "enforced": rule is not None}


@operation("memory.read")
async def list_preferences(deps: Deps, principal: Principal) -> list[dict[str, Any]]:
    if deps.memory is None:
        return []
    return sorted(await deps.memory.list(principal.tenant), key=lambda v: v.get("at", ""))


async def forget(deps: Deps, principal: Principal, *, key_or_text: str) -> dict[str, Any]:
    """Forget a preference by its key or by words it contains."""
    items = await list_preferences(deps, principal)
    needle = key_or_text.strip().lower()
    match = [i for i in items if i["key"] == needle] or [i for i in items if needle and needle in i["text"].lower()]
    if not match:
        raise NotFound(f"no preference matches {key_or_text!r}")
    if len(match) > 1:
        raise InvalidInput("several preferences match: " + "; ".join(f"{i['key']}: {i['text']}" for i in match),
                           code="ambiguous")
    await _store(deps).delete(principal.tenant, match[0]["key"])
    await deps.db.transact(principal.tenant, lambda tx: record(
        tx, deps, actor=principal.subject, event="memory.forgotten", subject=f"preference:{match[0]['key']}",
        data={"text": match[0]["text"]}))
    return match[0]


@operation("memory.forget")
async def forget_op(deps: Deps, principal: Principal, *, key_or_text: str) -> dict[str, Any]:
    return await forget(deps, principal, key_or_text=key_or_text)


async def rules_for(deps: Deps, tenant: str) -> list[prefs.Rule]:
    if deps.memory is None:
        return []
    out = []
    for item in await deps.memory.list(tenant):
        rule = item.get("rule")
        if rule:
            out.append(prefs.Rule(rule["kind"], (rule["subject"][0], rule["subject"][1])))
    return out


async def target_facts(tx: Tx, target: str) -> dict[str, Any]:
    """Vendor, product and SKU of an action's target, for preference checks."""
    prefix, _, ref = target.partition(":")
    product = None
    facts: dict[str, Any] = {}
    if prefix == "sku":
        facts["sku"] = ref
        variant = await tx.store.variant(ref)
        if variant:
            product = await tx.store.product_by_id(variant["product_id"])
    elif prefix == "page":
        path = urlparse(ref).path
        if path.startswith("/products/"):
            product = await tx.store.product_by_handle(path.removeprefix("/products/").split("/")[0])
    if product:
        facts.update(vendor=product["vendor"], product=product["handle"], title=product["title"])
    return facts
