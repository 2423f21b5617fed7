"""Workflows the operator starts and steers: named templates whose steps are the engine's operations.

``weekly-seo-sweep`` syncs Search Console, runs the content agent and sends the review digest;
``restock-check`` and ``fraud-sweep`` do the same for inventory and risk; ``full-review`` runs every
specialist at once, each as a durable child workflow (what ``run_all_specialists`` does when the durable
engine runs). Each is a DBOS workflow: listed with its progress (steps done of steps planned), paused
(DBOS cancels it at its next step boundary; nothing done is undone), resumed from the step where it
stopped, or cancelled for good. Pauses and cancels are audited with who asked.

A step that cannot run because the store has not configured it (a sync with no credentials) is
recorded as skipped with the reason, and the workflow goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dbos import DBOS, SetWorkflowID

from graphs.registry import SPECIALISTS
from policies.principal import Principal
from server.durable.engine import WORKFLOW_QUEUE, current_app, running
from server.durable.templates import TEMPLATES, Template  # noqa: F401 - Template re-exported
from tools.audit import record
from tools.deps import Deps
from tools.errors import InvalidInput, NotFound, ToolError

if TYPE_CHECKING:
    from server.settings import Settings


#: days of data a sync step fetches, and how many days behind each source's final data is
SYNC_DAYS = 28
SYNC_LAG = {"gsc": 3, "ga4": 1, "shopify-products": 0, "shopify-orders": 0}
PREFIX = "wf"


# --- steps -------------------------------------------------------------------------------------

async def sync_source(principal: Principal, source: str) -> dict[str, Any]:
    """Fetch ``source`` through its configured live connection and import it; skipped (with the reason)
    when the store has none. The connections in settings (GROWTH_GSC_SITE, …) are the default tenant's."""
    from server.connectors import Http, connector_for
    from tools.sync import sync

    app = current_app()
    settings = app.settings
    configured = {"gsc": settings.gsc_site, "ga4": settings.ga4_property,
                  "shopify-products": settings.shopify_shop, "shopify-orders": settings.shopify_shop}
    if principal.tenant != settings.tenant or not configured.get(source):
        return {"step": f"sync {source}", "status": "skipped",
                "reason": f"no live connection configured for {source} (see `growth sync --help`); the data "
                          "already imported is used"}
    last = app.deps.now().date() - timedelta(days=SYNC_LAG[source])
    http = Http()
    try:
        done = await sync(app.deps, principal, connector=connector_for(source, settings, http),
                          since=last - timedelta(days=SYNC_DAYS - 1), until=last)
    except ToolError as exc:
        return {"step": f"sync {source}", "status": "failed", "reason": exc.message}
    finally:
        await http.aclose()
    return {"step": f"sync {source}", "status": "done", "files": done["files"]}


@DBOS.step(name="growth.workflow.sync")
async def sync_step(principal: Principal, source: str) -> dict[str, Any]:
    return await sync_source(principal, source)


@DBOS.step(name="growth.workflow.run")
async def run_step(principal: Principal, agent: str) -> dict[str, Any]:
    from graphs.runs import run_specialist

    try:
        result = await run_specialist(current_app().deps, principal, agent, trigger="run")
    except ToolError as exc:
        # one agent switched off (or failing) does not stop the others; the result says why it did not run
        return {"step": f"run {agent}", "agent": agent, "run_id": None, "summary": exc.message, "reason": exc.message,
                "status": "disabled" if exc.code == "agents_disabled" else "failed", "findings": [],
                "action_ids": [], "new_action_ids": [], "withdrawn": []}
    return {**result, "step": f"run {agent}", "agent": agent, "status": result.get("status", "done")}


@DBOS.workflow(name="growth.specialist")
async def specialist_workflow(principal: Principal, agent: str) -> dict[str, Any]:
    return await run_step(principal, agent)


