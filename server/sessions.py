"""Limits on open MCP sessions, so that no token can lock the operator out.

A 2025-era client (``initialize``, then ``mcp-session-id`` on every request) holds a session in the
server's memory until it sends DELETE or goes idle, and the SDK bounds only all sessions together. Left
at that, one token can fill the pool in seconds and every later ``initialize``, the operator's too, is
refused. So:

- a token, and a principal across its tokens, may hold only a few sessions: beyond, ``429``;
- everyone but operators shares the pool minus a reserve, so an operator can always open a session
  while others flood (``503`` for the others when only the reserve is left);
- a session with no request in flight for ``idle_seconds`` is closed by the SDK's own idle timeout.

Either refusal is a JSON-RPC error whose ``data.code`` names the limit. ``SessionGate`` (ASGI, after
authentication) reserves a slot before the SDK sees a request that would open a session;
``LimitedSessionManager`` (``server/session_manager.py``) binds it to the session the SDK creates and gives
it back when that session ends (DELETE, idle timeout, transport closed, or an opening request that
failed). The 2026-07-28 era holds no session between requests and is not counted.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from mcp.server.streamable_http import MCP_SESSION_ID_HEADER
from mcp.shared.inbound import MCP_PROTOCOL_VERSION_HEADER
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from policies.principal import Principal, Role
from server.mcp.guard import PRINCIPAL_KEY
from server.settings import Settings

log = logging.getLogger("growth.sessions")
K = TypeVar("K")

#: JSON-RPC error code (implementation-defined server range) for a session refused by a limit
TOO_MANY_SESSIONS = -32029

@dataclass(frozen=True, slots=True)
class SessionLimits:
    per_token: int
    per_principal: int
    pool: int
    operator_reserve: int
    idle_seconds: float
    #: a session with no request in flight this long is put to sleep: its state kept, its task ended
    hibernate_seconds: float = 10.0

    def __post_init__(self) -> None:
        if min(self.per_token, self.per_principal, self.pool) < 1 or self.operator_reserve < 0:
            raise ValueError("session limits must be positive (the operator reserve may be 0)")
        if self.operator_reserve >= self.pool:
            raise ValueError(f"the operator reserve ({self.operator_reserve}) must be smaller than the session "
                             f"pool ({self.pool})")
        if not (math.isfinite(self.idle_seconds) and self.idle_seconds > 0):
            raise ValueError("the session idle timeout must be a positive number of seconds")
        if not (math.isfinite(self.hibernate_seconds) and self.hibernate_seconds > 0):
            raise ValueError("the session hibernation delay must be a positive number of seconds")

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionLimits:
        return cls(per_token=settings.mcp_sessions_per_token, per_principal=settings.mcp_sessions_per_principal,
                   pool=settings.mcp_session_pool, operator_reserve=settings.mcp_sessions_operator_reserve,
                   idle_seconds=settings.mcp_session_idle_seconds,
                   hibernate_seconds=settings.mcp_session_hibernate_seconds)


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose session: a digest of the bearer token, the principal, and whether the reserve is theirs."""

    token: str
    principal: tuple[str, str, str]
    operator: bool

    @classmethod
    def of(cls, principal: Principal, token: str) -> Owner:
        # a shopper is one principal whatever token (device) it uses; other token principals are the token
        who = principal.customer_ref or principal.subject
        return cls(hashlib.sha256(token.encode()).hexdigest(), (principal.tenant, principal.role.value, who),
                   principal.role is Role.OPERATOR)


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    code: str
    message: str

    def response(self, *, retry_after: float) -> JSONResponse:
        return JSONResponse({"jsonrpc": "2.0", "id": None, "error": {
            "code": TOO_MANY_SESSIONS, "message": self.message, "data": {"code": self.code}}},
            status_code=self.status, headers={"Retry-After": str(max(1, math.ceil(retry_after)))})


class Ticket:
    """One slot of the pool, reserved for a request; bound to a session once the SDK opens one."""

    __slots__ = ("owner", "session_id")

    def __init__(self, owner: Owner) -> None:
        self.owner = owner
        self.session_id: str | None = None


