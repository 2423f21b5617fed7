"""MCP Apps views of the inbox and of one action (extension ``io.modelcontextprotocol/ui``).

The protocol through the official client over streamable HTTP (both protocol eras): a client without the
extension sees today's tools, resources and results; one that declares it sees the view links and reads the
``ui://`` resources. Then a host in Chromium, written here from the extension's specification (2026-01-26): it
reads the view through the real client, loads it into a sandboxed iframe under the specification's default
content policy, answers ``ui/initialize`` with a theme, sends a real tool call's input and result, and
carries the view's ``tools/call`` requests to the server through the same client.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import Client
from mcp.client.extension import advertise
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID
from mcp.shared.exceptions import MCPError

from policies.principal import Principal
from server.mcp import render, views
from server.mcp.guard import FORBIDDEN
from server.mcp.tools.base import dump
from tests.server.conftest import MODES, http_client
from tests.web.conftest import SHOTS, Served, axe_serious
from tools import actions, decisions
from tools.tokens import create_token

UI = {"mimeTypes": [APP_MIME_TYPE]}
INBOX, ACTION = "ui://growth/inbox", "ui://growth/action"
OPERATOR = Principal.operator("demo")


def apps_client(demo: Served, token: str, mode: str = "legacy") -> Any:
    """A client that declares the MCP Apps extension, as a host that renders views does."""
    return http_client(demo.url, token, mode, extensions=[advertise(EXTENSION_ID, UI)])


def wire(result: Any) -> dict[str, Any]:
    return result.model_dump(by_alias=True, exclude_none=True, mode="json")


@pytest.mark.parametrize("mode", MODES)
async def test_a_client_without_the_extension_sees_todays_tools_and_results(demo: Served, mode: str) -> None:
    items = [r.model_dump(mode="json") for r in
             await actions.list_actions(demo.app.deps, OPERATOR, status="pending", limit=20)]
    one = items[0]["id"]
    async with http_client(demo.url, demo.operator, mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert all(not (t.meta or {}).keys() & {"ui", "ui/resourceUri"} for t in tools.values())
        assert not [r for r in (await client.list_resources()).resources if str(r.uri).startswith("ui://")]
        listed = await client.call_tool("list_actions", {"status": "pending"})
        detail = await client.call_tool("get_action", {"action_id": one})
    # exactly what the tools returned before the views existed: the rows and text from the store
    assert listed.structured_content == {"actions": views.rows(items, "summary")}
    assert listed.content[0].text == render.actions(items)
    found = dump(await actions.get_action(demo.app.deps, OPERATOR, action_id=one))
    assert detail.structured_content == json.loads(json.dumps(views.action_detail(found, "summary"), default=str))
    assert detail.content[0].text == render.action(found)
    async with apps_client(demo, demo.operator, mode) as client:
        # a host with the extension gets the same results; only the tool list differs
        assert wire(await client.call_tool("list_actions", {"status": "pending"})) == wire(listed)
        assert wire(await client.call_tool("get_action", {"action_id": one})) == wire(detail)


@pytest.mark.parametrize("mode", MODES)
async def test_a_client_declaring_the_extension_finds_the_views_linked_and_readable(demo: Served, mode: str) -> None:
    async with apps_client(demo, demo.operator, mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["list_actions"].meta["ui"]["resourceUri"] == INBOX
        assert tools["get_action"].meta["ui"]["resourceUri"] == ACTION
        assert tools["list_actions"].meta["ui/resourceUri"] == INBOX  # the key the 2026-01-26 spec deprecates
        assert [n for n, t in tools.items() if (t.meta or {}).get("ui")] == ["list_actions", "get_action"]
        listed = {str(r.uri): r for r in (await client.list_resources()).resources}
        for uri in (INBOX, ACTION):
            assert listed[uri].mime_type == APP_MIME_TYPE
            content = (await client.read_resource(uri)).contents[0]
            assert content.mime_type == APP_MIME_TYPE
            assert content.meta == {"ui": {"csp": {}, "prefersBorder": True}}
            html = content.text
            assert html.lower().startswith("<!doctype html>") and "/*VIEW_JS*/" not in html
            assert "http://" not in html and "https://" not in html  # self-contained: nothing fetched
            assert "ui/initialize" in html and "tools/call" in html
        prompt = await client.get_prompt("review_queue")
        assert "list_actions" in prompt.messages[0].content.text and INBOX in prompt.messages[0].content.text


async def test_the_views_are_read_by_whoever_may_list_actions_and_nobody_else(demo: Served) -> None:
    from tools.pii import customer_ref_for

    customer, _ = await create_token(demo.app.deps, OPERATOR, tenant="demo", role="customer", scopes=[],
                                     customer_ref=customer_ref_for(demo.app.deps, "demo", "jane@example.com"))
    async with apps_client(demo, customer) as client:
        assert not [r for r in (await client.list_resources()).resources if str(r.uri).startswith("ui://")]
        with pytest.raises(MCPError) as refused:
            await client.read_resource(INBOX)
        assert refused.value.code == FORBIDDEN
    async with apps_client(demo, demo.viewer) as client:
        assert (await client.read_resource(INBOX)).contents[0].mime_type == APP_MIME_TYPE
        names = {t.name for t in (await client.list_tools()).tools}
        assert "list_actions" in names and "approve_action" not in names  # the view's buttons would be refused


# --- the host in Chromium -------------------------------------------------------------------------------

#: the specification's restrictive default policy for a view that declares no domain
DEFAULT_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
               "media-src data:; connect-src 'none'; frame-src 'none'; object-src 'none'")

HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>MCP Apps test host</title>
<style>body{margin:0;background:#e8e8ea;font:14px sans-serif} h1{font-size:14px;margin:8px 12px}
iframe{display:block;width:800px;height:240px;margin:0 12px 12px;border:1px solid #8a8a8a;background:#fff}</style>
</head><body><main><h1>Test host</h1><iframe id="view" title="Growth Engine view" sandbox="allow-scripts"></iframe>
</main><script>
const frame = document.getElementById("view");
const state = {context: null, input: null, result: null, nextId: 1000, waiting: new Map()};
window.hostLog = [];
const send = (m) => frame.contentWindow.postMessage({jsonrpc: "2.0", ...m}, "*");
window.hostMount = (html, context, input, result) => {
  Object.assign(state, {context, input, result}); frame.srcdoc = html; };
window.hostSetContext = (partial) => {
  Object.assign(state.context, partial); send({method: "ui/notifications/host-context-changed", params: partial}); };
window.hostTeardown = () => new Promise((resolve) => {
  const id = state.nextId++; state.waiting.set(id, resolve);
  send({id, method: "ui/resource-teardown", params: {reason: "the test is over"}}); });
window.addEventListener("message", async (event) => {
  if (event.source !== frame.contentWindow) return;
  const m = event.data;
  if (!m || m.jsonrpc !== "2.0") return;
  window.hostLog.push(m.method || "response");
  if (m.method === undefined) { const done = state.waiting.get(m.id); if (done) done(m); return; }
  if (m.method === "ui/initialize") {
    send({id: m.id, result: {protocolVersion: "2026-01-26", hostInfo: {name: "growth-test-host", version: "1"},
          hostCapabilities: {serverTools: {}}, hostContext: state.context}});
  } else if (m.method === "ui/notifications/initialized") {
    send({method: "ui/notifications/tool-input", params: {arguments: state.input}});
    send({method: "ui/notifications/tool-result", params: state.result});
  } else if (m.method === "ui/notifications/size-changed") {
    frame.style.height = `${Math.min(m.params.height + 2, 4000)}px`;
  } else if (m.method === "tools/call") {
    try { send({id: m.id, result: await window.mcpCallTool(m.params.name, m.params.arguments || {})}); }
    catch (e) { send({id: m.id, error: {code: -32603, message: String(e.message || e)}}); }
  } else if (m.id !== undefined) {
    send({id: m.id, error: {code: -32601, message: `this host does not serve ${m.method}`}});
  }
});
</script></body></html>"""


