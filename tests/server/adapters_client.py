"""Run in the separate .venv-adapters: load Growth Engine's tools with langchain-mcp-adapters and let
a scripted LangChain agent use them. Prints a JSON report on stdout.

Usage: python adapters_client.py URL TOKEN
"""

from __future__ import annotations

import asyncio
import json
import re
import sys

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_mcp_adapters.client import MultiServerMCPClient


async def main(url: str, token: str) -> None:
    client = MultiServerMCPClient({"growth": {"transport": "streamable_http", "url": url,
                                              "headers": {"Authorization": f"Bearer {token}"}}})
    tools = {t.name: t for t in await client.get_tools()}
    # The scripted model: first read the queue, then approve the top action at its version.
    messages = [HumanMessage("approve the best pending action")]
    call = {"name": "list_actions", "args": {"status": "pending", "limit": 5}, "id": "c1", "type": "tool_call"}
    messages.append(AIMessage("", tool_calls=[call]))
    listed = await tools["list_actions"].ainvoke(call)
    messages.append(listed)
    top = _first_action(listed)
    approve = {"action_id": top["id"], "version": top["version"]}
    messages.append(AIMessage("", tool_calls=[{"name": "approve_action", "args": approve, "id": "c2"}]))
    approved = await tools["approve_action"].ainvoke(approve)
    messages.append(ToolMessage(str(approved), tool_call_id="c2"))
    status = await tools["get_status"].ainvoke({})
    print(json.dumps({"tools": sorted(tools), "approved": top["id"], "approve_result": str(approved)[:2000],
                      "status": str(status)[:2000], "turns": len(messages)}))


def _first_action(message: ToolMessage) -> dict:
    """The structured content when the adapter passes it on; else what a model would read in the text."""
    artifact = message.artifact if isinstance(message.artifact, dict) else {}
    structured = artifact.get("structured_content") or {}
    if structured.get("actions"):
        return structured["actions"][0]
    text = message.content if isinstance(message.content, str) else json.dumps(message.content)
    found = re.search(r"#(\d+) v(\d+)", text)
    if not found:
        raise SystemExit(f"no actions in {text[:500]}")
    return {"id": int(found.group(1)), "version": int(found.group(2))}


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
