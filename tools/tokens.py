"""API tokens: created once (printed once), stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from policies.principal import SCOPES, Principal, Role
from tools.audit import record
from tools.deps import Deps, Tx
from tools.errors import InvalidInput, NotFound
from tools.records import TokenRecord

TOKEN_PREFIX = "ge_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(deps: Deps, principal: Principal, *, tenant: str, role: str, scopes: list[str],
                       label: str = "", customer_ref: str | None = None) -> tuple[str, TokenRecord]:
    """Mint a token for ``tenant``. Returns the secret (shown once) and its record."""
    try:
        role_enum = Role(role)
    except ValueError as exc:
        raise InvalidInput(f"unknown role {role!r}; use operator, assistant, customer or viewer",
                           code="invalid_role") from exc
    if role_enum in (Role.AGENT, Role.SYSTEM):
        raise InvalidInput(f"{role} identities are internal and have no tokens", code="invalid_role")
    unknown = sorted(set(scopes) - SCOPES)
    if unknown:
        raise InvalidInput(f"unknown scope(s) {', '.join(unknown)}; use: {', '.join(sorted(SCOPES))}",
                           code="invalid_scope")
    if role_enum is Role.ASSISTANT and not scopes:
        raise InvalidInput("an assistant token needs at least one --scope (read, propose, decide)",
                           code="invalid_scope")
    if role_enum is Role.CUSTOMER and not customer_ref:
        raise InvalidInput("a customer token needs the customer's reference (--customer)", code="invalid_input")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)

    async def txn(tx: Tx) -> TokenRecord:
        now = deps.now()
        await tx.tenants.ensure(name=tenant, now=now)
        rec = await tx.tokens.create(token_hash=hash_token(secret), prefix=secret[:10], role=role_enum.value,
                                     scopes=sorted(set(scopes)), label=label, customer_ref=customer_ref, now=now)
        await record(tx, deps, actor=principal.subject, event="token.created", subject=f"token:{rec.id}",
                     data={"role": rec.role, "scopes": list(rec.scopes), "label": label, "prefix": rec.prefix})
        return rec

    return secret, await deps.db.transact(tenant, txn)


async def principal_for_token(deps: Deps, token: str) -> Principal | None:
    """The principal a bearer token stands for, or None if unknown or revoked."""
    rec = await deps.db.token_by_hash(hash_token(token))
    if rec is None or rec.revoked_at is not None:
        return None
    role = Role(rec.role)
    return Principal(role=role, tenant=rec.tenant_id, subject=f"token:{rec.prefix}", scopes=frozenset(rec.scopes),
                     customer_ref=rec.customer_ref)


def token_view(rec: TokenRecord) -> dict[str, Any]:
    return {"id": rec.id, "prefix": rec.prefix, "role": rec.role, "scopes": list(rec.scopes), "label": rec.label,
            "created_at": rec.created_at, "revoked": rec.revoked_at is not None}


async def list_tokens(deps: Deps, principal: Principal) -> list[dict[str, Any]]:
    """The store's tokens (never their secrets): prefix, role, scopes, label, created, revoked."""
    return [token_view(r) for r in await deps.db.query(principal.tenant, lambda tx: tx.tokens.list())]


async def revoke_token(deps: Deps, principal: Principal, *, token_id: int) -> dict[str, Any]:
    """Revoke one of the store's tokens; from the next request on it opens nothing, in every process."""
    async def txn(tx: Tx) -> dict[str, Any]:
        known = {r.id: r for r in await tx.tokens.list()}
        if token_id not in known:
            raise NotFound(f"there is no token {token_id} in this store", code="token_not_found")
        if not await tx.tokens.revoke(token_id, now=deps.now()):
            raise InvalidInput(f"token {token_id} is already revoked", code="already_revoked")
        await record(tx, deps, actor=principal.subject, event="token.revoked", subject=f"token:{token_id}",
                     data={"prefix": known[token_id].prefix, "role": known[token_id].role})
        return {**token_view(known[token_id]), "revoked": True}

    return await deps.db.transact(principal.tenant, txn)
