"""The PII broker's storage side: tokenize into the vault, and the audited reveal."""

from __future__ import annotations

import time
import weakref
from datetime import timedelta
from typing import Any

from policies import ratelimit
from policies.pii import Hints, redact, redact_value, reference, tenant_key
from policies.pii.detect import Entity
from policies.pii.phones import region_ok
from policies.pii.redact import Tokenizer
from policies.pii.tokens import customer_reference
from policies.principal import Principal
from tools.deps import Deps, Tx
from tools.errors import InvalidInput, NotFound
from tools.registry import operation


def tokenizer(deps: Deps, tenant: str) -> Tokenizer:
    key = tenant_key(deps.config.secret, tenant)
    return lambda entity, value: reference(entity, value, key)


def customer_ref_for(deps: Deps, tenant: str, email: str) -> str:
    return customer_reference(email, tenant_key(deps.config.secret, tenant))


#: how long what the detectors know of a store is reused before it is read again
HINTS_TTL = 60.0
#: per database (forgotten with it), per tenant: (read at, hints)
_hints: weakref.WeakKeyDictionary[Any, dict[str, tuple[float, Hints]]] = weakref.WeakKeyDictionary()
#: every Hints in use, by content (see ``hints``)
_canonical: weakref.WeakValueDictionary[Hints, Hints] = weakref.WeakValueDictionary()


def _cached(deps: Deps, tenant: str) -> Hints | None:
    entry = _hints.get(deps.db, {}).get(tenant)
    return entry[1] if entry is not None and time.monotonic() - entry[0] < HINTS_TTL else None


async def hints(tx: Tx, deps: Deps) -> Hints:
    """The store's countries, customers' names and catalogue, read at most once a minute per process."""
    cached = _cached(deps, tx.tenant)
    if cached is not None:
        return cached
    names = frozenset(" ".join(n.split()).casefold() for n in await tx.hints.names() if len(n.split()) >= 2)
    found = Hints(regions=tuple(c for c in await tx.hints.countries() if region_ok(c)), names=names,
                  catalog=frozenset(t.casefold() for t in await tx.hints.catalog()))
    # one object per content, process-wide: the detectors' cache is keyed by (text, hints) and
    # matches an identical object at once, while an equal copy (read again after a minute, or by
    # another connection to the store) is compared field by field, every customer's name, on every hit
    found = _canonical.setdefault(found, found)
    _hints.setdefault(deps.db, {})[tx.tenant] = (time.monotonic(), found)
    return found


def forget_hints(deps: Deps, tenant: str) -> None:
    """New customers or products: the next redaction reads the store again."""
    _hints.get(deps.db, {}).pop(tenant, None)


async def hints_for(deps: Deps, tenant: str) -> Hints:
    cached = _cached(deps, tenant)
    return cached if cached is not None else await deps.db.query(tenant, lambda tx: hints(tx, deps))


async def protect(tx: Tx, deps: Deps, value: Any) -> Any:
    """Redact every string in ``value``; the raw values go to the (encrypted) vault."""
    vault: dict[str, tuple[Entity, str]] = {}
    clean = redact_value(value, tokenizer(deps, tx.tenant), vault, await hints(tx, deps))
    now = deps.now()
    for ref, (entity, raw) in vault.items():
        await tx.pii.store(ref=ref, entity=entity.value, value=raw, now=now)
    return clean


async def protect_text(tx: Tx, deps: Deps, text: str) -> str:
    result = redact(text, tokenizer(deps, tx.tenant), await hints(tx, deps))
    now = deps.now()
    for ref, (entity, raw) in result.vault.items():
        await tx.pii.store(ref=ref, entity=entity.value, value=raw, now=now)
    return result.text


async def guard(deps: Deps, tenant: str, value: Any) -> Any:
    """``value`` (text, or any JSON-like value) with PII replaced by references, outside any
    transaction: the vault is written (in its own transaction) only when something was found."""
    vault: dict[str, tuple[Entity, str]] = {}
    clean = redact_value(value, tokenizer(deps, tenant), vault, await hints_for(deps, tenant))
    if vault:
        async def store(tx: Tx) -> None:
            for ref, (entity, raw) in vault.items():
                await tx.pii.store(ref=ref, entity=entity.value, value=raw, now=deps.now())

        await deps.db.transact(tenant, store)
    return clean


async def store_value(tx: Tx, deps: Deps, entity: Entity, value: str) -> str:
    """Put one known PII value in the vault and return its reference."""
    ref = tokenizer(deps, tx.tenant)(entity, value)
    await tx.pii.store(ref=ref, entity=entity.value, value=value, now=deps.now())
    return ref


#: reveals per principal per window: a person reads a few customers' details, not hundreds
REVEAL_LIMIT = 20
REVEAL_ALERT = 10
REVEAL_WINDOW = timedelta(minutes=10)


class RateLimited(InvalidInput):
    """Too many calls of one kind in its window; nothing was done."""


@operation("pii.reveal")
async def reveal(deps: Deps, principal: Principal, *, ref: str, reason: str) -> dict[str, str]:
    """Show one vaulted value to the operator. Always logged and audited, reason required."""
    from tools.audit import record

    reason = reason.strip()
    if len(reason) < 5:
        raise InvalidInput("say why you need to see this value (a reason of at least 5 characters)",
                           code="reason_required")
    async def txn(tx: Tx) -> tuple[str, str]:
        now = deps.now()
        window = ratelimit.window_start(now, REVEAL_WINDOW)
        used = await tx.ratelimits.bump(f"pii.reveal:{principal.subject}", window)
        if used > REVEAL_LIMIT:
            raise RateLimited(f"at most {REVEAL_LIMIT} reveals per {int(REVEAL_WINDOW.total_seconds() // 60)} "
                              "minutes; try again later", code="rate_limited")
        if used == REVEAL_ALERT:
            # many reveals in a short time is how a leak looks: it lands in the audit log as an alert
            await record(tx, deps, actor=principal.subject, event="alert.pii_bulk_reveal", subject="pii",
                         data={"reveals": used, "window_start": window.isoformat()})
        found = await tx.pii.reveal(ref)
        if found is None:
            raise NotFound(f"no vaulted value has the reference {ref!r}")
        await tx.pii.log_access(ref=ref, principal=principal.subject, reason=reason, now=deps.now())
        await record(tx, deps, actor=principal.subject, event="pii.revealed", subject=ref,
                     data={"reason": reason, "entity": found[0]})
        return found

    entity, value = await deps.db.transact(principal.tenant, txn)
    return {"ref": ref, "entity": entity, "value": value}
