"""The operator console in Chromium, on a fresh demo store: sign in, triage, edit, bulk, run, roll back, audit.

Every assertion about a decision is checked where it lands (the store, the audit log), not only on the page.
"""

from __future__ import annotations

import re
from typing import Any

from policies.principal import Principal
from tests.web.conftest import SHOTS, Served
from tools.actions import get_action, list_actions


async def sign_in(browser: Any, served: Served, token: str) -> Any:
    context = await browser.new_context(viewport={"width": 1360, "height": 900})
    page = await context.new_page()
    await page.goto(f"{served.url}/app")
    assert "/app/login" in page.url  # not signed in: the sign-in page, never the inbox
    await page.get_by_label("Token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{served.url}/app")
    return page


async def pending(served: Served, **filters: Any) -> list[Any]:
    return await list_actions(served.app.deps, Principal.operator("demo"), status="pending", limit=200, **filters)


async def detail(served: Served, action_id: int) -> dict[str, Any]:
    return await get_action(served.app.deps, Principal.operator("demo"), action_id=action_id)


async def test_the_operator_triages_the_inbox(demo: Served, browser: Any) -> None:
    page = await sign_in(browser, demo, demo.operator)
    queue = [a for a in await pending(demo) if a.kind != "support.escalation"]
    shown = [int(x) for x in await page.locator("table.queue tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.action)")]
    assert shown[:10] == [a.id for a in queue[:10]]  # the ranked queue, as the engine ranks it
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / "console-inbox.png"), full_page=False)

    # approve a low-risk action from its row
    low = next(a for a in queue if a.risk_tier == "low")
    await page.get_by_role("button", name=f"Approve #{low.id} version {low.version}").click()
    await page.wait_for_load_state()
    assert f"#{low.id} approved" in await page.locator(".flash").inner_text()
    assert (await detail(demo, low.id))["action"]["status"] in ("executed", "approved")

    # reject one with a reason, on its page
    other = next(a for a in queue if a.id != low.id and a.risk_tier in ("medium", "high"))
    await page.goto(f"{demo.url}/app/actions/{other.id}")
    await page.get_by_label("Reason to reject").fill("seasonal item, not now")
    await page.get_by_role("button", name="Reject").click()
    await page.wait_for_load_state()
    rejected = await detail(demo, other.id)
    assert rejected["action"]["status"] == "rejected"
    assert rejected["decisions"][-1]["reason"] == "seasonal item, not now"
    assert rejected["decisions"][-1]["version"] == other.version

    # edit-and-approve a markdown: deeper than 30 % is critical, and the preview says so before anything happens
    markdown = next(a for a in queue if a.kind == "inventory.markdown" and a.params["percent_off"] <= 30)
    await page.goto(f"{demo.url}/app/actions/{markdown.id}")
    await page.screenshot(path=str(SHOTS / "console-action.png"), full_page=True)
    await page.get_by_label("percent off").fill("40")
    await page.get_by_role("button", name="Preview the edit").click()
    await page.wait_for_load_state()
    preview = await page.locator("main").inner_text()
    assert "re-classified" in preview and "critical" in preview and "40%" in preview
    assert (await detail(demo, markdown.id))["action"]["version"] == markdown.version  # a preview changes nothing
    await page.screenshot(path=str(SHOTS / "console-edit.png"), full_page=True)
    await page.get_by_role("button", name="Approve the edited version").click()
    await page.wait_for_load_state()
    edited = await detail(demo, markdown.id)
    assert edited["action"]["version"] == markdown.version + 1
    assert edited["action"]["params"]["percent_off"] == 40 and edited["action"]["risk_tier"] == "critical"
    assert edited["action"]["status"] in ("executed", "approved") and "40%" in edited["action"]["title"]
    assert "Risk re-classified: high → critical" in await page.locator(".flash").inner_text()

    # bulk-approve three: each bound to the version on screen, each reported
    await page.goto(f"{demo.url}/app?kind=inventory.reorder")
    boxes = page.locator('input[name="pick"]')
    picked = [int((await boxes.nth(i).get_attribute("value")).split(":")[0]) for i in range(3)]
    for i in range(3):
        await boxes.nth(i).check()
    assert await page.locator("#bulk-count").inner_text() == "3 selected."
    await page.get_by_role("button", name="Approve selected").click()
    await page.wait_for_load_state()
    assert "Approved 3 of 3." in await page.locator(".flash").inner_text()
    for action_id in picked:
        assert (await detail(demo, action_id))["action"]["status"] in ("executed", "approved")
    await page.context.close()