@DBOS.step(name="growth.workflow.digest")
async def digest_step(tenant: str, workflow: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    from tools.notify import Event, notify

    app = current_app()
    ids = sorted({i for r in results for i in r.get("action_ids") or []})
    pending = await app.db.query(tenant, lambda tx: tx.actions.count_by_status())
    lines = [f"{r['step']}: {r['status']}" + (f" — {r.get('summary') or r.get('reason')}"
                                               if r.get("summary") or r.get("reason") else "") for r in results]
    body = "\n".join([*lines, f"Proposed in this workflow: {len(ids)} action(s)"
                      + (f" (#{', #'.join(map(str, ids))})" if ids else ""),
                      f"Waiting for your decision: {pending.get('pending_approval', 0)}"])
    told = await notify(app.deps, tenant, Event("review_digest", f"review:{workflow}", "Review digest", body, "info",
                                                {"workflow": workflow, "action_ids": ids}))
    return {"step": "digest", "status": "sent" if told is not None else "already sent",
            "notification": told.id if told is not None else None, "action_ids": ids}


# --- the workflows -----------------------------------------------------------------------------

async def _run_all(principal: Principal) -> list[dict[str, Any]]:
    """Every specialist at once, each a durable child workflow (its id derived from the parent's)."""
    parent = DBOS.workflow_id
    handles = []
    for agent in SPECIALISTS:
        with SetWorkflowID(f"{parent}:{agent}"):
            handles.append(await DBOS.start_workflow_async(specialist_workflow, principal, agent))
    return list(await asyncio.gather(*(h.get_result() for h in handles)))


@DBOS.workflow(name="growth.template")
async def template_workflow(principal: Principal, template: str) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for kind, arg in TEMPLATES[template].steps:
        if kind == "sync":
            results.append(await sync_step(principal, arg))
        elif kind == "run":
            results.append(await run_step(principal, arg))
        elif kind == "run_all":
            results.extend(await _run_all(principal))
        else:
            results.append(await digest_step(principal.tenant, DBOS.workflow_id or "", results))
    return {"template": template, "steps": results}


@DBOS.workflow(name="growth.run_all")
async def run_all_workflow(principal: Principal) -> list[dict[str, Any]]:
    return await _run_all(principal)


async def run_all_durably(principal: Principal) -> list[dict[str, Any]]:
    """``run_all_specialists`` on the durable engine: the four specialists concurrently, as child workflows."""
    from tools.agent_flags import require_enabled

    await require_enabled(current_app().deps, principal.tenant)
    wid = f"{PREFIX}:{principal.tenant}:run-all:{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}"
    with SetWorkflowID(wid):
        handle = await DBOS.start_workflow_async(run_all_workflow, principal)
    return await handle.get_result()


# --- operations: start, list, get, pause, resume, cancel -------------------------------------
# They run in any process: a worker (DBOS itself) or the command line (a DBOS client on the same system
# database, which enqueues and steers but never runs a workflow: a worker dequeues it).

class Control:
    """The in-process engine's view of the workflows (``growth serve`` / ``growth worker``)."""

    async def enqueue(self, wid: str, principal: Principal, template: str) -> None:
        with SetWorkflowID(wid):
            await running().queues[WORKFLOW_QUEUE].enqueue_async(template_workflow, principal, template)

    async def status(self, wid: str) -> Any:
        return await DBOS.get_workflow_status_async(wid)

    async def list(self, prefix: str, limit: int) -> list[Any]:
        return await DBOS.list_workflows_async(workflow_id_prefix=prefix, limit=limit, sort_desc=True)

    async def steps(self, wid: str) -> list[dict[str, Any]]:
        return list(await DBOS.list_workflow_steps_async(wid))

    async def cancel(self, wid: str) -> None:
        await DBOS.cancel_workflow_async(wid)

    async def resume(self, wid: str) -> None:
        await DBOS.resume_workflow_async(wid)


class ClientControl(Control):
    """The same, from outside any worker: a DBOS client on the system database."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def enqueue(self, wid: str, principal: Principal, template: str) -> None:
        await self.client.enqueue_async({"workflow_name": "growth.template", "queue_name": WORKFLOW_QUEUE,
                                         "workflow_id": wid}, principal, template)

    async def status(self, wid: str) -> Any:
        found = await self.client.list_workflows_async(workflow_ids=[wid])
        return found[0] if found else None

    async def list(self, prefix: str, limit: int) -> list[Any]:
        return await self.client.list_workflows_async(workflow_id_prefix=prefix, limit=limit, sort_desc=True)

    async def steps(self, wid: str) -> list[dict[str, Any]]:
        return list(await self.client.list_workflow_steps_async(wid))

    async def cancel(self, wid: str) -> None:
        await self.client.cancel_workflow_async(wid)

    async def resume(self, wid: str) -> None:
        await self.client.resume_workflow_async(wid)


@asynccontextmanager
async def client_control(settings: Settings) -> AsyncIterator[ClientControl]:
    """A DBOS client on the durable engine's system database, for a process that runs no engine (the command
    line, ``growth chat``): it enqueues and steers; a running ``growth serve`` or ``growth worker`` runs."""
    from dbos import DBOSClient

    from server.durable.engine import APP_NAME, system_database_url

    url = system_database_url(settings)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise ToolError("the durable engine has not run on this database yet: start `growth serve` or "
                        "`growth worker` (they run the workflows)", code="no_engine")
    client = await asyncio.to_thread(DBOSClient, system_database_url=url, application_name=APP_NAME)
    try:
        yield ClientControl(client)
    finally:
        await asyncio.to_thread(client.destroy)


def _tenant_of(workflow_id: str) -> str:
    parts = workflow_id.split(":")
    return parts[1] if len(parts) > 2 and parts[0] == PREFIX else ""


def _planned(template: str) -> int:
    steps = TEMPLATES[template].steps
    return sum(len(SPECIALISTS) if kind == "run_all" else 1 for kind, _ in steps)


def _ms(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value) / 1000, timezone.utc) if value else None


async def _view(control: Control, status: Any, said: dict[str, str], *, steps: bool = False) -> dict[str, Any]:
    template = status.workflow_id.split(":")[2]
    done = await control.steps(status.workflow_id)
    names = [s["function_name"] for s in done if s.get("function_name", "").startswith("growth.workflow.")
             or s.get("function_name") == "growth.specialist"]
    planned = _planned(template) if template in TEMPLATES else len(names)
    state = {"PENDING": "running", "ENQUEUED": "queued", "SUCCESS": "done", "ERROR": "failed"}.get(
        status.status, status.status.lower())
    if status.status == "CANCELLED":
        state = "cancelled" if said.get(status.workflow_id) == "cancelled" else "paused"
    view: dict[str, Any] = {"id": status.workflow_id, "template": template,
                            "title": TEMPLATES[template].title if template in TEMPLATES else template,
                            "state": state, "progress": f"{min(len(names), planned)}/{planned} steps",
                            "started_at": _ms(status.created_at), "updated_at": _ms(status.updated_at)}
    if steps:
        view["steps"] = [{"step": s["function_name"].removeprefix("growth."), "output": s.get("output"),
                          "error": str(s["error"]) if s.get("error") else None} for s in done]
        if status.status == "SUCCESS":
            view["result"] = status.output
        if status.status == "ERROR":
            view["error"] = str(status.error)
    return view


async def _said(deps: Deps, tenant: str) -> dict[str, str]:
    """paused | cancelled | resumed: the operator's last word on each workflow, from the audit log."""
    from tools.audit import recent

    events = await recent(deps, tenant, limit=1000, event_prefix="workflow.")
    said: dict[str, str] = {}
    for e in sorted(events, key=lambda e: e["seq"]):
        if e["event"] in ("workflow.paused", "workflow.cancelled", "workflow.resumed"):
            said[e["subject"].removeprefix("workflow:")] = e["event"].removeprefix("workflow.")
    return said