class Host:
    """The test host: one page, one view, the real client behind it, and every tool call the view made."""

    def __init__(self, page: Any, client: Client) -> None:
        self.page = page
        self.client = client
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.console_errors: list[str] = []

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((name, arguments))
        return wire(await self.client.call_tool(name, arguments))

    async def mount(self, tool: str, arguments: dict[str, Any], *, theme: str = "light") -> Any:
        """Run the tool as a model would, read its view, and show the view with that call's input and result."""
        tools = {t.name: t for t in (await self.client.list_tools()).tools}
        uri = tools[tool].meta["ui"]["resourceUri"]
        content = (await self.client.read_resource(uri)).contents[0]
        assert content.mime_type == APP_MIME_TYPE
        html = content.text.replace("<head>", f'<head><meta http-equiv="Content-Security-Policy" '
                                              f'content="{DEFAULT_CSP}">', 1)
        result = wire(await self.client.call_tool(tool, arguments))
        await self.page.evaluate("([h, c, i, r]) => hostMount(h, c, i, r)",
                                 [html, {"theme": theme, "locale": "en-US", "timeZone": "UTC",
                                         "displayMode": "inline", "platform": "web"}, arguments, result])
        return self.page.frame_locator("#view")

    async def frame(self) -> Any:
        return await (await self.page.query_selector("#view")).content_frame()


