"""Who is calling: the local operator on stdio, a token's principal over HTTP."""

from __future__ import annotations

import contextvars
import hashlib
import time

from policies.principal import Principal
from tools.deps import Deps
from tools.tokens import principal_for_token

#: the principal of the MCP request being handled (set by the guard middleware)
CURRENT: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("growth_principal", default=None)

#: how long an *unknown* token's refusal is remembered (a flood of bad tokens costs no queries); a known
#: token is looked up on every request, so a revocation takes effect at once, in every process
TOKEN_CACHE_SECONDS = 10.0


def current() -> Principal:
    principal = CURRENT.get()
    if principal is None:
        raise RuntimeError("no principal: this call did not pass the guard")
    return principal


class Principals:
    def __init__(self, deps: Deps, *, local_tenant: str) -> None:
        self.deps = deps
        self.local_tenant = local_tenant
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    def local(self) -> Principal:
        """stdio: the person who launched the server, operator of the configured tenant."""
        return Principal.operator(self.local_tenant, subject="operator:stdio")

    async def for_token(self, token: str) -> Principal | None:
        key = hashlib.sha256(token.encode()).hexdigest()
        hit = self._cache.get(key)
        now = time.monotonic()
        if hit is not None and now - hit[0] < TOKEN_CACHE_SECONDS:
            return hit[1]
        principal = await principal_for_token(self.deps, token)
        if principal is None:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (now, None)
        return principal
