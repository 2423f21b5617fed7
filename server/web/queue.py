"""The console's queue: the inbox (ranked, filtered, paged), one action, and every decision on it.

Each decision names the version that was on screen; the operation refuses a stale one exactly as it does
over MCP, and the refusal is shown. Edit-and-approve shows the re-classified version (params, risk tier,
title and expected profit worked out again) before it is approved.
"""

from __future__ import annotations

import json
import math
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from policies.edits import rederive
from server.web.base import Ctx
from tools.actions import load
from tools.decisions import BulkItem, preview_edit
from tools.errors import InvalidInput
from tools.notify import list_notifications

PAGE = 50
RISKS = ("low", "medium", "high", "critical")
STATUSES = ("live", "pending", "approved", "executed", "rejected", "snoozed", "expired", "rolled_back", "failed",
            "all")


def _int(raw: Any, name: str, *, low: int = 0, high: int = 10**9) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a whole number, not {str(raw)[:40]!r}", code="invalid_input") from None
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}", code="invalid_input")
    return value


def _filters(ctx: Ctx) -> dict[str, str]:
    q = ctx.request.query_params
    out = {k: q.get(k, "").strip()[:80] for k in ("agent", "kind", "risk", "status")}
    out["status"] = out["status"] if out["status"] in STATUSES else "live"
    out["risk"] = out["risk"] if out["risk"] in RISKS else ""
    return out


async def inbox(ctx: Ctx) -> Response:
    f = _filters(ctx)
    page = _int(ctx.request.query_params.get("page", "1"), "page", low=1, high=20_000)
    rows = await ctx.op("actions.list", status=f["status"], agent=f["agent"] or None, kind=f["kind"] or None,
                        risk_tier=f["risk"] or None, limit=PAGE + 1, offset=(page - 1) * PAGE)
    more, rows = len(rows) > PAGE, rows[:PAGE]
    people = [r for r in rows if r.kind == "support.escalation"]
    queue = [r for r in rows if r.kind != "support.escalation"]
    if f["kind"] != "support.escalation" and page == 1 and not people:
        # "live" rather than "pending": the same rows here, and SQLite picks a far better index for it
        people = [p for p in await ctx.op("actions.list", status="live", kind="support.escalation", limit=20)
                  if p.status == "pending_approval"]
    ids = [r.id for r in queue]
    delivery = await ctx.app.deps.db.query(ctx.principal.tenant, lambda tx: tx.deliveries.latest_states(ids))
    base = {k: v for k, v in f.items() if v and not (k == "status" and v == "live")}
    link = lambda n: "/app?" + urlencode({**base, "page": n})  # noqa: E731
    agents = sorted({r.agent for r in rows} | ({f["agent"]} if f["agent"] else set()))
    told = await list_notifications(ctx.app.deps, ctx.principal, limit=6) if page == 1 and ctx.may("audit.read") \
        else []
    return ctx.render("inbox.html", rows=queue, people=people, delivery=delivery, filters=f, page=page, told=told,
                      prev_link=link(page - 1) if page > 1 else None, next_link=link(page + 1) if more else None,
                      risks=RISKS, statuses=STATUSES, agents=agents, now=ctx.app.deps.now())


async def action_page(ctx: Ctx) -> Response:
    detail = await ctx.op("actions.get", action_id=ctx.request.path_params["action_id"])
    return ctx.render("action.html", d=detail, a=detail["action"], editable=_editable(detail["action"]["params"]),
                      now=ctx.app.deps.now())


