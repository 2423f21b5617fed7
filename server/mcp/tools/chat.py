"""Conversation tools: the operator's agent and the shop assistant (the turn itself: ``server.mcp.conversation``)."""

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, InputRequiredResult
from pydantic import Field

from server.app import App
from server.mcp.conversation import converse
from server.mcp.identity import current
from server.mcp.render import ChatOut
from server.mcp.tools.base import Body, ToolSpec, ann

Thread = Annotated[str | None, Field(description="the thread id an earlier reply gave you; omit it to start a new "
                                                 "conversation")]


def chat(app: App) -> Body:
    async def chat(message: str, ctx: Context, thread: Thread = None
                   ) -> Annotated[CallToolResult, ChatOut] | InputRequiredResult:
        return await converse(app, ctx, current(), message, thread)

    return chat


def customer_chat(app: App) -> Body:
    async def customer_chat(message: str, ctx: Context, thread: Thread = None
                            ) -> Annotated[CallToolResult, ChatOut] | InputRequiredResult:
        return await converse(app, ctx, current(), message, thread)

    return customer_chat


_CONTINUE = (" Each call without thread starts a new conversation; the reply names its thread: pass it back to "
             "continue (and to answer yes or no to a question it asked).")

TOOLS = (
    ToolSpec("chat", "chat.operator", ann("Talk to the CEO-front agent", destructive=True),
             "Talk to the operator's agent in plain language: 'what should I do today?', 'approve 12 and 14', "
             "'run the inventory agent'. Returns the reply and the actions and runs it refers to." + _CONTINUE, chat),
    ToolSpec("customer_chat", "chat.customer", ann("Talk to the shop assistant"),
             "For shoppers: products, store policies, your own orders, or a request for a person." + _CONTINUE,
             customer_chat),
)
