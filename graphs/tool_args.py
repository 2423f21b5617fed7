"""The arguments of the agents' tools: one pydantic model per tool (``graphs.toolkit``), strict and described,
so a model's call is validated before it reaches an operation."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from tools.validation import RunId, Version, parse_action_id


#: a model may write 12, "12" or "#12"; never true, never past 2^63 (parse_action_id says which)
ActionId = Annotated[int, BeforeValidator(parse_action_id)]


class Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoArgs(Args):
    pass


class ListActionsArgs(Args):
    status: Annotated[str | None, Field(description="live (default), pending, all, or a status")] = None
    agent: str | None = None
    kind: str | None = None
    risk_tier: Literal["low", "medium", "high", "critical"] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 10


class ActionIdArgs(Args):
    action_id: ActionId


class DecideArgs(Args):
    action_id: ActionId
    version: Version
    reason: str = ""


class RejectArgs(Args):
    action_id: ActionId
    version: Version
    reason: Annotated[str, Field(min_length=1)]


class EditArgs(Args):
    action_id: ActionId
    version: Version
    params: dict[str, Any]


class SnoozeArgs(Args):
    action_id: ActionId
    version: Version
    until: AwareDatetime
    reason: Annotated[str, Field(max_length=2000)] = ""


class RollbackArgs(Args):
    action_id: ActionId
    reason: str = ""


class RunsArgs(Args):
    limit: Annotated[int, Field(ge=1, le=50)] = 5
    agent: str | None = None


class RunIdArgs(Args):
    run_id: RunId


class AuditArgs(Args):
    limit: Annotated[int, Field(ge=1, le=500)] = 50
    event_prefix: str | None = None
    since: str | None = None


class LevelArgs(Args):
    level: Literal["supervised", "semi_autonomous", "autonomous"]


class KillArgs(Args):
    engaged: bool
    reason: Annotated[str, Field(min_length=3)]


class AgentSwitchArgs(Args):
    agent: Literal["inventory", "content", "analytics", "risk"]
    enabled: bool
    reason: str = ""


class TextArgs(Args):
    text: Annotated[str, Field(min_length=3, max_length=500)]


class ForgetArgs(Args):
    key_or_text: Annotated[str, Field(min_length=1)]


class QueueArgs(Args):
    status: Annotated[str, Field(description="pending (default), live, all, or statuses separated by commas")] = \
        "pending"
    limit: Annotated[int, Field(ge=1, le=500)] = 200


#: a period a question names: rolling days, a calendar period, or a month as YYYY-MM (``tools.insights.windows``)
PERIOD = r"^(?:7d|28d|30d|today|yesterday|this_week|last_week|this_month|last_month|\d{4}-(?:0[1-9]|1[0-2]))$"


class SalesArgs(Args):
    period: Annotated[str, Field(pattern=PERIOD)] = "7d"


class TopProductsArgs(Args):
    period: Annotated[str, Field(pattern=PERIOD)] = "28d"


class StockArgs(Args):
    query: Annotated[str, Field(min_length=1, max_length=200, description="words that name the product")]


class ProductSalesArgs(Args):
    query: Annotated[str, Field(min_length=1, max_length=200, description="words that name the product")]
    period: Annotated[str, Field(pattern=PERIOD)] = "28d"


class KindArgs(Args):
    kind: str | None = None


class AgentArgs(Args):
    agent: str | None = None


class SearchArgs(Args):
    query: Annotated[str, Field(min_length=1, max_length=500)]
    max_price: Annotated[float | None, Field(ge=0)] = None


class FactsArgs(Args):
    query: Annotated[str, Field(min_length=1, max_length=500)]


class FindArgs(Args):
    query: Annotated[str, Field(min_length=1, max_length=500)]
    max_price: Annotated[float | None, Field(ge=0)] = None
    min_price: Annotated[float | None, Field(ge=0)] = None
    sort: Literal["cheapest", "priciest"] | None = None
    limit: Annotated[int, Field(ge=1, le=20)] = 6


class PolicyArgs(Args):
    topic: str


class EscalateArgs(Args):
    summary: Annotated[str, Field(min_length=3, max_length=2000)]
    order_name: str | None = None


class OrdersArgs(Args):
    order_name: str | None = None


class WorkflowArgs(Args):
    template: Annotated[str, Field(description="the workflow template: weekly-seo-sweep, restock-check, "
                                               "fraud-sweep or full-review")]


class WorkflowsArgs(Args):
    limit: Annotated[int, Field(ge=1, le=50)] = 10


class TransferArgs(Args):
    agent: Annotated[str, Field(description="the agent to hand the conversation to")]
    payload: Annotated[dict[str, Any], Field(description="the handoff payload for that edge")] = {}
