"""Authentication, authorization and DNS-rebinding protection over HTTP: refused with the right
code, and nothing executed."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from policies.principal import Principal
from server.app import App
from server.persistence import models as m
from tests.factories import proposal
from tests.server.conftest import MODES, Tokens, http_client
from tools.actions import get_action, propose

ENVELOPE = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}
CALL = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "set_kill_switch", "arguments": {"engaged": True, "reason": "from a stranger"},
                   "_meta": ENVELOPE}}
MODERN_HEADERS = {"MCP-Protocol-Version": "2026-07-28", "Accept": "application/json, text/event-stream",
                  "Content-Type": "application/json", "Mcp-Method": "tools/call", "Mcp-Name": "set_kill_switch"}


async def executions(app: App) -> int:
    async with app.db.read("demo") as tx:
        return int((await tx.conn.execute(select(func.count()).select_from(m.Execution))).scalar_one())  # type: ignore[attr-defined]


async def kill_engaged(app: App) -> bool:
    return (await app.deps.db.query("demo", lambda tx: tx.kill.get("demo"))).engaged


async def test_no_token_and_bad_token_get_401_with_www_authenticate(served: tuple[App, str]) -> None:
    app, url = served
    async with httpx.AsyncClient() as http:
        missing = await http.post(f"{url}/mcp", json=CALL, headers=MODERN_HEADERS)
        bad = await http.post(f"{url}/mcp", json=CALL, headers=MODERN_HEADERS | {"Authorization": "Bearer ge_nope"})
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert bad.status_code == 401 and 'error="invalid_token"' in bad.headers["www-authenticate"]
    assert not await kill_engaged(app)


async def test_missing_scope_gets_403_naming_the_scope(served: tuple[App, str], tokens: Tokens) -> None:
    app, url = served
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "approve_action", "arguments": {"action_id": action.id, "version": 1}}}
    async with httpx.AsyncClient() as http:
        r = await http.post(f"{url}/mcp", json=call, headers=MODERN_HEADERS | {
            "Authorization": f"Bearer {tokens.assistant_read}", "Mcp-Name": "approve_action"})
    assert r.status_code == 403
    assert 'error="insufficient_scope"' in r.headers["www-authenticate"] and 'scope="decide"' in r.headers[
        "www-authenticate"]
    assert await executions(app) == 0


@pytest.mark.parametrize("mode", MODES)
async def test_the_authorization_matrix(served: tuple[App, str], tokens: Tokens, mode: str) -> None:
    app, url = served
    inventory = Principal.for_agent("demo", "inventory")
    critical = (await propose(app.deps, inventory, proposal("pricing.adjust", params={
        "current_price": 40.0, "new_price": 48.0}))).action
    async with http_client(url, tokens.customer, mode) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert "approve_action" not in names and "customer_chat" in names
        r = await client.call_tool("approve_action", {"action_id": critical.id, "version": 1})
        assert r.is_error and "[forbidden]" in r.content[0].text
        r = await client.call_tool("set_kill_switch", {"engaged": True, "reason": "customer says so"})
        assert r.is_error and "[forbidden]" in r.content[0].text
    async with http_client(url, tokens.assistant_decide, mode) as client:
        r = await client.call_tool("approve_action", {"action_id": critical.id, "version": 1})
        assert r.is_error and "[critical_requires_operator]" in r.content[0].text
        r = await client.call_tool("reveal_pii", {"ref": "em_abcdefghijkl", "reason": "just looking"})
        assert r.is_error and "[forbidden]" in r.content[0].text
    async with http_client(url, tokens.viewer, mode) as client:
        r = await client.call_tool("list_actions", {})
        assert not r.is_error
        r = await client.call_tool("reject_action", {"action_id": critical.id, "version": 1, "reason": "no"})
        assert r.is_error and "[forbidden]" in r.content[0].text
    async with http_client(url, tokens.other_operator, mode) as client:
        r = await client.call_tool("approve_action", {"action_id": critical.id, "version": 1})
        assert r.is_error and "[not_found]" in r.content[0].text
        r = await client.call_tool("get_action", {"action_id": critical.id})
        assert r.is_error and "[not_found]" in r.content[0].text
        with pytest.raises(Exception, match="no action"):
            await client.read_resource(f"growth://actions/{critical.id}")
    detail = await get_action(app.deps, Principal.operator("demo"), action_id=critical.id)
    assert detail["action"]["status"] == "pending_approval"
    assert await executions(app) == 0 and not await kill_engaged(app)
    from tools.audit import recent

    denials = [e for e in await recent(app.deps, "demo", limit=200) if e["event"] == "policy.denied"]
    assert len(denials) >= 5


HOSTS = [("127.0.0.1:{port}", None, 200), ("localhost:{port}", "http://localhost:{port}", 200),
         ("localhost:{port}", "http://localhost:3000", 403),  # another local app is another origin
         ("evil.example", None, 421), ("127.0.0.1:{port}", "https://evil.example", 403),
         ("attacker.test:{port}", "http://attacker.test", 421), ("127.0.0.1.nip.io:{port}", None, 421),
         ("127.0.0.1:{port}", "null", 403)]


@pytest.mark.parametrize(("host", "origin", "status"), HOSTS)
async def test_host_and_origin_matrix(served: tuple[App, str], tokens: Tokens, host: str, origin: str | None,
                                      status: int) -> None:
    app, url = served
    port = url.rsplit(":", 1)[1]
    headers = MODERN_HEADERS | {"Authorization": f"Bearer {tokens.operator}", "Host": host.format(port=port)}
    if origin:
        headers["Origin"] = origin.format(port=port)
    async with httpx.AsyncClient() as http:
        r = await http.post(f"{url}/mcp", json=CALL, headers=headers)
    assert r.status_code == status, r.text
    assert await kill_engaged(app) is (status == 200)


@pytest.mark.parametrize("mode", MODES)
async def test_out_of_range_and_non_numeric_ids_are_refused_without_half_applying(
        served: tuple[App, str], tokens: Tokens, mode: str) -> None:
    app, url = served
    first = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    last = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal(
        "content.rewrite_meta_description"))).action
    async with http_client(url, tokens.operator, mode) as client:
        bulk = await client.call_tool("bulk_decide", {"items": [
            {"action_id": first.id, "version": 1, "decision": "reject", "reason": "no"},
            {"action_id": 2**70, "version": 1, "decision": "reject", "reason": "no"},
            {"action_id": last.id, "version": 1, "decision": "reject", "reason": "no"}]})
        assert bulk.is_error and "action_id" in bulk.content[0].text
        for bad in (2**70, True, "12; drop table actions"):
            r = await client.call_tool("get_action", {"action_id": bad})
            assert r.is_error
        huge = await client.call_tool("approve_action", {"action_id": 2**63, "version": 1})
        assert huge.is_error
    op = Principal.operator("demo")
    # nothing was half-applied: every action is as it was, and the server still answers
    assert (await get_action(app.deps, op, action_id=first.id))["action"]["status"] == "pending_approval"
    assert (await get_action(app.deps, op, action_id=last.id))["action"]["status"] == "pending_approval"


async def test_a_revoked_token_stops_working_at_once(served: tuple[App, str], tokens: Tokens) -> None:
    app, url = served
    from tools.tokens import create_token

    secret, rec = await create_token(app.deps, Principal.operator("demo"), tenant="demo", role="viewer", scopes=[])
    async with http_client(url, secret, "2026-07-28") as viewer:
        assert not (await viewer.call_tool("list_actions", {})).is_error
        async with http_client(url, tokens.operator, "2026-07-28") as operator:
            listed = await operator.call_tool("list_tokens", {})
            assert rec.id in [t["id"] for t in listed.structured_content["tokens"]]
            assert secret not in str(listed.structured_content) and secret[10:] not in str(listed.content)
            revoked = await operator.call_tool("revoke_token", {"token_id": rec.id})
            assert not revoked.is_error and revoked.structured_content["token"]["revoked"] is True
        # the very next request with the revoked token is refused (no cache keeps it alive)
        with pytest.raises(Exception):
            await viewer.call_tool("list_actions", {})
    async with http_client(url, tokens.assistant_decide, "2026-07-28") as assistant:
        assert (await assistant.call_tool("list_tokens", {})).is_error


@pytest.mark.parametrize("mode", MODES)
async def test_bad_arguments_are_tool_errors_with_a_code_naming_the_field(served: tuple[App, str], tokens: Tokens,
                                                                         mode: str) -> None:
    _, url = served
    async with http_client(url, tokens.operator, mode) as client:
        missing = await client.call_tool("approve_action", {"action_id": 1})
        wrong = await client.call_tool("get_action", {"action_id": True})
    assert missing.is_error and missing.content[0].text.endswith("[invalid_args]")
    assert "version" in missing.content[0].text and "pydantic" not in missing.content[0].text
    assert wrong.is_error and "action_id" in wrong.content[0].text and "[invalid_args]" in wrong.content[0].text


async def test_a_json_rpc_batch_is_refused_clearly(served: tuple[App, str], tokens: Tokens) -> None:
    app, url = served
    headers = MODERN_HEADERS | {"Authorization": f"Bearer {tokens.operator}"}
    async with httpx.AsyncClient() as http:
        r = await http.post(f"{url}/mcp", json=[CALL, CALL], headers=headers)
    assert r.status_code == 400 and r.json()["error"]["data"]["code"] == "batch_not_supported"
    assert not await kill_engaged(app)