async def test_a_decision_on_a_page_gone_stale_is_refused_and_said(demo: Served, browser: Any) -> None:
    page = await sign_in(browser, demo, demo.operator)
    action = next(a for a in await pending(demo) if a.kind != "support.escalation")
    await page.goto(f"{demo.url}/app/actions/{action.id}")
    # meanwhile the operator rejects it from another client: the page still shows the pending version
    from tools.decisions import reject_op

    await reject_op(demo.app.deps, Principal.operator("demo"), action_id=action.id, version=action.version,
                    reason="done over MCP")
    await page.get_by_role("button", name=f"Approve version {action.version}").click()
    await page.wait_for_load_state()
    said = await page.locator("main").inner_text()
    assert "That did not happen" in said and "[already_decided]" in said
    assert (await detail(demo, action.id))["action"]["status"] == "rejected"
    await page.context.close()


async def test_a_run_s_progress_shows_live(demo: Served, browser: Any) -> None:
    page = await sign_in(browser, demo, demo.operator)
    await page.get_by_role("link", name="Agents and runs").click()
    await page.wait_for_selector("#runs[data-live=on]")  # the event stream is open
    before = await page.locator("#runs tbody tr").count()
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text))
    await page.get_by_role("button", name="Run inventory now").click()
    await page.wait_for_load_state()
    assert "inventory started" in await page.locator(".flash").inner_text()
    # the newest run's row arrives over server-sent events, then changes to succeeded without a reload
    newest = page.locator("#runs tbody tr").first
    await page.wait_for_function("() => { const r = document.querySelector('#runs tbody tr');"
                                 " return r && r.children[1].textContent === 'inventory'"
                                 " && r.querySelector('[data-field=status]').textContent === 'succeeded'; }",
                                 timeout=60_000)
    assert await newest.locator("progress").get_attribute("value") == "100"
    runs = await demo.app.deps.db.query("demo", lambda tx: tx.runs.list(limit=1, agent="inventory"))
    assert runs[0].status == "succeeded" and f"#{runs[0].id}" == await newest.locator("td").first.inner_text()
    assert await page.locator("#runs tbody tr").count() >= min(before + 1, 15)
    # a cycle run elsewhere (here: as `growth cycle run` does) appears on the open page, phases and all
    from graphs.cycle import run_cycle

    await run_cycle(demo.app.deps, "demo", budget=300, trigger="cli")
    await page.wait_for_function("() => document.querySelector('#cycles tbody tr td:nth-child(4)')"
                                 "?.textContent.includes('reflect')", timeout=30_000)
    await page.screenshot(path=str(SHOTS / "console-agents.png"), full_page=True)
    await page.context.close()


async def test_roll_back_read_the_audit_and_hold_the_kill_switch(demo: Served, browser: Any) -> None:
    page = await sign_in(browser, demo, demo.operator)
    markdown = next(a for a in await pending(demo, kind="inventory.markdown"))
    await page.goto(f"{demo.url}/app/actions/{markdown.id}")
    await page.get_by_role("button", name=f"Approve version {markdown.version}").click()
    await page.wait_for_load_state()
    assert (await detail(demo, markdown.id))["action"]["status"] == "executed"
    await page.get_by_role("textbox", name="Why").fill("sold out faster than planned")
    await page.get_by_role("button", name=f"Roll back #{markdown.id}").click()
    await page.wait_for_load_state()
    assert f"#{markdown.id} rolled back." in await page.locator(".flash").inner_text()
    assert (await detail(demo, markdown.id))["action"]["status"] == "rolled_back"

    await page.get_by_role("link", name="Audit").click()
    assert re.match(r"Chain verified: \d+ events, intact\.", await page.locator(".chain").inner_text())
    events = await page.locator("table.events tbody").inner_text()
    assert "action.rolled_back" in events and "action.executed" in events
    await page.get_by_label("Event starts with").fill("action.rolled")
    await page.get_by_role("button", name="Filter").first.click()
    await page.wait_for_load_state()
    rows = await page.locator("table.events tbody tr").all_inner_texts()
    assert rows and all("action.rolled_back" in r for r in rows)

    # the kill switch needs its word typed: the button stays disabled until it is
    engage = page.get_by_role("button", name="Engage the kill switch")
    await page.get_by_role("textbox", name="Why").fill("something looks off")
    assert await engage.is_disabled()
    await page.get_by_label("Type STOP to engage the kill switch").fill("stop")
    assert await engage.is_disabled()
    await page.get_by_label("Type STOP to engage the kill switch").fill("STOP")
    await engage.click()
    await page.wait_for_load_state()
    assert "Kill switch: ENGAGED" in await page.locator("#kill-h").inner_text()
    from tools.execution import kill_state

    state = await demo.app.deps.db.query("demo", lambda tx: kill_state(tx, demo.app.deps))
    assert state.engaged and state.reason == "something looks off"
    await page.screenshot(path=str(SHOTS / "console-audit.png"), full_page=False)
    await page.context.close()


