"""The chat state machine: fronts, sub-agents, specialists and the confirmation pause.

```
START → route → ceo_front ⇄ {analytics, inventory, content, risk}   (delegate / return)
                ceo_front → confirm (interrupt) → ceo_front
              → customer_front ⇄ accounts                           (delegate / return)
```

Edges between agents exist only as ``Command(goto=...)`` returned by ``transfer()``.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command

from graphs.agents import accounts, confirm, run_agent
from graphs.handoff import transfer
from graphs.registry import SPECIALISTS
from graphs.specialists.roster import SPECIALIST_GRAPHS
from graphs.state import ChatState, RunContext


def route(state: ChatState) -> Command[Any]:
    return Command(goto=state.get("front") or "ceo_front", update={"trace": []})


async def ceo_front(state: ChatState, runtime: Runtime[RunContext]) -> Command[Any]:
    return await run_agent("ceo_front", state, runtime)


async def customer_front(state: ChatState, runtime: Runtime[RunContext]) -> Command[Any]:
    return await run_agent("customer_front", state, runtime)


def specialist_node(agent: str) -> Any:
    async def node(state: ChatState, runtime: Runtime[RunContext]) -> Command[Any]:
        ctx = runtime.context
        task = (state.get("inbox") or {}).get("payload") or {}
        out = await SPECIALIST_GRAPHS[agent].ainvoke(
            {"task": task.get("task", ""), "scope": task.get("scope") or {}, "trigger": task.get("trigger", "delegate")},
            context=ctx)
        handoff = await transfer(ctx.deps, tenant=ctx.principal.tenant, actor=ctx.principal.subject,
                                 thread_id=ctx.thread_id, from_agent=agent, to_agent="ceo_front",
                                 payload=out["result"])
        if handoff.command is None:
            raise RuntimeError(f"{agent} could not return to ceo_front: {handoff.reason}")
        update = dict(handoff.command.update or {})
        update["trace"] = [*(state.get("trace") or []), agent]
        return Command(goto=handoff.command.goto, update=update)

    node.__name__ = agent
    return node


def build_graph(*, checkpointer: Any = None, store: Any = None) -> CompiledStateGraph[Any, Any, Any, Any]:
    graph = StateGraph(ChatState, context_schema=RunContext)
    graph.add_node("route", route, destinations=("ceo_front", "customer_front"))
    graph.add_node("ceo_front", ceo_front, destinations=("ceo_front", *SPECIALISTS, "confirm", END))
    graph.add_node("confirm", confirm, destinations=("ceo_front",))
    graph.add_node("customer_front", customer_front, destinations=("customer_front", "accounts", END))
    graph.add_node("accounts", accounts, destinations=("customer_front",))
    for agent in SPECIALISTS:
        graph.add_node(agent, specialist_node(agent), destinations=("ceo_front",))
    graph.add_edge(START, "route")
    return graph.compile(checkpointer=checkpointer, store=store, name="growth_engine")
