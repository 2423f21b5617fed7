"""The console's sessions and decisions without a browser, on SQLite and PostgreSQL: sign-in, the sliding
expiry, CSRF, a decision that lands, and a token revoked mid-session."""

from __future__ import annotations

import re

import httpx

from policies.principal import Principal
from server.app import App
from server.web import build_console
from tests.conftest import Clock
from tests.factories import proposal, seed_store
from tools.actions import get_action, propose
from tools.tokens import create_token, list_tokens, revoke_token


async def _client(app: App) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=build_console(app)), base_url="http://127.0.0.1",
                             follow_redirects=False)


async def _sign_in(http: httpx.AsyncClient, token: str) -> dict[str, str]:
    signed = await http.post("/app/login", data={"token": token, "next": "/app"},
                             headers={"Origin": "http://127.0.0.1"})
    assert signed.status_code == 303 and signed.headers["location"] == "/app", signed.text
    value = re.search(r"growth_console=([^;]+)", signed.headers["set-cookie"]).group(1)
    assert "HttpOnly" in signed.headers["set-cookie"] and "SameSite=strict" in signed.headers["set-cookie"]
    return {"Cookie": f"growth_console={value}"}


async def test_a_session_decides_expires_and_dies_with_its_token(app: App, clock: Clock) -> None:
    op = Principal.operator("demo")
    await seed_store(app)
    token, _ = await create_token(app.deps, op, tenant="demo", role="operator", scopes=[])
    other_token, _ = await create_token(app.deps, op, tenant="demo", role="viewer", scopes=[])
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    async with await _client(app) as http:
        here = {"Origin": "http://127.0.0.1"}
        bad = await http.post("/app/login", data={"token": "ge_not-a-token"}, headers=here)
        assert bad.status_code == 401 and "not valid" in bad.text
        from tools.pii import customer_ref_for

        shopper, _ = await create_token(app.deps, op, tenant="demo", role="customer", scopes=[],
                                        customer_ref=customer_ref_for(app.deps, "demo", "jane@example.com"))
        refused = await http.post("/app/login", data={"token": shopper}, headers=here)
        assert refused.status_code == 403 and "shop assistant" in refused.text and "set-cookie" not in refused.headers
        cookie = await _sign_in(http, token)
        inbox = await http.get("/app", headers=cookie)
        assert inbox.status_code == 200 and f'data-action="{action.id}"' in inbox.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', inbox.text).group(1)
        refused = await http.post(f"/app/actions/{action.id}/approve", headers=cookie, data={"version": "1"})
        assert refused.status_code == 403 and "CSRF" in refused.text
        done = await http.post(f"/app/actions/{action.id}/approve", headers=cookie,
                               data={"version": "1", "csrf": csrf, "back": "/app"})
        assert done.status_code == 303 and done.headers["location"] == "/app"
        assert (await get_action(app.deps, op, action_id=action.id))["action"]["status"] == "executed"
        told = await http.get("/app", headers=cookie)
        assert f"#{action.id} approved: now executed." in told.text  # said once, on the next page
        assert f"#{action.id} approved" not in (await http.get("/app", headers=cookie)).text
        # eight idle hours end it; a visit within them keeps it
        clock.advance(hours=7)
        assert (await http.get("/app", headers=cookie)).status_code == 200
        clock.advance(hours=7, minutes=59)
        assert (await http.get("/app", headers=cookie)).status_code == 200
        clock.advance(hours=8, minutes=1)
        assert (await http.get("/app", headers=cookie)).status_code == 303
        # a new session, then its token revoked: closed on the next request
        cookie = await _sign_in(http, token)
        assert (await http.get("/app", headers=cookie)).status_code == 200
        mine = next(t for t in await list_tokens(app.deps, op) if token.startswith(t["prefix"]))
        await revoke_token(app.deps, op, token_id=mine["id"])
        assert (await http.get("/app", headers=cookie)).status_code == 303
        assert (await http.post("/app/login", data={"token": token}, headers=here)).status_code == 401
        # a sign-in posted from nowhere (no Origin, no Referer) or from another site: refused (login CSRF)
        assert (await http.post("/app/login", data={"token": other_token})).status_code == 403
        assert (await http.post("/app/login", data={"token": other_token},
                                headers={"Referer": "https://evil.example/x"})).status_code == 403


async def test_sign_out_ends_the_session_and_another_store_s_token_sees_only_its_store(app: App) -> None:
    op = Principal.operator("demo")
    token, _ = await create_token(app.deps, op, tenant="demo", role="operator", scopes=[])
    other, _ = await create_token(app.deps, op, tenant="other", role="operator", scopes=[])
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    async with await _client(app) as http:
        theirs = await _sign_in(http, other)
        page = await http.get("/app", headers=theirs)
        assert page.status_code == 200 and f'data-action="{action.id}"' not in page.text
        assert (await http.get(f"/app/actions/{action.id}", headers=theirs)).status_code == 404
        cookie = await _sign_in(http, token)
        csrf = re.search(r'name="csrf" value="([^"]+)"', (await http.get("/app", headers=cookie)).text).group(1)
        out = await http.post("/app/logout", headers=cookie, data={"csrf": csrf})
        assert out.status_code == 303 and out.headers["location"] == "/app/login"
        assert (await http.get("/app", headers=cookie)).status_code == 303


