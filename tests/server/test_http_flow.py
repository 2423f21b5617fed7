"""The official MCP client over streamable HTTP, in both protocol eras: lists and the full flow."""

from __future__ import annotations

import pytest

from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.server.conftest import MODES, Tokens, http_client
from tools.actions import get_action, propose


@pytest.mark.parametrize("mode", MODES)
async def test_full_flow_over_http(served: tuple[App, str], tokens: Tokens, mode: str) -> None:
    app, url = served
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    async with http_client(url, tokens.operator, mode) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert {"chat", "list_actions", "get_action", "approve_action", "reject_action", "bulk_decide",
                "snooze_action", "rollback_action", "run_specialist", "run_all_specialists", "get_run", "list_runs",
                "delegate", "get_status", "set_autonomy", "set_kill_switch", "audit_log", "verify_audit",
                "handoff_log", "agent_performance", "reveal_pii"} <= names
        assert "customer_chat" not in names  # an operator token is not a shopper
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        assert prompts == {"daily_briefing", "review_queue", "explain_action", "weekly_report", "incident_review"}
        resources = {str(r.uri) for r in (await client.list_resources()).resources}
        assert {"growth://inbox", "growth://audit/recent", "growth://agents", "growth://reflections/latest"} <= resources

        chat = await client.call_tool("chat", {"message": "what should I do today?"})
        assert not chat.is_error and f"#{action.id}" in chat.structured_content["reply"]
        listed = await client.call_tool("list_actions", {"status": "pending"})
        row = listed.structured_content["actions"][0]
        assert row["id"] == action.id and row["version"] == 1
        approved = await client.call_tool("approve_action", {"action_id": action.id, "version": row["version"]})
        assert not approved.is_error, approved.content
        assert approved.structured_content["execution"]["status"] == "executed"
        verified = await client.call_tool("verify_audit", {})
        assert verified.structured_content["ok"] is True
        tools = {t.name: t for t in (await client.list_tools()).tools}
    detail = await get_action(app.deps, Principal.operator("demo"), action_id=action.id)
    assert detail["action"]["status"] == "executed"
    # honest annotations and schemas
    assert tools["list_actions"].annotations.read_only_hint is True
    assert tools["approve_action"].annotations.destructive_hint is True
    assert tools["rollback_action"].annotations.destructive_hint is True
    assert tools["set_kill_switch"].annotations.destructive_hint is True
    assert tools["approve_action"].output_schema and "action_id" in tools["approve_action"].input_schema["properties"]


@pytest.mark.parametrize("mode", MODES)
async def test_prompts_and_resources_carry_live_data(served: tuple[App, str], tokens: Tokens, mode: str) -> None:
    app, url = served
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    async with http_client(url, tokens.operator, mode) as client:
        briefing = await client.get_prompt("daily_briefing", {})
        assert f"#{action.id}" in briefing.messages[0].content.text
        explained = await client.get_prompt("explain_action", {"action_id": str(action.id)})
        assert "Rollback" in explained.messages[0].content.text
        inbox = await client.read_resource("growth://inbox")
        assert inbox.contents[0].mime_type == "text/markdown" and f"#{action.id} v1 " in inbox.contents[0].text
        inbox_data = await client.read_resource("growth://inbox.json")
        assert f'"id": {action.id}' in inbox_data.contents[0].text
        one = await client.read_resource(f"growth://actions/{action.id}")
        assert "Evidence:" in one.contents[0].text and "Rollback:" in one.contents[0].text
        one_data = await client.read_resource(f"growth://actions/{action.id}.json")
        assert '"evidence"' in one_data.contents[0].text
        agents = await client.read_resource("growth://agents")
        assert "customer_front" in agents.contents[0].text and "contract" in agents.contents[0].text
        reflection = await client.read_resource("growth://reflections/latest")
        assert "## Suggestions" in reflection.contents[0].text
        assert "suggestions" in (await client.read_resource("growth://reflections/latest.json")).contents[0].text


async def test_health_ready_and_metrics(served: tuple[App, str]) -> None:
    import httpx

    _, url = served
    async with httpx.AsyncClient() as http:
        assert (await http.get(f"{url}/healthz")).json() == {"status": "ok"}
        assert (await http.get(f"{url}/readyz")).json()["status"] == "ready"
        assert (await http.get(f"{url}/metrics")).status_code == 401  # no token, no metrics
        lost = await http.get(f"{url}/favicon.ico")  # a path nobody serves: a plain 404, never a crash
        assert lost.status_code == 404 and "/mcp" in lost.text and "/app" in lost.text


async def test_metrics_need_a_token_and_never_name_a_store(served: tuple[App, str], tokens: Tokens) -> None:
    import httpx

    _, url = served
    async with httpx.AsyncClient() as http:
        for token in (None, tokens.customer, tokens.viewer, tokens.assistant_read):
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            assert (await http.get(f"{url}/metrics", headers=headers)).status_code == 401
        seen = await http.get(f"{url}/metrics", headers={"Authorization": f"Bearer {tokens.operator}"})
    assert seen.status_code == 200 and "growth_actions" in seen.text
    assert 'tenant="demo"' not in seen.text and 'tenant="other"' not in seen.text
