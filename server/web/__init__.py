"""The operator console: a web dashboard at ``/app`` on the same server as MCP.

Pages are rendered on the server (Jinja templates, no build step, nothing fetched from elsewhere); the
little script there is (live run progress, expiry countdowns, the bulk selection) is a static file of
this package. Every click is an operation through the same ABAC gate and audit as MCP (``base.Ctx``);
sign-in turns a token into a session cookie (``sessions``). The route table below is the whole console.
"""

from __future__ import annotations

from importlib.resources import files
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from server.app import App
from server.web import operations, queue, sessions
from server.web.base import TEMPLATES, SecurityHeaders, change, view
from tools.errors import ToolError


def _safe_next(raw: str | None) -> str:
    target = unquote(raw or "/app")
    return target if target.startswith("/app") and "//" not in target and "\\" not in target else "/app"


def build_console(app: App) -> ASGIApp:
    async def login_form(request: Request) -> Response:
        return HTMLResponse(TEMPLATES.get_template("login.html").render(
            next=_safe_next(request.query_params.get("next")), error="", me=None, path="/app/login"))

    async def login(request: Request) -> Response:
        if not sessions.same_origin(request, required=True):
            return PlainTextResponse("Refused: this sign-in does not come from this server's own page",
                                     status_code=403)
        form = await request.form()
        target = _safe_next(str(form.get("next", "")))
        try:
            opened = await sessions.sign_in(app.deps, str(form.get("token", ""))[:200])
        except ToolError as exc:
            return HTMLResponse(TEMPLATES.get_template("login.html").render(
                next=target, me=None, path="/app/login", error=f"{exc.message}."), status_code=403)
        if opened is None:
            return HTMLResponse(TEMPLATES.get_template("login.html").render(
                next=target, me=None, path="/app/login",
                error="That token is not valid (unknown or revoked). Create one with `growth token create`."),
                status_code=401)
        value, session = opened
        previous = await sessions.load(app.deps, request)
        if previous is not None:  # a browser signing in again leaves no old session behind
            await sessions.end(app.deps, previous.principal.tenant, previous.id)
        response = RedirectResponse(target, status_code=303)
        sessions.set_cookie(response, value, secure=request.url.scheme == "https")
        return response

    async def logout(request: Request) -> Response:
        session = await sessions.load(app.deps, request)
        if session is not None:
            if not sessions.csrf_ok(session, str((await request.form()).get("csrf", ""))):
                return PlainTextResponse("Refused: the form's CSRF token is missing or wrong", status_code=403)
            await sessions.end(app.deps, session.principal.tenant, session.id)
        response = RedirectResponse("/app/login", status_code=303)
        sessions.clear_cookie(response, secure=request.url.scheme == "https")
        return response

    v, c = view(app), change(app)
    routes = [
        Route("/app/login", login_form, methods=["GET"]),
        Route("/app/login", login, methods=["POST"]),
        Route("/app/logout", logout, methods=["POST"]),
        Route("/app", v(queue.inbox), methods=["GET"]),
        Route("/app/bulk", c(queue.bulk), methods=["POST"]),
        Route("/app/actions/{action_id}", v(queue.action_page), methods=["GET"]),
        Route("/app/actions/{action_id}/edit", v(queue.edit_preview), methods=["GET"]),
        Route("/app/actions/{action_id}/approve", c(queue.approve), methods=["POST"]),
        Route("/app/actions/{action_id}/reject", c(queue.reject), methods=["POST"]),
        Route("/app/actions/{action_id}/edit", c(queue.edit_approve), methods=["POST"]),
        Route("/app/actions/{action_id}/snooze", c(queue.snooze), methods=["POST"]),
        Route("/app/actions/{action_id}/rollback", c(queue.rollback), methods=["POST"]),
        Route("/app/agents", v(operations.agents_page), methods=["GET"]),
        Route("/app/agents/events", v(operations.run_events), methods=["GET"]),
        Route("/app/agents/{agent}/run", c(operations.run_agent), methods=["POST"]),
        Route("/app/agents/{agent}/enabled", c(operations.toggle_agent), methods=["POST"]),
        Route("/app/workflows/{verb}", c(operations.workflow_control), methods=["POST"]),
        Route("/app/metrics", v(operations.metrics_page), methods=["GET"]),
        Route("/app/charts/{name}.svg", v(operations.chart_image), methods=["GET"]),
        Route("/app/audit", v(operations.audit_page), methods=["GET"]),
        Route("/app/kill-switch", c(operations.kill_switch), methods=["POST"]),
        Mount("/app/static", StaticFiles(directory=str(files("server.web").joinpath("static")))),
    ]
    return SecurityHeaders(Starlette(routes=routes))