async def test_workflows_are_listed_paused_and_cancelled_from_the_console(app: App) -> None:
    """With the durable engine running (as under `growth serve`), the agents page lists the store's workflows
    and its buttons pause and cancel them through the same operations as the command line, audited."""
    from server.durable import workflows
    from server.durable.engine import Durable
    from tools.audit import recent

    op = Principal.operator("demo")
    await seed_store(app)
    token, _ = await create_token(app.deps, op, tenant="demo", role="operator", scopes=[])
    viewer, _ = await create_token(app.deps, op, tenant="demo", role="viewer", scopes=[])
    async with Durable(app), await _client(app) as http:
        started = await workflows.start(app.deps, workflows.Control(), op, "restock-check")
        cookie = await _sign_in(http, token)
        page = (await http.get("/app/agents", headers=cookie)).text
        assert started["id"] in page and "Restock check" in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        paused = await http.post("/app/workflows/pause", headers=cookie,
                                 data={"csrf": csrf, "workflow_id": started["id"]})
        assert paused.status_code == 303, paused.text
        assert (await workflows.get(app.deps, workflows.Control(), op, started["id"]))["state"] == "paused"
        async with await _client(app) as browser_of_viewer:  # another browser: signing in here would end ours
            theirs = await _sign_in(browser_of_viewer, viewer)
            viewer_page = (await browser_of_viewer.get("/app/agents", headers=theirs)).text
            assert "/app/workflows/" not in viewer_page  # no controls shown to a viewer ...
            viewer_csrf = re.search(r'name="csrf" value="([^"]+)"', viewer_page).group(1)
            forged = await browser_of_viewer.post("/app/workflows/cancel", headers=theirs,
                                                  data={"csrf": viewer_csrf, "workflow_id": started["id"]})
            assert forged.status_code == 403  # ... and none honoured
        cancelled = await http.post("/app/workflows/cancel", headers=cookie,
                                    data={"csrf": csrf, "workflow_id": started["id"]})
        assert cancelled.status_code == 303
        assert (await workflows.get(app.deps, workflows.Control(), op, started["id"]))["state"] == "cancelled"
        other = await http.post("/app/workflows/cancel", headers=cookie,
                                data={"csrf": csrf, "workflow_id": "wf:other:restock-check:1"})
        assert other.status_code == 404  # another store's workflow is not found, whatever its id
    said = [e["event"] for e in await recent(app.deps, "demo", event_prefix="workflow.", limit=10)]
    assert {"workflow.started", "workflow.paused", "workflow.cancelled"} <= set(said)


async def test_odd_input_is_refused_with_a_page_that_says_what_is_wrong(app: App) -> None:
    op = Principal.operator("demo")
    await seed_store(app)
    token, _ = await create_token(app.deps, op, tenant="demo", role="operator", scopes=[])
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    async with await _client(app) as http:
        cookie = await _sign_in(http, token)
        csrf = re.search(r'name="csrf" value="([^"]+)"', (await http.get("/app", headers=cookie)).text).group(1)
        cases = [
            ("GET", "/app?page=abc", {}, 400, "page must be a whole number"),
            ("GET", "/app?page=999999999", {}, 400, "page must be between"),
            ("GET", "/app/actions/abc", {}, 400, "action"),
            ("GET", "/app/actions/987654", {}, 404, "no action #987654"),
            ("POST", f"/app/actions/{action.id}/approve", {"version": "x"}, 400, "version must be a whole number"),
            ("POST", f"/app/actions/{action.id}/approve", {}, 400, "version must be a whole number"),
            ("POST", f"/app/actions/{action.id}/edit", {"version": "1", "params": "{not json"}, 400,
             "params must be a JSON object"),
            ("POST", f"/app/actions/{action.id}/reject", {"version": "1", "reason": ""}, 400, "say why"),
            ("POST", "/app/bulk", {"verdict": "approve"}, 400, "select at least one action"),
            ("POST", "/app/bulk", {"verdict": "explode", "pick": f"{action.id}:1"}, 400, "approve or reject"),
            ("POST", "/app/kill-switch", {"move": "engage", "confirm": "stop", "reason": "test"}, 400, "type STOP"),
            ("GET", "/app/charts/nope.svg", {}, 400, "unknown chart"),
            ("POST", "/app/agents/content/enabled", {"reason": "no value given"}, 400, "enabled must be true or false"),
        ]
        for method, path, form, status, said in cases:
            answer = await http.request(method, path, headers=cookie, data={**form, "csrf": csrf} if method == "POST"
                                        else None)
            assert (answer.status_code, said in answer.text) == (status, True), (path, answer.status_code,
                                                                                answer.text[-400:])
        assert (await get_action(app.deps, op, action_id=action.id))["action"]["status"] == "pending_approval"


