"""PII planted in a customer conversation never reaches the operator's side or any store.

Searched for: ceo_front and specialist state, handoff rows, audit rows, and the
checkpoint and memory databases — SQLite files byte by byte, every PostgreSQL column.
The only copy is the encrypted vault.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from policies.principal import Principal
from server.app import App
from tests.graphs.conftest import add_customer_orders

EMAIL, PHONE, CARD, IBAN, ADDRESS = ("canary.jane.7741@example.com", "+44 20 7946 0958", "4111 1111 1111 1111",
                                     "GB33BUKB20201555555555", "221B Baker Street")
NEEDLES = [EMAIL, PHONE, CARD, CARD.replace(" ", ""), IBAN, ADDRESS, "7946 0958", "Baker Street"]


async def _hits_sqlite(folder: Path) -> dict[str, list[str]]:
    for name in ("growth.db", "checkpoints.db", "memory.db"):
        con = sqlite3.connect(str(folder / name))
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
    hits: dict[str, list[str]] = {}
    for path in folder.iterdir():
        if not path.is_file():
            continue
        blob = path.read_bytes()
        found = [n for n in NEEDLES if n.encode() in blob]
        if found:
            hits[path.name] = found
    return hits


async def _hits_postgres(db_url: str) -> dict[str, list[str]]:
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
                    found = [n for n in NEEDLES if n.encode() in data]
                    if found:
                        hits.setdefault(table, []).extend(found)
        vault = await conn.fetch("SELECT ciphertext FROM pii_vault")
        assert vault and not any(n in v["ciphertext"] for v in vault for n in NEEDLES)
    finally:
        await conn.close()
    return hits


async def test_canaries_appear_nowhere_but_the_encrypted_vault(agents_app: App, db_url: str, backend: str) -> None:
    ref = await add_customer_orders(agents_app, "jane@example.com", ["#2001"])
    shopper = Principal.customer("demo", ref)
    chat = await agents_app.agents()
    turn = await chat.send(shopper, f"Hi, I'm {EMAIL}, call {PHONE}. Where is my order #2001? Ship to {ADDRESS}.",
                           thread="canary-shop")
    assert turn.trace == ["customer_front", "accounts", "customer_front"]
    turn = await chat.send(shopper, f"My tote arrived damaged. Refund card {CARD} or IBAN {IBAN}, reach me at "
                                    f"{EMAIL}", thread="canary-shop")
    assert "passed this to the team" in turn.reply
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

    if backend == "sqlite":
        folder = Path(str(make_url(db_url).database)).parent
        await agents_app.close()
        assert await _hits_sqlite(folder) == {}
    else:
        await agents_app.close()
        assert await _hits_postgres(db_url) == {}
