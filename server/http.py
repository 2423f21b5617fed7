"""The HTTP face of the server: MCP over streamable HTTP at ``/mcp``, the operator console at ``/app``
(``server.web``: its own sign-in, cookie session and CSRF checks), plus health and metrics.

Requests pass, in order: the Host/Origin check (DNS-rebinding protection, loopback by
default, other names only through an explicit allowlist); bearer authentication
(``401`` with ``WWW-Authenticate`` for a missing or unknown token; ``403
insufficient_scope`` naming the scope when an assistant token lacks the one a tool
needs); the session limits (``server/sessions.py``: a few open sessions per token and
principal, a reserve only operators may use, an idle timeout); then the MCP transport.
Tokens are verified here and never forwarded.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policies.abac import OPERATIONS, authorize
from policies.principal import Principal, Role
from server.app import App
from server.mcp.guard import PRINCIPAL_KEY
from server.mcp.identity import Principals
from server.mcp.server import GrowthServer
from server.metrics import Metrics
from server.persistence.migrate import check
from server.session_manager import LimitedSessionManager
from server.sessions import SessionGate, SessionLedger, SessionLimits
from tools.errors import Forbidden
from tools.readiness import readiness
from tools.registry import enforce

OPEN_PATHS = ("/healthz", "/readyz")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
MAX_BODY = 4 * 1024 * 1024


def _plain(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(text, status_code=status, headers=headers)


def _split_port(authority: str, default: int) -> tuple[str, int]:
    """("localhost", 8765) from "localhost:8765"; IPv6 in brackets kept whole."""
    if authority.endswith("]") or ":" not in authority:
        return authority, default
    name, _, port = authority.rpartition(":")
    return (name, int(port)) if port.isdigit() else (authority, default)


class HostGuard:
    """Refuse requests whose Host or Origin is not ours before anything else sees them."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: list[str], allowed_origins: list[str]) -> None:
        self.app = app
        self.hosts = {h.lower() for h in allowed_hosts}
        self.origins = {o.lower().rstrip("/") for o in allowed_origins}

    def host_ok(self, host: str) -> bool:
        host = host.lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return host in self.hosts or name in LOOPBACK_HOSTS or name in self.hosts

    def origin_ok(self, origin: str, host: str) -> bool:
        """An Origin named in GROWTH_ALLOWED_ORIGINS, or this very server on loopback (same port): another
        local web app on another port is another origin, and refused."""
        origin = origin.lower().rstrip("/")
        if origin in self.origins:
            return True
        scheme, _, rest = origin.partition("://")
        name, port = _split_port(rest, 443 if scheme == "https" else 80)
        _, own_port = _split_port(host.lower(), 80)
        return scheme in ("http", "https") and name in LOOPBACK_HOSTS and port == own_port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        if not self.host_ok(headers.get("host", "")):
            await _plain(421, "Misdirected request: this Host is not served here")(scope, receive, send)
            return
        origin = headers.get("origin")
        if origin is not None and not self.origin_ok(origin, headers.get("host", "")):
            await _plain(403, "Forbidden: cross-origin requests from this Origin are not allowed")(scope, receive, send)
            return
        await self.app(scope, receive, send)