async def test_the_inbox_shows_the_latest_notifications_to_those_who_may_read_them(app: App) -> None:
    from tools.notify import Event, notify

    op = Principal.operator("demo")
    await seed_store(app)
    await notify(app.deps, "demo", Event(kind="delivery.failed", key="d:1", title="A delivery to the store failed",
                                         severity="warning"))
    token, _ = await create_token(app.deps, op, tenant="demo", role="operator", scopes=[])
    other, _ = await create_token(app.deps, op, tenant="other", role="operator", scopes=[])
    async with await _client(app) as http:
        page = (await http.get("/app", headers=await _sign_in(http, token))).text
        assert "Notifications" in page and "A delivery to the store failed" in page
    async with await _client(app) as http:
        page = (await http.get("/app", headers=await _sign_in(http, other))).text
        assert "A delivery to the store failed" not in page  # another store's operator is told nothing of it


async def test_an_infinite_amount_is_refused_on_every_engine(app: App) -> None:
    op = Principal.operator("demo")
    await seed_store(app)
    token, _ = await create_token(app.deps, op, tenant="demo", role="operator", scopes=[])
    action = (await propose(app.deps, Principal.for_agent("demo", "inventory"),
                            proposal("inventory.markdown"))).action
    async with await _client(app) as http:
        cookie = await _sign_in(http, token)
        csrf = re.search(r'name="csrf" value="([^"]+)"', (await http.get("/app", headers=cookie)).text).group(1)
        for raw in ("Infinity", "NaN", "-Infinity", "1e999"):
            posted = await http.post(f"/app/actions/{action.id}/edit", headers=cookie,
                                     data={"csrf": csrf, "version": "1", "params": f'{{"percent_off": {raw}}}'})
            assert posted.status_code == 400, (raw, posted.status_code)
            preview = await http.get(f"/app/actions/{action.id}/edit?version=1&p.percent_off={raw.lower()}",
                                     headers=cookie)
            assert preview.status_code == 400 and "must be a number" in preview.text, raw
    assert (await get_action(app.deps, op, action_id=action.id))["action"]["version"] == 1


async def test_the_event_stream_ends_when_its_session_does(app: App) -> None:
    """An open stream of run progress is no way around a revoked token: it closes within seconds."""
    import asyncio

    from tests.loopback import serve_asgi

    op = Principal.operator("demo")
    await seed_store(app)
    token, _ = await create_token(app.deps, op, tenant="demo", role="operator", scopes=[])
    async with serve_asgi(build_console(app)) as url, httpx.AsyncClient(base_url=url) as http:
        signed = await http.post("/app/login", data={"token": token}, headers={"Origin": url},
                                 follow_redirects=False)
        cookie = {"Cookie": "growth_console=" + re.search(r"growth_console=([^;]+)",
                                                           signed.headers["set-cookie"]).group(1)}
        async with http.stream("GET", "/app/agents/events", headers={**cookie, "Accept": "text/event-stream"},
                               timeout=30) as stream:
            lines = stream.aiter_lines()
            assert (await asyncio.wait_for(anext(lines), 10)) == "event: runs"
            mine = next(t for t in await list_tokens(app.deps, op) if token.startswith(t["prefix"]))
            await revoke_token(app.deps, op, token_id=mine["id"])

            async def drain() -> None:
                async for _ in lines:
                    pass

            await asyncio.wait_for(drain(), 10)  # the server ends the stream: no hang, no more events


async def test_two_live_sessions_in_one_request_open_nothing(app: App) -> None:
    """A sibling site planting its own live session beside the operator's (a narrower path) must not make the
    operator act in the planted one: two live sessions are ambiguous, and refused."""
    op = Principal.operator("demo")
    await seed_store(app)
    mine, _ = await create_token(app.deps, op, tenant="demo", role="operator", scopes=[])
    theirs, _ = await create_token(app.deps, op, tenant="demo", role="viewer", scopes=[])
    async with await _client(app) as one, await _client(app) as two:
        a = (await _sign_in(one, mine))["Cookie"]
        b = (await _sign_in(two, theirs))["Cookie"]
        assert (await one.get("/app", headers={"Cookie": a})).status_code == 200
        assert (await one.get("/app", headers={"Cookie": f"{a}; {b}"})).status_code == 303
        stale = "growth_console=stale-value"
        assert (await one.get("/app", headers={"Cookie": f"{stale}; {a}"})).status_code == 200
