"""The operator's standing rules: add one, list them, forget one."""

from typing import Annotated, Any

from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from server.app import App
from server.mcp.identity import current
from server.mcp.results import ok
from server.mcp.tools.base import READ, Body, ToolSpec, ann
from tools import rules


class RuleOut(BaseModel):
    rule: dict[str, Any]


class RulesOut(BaseModel):
    rules: list[dict[str, Any]]


def add_rule(app: App) -> Body:
    async def add_rule(text: Annotated[str, Field(min_length=3, max_length=500)]
                       ) -> Annotated[CallToolResult, RuleOut]:
        out = RuleOut(rule=await rules.add(app.deps, current(), text=text))
        forbids = ", ".join(f"#{a['id']}" for a in out.rule.get("forbids_pending") or [])
        said = "Already a rule (nothing new saved)" if out.rule.get("already") else "Rule saved"
        return ok(out, f"{said}, as understood: {out.rule['understood']}."
                  + (f" It forbids waiting actions {forbids}: reject them with reject_action." if forbids else ""))

    return add_rule


def list_rules(app: App) -> Body:
    async def list_rules() -> Annotated[CallToolResult, RulesOut]:
        out = RulesOut(rules=await rules.list_rules(app.deps, current()))
        return ok(out, "\n".join(f"· {r['understood']} (key {r['key']})" for r in out.rules) or "No standing rules.")

    return list_rules


def forget_rule(app: App) -> Body:
    async def forget_rule(key_or_text: Annotated[str, Field(min_length=1)]) -> Annotated[CallToolResult, RuleOut]:
        out = RuleOut(rule=await rules.forget(app.deps, current(), key_or_text=key_or_text))
        return ok(out, f"Forgotten: {out.rule['understood']}")

    return forget_rule


TOOLS = (
    ToolSpec("add_rule", "memory.write", ann("Add a standing rule", idempotent=False),
             "Store a standing rule the operator states, e.g. 'never discount Wick Studio', 'no markdowns before "
             "January'. It binds every proposing path, every decision and every execution; a sentence the engine "
             "cannot enforce is refused with the reason. Lists the waiting actions the rule now forbids.", add_rule),
    ToolSpec("list_rules", "memory.read", ann("List standing rules", **READ),
             "The operator's standing rules, as the engine understood them.", list_rules),
    ToolSpec("forget_rule", "memory.forget", ann("Forget a standing rule", destructive=True),
             "Forget a standing rule by its key or by words it contains; 'all' forgets every rule (each audited).",
             forget_rule),
)
