"""Connections per tenant to the stores it runs on (Shopify Admin API): connect, check, disconnect.

The credential is handed in once (``growth connect shopify`` reads it from stdin or a
file), sealed with the vault key by the repository, and opened again only by
``credentials`` for a connector that must call the store. No view, error or audit
event carries it: a view shows its kind and last four characters at most.

The ``GROWTH_SHOPIFY_*`` settings stay a single-tenant shortcut: the caller passes them
as ``fallback`` for the default tenant, and a stored connection takes precedence.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from policies.principal import Principal
from policies.shopify_scopes import missing_by_kind
from tools.addresses import is_loopback_host
from tools.audit import record
from tools.deps import Deps, Tx
from tools.repos import StoreProbe
from tools.errors import InvalidInput, NotFound
from tools.records import ConnectionRecord, ProbeResult, StoreCredentials
from tools.registry import operation

PROVIDERS = ("shopify",)
SHOP = re.compile(r"^[a-z0-9][a-z0-9-]{0,61}\.myshopify\.com$")
TOKEN = re.compile(r"^[\x21-\x7e]{8,512}$")


def shop_domain(value: str) -> str:
    """``your-store.myshopify.com`` from what the operator typed (a URL or the admin address will do)."""
    text = value.strip().lower()
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    if not SHOP.match(host):
        raise InvalidInput(f"{value!r} is not a Shopify store's own domain: give your-store.myshopify.com (the "
                           "Admin API answers there, not on the storefront's custom domain)", code="invalid_shop")
    return host


def api_base(value: str | None) -> str | None:
    """A proxy or test server to reach instead of https://<shop>: https, or http on loopback only."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"{value!r} is not an http(s) URL", code="invalid_api_url")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise InvalidInput("the token would travel in clear text: use https, or http on this machine only",
                           code="invalid_api_url")
    return value.strip().rstrip("/")


def _token(value: str) -> str:
    token = value.strip()
    if not TOKEN.match(token):
        raise InvalidInput("the access token is empty or not a token (8 to 512 visible characters, no spaces)",
                           code="invalid_token")
    return token


def _provider(value: str) -> str:
    if value not in PROVIDERS:
        raise InvalidInput(f"unknown provider {value!r}; providers: {', '.join(PROVIDERS)}", code="invalid_provider")
    return value


def _missing(scopes: list[str]) -> dict[str, list[dict[str, Any]]]:
    return {kind: [asdict(n) for n in needs] for kind, needs in missing_by_kind(scopes).items()}


def view(record: ConnectionRecord | None, *, source: str, fallback: StoreCredentials | None = None,
         active: bool = True) -> dict[str, Any]:
    """What the operator sees of a connection (never the credential)."""
    if record is None:
        assert fallback is not None
        base: dict[str, Any] = {"provider": fallback.provider, "shop": fallback.shop, "api_url": fallback.api_url,
                                "token": "(GROWTH_SHOPIFY_TOKEN)", "status": "unchecked", "scopes": [],
                                "shop_name": "", "error": "", "checked_at": None}
    else:
        base = {"provider": record.provider, "shop": record.shop, "api_url": record.api_url,
                "token": record.token_hint, "status": record.status, "scopes": record.scopes,
                "shop_name": record.shop_name, "error": record.last_error, "checked_at": record.checked_at,
                "connected_by": record.created_by, "connected_at": record.created_at}
    known = base["status"] == "reachable"
    return {**base, "source": source, "active": active,
            "missing": _missing(base["scopes"]) if known else None}


def _with(v: dict[str, Any], result: ProbeResult, now: Any) -> dict[str, Any]:
    known = result.status == "reachable"
    return {**v, "status": result.status, "error": result.error, "checked_at": now,
            "scopes": sorted(result.scopes) if known else v["scopes"],
            "shop_name": result.shop_name if known else v["shop_name"],
            "missing": _missing(result.scopes) if known else None}