class BearerAuth:
    """Map the bearer token to a principal; 401 without one, 403 when a scope is missing."""

    def __init__(self, app: ASGIApp, app_state: App, principals: Principals, tool_operations: dict[str, str]) -> None:
        self.app = app
        self.state = app_state
        self.principals = principals
        self.tool_operations = tool_operations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/mcp"):
            await self.app(scope, receive, send)
            return
        header = next((v.decode() for k, v in scope["headers"] if k.decode().lower() == "authorization"), "")
        if not header.lower().startswith("bearer ") or not header[7:].strip():
            await _plain(401, "Authentication required: send Authorization: Bearer <token> (growth token create)",
                         {"WWW-Authenticate": 'Bearer realm="growth-engine"'})(scope, receive, send)
            return
        token = header[7:].strip()
        principal = await self.principals.for_token(token)
        if principal is None:
            await _plain(401, "The token is not valid (unknown or revoked)",
                         {"WWW-Authenticate": 'Bearer realm="growth-engine", error="invalid_token"'})(
                scope, receive, send)
            return
        body, receive = await _buffer(receive)
        if body.lstrip()[:1] == b"[":
            # one message per request: a batch would be answered with a confusing error further in
            await JSONResponse({"jsonrpc": "2.0", "id": None, "error": {
                "code": -32600, "message": "JSON-RPC batches are not supported: send one request per message",
                "data": {"code": "batch_not_supported"}}}, status_code=400)(scope, receive, send)
            return
        refused = _agents_off(self.state, body)
        if refused is not None:
            await refused(scope, receive, send)
            return
        challenge = await self._scope_challenge(principal, scope, body)
        if challenge is not None:
            await challenge(scope, receive, send)
            return
        scope.setdefault("state", {})
        scope[PRINCIPAL_KEY] = principal
        # The transport binds sessions to the authenticated user, so a session id cannot be replayed
        # with another token.
        scope["user"] = AuthenticatedUser(AccessToken(
            token="redacted", client_id=principal.subject, scopes=sorted(principal.scopes), subject=principal.subject,
            claims={"role": principal.role.value, "tenant": principal.tenant}))
        await self.app(scope, receive, send)

    async def _scope_challenge(self, principal: Principal, scope: Scope, body: bytes) -> Response | None:
        """RFC 6750 step-up: an assistant calling a tool whose operation needs a scope it lacks."""
        if principal.role is not Role.ASSISTANT or scope["method"] != "POST" or not body:
            return None
        try:
            message = json.loads(body)
        except ValueError:
            return None
        calls = message if isinstance(message, list) else [message]
        for call in calls:
            if not isinstance(call, dict) or call.get("method") != "tools/call":
                continue
            operation = self.tool_operations.get(str((call.get("params") or {}).get("name")))
            spec = OPERATIONS.get(operation or "")
            if spec is None or spec.scope is None or spec.scope in principal.scopes:
                continue
            if authorize(principal, spec.name, principal.tenant).allowed:
                continue
            try:
                await enforce(self.state.deps, principal, spec.name, principal.tenant)  # audits the denial
            except Forbidden:
                pass
            return JSONResponse({"error": "insufficient_scope", "error_description": f"this needs the "
                                 f"{spec.scope!r} scope"}, status_code=403,
                                headers={"WWW-Authenticate": f'Bearer realm="growth-engine", '
                                                             f'error="insufficient_scope", scope="{spec.scope}"'})
        return None


#: the tools that start agents: refused with 403 while GROWTH_AGENTS_ENABLED is false
ORCHESTRATION_TOOLS = frozenset({"run_specialist", "run_all_specialists", "delegate", "start_workflow"})


def _agents_off(app: App, body: bytes) -> Response | None:
    """403 for a call that would start agents on a server whose agents are switched off."""
    if app.deps.config.agents_enabled or not body:
        return None
    try:
        message = json.loads(body)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("method") != "tools/call":
        return None
    name = str((message.get("params") or {}).get("name"))
    if name not in ORCHESTRATION_TOOLS:
        return None
    return JSONResponse({"error": "agents_disabled", "error_description": f"{name}: the agents are switched off on "
                         "this server (GROWTH_AGENTS_ENABLED=false); set it to true and restart to run them"},
                        status_code=403)


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    """Read the request body, and hand on a receive that replays it."""
    chunks: list[bytes] = []
    size = 0
    more = True
    messages: list[Message] = []
    while more:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            break
        chunks.append(chunk)
        more = message.get("more_body", False)

    async def replay() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return b"".join(chunks), replay


