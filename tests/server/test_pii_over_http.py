"""Finding 4 of the attack run, through a real client: what a shopper types over HTTP — a name,
e-mails in disguise, a national phone number — is stored nowhere raw: not in any table, not in
the conversation checkpoints, not in what the operator's agent then reads."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from server.app import App
from tests.graphs.conftest import add_customer_orders
from tests.graphs.test_pii_canaries import _hits_postgres, _hits_sqlite
from tests.server.conftest import Tokens, http_client

NAME, WIDE, SPELLED, PHONE = ("Oksana Wierzbicka", "ｏｋｓａｎａ．ｗ＠ｅｘａｍｐｌｅ．ｃｏｍ",
                              "oksana.w7 (at) posteo (dot) de", "+48 512 345 678")
NEEDLES = [NAME, "Wierzbicka", WIDE, "oksana.w@example.com", SPELLED, "oksana.w7", PHONE, "512 345 678"]


async def test_a_shoppers_disguised_pii_is_vaulted_not_stored(served: tuple[App, str], tokens: Tokens,
                                                               db_url: str, backend: str) -> None:
    app, url = served
    await add_customer_orders(app, "jane@example.com", ["#2001"])
    async with http_client(url, tokens.customer, "legacy") as shopper:
        r = await shopper.call_tool("customer_chat", {
            "message": f"Hi, my name is {NAME}. My order #2001 arrived broken; write to {WIDE} or {SPELLED}, "
                       f"or call {PHONE}.", "thread": "pii-http"})
        assert not r.is_error
        reply = r.content[0].text
        assert not [n for n in NEEDLES if n in reply]
    async with http_client(url, tokens.operator, "legacy") as operator:
        r = await operator.call_tool("chat", {"message": "what should I do today?", "thread": "pii-http-op"})
        assert not r.is_error and not [n for n in NEEDLES if n in r.content[0].text]
    if backend == "sqlite":
        await app.close()
        assert await _hits_sqlite(Path(str(make_url(db_url).database)).parent, NEEDLES) == {}
    else:
        await app.close()
        assert await _hits_postgres(db_url, NEEDLES) == {}
