"""The SDK's streamable-HTTP session manager, with session limits and sleeping idle sessions.

A 2025-era session (``initialize``, then ``mcp-session-id`` on every request) is, in the SDK, a running
server task with its streams, task group and pending reads: about 40 KB that an idle client holds for as
long as the idle timeout (``growth serve --http`` idle with a thousand sessions open: 40 MB). Most of
that is machinery that only matters while a request is being served. So a session with no request in
flight (an open GET stream or a ``subscriptions/listen`` counts as one) for ``hibernate_seconds`` goes to
sleep: its task ends and only what the handshake negotiated is kept (protocol version, the client's
``initialize`` params, whether it sent ``notifications/initialized``, its owner; about 1 KB). Its next
request wakes it: a new transport under the same session id, its connection restored as it was, then the
request is served as before. It stays asleep no longer than the idle timeout (counted from its last
request), then ends like any idle session. Server-to-client messages need a request in flight or a GET
stream, so a sleeping session misses nothing it would have received awake.

The manager also tells the ledger (``server/sessions.py``) when a session opens and when it really ends
(DELETE, idle timeout, crash, an opening request that failed); sleeping is neither.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
from anyio.abc import TaskStatus
from mcp.server import streamable_http_manager as sdk
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser, AuthorizationContext, authorization_context
from mcp.server.connection import Connection
from mcp.server.runner import serve_connection
from mcp.server.streamable_http import MCP_SESSION_ID_HEADER, StreamableHTTPServerTransport
from mcp.shared.jsonrpc_dispatcher import JSONRPCDispatcher
from mcp_types import InitializeRequestParams
from starlette.types import Receive, Scope, Send

from server.sessions import TICKET, SessionLedger

log = logging.getLogger("growth.sessions")

# The SDK offers no public hook for "a session opened / ended / served"; these are the seams every session
# passes through. Fail at import, not silently, if an SDK upgrade renames them.
for _seam in ("_admit_session", "_discard_session", "_serve_opening_request", "_handle_stateful_request"):
    if not callable(getattr(sdk.StreamableHTTPSessionManager, _seam, None)):
        raise ImportError(f"mcp's StreamableHTTPSessionManager has no {_seam}: server/session_manager.py needs "
                          f"updating")
_send_and_report_status: Callable[..., Awaitable[int | None]] = sdk._send_and_report_status


@dataclass(slots=True)
class Asleep:
    """What a sleeping session keeps: enough to restore its connection exactly as the handshake left it."""

    owner: AuthorizationContext | None
    version: str
    params: bytes | None  # the client's initialize params, as JSON
    initialized: bool
    expires: float  # anyio clock: the idle timeout, counted from the session's last request

    @classmethod
    def of(cls, connection: Connection, owner: AuthorizationContext | None, expires: float) -> Asleep:
        params = connection.client_params
        return cls(owner, connection.protocol_version,
                   params.model_dump_json(by_alias=True, exclude_none=True).encode() if params else None,
                   connection.initialized.is_set(), expires)

    def restore(self, connection: Connection) -> None:
        connection.protocol_version = self.version
        if self.params is not None:
            connection.client_params = InitializeRequestParams.model_validate_json(self.params)
        if self.initialized:
            connection.initialized.set()


class LimitedSessionManager(sdk.StreamableHTTPSessionManager):
    """The SDK's session manager with the ledger's limits, its idle timeout, and sleep for idle sessions."""

    def __init__(self, app: Any, *, ledger: SessionLedger, **options: Any) -> None:
        limits = ledger.limits
        self.idle_seconds = limits.idle_seconds
        #: sleep only pays if it comes before the end: otherwise a session simply ends when idle
        self.sleeps = limits.hibernate_seconds < limits.idle_seconds
        super().__init__(app, session_idle_timeout=min(limits.hibernate_seconds, limits.idle_seconds),
                         max_sessions=limits.pool, **options)
        self.ledger = ledger
        self._asleep: dict[str, Asleep] = {}  # in the order they fell asleep, which is the order they expire
        self._falling_asleep: dict[str, anyio.Event] = {}
        self._sweeping = False

    # --- opening and ending (the ledger) -------------------------------------------------------------------

    def _admit_session(self, requestor: AuthorizationContext | None) -> StreamableHTTPServerTransport | None:
        ticket = TICKET.get()
        if ticket is None or ticket.session_id is not None:
            # a session SessionGate did not foresee would go uncounted: refuse it (the SDK answers 503)
            log.error("refusing a session opened without a reserved slot: opens_session() needs updating")
            return None
        transport = super()._admit_session(requestor)
        if transport is not None and transport.mcp_session_id is not None:
            self.ledger.bind(ticket, transport.mcp_session_id)
        return transport

    async def _discard_session(self, session_id: str, transport: StreamableHTTPServerTransport) -> None:
        self.ledger.close(session_id)
        await super()._discard_session(session_id, transport)

    async def _serve_opening_request(self, http_transport: StreamableHTTPServerTransport, scope: Scope,
                                     receive: Receive, send: Send) -> None:
        # as the SDK's, with the session's task ours: a request that fails opens nothing
        session_id = http_transport.mcp_session_id
        assert session_id is not None and self._task_group is not None
        established = False
        try:
            await self._task_group.start(self._serve_session, http_transport, None)
            status = await _send_and_report_status(http_transport.handle_request, scope, receive, send)
            established = status is not None and status < 400
        finally:
            if not established:
                await self._discard_session(session_id, http_transport)

    # --- a session's life: served, asleep, woken ------------------------------------------------------------

    async def _serve_session(self, transport: StreamableHTTPServerTransport, waking: Asleep | None, *,
                             task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Serve one session until it ends or falls asleep (what the SDK's ``serve_loop`` builds, with the
        connection kept in hand so it can be put to sleep and restored)."""
        session_id = transport.mcp_session_id
        assert session_id is not None
        sleep: Asleep | None = None
        async with transport.connect() as (read_stream, write_stream):
            task_status.started()
            dispatcher: JSONRPCDispatcher[Any] = JSONRPCDispatcher(read_stream, write_stream,
                                                                  inline_methods=frozenset({"initialize"}))
            connection = Connection.for_loop(dispatcher, session_id=session_id)
            if waking is not None:
                waking.restore(connection)
            idle = transport.idle_scope or anyio.CancelScope()
            try:
                with idle:
                    await serve_connection(self.app, dispatcher, connection=connection,
                                           lifespan_state=self._lifespan_state)
                if (idle.cancelled_caught and self.sleeps and not transport.is_terminated
                        and connection.initialize_accepted):
                    # no request for hibernate_seconds: the idle time so far counts toward the idle timeout
                    slept_at = anyio.current_time() - self.session_idle_timeout  # type: ignore[operator]
                    sleep = Asleep.of(connection, self._session_owners.get(session_id),
                                      slept_at + self.idle_seconds)
            except Exception:
                log.exception("MCP session %s… crashed", session_id[:8])
            finally:
                if sleep is not None:
                    await self._fall_asleep(session_id, transport, sleep)
                else:
                    await self._discard_session(session_id, transport)
                woken = self._falling_asleep.pop(session_id, None)
                if woken is not None:
                    woken.set()

    async def _fall_asleep(self, session_id: str, transport: StreamableHTTPServerTransport, sleep: Asleep) -> None:
        # recorded before the live session is forgotten, with no await between: a request finds one or the other
        self._asleep[session_id] = sleep
        self.ledger.fell_asleep(session_id, True)
        self._server_instances.pop(session_id, None)
        self._session_owners.pop(session_id, None)
        if not self._sweeping and self._task_group is not None:
            self._sweeping = True
            self._task_group.start_soon(self._expire_sleepers)
        with anyio.CancelScope(shield=True):
            await transport.terminate()

    async def _wake(self, session_id: str, sleep: Asleep) -> None:
        del self._asleep[session_id]
        self.ledger.fell_asleep(session_id, False)
        transport = StreamableHTTPServerTransport(
            mcp_session_id=session_id, is_json_response_enabled=self.json_response, event_store=self.event_store,
            security_settings=self.security_settings, retry_interval=self.retry_interval,
            idle_timeout=self.session_idle_timeout)
        self._server_instances[session_id] = transport
        if sleep.owner is not None:
            self._session_owners[session_id] = sleep.owner
        assert self._task_group is not None
        try:
            await self._task_group.start(self._serve_session, transport, sleep)
        except BaseException:
            await self._discard_session(session_id, transport)
            raise

    async def _expire_sleepers(self) -> None:
        """End sleeping sessions at their idle timeout (the oldest first), until none sleeps."""
        try:
            while self._asleep:
                session_id, sleep = next(iter(self._asleep.items()))
                wait = sleep.expires - anyio.current_time()
                if wait > 0:
                    await anyio.sleep(min(wait, 60))
                    continue
                del self._asleep[session_id]
                self.ledger.close(session_id)
                log.info("MCP session %s… ended after %g s idle", session_id[:8], self.idle_seconds)
        finally:
            self._sweeping = False

    async def _handle_stateful_request(self, scope: Scope, receive: Receive, send: Send) -> None:
        session_id = next((v.decode("latin-1") for k, v in scope["headers"]
                           if k == MCP_SESSION_ID_HEADER.encode()), None)
        if session_id is not None:
            live = self._server_instances.get(session_id)
            if live is not None and live.idle_scope is not None and live.idle_scope.cancel_called:
                # it is falling asleep (or ending) just now: wait until it has, then wake it if it sleeps
                await self._falling_asleep.setdefault(session_id, anyio.Event()).wait()
            sleep = self._asleep.get(session_id)
            if sleep is not None and session_id not in self._server_instances:
                user = scope.get("user")
                requestor = authorization_context(user) if isinstance(user, AuthenticatedUser) else None
                if requestor == sleep.owner and sleep.expires > anyio.current_time():
                    await self._wake(session_id, sleep)
                # anyone else's credential, or past its time: answered as the SDK answers an unknown session
        await super()._handle_stateful_request(scope, receive, send)