async def test_a_viewer_sees_no_controls_and_forged_decisions_are_refused(demo: Served, browser: Any) -> None:
    page = await sign_in(browser, demo, demo.viewer)
    assert await page.locator("table.queue tbody tr").count() > 5  # a viewer reads the queue
    assert await page.get_by_role("button", name=re.compile("Approve")).count() == 0
    assert await page.locator('input[name="pick"]').count() == 0
    action = next(a for a in await pending(demo) if a.kind != "support.escalation")
    await page.goto(f"{demo.url}/app/actions/{action.id}")
    assert await page.locator("form[action$='/approve'], form[action$='/reject']").count() == 0
    await page.goto(f"{demo.url}/app/audit")
    assert await page.locator("form[action='/app/kill-switch']").count() == 0
    # forged from the viewer's own signed-in page, with its valid CSRF token: the server still says no
    csrf = await page.locator('form[action="/app/logout"] input[name=csrf]').get_attribute("value")
    for path, form in ((f"/app/actions/{action.id}/approve", {"version": str(action.version)}),
                       (f"/app/actions/{action.id}/reject", {"version": str(action.version), "reason": "forged"}),
                       ("/app/kill-switch", {"move": "engage", "confirm": "STOP", "reason": "forged"}),
                       ("/app/bulk", {"verdict": "approve", "pick": f"{action.id}:{action.version}"})):
        answer = await page.request.post(f"{demo.url}{path}", form={**form, "csrf": csrf},
                                         headers={"Origin": demo.url})
        assert answer.status == 403, (path, answer.status)
    assert (await detail(demo, action.id))["action"]["status"] == "pending_approval"
    from tools.audit import recent

    denied = await recent(demo.app.deps, "demo", event_prefix="policy.denied", limit=20)
    assert {e["data"]["operation"] for e in denied} >= {"actions.approve", "actions.reject", "kill_switch.set"}
    await page.context.close()