def build_http_app(app: App, mcp: GrowthServer, principals: Principals, *, host: str,
                   metrics: Metrics | None = None, sessions: SessionLedger | None = None) -> ASGIApp:
    from server.mcp.tools import TOOL_OPERATIONS

    metrics = metrics or Metrics()
    sessions = sessions or SessionLedger(SessionLimits.from_settings(app.settings))
    metrics.ledger = sessions
    # What mcp.streamable_http_app() builds, with the SDK's session manager replaced by one that reports
    # sessions to the ledger. Host/Origin are checked by HostGuard for every route; the transport's own
    # check would see the same.
    manager = LimitedSessionManager(mcp._lowlevel_server, ledger=sessions,
                                    security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False))
    mcp_app = Starlette(routes=[Route("/mcp", endpoint=StreamableHTTPASGIApp(manager))])
    guarded = BearerAuth(SessionGate(mcp_app, sessions), app, principals, TOOL_OPERATIONS)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            await check(app.settings.database_url)
            await app.db.tenant_ids()
            await app.agents()
        except Exception as exc:  # noqa: BLE001 - readiness reports whatever is wrong
            return JSONResponse({"status": "not ready", "reason": f"{type(exc).__name__}: {exc}"}, status_code=503)
        # the process serves whatever the agents' state; the default store's agents are shown beside it, without
        # a token: whether each is ready and the state of each source it reads (no reasons, no connection, no
        # operator's words: `get_status` and `growth status` show those to whoever may see them)
        r = await readiness(app.deps, app.settings.tenant)
        agents = [{"agent": a["agent"], "ready": a["ready"], "enabled": a["enabled"],
                   "sources": {s["source"]: s["state"] for s in a["sources"]}} for a in r["agents"]]
        return JSONResponse({"status": "ready", "agents_enabled": r["enabled"], "agents_ready": r["ready"],
                             "agents": agents})

    async def metrics_endpoint(request: Request) -> Response:
        # counts of actions and kill switches are the stores' business: an operator's token, or an assistant's
        # with the "metrics" scope; and stores are named by a digest unless GROWTH_METRICS_NAME_TENANTS is set
        header = request.headers.get("authorization", "")
        who = await principals.for_token(header[7:].strip()) if header.lower().startswith("bearer ") else None
        if who is None or not (who.role is Role.OPERATOR or "metrics" in who.scopes):
            return Response("metrics need a token: an operator's, or one with the metrics scope", status_code=401,
                            headers={"WWW-Authenticate": 'Bearer realm="growth-engine"'})
        return Response(await metrics.render(app.deps, name_tenants=app.settings.metrics_name_tenants),
                        media_type="text/plain; version=0.0.4")

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with manager.run(), anyio.create_task_group() as tg:
            tg.start_soon(mcp.feed.run)
            yield
            tg.cancel_scope.cancel()

    ops = Starlette(routes=[Route("/healthz", healthz), Route("/readyz", readyz),
                            Route("/metrics", metrics_endpoint)], lifespan=lifespan)
    ops.state.metrics = metrics
    from server.web import build_console

    console = build_console(app)

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "lifespan" or path in ("/healthz", "/readyz", "/metrics"):
            await ops(scope, receive, send)
            return
        if path == "/app" or path.startswith("/app/"):
            await console(scope, receive, send)
            return
        if path == "/mcp" or path.startswith("/mcp/"):
            await guarded(scope, receive, send)
            return
        await _plain(404, "Not found: MCP is at /mcp, the console at /app")(scope, receive, send)

    counted = _Counting(dispatch, metrics)
    outer = HostGuard(counted, allowed_hosts=list(app.settings.allowed_hosts),
                      allowed_origins=list(app.settings.allowed_origins))
    return outer


class _Counting:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status: dict[str, Any] = {}

        async def recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, recording)
        route = scope["path"] if scope["path"] in ("/mcp", "/healthz", "/readyz", "/metrics") else (
            "/app" if scope["path"].startswith("/app") else "other")
        self.metrics.http.labels(route, str(status.get("code", 0))).inc()
