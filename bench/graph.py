"""Benchmark the agents' state machine, in one run, on one SQLite checkpointer.

1. One ``ceo_front`` turn ("show my top actions", rules brain) against a three-node
   no-op LangGraph graph with the same checkpointer (target: at most 3x).
2. Interrupt-plus-resume round trip (a critical approval paused for confirmation, then
   confirmed and executed) against the same pause-and-resume on a bare graph.

Run: ``.venv/bin/python bench/graph.py``
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypedDict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from langgraph.graph import END, START, StateGraph  # noqa: E402
from langgraph.types import Command, interrupt  # noqa: E402

from bench.common import SECRET, fresh_sqlite_url, machine, summary  # noqa: E402
from policies.principal import Principal  # noqa: E402
from server.app import create_app  # noqa: E402
from server.persistence.migrate import upgrade  # noqa: E402
from server.settings import Settings  # noqa: E402
from tools.actions import propose  # noqa: E402

TENANT = "bench"
OP = Principal.operator(TENANT)
RUNS = 200


class Bare(TypedDict, total=False):
    n: int


def bare_graph(checkpointer: Any) -> Any:
    g = StateGraph(Bare)
    g.add_node("a", lambda s: {"n": s.get("n", 0) + 1})
    g.add_node("b", lambda s: {"n": s.get("n", 0) + 1})
    g.add_node("c", lambda s: {"n": s.get("n", 0) + 1})
    g.add_edge(START, "a")
    g.add_edge("a", "b")
    g.add_edge("b", "c")
    g.add_edge("c", END)
    return g.compile(checkpointer=checkpointer)


def bare_interrupt_graph(checkpointer: Any) -> Any:
    def ask(state: Bare) -> dict[str, int]:
        answer = interrupt({"q": "confirm?"})
        return {"n": int(bool(answer))}

    g = StateGraph(Bare)
    g.add_node("ask", ask)
    g.add_edge(START, "ask")
    g.add_edge("ask", END)
    return g.compile(checkpointer=checkpointer)


def proposal(i: int, *, critical: bool = False) -> dict[str, Any]:
    now = datetime.now(timezone.utc).isoformat()
    base = {"agent": "content", "title": f"Rewrite {i}", "expected_revenue": 100 + i, "confidence": 0.6, "ease": 0.7,
            "evidence": [{"source": "gsc", "query": "q", "metric": "ctr", "value": 0.01, "window": "28d",
                          "observed_at": now}],
            "rollback_plan": {"description": "restore the previous value"}}
    if critical:
        return {**base, "kind": "email.send", "target": f"segment:s{i}",
                "params": {"segment": f"s{i}", "subject": "Hello", "body": "News"}}
    return {**base, "kind": "content.rewrite_title", "target": f"page:https://shop.example/products/p{i}",
            "params": {"new_title": f"Better product title {i}"}}


async def main() -> None:
    url = fresh_sqlite_url("graph")
    await upgrade(url)
    app = await create_app(Settings(database_url=url, secret_key=SECRET, tenant=TENANT, brain="rules",
                                    rate_limit_executions=1_000_000))
    try:
        agent = Principal.for_agent(TENANT, "content")
        for i in range(50):
            await propose(app.deps, agent, proposal(i))
        chat = await app.agents()
        saver = app._storage.checkpointer
        bare = bare_graph(saver)

        turn_ms, bare_ms = [], []
        for i in range(RUNS + 20):
            t = time.perf_counter()
            reply = await chat.send(OP, "show my top actions", thread=f"t{i}")
            elapsed = (time.perf_counter() - t) * 1000
            assert "best first" in reply.reply
            t = time.perf_counter()
            await bare.ainvoke({"n": 0}, {"configurable": {"thread_id": f"bare{i}"}})
            bare_elapsed = (time.perf_counter() - t) * 1000
            if i >= 20:
                turn_ms.append(elapsed)
                bare_ms.append(bare_elapsed)

        critical_ids = [(await propose(app.deps, agent, proposal(1000 + i, critical=True))).action.id
                        for i in range(RUNS // 2 + 10)]
        pause = bare_interrupt_graph(saver)
        ours, theirs = [], []
        for i, action_id in enumerate(critical_ids):
            t = time.perf_counter()
            turn = await chat.send(OP, f"approve {action_id}", thread=f"c{i}")
            assert turn.pending
            done = await chat.resume(OP, f"c{i}", [{"action_id": action_id, "version": 1, "approve": True}])
            elapsed = (time.perf_counter() - t) * 1000
            assert "executed" in done.reply, done.reply
            cfg = {"configurable": {"thread_id": f"p{i}"}}
            t = time.perf_counter()
            await pause.ainvoke({"n": 0}, cfg)
            await pause.ainvoke(Command(resume=True), cfg)
            bare_elapsed = (time.perf_counter() - t) * 1000
            if i >= 10:
                ours.append(elapsed)
                theirs.append(bare_elapsed)
    finally:
        await app.close()

    print(f"# bench/graph.py — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — {machine()}")
    ratio = statistics.median(turn_ms) / statistics.median(bare_ms)
    print(f"ceo_front turn 'show my top actions' (rules brain, SQLite checkpointer): {summary(turn_ms)}")
    print(f"three-node no-op graph, same checkpointer: {summary(bare_ms)} -> ratio {ratio:.2f}x (target <= 3x)")
    ratio2 = statistics.median(ours) / statistics.median(theirs)
    print(f"interrupt + resume (critical approval confirmed, executed, audited): {summary(ours)}")
    print(f"interrupt + resume on a bare one-node graph: {summary(theirs)} -> ratio {ratio2:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
