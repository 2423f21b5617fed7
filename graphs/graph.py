"""The chat state machine: fronts, sub-agents, specialists and the confirmation pause.

```
START → route → ceo_front ⇄ {analytics, inventory, content, risk}   (delegate / return)
              → confirm            (the operator answered the pending question)
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
from graphs.language.confirm import answer_of, opens_with_no
from graphs.registry import SPECIALISTS
from graphs.specialists.roster import SPECIALIST_GRAPHS
from graphs.state import ChatState, RunContext
from tools.agent_flags import require_enabled
from tools.errors import Forbidden


def route(state: ChatState) -> Command[Any]:
    """A bare yes or no to the pending question goes to ``confirm``; everything else to the front agent."""
    front = state.get("front") or "ceo_front"
    if front == "ceo_front" and state.get("pending"):
        if state.get("answer"):
            return Command(goto="confirm", update={"trace": []})
        last = next((m["content"] for m in reversed(state.get("messages") or []) if m["role"] == "user"), "")
        answer = answer_of(last)
        if answer is not None:
            return Command(goto="confirm", update={"trace": [], "answer": {"all": answer == "yes"}})
        if opens_with_no(last):
            # "no, just the reorders": the question is dropped; the agent may ask a narrower one
            return Command(goto=front, update={"trace": [], "answer": None, "pending": None,
                                               "last": {**(state.get("last") or {}),
                                                        "narrowable": state.get("pending")}})
    return Command(goto=front, update={"trace": [], "answer": None})


async def ceo_front(state: ChatState, runtime: Runtime[RunContext]) -> Command[Any]:
    return await run_agent("ceo_front", state, runtime)


async def customer_front(state: ChatState, runtime: Runtime[RunContext]) -> Command[Any]:
    return await run_agent("customer_front", state, runtime)


def specialist_node(agent: str) -> Any:
    async def node(state: ChatState, runtime: Runtime[RunContext]) -> Command[Any]:
        ctx = runtime.context
        task = (state.get("inbox") or {}).get("payload") or {}
        try:
            # an agent the operator switched off does not run from the conversation either
            await require_enabled(ctx.deps, ctx.principal.tenant, agent)
        except Forbidden as exc:
            if exc.code != "agents_disabled":
                raise
            result: dict[str, Any] = {"agent": agent, "run_id": None, "status": "disabled", "summary": exc.message,
                                      "findings": [], "action_ids": [], "new_action_ids": [], "withdrawn": []}
        else:
            result = (await SPECIALIST_GRAPHS[agent].ainvoke(
                {"task": task.get("task", ""), "scope": task.get("scope") or {},
                 "trigger": task.get("trigger", "delegate")}, context=ctx))["result"]
        handoff = await transfer(ctx.deps, tenant=ctx.principal.tenant, actor=ctx.principal.subject,
                                 thread_id=ctx.thread_id, from_agent=agent, to_agent="ceo_front",
                                 payload=result)
        if handoff.command is None:
            raise RuntimeError(f"{agent} could not return to ceo_front: {handoff.reason}")
        update = dict(handoff.command.update or {})
        update["trace"] = [*(state.get("trace") or []), agent]
        return Command(goto=handoff.command.goto, update=update)

    node.__name__ = agent
    return node


def build_graph(*, checkpointer: Any = None, store: Any = None) -> CompiledStateGraph[Any, Any, Any, Any]:
    graph = StateGraph(ChatState, context_schema=RunContext)
    graph.add_node("route", route, destinations=("ceo_front", "customer_front", "confirm"))
    graph.add_node("ceo_front", ceo_front, destinations=("ceo_front", *SPECIALISTS, END))
    graph.add_node("confirm", confirm, destinations=(END,))
    graph.add_node("customer_front", customer_front, destinations=("customer_front", "accounts", END))
    graph.add_node("accounts", accounts, destinations=("customer_front",))
    for agent in SPECIALISTS:
        graph.add_node(agent, specialist_node(agent), destinations=("ceo_front",))
    graph.add_edge(START, "route")
    return graph.compile(checkpointer=checkpointer, store=store, name="growth_engine")
