"""The operator's API tokens: list them (never their secrets) and revoke one at once."""

from typing import Annotated, Any

from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from server.app import App
from server.mcp.identity import current
from server.mcp.results import ok
from server.mcp.tools.base import READ, Body, ToolSpec, ann, dump
from tools.tokens import list_tokens, revoke_token
from tools.validation import MAX_ID


class TokensOut(BaseModel):
    tokens: list[dict[str, Any]]


class TokenOut(BaseModel):
    token: dict[str, Any]


def list_tokens_tool(app: App) -> Body:
    async def list_tokens_tool() -> Annotated[CallToolResult, TokensOut]:
        out = TokensOut(tokens=dump(await list_tokens(app.deps, current())))
        return ok(out, "\n".join(f"{t['id']}: {t['prefix']}… {t['role']} ({', '.join(t['scopes']) or '-'})"
                                 + (" revoked" if t["revoked"] else "") for t in out.tokens) or "No tokens.")

    return list_tokens_tool


def revoke_token_tool(app: App) -> Body:
    async def revoke_token_tool(token_id: Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
                                ) -> Annotated[CallToolResult, TokenOut]:
        out = TokenOut(token=dump(await revoke_token(app.deps, current(), token_id=token_id)))
        return ok(out, f"token {out.token['id']} ({out.token['prefix']}…) revoked")

    return revoke_token_tool


TOOLS = (
    ToolSpec("list_tokens", "tokens.manage", ann("List API tokens", **READ),
             "The store's API tokens: id, prefix, role, scopes, label, created, revoked. Secrets are never shown.",
             list_tokens_tool),
    ToolSpec("revoke_token", "tokens.manage", ann("Revoke an API token", destructive=True, idempotent=True),
             "Revoke one of the store's tokens: from the next request on it opens nothing, in every process.",
             revoke_token_tool),
)