@operation("connections.connect")
async def connect(deps: Deps, principal: Principal, *, provider: str, shop: str, token: str,
                  api_url: str | None = None, probe: StoreProbe | None = None) -> dict[str, Any]:
    """Store the tenant's connection; with a ``probe``, only once the store has accepted the credential."""
    provider, host, base, secret = _provider(provider), shop_domain(shop), api_base(api_url), _token(token)
    result = None
    if probe is not None:
        result = await probe.check(StoreCredentials(provider, host, base, secret))
        if result.status == "refused":
            raise InvalidInput(f"{host} refused the access token, nothing was stored: {result.error}",
                               code="credentials_refused")
        if result.status != "reachable":
            raise InvalidInput(f"{host} could not be checked, nothing was stored: {result.error} (to store it "
                               "anyway, connect with --no-check)", code="shop_unreachable")
    now = deps.now()

    async def txn(tx: Tx) -> tuple[bool, ConnectionRecord | None]:
        await tx.tenants.ensure(name=principal.tenant, now=now)
        replaced = await tx.connections.save(provider=provider, shop=host, api_url=base, token=secret,
                                             by=principal.subject, now=now)
        if result is not None:
            await tx.connections.record_check(provider, result, now=now)
        await record(tx, deps, actor=principal.subject, event="connection.connected", subject=f"{provider}:{host}",
                     data={"provider": provider, "shop": host, "api_url": base, "replaced": replaced,
                           "checked": result is not None,
                           "scopes": sorted(result.scopes) if result is not None else None})
        return replaced, await tx.connections.get(provider)

    replaced, stored = await deps.db.transact(principal.tenant, txn)
    return {**view(stored, source="stored"), "replaced": replaced}


@operation("connections.disconnect")
async def disconnect(deps: Deps, principal: Principal, *, provider: str) -> dict[str, Any]:
    """Forget the tenant's connection and its credential."""
    provider = _provider(provider)

    async def txn(tx: Tx) -> ConnectionRecord:
        existing = await tx.connections.get(provider)
        if existing is None:
            raise NotFound(f"{principal.tenant} has no {provider} connection", code="not_connected")
        await tx.connections.delete(provider)
        await record(tx, deps, actor=principal.subject, event="connection.disconnected",
                     subject=f"{provider}:{existing.shop}", data={"provider": provider, "shop": existing.shop})
        return existing

    gone = await deps.db.transact(principal.tenant, txn)
    return {"provider": provider, "shop": gone.shop, "disconnected": True}


@operation("connections.read")
async def list_connections(deps: Deps, principal: Principal, *, probe: StoreProbe | None = None,
                           fallback: StoreCredentials | None = None) -> list[dict[str, Any]]:
    """Each connection with its status; with a ``probe``, checked now (and the result kept)."""

    async def q(tx: Tx) -> list[ConnectionRecord]:
        return await tx.connections.list()

    stored = await deps.db.query(principal.tenant, q)
    views = [view(r, source="stored") for r in stored]
    if fallback is not None:
        overridden = any(r.provider == fallback.provider for r in stored)
        views.append(view(None, source="settings", fallback=fallback, active=not overridden))
    if probe is None:
        return views
    checked = []
    for v in views:
        creds = await credentials(deps, principal.tenant, v["provider"], fallback=fallback,
                                  prefer="settings" if v["source"] == "settings" else "stored")
        assert creds is not None
        result = await probe.check(creds)
        now = deps.now()
        if v["source"] == "stored":
            async def keep(tx: Tx, provider: str = v["provider"], found: ProbeResult = result) -> None:
                await tx.connections.record_check(provider, found, now=now)

            await deps.db.transact(principal.tenant, keep)
        checked.append(_with(v, result, now))
    return checked


async def credentials(deps: Deps, tenant: str, provider: str, *, fallback: StoreCredentials | None = None,
                      prefer: str = "stored") -> StoreCredentials | None:
    """The credential a connector uses for ``tenant``: the stored connection, else the settings shortcut.

    For connectors only (delivery, sync); never registered as an operation and never shown.
    """

    async def q(tx: Tx) -> tuple[ConnectionRecord | None, str | None]:
        return await tx.connections.get(provider), await tx.connections.credential(provider)

    stored, secret = (None, None) if prefer == "settings" else await deps.db.query(tenant, q)
    if stored is not None and secret is not None:
        return StoreCredentials(provider, stored.shop, stored.api_url, secret, source="stored")
    if fallback is not None and fallback.provider == provider:
        return fallback
    return None