@asynccontextmanager
async def hosted(browser: Any, demo: Served) -> AsyncIterator[Host]:
    async with apps_client(demo, demo.operator) as client:
        context = await browser.new_context(viewport={"width": 840, "height": 900})
        try:
            page = await context.new_page()
            host = Host(page, client)
            page.on("console", lambda m: host.console_errors.append(m.text) if m.type == "error" else None)
            await page.expose_function("mcpCallTool", host.call_tool)
            await page.set_content(HOST_PAGE)
            yield host
        finally:
            await context.close()


async def test_the_inbox_view_shows_the_queue_and_an_approval_reaches_the_server(browser: Any, demo: Served) -> None:
    from playwright.async_api import expect

    queue = [r.model_dump(mode="json") for r in
             await actions.list_actions(demo.app.deps, OPERATOR, status="pending", limit=50)]
    low = next(a for a in queue if a["risk_tier"] == "low")
    async with hosted(browser, demo) as host:
        view = await host.mount("list_actions", {"status": "pending", "limit": 50})
        rows = view.locator("li[data-action-id]")
        await expect(rows).to_have_count(len(queue))
        # the queue in the server's order, each with its title up to the reason, confidence and expiry filled in
        assert [int(i) for i in await rows.evaluate_all("els => els.map(e => e.dataset.actionId)")] == \
            [a["id"] for a in queue]
        assert await view.locator("li h2").all_inner_texts() == [views.short_title(a["title"]) for a in queue]
        first = view.locator(f'li[data-action-id="{queue[0]["id"]}"]')
        await expect(first.locator("dd").nth(2)).to_have_text(f"{round(queue[0]['confidence'] * 100)}%")
        await expect(first.locator(".badge")).to_have_text(f"{queue[0]['risk_tier'].capitalize()} risk")
        frame = await host.frame()
        assert await axe_serious(frame) == []
        SHOTS.mkdir(parents=True, exist_ok=True)
        await host.page.screenshot(path=str(SHOTS / "mcp-app-inbox.png"))  # the first screenful of the queue

        # the host's theme: dark, with a host variable, reaches the view without a reload
        light = await frame.evaluate("getComputedStyle(document.body).backgroundColor")
        await host.page.evaluate("hostSetContext({theme: 'dark', styles: {variables: {'--font-mono': 'monospace'}}})")
        await expect(view.locator("html")).to_have_attribute("data-theme", "dark")
        dark = await frame.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (light, dark) == ("rgb(255, 255, 255)", "rgb(27, 28, 31)")
        assert await frame.evaluate("document.documentElement.style.getPropertyValue('--font-mono')") == "monospace"
        assert await axe_serious(frame) == []

        approve = view.get_by_role("button", name=f"Approve #{low['id']} version {low['version']}")
        await approve.click()
        await expect(view.locator(f'li[data-action-id="{low["id"]}"]')).to_have_count(0)  # no longer pending
        await expect(view.get_by_role("status")).to_contain_text(f"#{low['id']}")
        await expect(rows).to_have_count(len(queue) - 1)
        assert ("approve_action", {"action_id": low["id"], "version": low["version"]}) in host.calls
        assert host.calls[-1] == ("list_actions", {"status": "pending", "limit": 50, "detail": "full"})
        assert (await host.page.evaluate("hostTeardown()"))["result"] == {}
        assert host.console_errors == []
    stored = dump(await actions.get_action(demo.app.deps, OPERATOR, action_id=low["id"]))
    assert stored["action"]["status"] in ("executed", "delivering", "delivered")
    assert [(d["verdict"], d["version"]) for d in stored["decisions"]] == [("approve", low["version"])]