async def start(deps: Deps, control: Control, principal: Principal, template: str) -> dict[str, Any]:
    from tools.agent_flags import require_enabled

    if template not in TEMPLATES:
        raise InvalidInput(f"unknown workflow {template!r}; workflows: {', '.join(TEMPLATES)}",
                           code="unknown_workflow")
    await require_enabled(deps, principal.tenant)
    wid = f"{PREFIX}:{principal.tenant}:{template}:{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}"
    await control.enqueue(wid, principal, template)
    await _audit(deps, principal, wid, "workflow.started", {"template": template})
    return await get(deps, control, principal, wid)


async def list_workflows(deps: Deps, control: Control, principal: Principal, *,
                         limit: int = 20) -> list[dict[str, Any]]:
    found = await control.list(f"{PREFIX}:{principal.tenant}:", limit)
    said = await _said(deps, principal.tenant)
    # children (a full review's specialists) are shown inside their parent
    return [await _view(control, s, said) for s in found if s.workflow_id.count(":") == 3]


async def _status(control: Control, principal: Principal, workflow_id: str) -> Any:
    status = await control.status(workflow_id) if _tenant_of(workflow_id) == principal.tenant else None
    if status is None:
        raise NotFound(f"no workflow {workflow_id!r} for this store (growth workflows list)", code="not_found")
    return status


async def get(deps: Deps, control: Control, principal: Principal, workflow_id: str) -> dict[str, Any]:
    return await _view(control, await _status(control, principal, workflow_id), await _said(deps, principal.tenant),
                       steps=True)


async def pause(deps: Deps, control: Control, principal: Principal, workflow_id: str) -> dict[str, Any]:
    status = await _status(control, principal, workflow_id)
    if status.status not in ("PENDING", "ENQUEUED"):
        raise InvalidInput(f"workflow {workflow_id} is not running (it is {status.status.lower()})",
                           code="not_running")
    await control.cancel(workflow_id)
    await _audit(deps, principal, workflow_id, "workflow.paused", {})
    return await get(deps, control, principal, workflow_id)


async def resume(deps: Deps, control: Control, principal: Principal, workflow_id: str) -> dict[str, Any]:
    status = await _status(control, principal, workflow_id)
    if status.status != "CANCELLED" or (await _said(deps, principal.tenant)).get(workflow_id) == "cancelled":
        raise InvalidInput(f"workflow {workflow_id} is not paused", code="not_paused")
    await control.resume(workflow_id)
    await _audit(deps, principal, workflow_id, "workflow.resumed", {})
    return await get(deps, control, principal, workflow_id)


async def cancel(deps: Deps, control: Control, principal: Principal, workflow_id: str) -> dict[str, Any]:
    status = await _status(control, principal, workflow_id)
    if status.status in ("SUCCESS", "ERROR"):
        raise InvalidInput(f"workflow {workflow_id} has already finished", code="finished")
    if status.status != "CANCELLED":
        await control.cancel(workflow_id)
    await _audit(deps, principal, workflow_id, "workflow.cancelled", {})
    return await get(deps, control, principal, workflow_id)


async def _audit(deps: Deps, principal: Principal, workflow_id: str, event: str, data: dict[str, Any]) -> None:
    await deps.db.transact(principal.tenant, lambda tx: record(tx, deps, actor=principal.subject, event=event,
                                                                subject=f"workflow:{workflow_id}", data=data))
