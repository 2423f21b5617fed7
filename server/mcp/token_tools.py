"""MCP tools for the operator's API tokens: list them (never their secrets) and revoke one at once."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from server.app import App
from server.mcp.identity import current
from server.mcp.results import ok
from server.mcp.tools import READ, _ann, _dump, registrar
from tools.tokens import list_tokens, revoke_token
from tools.validation import MAX_ID


class TokensOut(BaseModel):
    tokens: list[dict[str, Any]]


class TokenOut(BaseModel):
    token: dict[str, Any]


def register(mcp: MCPServer, app: App) -> None:
    deps = app.deps
    tool = registrar(mcp)

    @tool("list_tokens", "tokens.manage", _ann("List API tokens", **READ),
          "The store's API tokens: id, prefix, role, scopes, label, created, revoked. Secrets are never shown.")
    async def list_tokens_tool() -> Annotated[CallToolResult, TokensOut]:
        out = TokensOut(tokens=_dump(await list_tokens(deps, current())))
        return ok(out, "\n".join(f"{t['id']}: {t['prefix']}… {t['role']} ({', '.join(t['scopes']) or '-'})"
                                 + (" revoked" if t["revoked"] else "") for t in out.tokens) or "No tokens.")

    @tool("revoke_token", "tokens.manage", _ann("Revoke an API token", destructive=True, idempotent=True),
          "Revoke one of the store's tokens: from the next request on it opens nothing, in every process.")
    async def revoke_token_tool(token_id: Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
                                ) -> Annotated[CallToolResult, TokenOut]:
        out = TokenOut(token=_dump(await revoke_token(deps, current(), token_id=token_id)))
        return ok(out, f"token {out.token['id']} ({out.token['prefix']}…) revoked")