def _editable(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The params a form can edit in place: numbers, text and switches (lists and objects stay as they are)."""
    out = []
    for name, value in params.items():
        if isinstance(value, bool):
            out.append({"name": name, "value": value, "type": "checkbox"})
        elif isinstance(value, (int, float)):
            out.append({"name": name, "value": value, "type": "number", "step": "1" if isinstance(value, int)
                        else "any"})
        elif isinstance(value, str) and len(value) <= 300:
            out.append({"name": name, "value": value, "type": "text"})
    return out


def _patch(form: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The edited params from the form's ``p.<name>`` fields, typed like the values they replace."""
    patch: dict[str, Any] = {}
    for field in _editable(params):
        name, old = field["name"], field["value"]
        raw = form.get(f"p.{name}")
        if field["type"] == "checkbox":
            new: Any = raw is not None
        elif raw is None:
            continue
        elif field["type"] == "number":
            try:
                new = int(raw) if isinstance(old, int) and str(raw).strip().lstrip("-").isdigit() else float(raw)
            except ValueError:
                new = math.nan
            if not math.isfinite(new):
                raise InvalidInput(f"{name} must be a number, not {str(raw)[:40]!r}", code="invalid_params")
        else:
            new = str(raw)
        if new != old:
            patch[name] = new
    return patch


async def edit_preview(ctx: Ctx) -> Response:
    """The version an edit would make, re-classified, before anything is decided."""
    action_id = ctx.request.path_params["action_id"]
    await ctx.gate("actions.get")
    action = await ctx.app.deps.db.query(ctx.principal.tenant, lambda tx: load(tx, action_id))
    patch = _patch(ctx.request.query_params, action.params)
    if not patch:
        raise InvalidInput("nothing was changed: edit a value, then preview", code="invalid_params")
    params, _, tier = preview_edit(action, patch)
    again = rederive(action.kind, title=action.title, expected_revenue=action.expected_revenue,
                     revenue_inputs=action.revenue_inputs, old=action.params, new=params)
    return ctx.render("edit.html", a=action, patch=patch, params=params, tier=tier.value, again=again,
                      version=_int(ctx.request.query_params.get("version"), "version", low=1))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _version(ctx: Ctx) -> int:
    return _int(ctx.request.state.form.get("version"), "version", low=1)


def _said(result: Any, verb: str) -> str:
    a = result.action
    executed = (result.execution or {}).get("status") == "executed"
    return f"#{a.id} {verb}: now {a.status}{' (executed)' if executed and a.status != 'executed' else ''}."


async def approve(ctx: Ctx) -> Response:
    aid = ctx.request.path_params["action_id"]
    result = await ctx.op("actions.approve", action_id=aid, version=_version(ctx))
    return await ctx.back(_next(ctx, aid), _said(result, "approved"))


async def reject(ctx: Ctx) -> Response:
    aid = ctx.request.path_params["action_id"]
    reason = str(ctx.request.state.form.get("reason", "")).strip()
    if len(reason) < 3:
        raise InvalidInput("say why you reject it (a few words): the agents learn from the reason",
                           code="reason_required")
    result = await ctx.op("actions.reject", action_id=aid, version=_version(ctx), reason=reason)
    return await ctx.back(_next(ctx, aid), _said(result, "rejected"))


async def edit_approve(ctx: Ctx) -> Response:
    aid = ctx.request.path_params["action_id"]
    try:
        params = json.loads(str(ctx.request.state.form.get("params", "{}")) or "{}", parse_constant=_no_constant)
    except ValueError:
        raise InvalidInput("params must be a JSON object of the edited values", code="invalid_params") from None
    if not isinstance(params, dict):
        raise InvalidInput("params must be an object", code="invalid_params")
    result = await ctx.op("actions.edit_approve", action_id=aid, version=_version(ctx), params=params,
                          reason=str(ctx.request.state.form.get("reason", "")).strip())
    moved = result.reclassified or {}
    extra = f" Risk re-classified: {moved.get('from', '?')} → {moved.get('to', '?')}." if moved else ""
    return await ctx.back(f"/app/actions/{result.action.id}", _said(result, "edited and approved") + extra)


async def snooze(ctx: Ctx) -> Response:
    aid = ctx.request.path_params["action_id"]
    hours = _int(ctx.request.state.form.get("hours", "24"), "hours", low=1, high=24 * 30)
    until = ctx.app.deps.now() + timedelta(hours=hours)
    result = await ctx.op("actions.snooze", action_id=aid, version=_version(ctx), until=until)
    return await ctx.back(_next(ctx, aid), _said(result, f"snoozed for {hours} h"))


async def rollback(ctx: Ctx) -> Response:
    aid = ctx.request.path_params["action_id"]
    reason = str(ctx.request.state.form.get("reason", "")).strip()
    await ctx.op("actions.rollback", action_id=aid, reason=reason)
    return await ctx.back(f"/app/actions/{aid}", f"#{aid} rolled back.")


async def bulk(ctx: Ctx) -> Response:
    """Several decisions at once, each bound to the version on screen, each reported on its own."""
    form = ctx.request.state.form
    verdict = str(form.get("verdict", ""))
    if verdict not in ("approve", "reject"):
        raise InvalidInput("choose approve or reject for the selected actions", code="invalid_input")
    picked = form.getlist("pick")
    if not picked:
        raise InvalidInput("select at least one action first", code="invalid_input")
    if len(picked) > 200:
        raise InvalidInput(f"at most 200 decisions at once ({len(picked)} were selected)", code="payload_too_large")
    reason = str(form.get("reason", "")).strip()
    if verdict == "reject" and len(reason) < 3:
        raise InvalidInput("say why you reject them (a few words)", code="reason_required")
    items = []
    for raw in picked:
        aid, _, version = str(raw).partition(":")
        items.append(BulkItem(action_id=aid, version=_int(version, f"the version of #{aid[:12]}", low=1),
                              verdict=verdict, reason=reason))
    results = await ctx.op("actions.bulk_decide", items=items)
    lines = [f"#{r['action_id']}: {r['status'] if r['ok'] else 'refused — ' + r.get('message', r.get('code', ''))}"
             for r in results]
    ok = sum(1 for r in results if r["ok"])
    return await ctx.back("/app", f"{verdict.capitalize()}d {ok} of {len(results)}.\n" + "\n".join(lines))


def _next(ctx: Ctx, action_id: str) -> str:
    """Back to where the decision was taken: the inbox, or the action's page."""
    back = str(ctx.request.state.form.get("back", ""))
    return back if back.startswith("/app") and "//" not in back else f"/app/actions/{action_id}"
