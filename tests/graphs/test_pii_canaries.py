"""PII planted in a customer conversation never reaches the operator's side or any store.

Searched for: ceo_front and specialist state, handoff rows, audit rows, and the
checkpoint and memory databases — SQLite files byte by byte, every PostgreSQL column.
The only copy is the encrypted vault.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from policies.pii.detect import Entity
from policies.principal import Principal
from server.app import App
from tests.graphs.conftest import add_customer_orders
from tools.pii import store_value

EMAIL, PHONE, CARD, IBAN, ADDRESS = ("canary.jane.7741@example.com", "+44 20 7946 0958", "4111 1111 1111 1111",
                                     "GB33BUKB20201555555555", "221B Baker Street")
#: a name introduced as one, a name the store already knows (from its orders), e-mails in disguise
NAME, KNOWN_NAME = "Oksana Wierzbicka", "Ingrid Solvang"
WIDE_EMAIL, SPELLED_EMAIL = "ｃａｎａｒｙ．ｗｉｄｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "oksana.w7 (at) posteo (dot) de"
NEEDLES = [EMAIL, PHONE, CARD, CARD.replace(" ", ""), IBAN, ADDRESS, "7946 0958", "Baker Street",
           NAME, "Wierzbicka", KNOWN_NAME.lower(), "Solvang", WIDE_EMAIL, "canary.wide@example.com", "ｃａｎａｒｙ",
           SPELLED_EMAIL, "oksana.w7", "posteo"]


async def _hits_sqlite(folder: Path, needles: list[str] = NEEDLES) -> dict[str, list[str]]:
    for name in ("growth.db", "checkpoints.db", "memory.db"):
        con = sqlite3.connect(str(folder / name))
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
    hits: dict[str, list[str]] = {}
    for path in folder.iterdir():
        if not path.is_file():
            continue
        blob = path.read_bytes()
        found = [n for n in needles if n.encode() in blob]
        if found:
            hits[path.name] = found
    return hits


async def _hits_postgres(db_url: str, needles: list[str] = NEEDLES) -> dict[str, list[str]]:
    url = make_url(db_url)
    conn = await asyncpg.connect(host=url.host, port=url.port, user=url.username, database=url.database)
    hits: dict[str, list[str]] = {}
    try:
        tables = await conn.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        for (table,) in tables:
            if table == "pii_vault":
                continue  # encrypted values, checked separately
            for row in await conn.fetch(f'SELECT * FROM "{table}"'):
                for value in row.values():
                    data = value if isinstance(value, bytes) else str(value).encode()
                    found = [n for n in needles if n.encode() in data]
                    if found:
                        hits.setdefault(table, []).extend(found)
        vault = await conn.fetch("SELECT ciphertext FROM pii_vault")
        assert vault and not any(n in v["ciphertext"] for v in vault for n in needles)
    finally:
        await conn.close()
    return hits


async def test_canaries_appear_nowhere_but_the_encrypted_vault(agents_app: App, db_url: str, backend: str,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    ref = await add_customer_orders(agents_app, "jane@example.com", ["#2001"])
    await agents_app.db.transact("demo", lambda tx: store_value(tx, agents_app.deps, Entity.NAME, KNOWN_NAME))
    shopper = Principal.customer("demo", ref)
    chat = await agents_app.agents()
    turn = await chat.send(shopper, f"Hi, I'm {EMAIL}, call {PHONE}. Where is my order #2001? Ship to {ADDRESS}.",
                           thread="canary-shop")
    assert turn.trace == ["customer_front", "accounts", "customer_front"]
    turn = await chat.send(shopper, f"My tote arrived damaged. Refund card {CARD} or IBAN {IBAN}, reach me at "
                                    f"{EMAIL}", thread="canary-shop")
    assert "passed this to the team" in turn.reply
    await chat.send(shopper, f"My name is {NAME}, the parcel is for {KNOWN_NAME.lower()} too. Write to {WIDE_EMAIL} "
                             f"or {SPELLED_EMAIL}; the lid of my order #2001 is cracked.", thread="canary-shop")
    op = Principal.operator("demo")
    briefing = await chat.send(op, "what should I do today?", thread="canary-op")
    escalation_id = briefing.refs[0]["id"]
    explained = await chat.send(op, f"explain {escalation_id}", thread="canary-op")
    assert "[card:cc_" in explained.reply or "[iban:ib_" in explained.reply
    await chat.send(op, "run the risk agent", thread="canary-op")
    await chat.send(op, "show handoffs", thread="canary-op")
    await chat.send(op, "what did the agents do today?", thread="canary-op")

    # state of the operator's thread, as the graph holds it
    snap = await chat.graph.aget_state({"configurable": {"thread_id": "demo:canary-op"}})
    state_text = json.dumps(snap.values, default=str)
    assert not [n for n in NEEDLES if n in state_text]
    for reply in (briefing.reply, explained.reply):
        assert not [n for n in NEEDLES if n in reply]

    assert not [n for n in NEEDLES if n in caplog.text], "a log line carries PII"
    if backend == "sqlite":
        folder = Path(str(make_url(db_url).database)).parent
        await agents_app.close()
        assert await _hits_sqlite(folder) == {}
    else:
        await agents_app.close()
        assert await _hits_postgres(db_url) == {}


async def test_a_models_reply_is_redacted_before_it_is_checkpointed(agents_app: App) -> None:
    """Whatever the brain: a model that repeats a customer's e-mail, phone and name back
    leaves only references in the reply, the thread's state and the checkpoints."""
    from langchain_core.messages import AIMessage

    from graphs.brains.openai import ModelBrain
    from tests.graphs.scripted import ScriptedChatModel, tool_call

    said = f"Thanks {NAME}! I noted {EMAIL} and {PHONE}; we ship to {ADDRESS}."
    model = ScriptedChatModel(script=[
        AIMessage("", tool_calls=[tool_call("list_actions", {"status": "pending"})]),
        AIMessage(said)])
    chat = await agents_app.agents(brain=ModelBrain(model))
    turn = await chat.send(Principal.operator("demo"), "what is waiting?", thread="canary-model")
    assert not [n for n in NEEDLES if n in turn.reply]
    assert "[email:em_" in turn.reply and "[phone:ph_" in turn.reply and "[name:nm_" in turn.reply
    snap = await chat.graph.aget_state({"configurable": {"thread_id": "demo:canary-model"}})
    assert not [n for n in NEEDLES if n in json.dumps(snap.values, default=str)]
    history = [json.dumps(s.values, default=str) async for s in chat.graph.aget_state_history(
        {"configurable": {"thread_id": "demo:canary-model"}})]
    assert history and not [n for n in NEEDLES for h in history if n in h]