async def test_rejecting_from_the_inbox_works_from_the_keyboard_and_a_stale_view_shows_the_error(
        browser: Any, demo: Served) -> None:
    from playwright.async_api import expect

    queue = [r.model_dump(mode="json") for r in
             await actions.list_actions(demo.app.deps, OPERATOR, status="pending", limit=50)]
    target, stale = queue[1], queue[2]
    async with hosted(browser, demo) as host:
        view = await host.mount("list_actions", {"status": "pending", "limit": 50})
        await expect(view.locator("li[data-action-id]")).to_have_count(len(queue))
        reject = view.get_by_role("button", name=f"Reject #{target['id']} version {target['version']}")
        await reject.focus()
        await host.page.keyboard.press("Enter")
        reason = view.get_by_label(f"Why reject #{target['id']}? The agent learns from it.")
        await expect(reason).to_be_focused()
        await host.page.keyboard.press("Escape")  # closes the form, back to the button, its focus visible
        await expect(reason).to_have_count(0)
        await expect(reject).to_be_focused()
        await expect(reject).to_have_attribute("aria-expanded", "false")
        assert await (await host.frame()).evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
        await host.page.keyboard.press("Enter")
        await expect(reason).to_be_focused()
        await host.page.keyboard.type("we restock this by hand")
        await host.page.keyboard.press("Enter")
        await expect(view.locator(f'li[data-action-id="{target["id"]}"]')).to_have_count(0)
        assert ("reject_action", {"action_id": target["id"], "version": target["version"],
                                  "reason": "we restock this by hand"}) in host.calls

        # someone decides the other action elsewhere; the view still shows its old version and says what failed
        await decisions.decide(demo.app.deps, OPERATOR, action_id=stale["id"], version=stale["version"],
                               verdict="reject", reason="decided in another window")
        await view.get_by_role("button", name=f"Approve #{stale['id']} version {stale['version']}").click()
        alert = view.locator(f'li[data-action-id="{stale["id"]}"] [role=alert]')
        await expect(alert).to_contain_text("[")
        code = (await alert.inner_text()).rsplit("[", 1)[1].rstrip("]")
        await expect(view.locator("#error")).to_contain_text(f"#{stale['id']}")
    stored = dump(await actions.get_action(demo.app.deps, OPERATOR, action_id=stale["id"]))
    assert stored["action"]["status"] == "rejected" and code  # nothing approved; a stable code shown
    assert [d["verdict"] for d in stored["decisions"]] == ["reject"]
    rejected = dump(await actions.get_action(demo.app.deps, OPERATOR, action_id=target["id"]))
    assert [(d["verdict"], d["version"], d["reason"]) for d in rejected["decisions"]] == \
        [("reject", target["version"], "we restock this by hand")]


async def test_the_action_view_explains_and_edits_a_markdown_with_the_version_shown(browser: Any,
                                                                                   demo: Served) -> None:
    from playwright.async_api import expect

    queue = [r.model_dump(mode="json") for r in
             await actions.list_actions(demo.app.deps, OPERATOR, status="pending", limit=50)]
    markdown = next(a for a in queue if "markdown" in a["kind"])
    found = dump(await actions.get_action(demo.app.deps, OPERATOR, action_id=markdown["id"]))
    a = found["action"]
    async with hosted(browser, demo) as host:
        view = await host.mount("get_action", {"action_id": markdown["id"]}, theme="dark")
        await expect(view.locator("h1")).to_contain_text(f"#{a['id']} {views.short_title(a['title'])}")
        await expect(view.locator(".formula")).to_have_text(a["revenue_formula"])
        await expect(view.get_by_role("region", name="Evidence").locator("tbody tr")).to_have_count(len(a["evidence"]))
        await expect(view.get_by_role("region", name="Change and rollback plan")).to_contain_text(
            a["rollback_plan"]["description"])
        await expect(view.get_by_role("region", name="Versions").locator("tbody tr")).to_have_count(1)
        frame = await host.frame()
        assert await axe_serious(frame) == []
        SHOTS.mkdir(parents=True, exist_ok=True)
        await host.page.screenshot(path=str(SHOTS / "mcp-app-action.png"), full_page=True)

        await view.get_by_role("button", name=f"Edit and approve #{a['id']} version {a['version']}").click()
        depth = view.get_by_label(f"New percentage off for #{a['id']}")
        await expect(depth).to_have_value(f"{a['params']['percent_off']:g}")
        await depth.fill("10")
        await depth.press("Enter")
        await expect(view.get_by_role("region", name="Versions").locator("tbody tr")).to_have_count(2)
        await expect(view.get_by_role("region", name="Decisions").locator("tbody tr")).to_have_count(1)
        assert ("edit_and_approve", {"action_id": a["id"], "version": a["version"],
                                     "params": {"percent_off": 10}}) in host.calls
        assert host.calls[-1] == ("get_action", {"action_id": a["id"]})
        assert host.console_errors == []
    stored = dump(await actions.get_action(demo.app.deps, OPERATOR, action_id=a["id"]))
    assert stored["action"]["params"]["percent_off"] == 10 and stored["action"]["version"] == a["version"] + 1
    assert [d["verdict"] for d in stored["decisions"]] == ["edit_approve"]