class SessionLedger:
    """Who holds which slot. Synchronous and without awaits, so each step is atomic on the event loop."""

    def __init__(self, limits: SessionLimits) -> None:
        self.limits = limits
        self._tokens: Counter[str] = Counter()
        self._principals: Counter[tuple[str, str, str]] = Counter()
        self._pending: set[Ticket] = set()
        self._sessions: dict[str, Ticket] = {}
        self._asleep: set[str] = set()

    @property
    def open(self) -> int:
        """Slots taken: open sessions and requests about to open one."""
        return len(self._pending) + len(self._sessions)

    @property
    def asleep(self) -> int:
        """Open sessions that are asleep (idle, their task ended, what they negotiated kept)."""
        return len(self._asleep)

    def fell_asleep(self, session_id: str, asleep: bool) -> None:
        if asleep and session_id in self._sessions:
            self._asleep.add(session_id)
        else:
            self._asleep.discard(session_id)

    def held_by_token(self, token: str) -> int:
        return self._tokens[hashlib.sha256(token.encode()).hexdigest()]

    def usage(self) -> dict[str, int]:
        """Slots taken, and how many tokens and principals hold any (all zero when every session ended)."""
        return {"open": self.open, "tokens": len(self._tokens), "principals": len(self._principals)}

    def refusal(self, owner: Owner) -> Refusal | None:
        """Why ``owner`` may not open another session now, or None if it may."""
        limits, idle = self.limits, f"{self.limits.idle_seconds:g} s"
        if self._tokens[owner.token] >= limits.per_token:
            return Refusal(429, "session_limit_token", f"too many open sessions for this token "
                           f"({limits.per_token}); close one or wait for the idle timeout ({idle})")
        if self._principals[owner.principal] >= limits.per_principal:
            return Refusal(429, "session_limit_principal", f"too many open sessions for this principal across "
                           f"its tokens ({limits.per_principal}); close one or wait for the idle timeout ({idle})")
        room = limits.pool if owner.operator else limits.pool - limits.operator_reserve
        if self.open >= room:
            return Refusal(503, "session_pool_full", "the server has no room for another session now; "
                           "try again later")
        return None

    def reserve(self, owner: Owner) -> Ticket | Refusal:
        refused = self.refusal(owner)
        if refused is not None:
            return refused
        ticket = Ticket(owner)
        self._pending.add(ticket)
        self._tokens[owner.token] += 1
        self._principals[owner.principal] += 1
        return ticket

    def bind(self, ticket: Ticket, session_id: str) -> None:
        self._pending.discard(ticket)
        ticket.session_id = session_id
        self._sessions[session_id] = ticket

    def abandon(self, ticket: Ticket) -> None:
        """Give back a reservation that opened no session (a bound one is given back by ``close``)."""
        if ticket in self._pending:
            self._pending.discard(ticket)
            self._give_back(ticket.owner)

    def close(self, session_id: str) -> None:
        self._asleep.discard(session_id)
        ticket = self._sessions.pop(session_id, None)
        if ticket is not None:
            self._give_back(ticket.owner)

    def _give_back(self, owner: Owner) -> None:
        _decrement(self._tokens, owner.token)
        _decrement(self._principals, owner.principal)


def _decrement(counter: Counter[K], key: K) -> None:
    # drop a count at zero, so tokens and principals that come and go leave nothing behind
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]


#: the slot reserved for the request being handled (read by the session manager, in the same task)
TICKET: ContextVar[Ticket | None] = ContextVar("growth_session_ticket", default=None)


def opens_session(scope: Scope) -> bool:
    """Whether the SDK would open a session for this request: the 2025 era (no protocol-version header, or
    a handshake version) and no ``mcp-session-id`` yet. Mirrors StreamableHTTPSessionManager's routing."""
    headers = dict(scope["headers"])
    version = headers.get(MCP_PROTOCOL_VERSION_HEADER.encode())
    legacy = version is None or version.decode("latin-1") in HANDSHAKE_PROTOCOL_VERSIONS
    return legacy and MCP_SESSION_ID_HEADER.encode() not in headers


class SessionGate:
    """Reserve a slot for a request that would open a session, or refuse it naming the limit.

    Sits after BearerAuth, which has put the caller's principal in the scope."""

    def __init__(self, app: ASGIApp, ledger: SessionLedger) -> None:
        self.app = app
        self.ledger = ledger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not opens_session(scope):
            await self.app(scope, receive, send)
            return
        header = next((v.decode() for k, v in scope["headers"] if k == b"authorization"), "")
        held = self.ledger.reserve(Owner.of(scope[PRINCIPAL_KEY], header[7:].strip()))
        if isinstance(held, Refusal):
            log.info("session refused (%s): %s", held.code, scope[PRINCIPAL_KEY].subject)
            await held.response(retry_after=self.ledger.limits.idle_seconds)(scope, receive, send)
            return
        previous = TICKET.set(held)
        try:
            await self.app(scope, receive, send)
        finally:
            TICKET.reset(previous)
            self.ledger.abandon(held)
