"""What every console page shares: the session gate, CSRF on state changes, the security headers,
templates, and the one door (``tools.registry``) every read and click goes through.

A page handler is ``async def page(ctx: Ctx) -> Response``; ``view`` wraps it for reads (a signed-in
session, or a redirect to sign in) and ``change`` for state changes (POST only, the session's CSRF token,
an Origin of this server). Operations are called with the session's principal through
``invoke``/``enforce``, exactly as MCP calls them: the console adds no permission of its own, and the UI's
role-awareness (a viewer sees no decision controls) is a courtesy the server does not rely on.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policies.abac import authorize
from server.app import App
from server.web import sessions
from server.web.sessions import Session
from tools import plain
from tools.errors import Conflict, Forbidden, NotFound, ToolError
from tools.registry import enforce, invoke

#: no inline script or style, nothing from elsewhere, no framing, forms post only here
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff", "x-frame-options": "DENY",
           "referrer-policy": "same-origin", "cache-control": "no-store",
           "cross-origin-opener-policy": "same-origin"}


class SecurityHeaders:
    """The console's headers on every response under /app (pages, static files, charts, events)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in HEADERS.items()
                         if k.encode() not in names and not (k == "cache-control" and scope["path"].startswith(
                             "/app/static/"))]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


def _money(value: Any) -> str:
    try:
        return f"${float(value):,.2f}"
    except (TypeError, ValueError):
        return "—"


def _when(value: Any) -> str:
    if not value:
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _iso(value: Any) -> str:
    if not value:
        return ""
    return value if isinstance(value, str) else value.astimezone(timezone.utc).isoformat()


TEMPLATES = Environment(loader=PackageLoader("server.web", "templates"), autoescape=select_autoescape(["html"]),
                        trim_blocks=True, lstrip_blocks=True)
TEMPLATES.filters.update(money=_money, when=_when, iso=_iso, pct=lambda v: f"{float(v) * 100:.0f} %",
                         plain=plain.value)


@dataclass
class Ctx:
    """One request to the console: the app, the request, and who is signed in."""

    app: App
    request: Request
    session: Session

    @property
    def principal(self) -> Any:
        return self.session.principal

    def may(self, operation: str) -> bool:
        """For the page's courtesy only (what to show); the operation itself is checked when it runs."""
        return authorize(self.principal, operation, self.principal.tenant).allowed

    async def op(self, operation: str, /, **kwargs: Any) -> Any:
        """A registered operation, through the ABAC gate (denials audited)."""
        return await invoke(self.app.deps, self.principal, operation, **kwargs)

    async def gate(self, operation: str) -> None:
        """The gate alone, for reads served by plain functions (audit, readiness): as the MCP guard does."""
        await enforce(self.app.deps, self.principal, operation, self.principal.tenant)

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = TEMPLATES.get_template(template).render(
            me=self.principal, csrf=self.session.csrf, flash=self.session.flash, may=self.may,
            path=self.request.url.path, **values)
        return HTMLResponse(html, status_code=status)

    async def back(self, to: str, message: str) -> Response:
        """After a state change: the message on the next page, and a redirect there (POST → GET)."""
        await sessions.tell(self.app.deps, self.session, message)
        return RedirectResponse(to, status_code=303)


Page = Callable[[Ctx], Awaitable[Response]]


def _endpoint(app: App, fn: Page, *, changes: bool) -> Callable[[Request], Awaitable[Response]]:
    """The door of every console route: a signed-in session; for a state change also the session's CSRF token
    and an Origin of this server, checked before anything runs; a refused operation shown as a page."""
    @functools.wraps(fn)
    async def endpoint(request: Request) -> Response:
        session = await sessions.load(app.deps, request)
        if session is None:
            if changes or request.headers.get("accept", "").startswith("text/event-stream"):
                return PlainTextResponse("Sign in first: this session is unknown, expired or its token was revoked",
                                         status_code=401)
            return RedirectResponse(f"/app/login?next={quote(request.url.path)}", status_code=303)
        if changes:
            form = await request.form()
            sent = request.headers.get("x-csrf-token") or form.get("csrf")
            if not sessions.same_origin(request):
                return PlainTextResponse("Refused: this request comes from another site", status_code=403)
            if not sessions.csrf_ok(session, str(sent) if sent else None):
                return PlainTextResponse("Refused: the form's CSRF token is missing or wrong (reload the page)",
                                         status_code=403)
            request.state.form = form
        ctx = Ctx(app, request, session)
        try:
            return await fn(ctx)
        except ToolError as exc:
            return ctx.render("error.html", status=_status(exc), error=exc)

    return endpoint


def view(app: App) -> Callable[[Page], Callable[[Request], Awaitable[Response]]]:
    """A page that reads."""
    return lambda fn: _endpoint(app, fn, changes=False)


def change(app: App) -> Callable[[Page], Callable[[Request], Awaitable[Response]]]:
    """A state change (POST)."""
    return lambda fn: _endpoint(app, fn, changes=True)


def _status(exc: ToolError) -> int:
    return 403 if isinstance(exc, Forbidden) else 404 if isinstance(exc, NotFound) else 409 if isinstance(
        exc, Conflict) else 400