async def test_csrf_cross_site_and_session_fixation_fail(demo: Served, browser: Any) -> None:
    context = await browser.new_context()
    # an attacker plants a session id before the operator signs in
    await context.add_cookies([{"name": "growth_console", "value": "planted-by-attacker", "url": f"{demo.url}/app"}])
    page = await context.new_page()
    await page.goto(f"{demo.url}/app/login")
    await page.get_by_label("Token").fill(demo.operator)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{demo.url}/app")
    cookie = next(c for c in await context.cookies() if c["name"] == "growth_console")
    assert cookie["value"] != "planted-by-attacker"
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/app"
    import httpx

    async with httpx.AsyncClient(base_url=demo.url, follow_redirects=False) as http:
        planted = await http.get("/app", headers={"Cookie": "growth_console=planted-by-attacker"})
        assert planted.status_code == 303 and "/app/login" in planted.headers["location"]
        signed = {"Cookie": f"growth_console={cookie['value']}"}
        page_html = (await http.get("/app", headers=signed)).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page_html).group(1)
        action = next(a for a in await pending(demo) if a.kind != "support.escalation")
        form = {"version": str(action.version)}
        # no token, a wrong token, another site's Origin: refused, and nothing decided
        assert (await http.post(f"/app/actions/{action.id}/approve", data=form, headers=signed)).status_code == 403
        assert (await http.post(f"/app/actions/{action.id}/approve", data={**form, "csrf": "guess"},
                                headers=signed)).status_code == 403
        cross = await http.post(f"/app/actions/{action.id}/approve", data={**form, "csrf": csrf},
                                headers={**signed, "Origin": "https://evil.example"})
        assert cross.status_code == 403
        assert (await detail(demo, action.id))["action"]["status"] == "pending_approval"
        # the headers that keep the page to itself
        head = (await http.get("/app", headers=signed)).headers
        assert "script-src 'self'" in head["content-security-policy"] and "frame-ancestors 'none'" in \
            head["content-security-policy"] and "unsafe-inline" not in head["content-security-policy"]
        # a revoked token closes its sessions on the next request
        from tools.tokens import list_tokens, revoke_token

        op = Principal.operator("demo")
        mine = next(t for t in await list_tokens(demo.app.deps, op) if demo.operator.startswith(t["prefix"]))
        await revoke_token(demo.app.deps, op, token_id=mine["id"])
        gone = await http.get("/app", headers=signed)
        assert gone.status_code == 303 and "/app/login" in gone.headers["location"]
    await context.close()


async def test_every_page_passes_axe_and_metrics_draw_their_charts(demo: Served, browser: Any) -> None:
    from tests.web.conftest import axe_serious

    context = await browser.new_context(viewport={"width": 1360, "height": 900})
    page = await context.new_page()
    await page.goto(f"{demo.url}/app/login")
    problems = {"login": await axe_serious(page)}
    await page.get_by_label("Token").fill(demo.operator)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{demo.url}/app")
    markdown = next(a for a in await pending(demo, kind="inventory.markdown"))
    pages = {"inbox": "/app", "action": f"/app/actions/{markdown.id}",
             "edit": f"/app/actions/{markdown.id}/edit?version={markdown.version}&p.percent_off=20",
             "agents": "/app/agents", "metrics": "/app/metrics", "audit": "/app/audit",
             "refused": "/app/actions/999999"}
    for name, path in pages.items():
        await page.goto(f"{demo.url}{path}")
        problems[name] = await axe_serious(page)
    assert problems == {name: [] for name in problems}, problems
    await page.goto(f"{demo.url}/app/metrics")
    charts = page.locator("figure.chart img")
    assert await charts.count() == 3
    drawn = await charts.evaluate_all("imgs => imgs.map(i => i.complete && i.naturalWidth > 0 && i.alt)")
    assert all(drawn) and len(set(drawn)) == 3, drawn  # each chart loaded, each with its own text alternative
    captions = await page.locator("figure.chart figcaption").all_inner_texts()
    assert all(re.search(r"\d", c) for c in captions)  # the numbers in words beside each chart
    await page.screenshot(path=str(SHOTS / "console-metrics.png"), full_page=True)
    # keyboard: the skip link comes first, and every decision control is reachable by Tab
    await page.goto(f"{demo.url}/app")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Skip to content"
    await context.close()


async def test_the_inbox_pages_a_thousand_pending_actions(demo: Served, browser: Any) -> None:
    from tests.factories import proposal
    from tools.actions import propose_many

    agent = Principal.for_agent("demo", "content")
    raws = [proposal(target=f"page:https://shop.example/products/landing-{i}", revenue=100.0 + i)
            for i in range(1000)]
    for start in range(0, 1000, 250):
        landed = await propose_many(demo.app.deps, agent, raws[start:start + 250])
        assert not [r for r in landed if isinstance(r, Exception)], landed[:1]
    page = await sign_in(browser, demo, demo.operator)
    rows = page.locator("table.queue tbody tr")
    assert await rows.count() == 50  # one page, whatever the queue's length
    first = await rows.first.get_attribute("data-action")
    await page.get_by_role("link", name="Next page").click()
    await page.wait_for_load_state()
    assert await rows.count() == 50 and await rows.first.get_attribute("data-action") != first
    assert "page=2" in page.url and await page.get_by_role("link", name="Previous page").count() == 1
    await page.context.close()
