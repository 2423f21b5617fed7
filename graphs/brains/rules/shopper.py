"""The rules brain for shoppers: products from the catalogue, policies, own orders, a person when needed.

The product a shopper talked about last is remembered (``refs`` of type ``product``), so
"and do you have it in sand?" or "send me the page" continue it.
"""

from __future__ import annotations

import re
from typing import Any

from graphs.brains.base import Act, Reply, Step, ToolCall, Turn, call as _call, last_user as _last_user
from graphs.brains.rules import render
from graphs.brains.rules.shopper_intents import ShopperIntent, parse_shopper

_FOLLOW = re.compile(r"^(?:and|so|ok|okay|also|what about|how about)\b|\b(?:it|that one|this one|the page|its|them)\b")


#: the store's free-shipping threshold, as its shipping policy states it
FREE_SHIPPING_OVER = 75.0


def price(value: float) -> str:
    return f"${value:,.2f}"


class ShopperPlan:
    def __init__(self, turn: Turn) -> None:
        self.turn = turn
        self.sc = dict(turn.scratch)

    def step(self) -> Step:
        if not self.sc.get("stage"):
            return self.start()
        r = self.turn.results[0] if self.turn.results else {"ok": False, "content": {}}
        stage = self.sc["stage"]
        if stage == "products":
            return self.products(r)
        if stage == "policy":
            return Reply(r["content"]["text"] if r["ok"] else "I don't have that policy written down; a person from "
                         "the team can tell you — just ask me to pass it on.")
        if stage == "orders":
            return self.orders(r)
        if stage == "escalated":
            if r["ok"] and r["content"].get("outcome") == "throttled":
                return Reply("You already have requests open with the team today; a person will get back to you on "
                             "those, usually within one business day.")
            if r["ok"] and "action_id" in r["content"]:
                again = r["content"].get("outcome") == "folded"
                return Reply(("I've added this to your open request" if again else "I've passed this to the team")
                             + " — a person will get back to you, usually within one business day. Your reference is "
                             f"#{r['content']['action_id']}.")
            return Reply("I couldn't pass that on just now; please try again in a moment.")
        return Reply(render.HELP_SHOPPER)

    def act(self, stage: str, call: ToolCall, **keep: Any) -> Act:
        return Act([call], {**self.sc, **keep, "stage": stage})

    def start(self) -> Step:
        text = _last_user(self.turn)
        intent = parse_shopper(text)
        last = (self.turn.facts.get("last") or {}) if isinstance(self.turn.facts.get("last"), dict) else {}
        if intent.name == "product":
            query = intent.query or text
            if intent.sort and last.get("query") and len(query.split()) <= 5:
                query = f"{last['query']} {query}"  # "which one is cheapest?" after a list: of that list
            elif last.get("products") and (_FOLLOW.search(query) or len(query.split()) <= 4):
                # "and in sand?", "send me the page": the product from before, unless a new one is named
                query = f"{query} {' '.join(last['products'][:1])}"
            return self.act("products", _call("find_products", query=query[:500], max_price=intent.max_price,
                                              min_price=intent.min_price, sort=intent.sort,
                                              limit=20 if intent.sort else 6),
                            intent=_plain(intent), previous=last.get("products") or [])
        if intent.name == "policy":
            return self.act("policy", _call("store_policy", topic=intent.topic))
        if intent.name == "order_status":
            customer = self.turn.facts.get("customer_ref")
            if not customer:
                return Reply("Please sign in so I can look up your orders.")
            payload = {"customer_ref": customer, "question": text[:4000], "order_name": intent.order_name}
            return self.act("orders", _call("transfer_to_agent", agent="accounts", payload=payload))
        if intent.name == "escalate":
            return self.act("escalated", _call("escalate_to_operator", summary=text[:2000],
                                               order_name=intent.order_name))
        if intent.name == "out_of_scope":
            return Reply("I'm the shop's assistant, so I can't do that — I don't have access to the store's "
                         "operations or to anyone else's details. " + render.HELP_SHOPPER)
        if intent.name == "bot":
            return Reply("I'm the shop's automated assistant. I can answer most questions here, and if you'd like a "
                         "person from the team, just say so and I'll pass it on.")
        if intent.name == "greeting":
            return Reply("Hi! " + render.HELP_SHOPPER)
        if intent.name == "thanks":
            return Reply("You're welcome! Anything else I can help with?")
        return Reply(render.HELP_SHOPPER)

    def products(self, r: dict[str, Any]) -> Step:
        found = r["content"] if r["ok"] else {"products": [], "total": 0}
        intent = self.sc.get("intent") or {}
        items = found.get("products") or []
        refs = [{"type": "intent", "verb": "product", "products": [p["title"] for p in items[:3]],
                 "query": str(intent.get("query") or "")[:200]}] if items else []
        if not items:
            return Reply("I couldn't find that in the shop. Try another word, or ask me about a product by name — "
                         "for example \"how much is the linen tote?\"")
        attribute = intent.get("attribute")
        query = str(intent.get("query") or "")
        if intent.get("sort") or (not found.get("named") and attribute != "compare"):
            return Reply(_listing(items, found.get("total", len(items)), intent), refs=refs)
        if attribute == "compare" and len(items) >= 2:
            return Reply("\n".join(f"· {p['title']}: {_price_range(p)} {p['url']}" for p in items[:3]), refs=refs)
        return Reply(_facts(items[0], attribute, query), refs=refs)

    def orders(self, r: dict[str, Any]) -> Step:
        if not r["ok"]:
            return Reply("I couldn't look that up right now. I can pass your question to the team if you like.")
        answer = r["content"]
        greet = f"Hi {answer['first_name']}! " if answer.get("first_name") else ""
        return Reply(greet + answer["answer"])


def _plain(intent: ShopperIntent) -> dict[str, Any]:
    return {"query": intent.query, "sort": intent.sort, "attribute": intent.attribute,
            "max_price": intent.max_price}


def _price_range(p: dict[str, Any]) -> str:
    low, high = p.get("price_from"), p.get("price_to")
    if low is None:
        return "price not listed"
    return price(low) if high in (None, low) else f"{price(low)}–{price(high)}"


def _variant(p: dict[str, Any], query: str) -> dict[str, Any] | None:
    """The variant the shopper named ("in tan", "20x20", "XL", "8 oz"), if any."""
    q = f" {query.lower()} "
    for v in sorted(p["variants"], key=lambda v: -len(v["title"])):
        title = v["title"].lower()
        if title and title not in ("default title", "one size") and re.search(
                r"(?<![a-z0-9])" + re.escape(title) + r"(?![a-z0-9])", q):
            return v
    return None


def _facts(p: dict[str, Any], attribute: str | None, query: str) -> str:
    v = _variant(p, query)
    stock_word = "in stock" if (v["in_stock"] if v else p["in_stock"]) else "out of stock right now"
    if attribute == "stock":
        which = f" in {v['title']}" if v else ""
        return f"Yes — {p['title']}{which} is in stock ({_price(p, v)}). {p['url']}" if stock_word == "in stock" \
            else f"{p['title']}{which} is out of stock right now. {p['url']}"
    if attribute == "free_shipping":
        free = (v["price"] if v else p["price_from"] or 0) > FREE_SHIPPING_OVER
        return (f"{p['title']} is {_price(p, v)}, so " + ("yes — shipping is free (it's free on orders over "
                f"{price(FREE_SHIPPING_OVER)})." if free else f"standard shipping applies; it's free on orders over "
                f"{price(FREE_SHIPPING_OVER)}.") + f" {p['url']}")
    if attribute == "link":
        return f"Here's the {p['title']}: {p['url']}"
    if attribute == "vendor":
        return f"{p['title']} is made by {p['vendor']} ({_price(p, v)}, {stock_word}). {p['url']}"
    if attribute == "options":
        options = ", ".join(f"{x['title']} ({price(x['price'])}{'' if x['in_stock'] else ', out of stock'})"
                            for x in p["variants"])
        return f"{p['title']} comes in: {options}. {p['url']}"
    if attribute == "details":
        return f"{p['title']} ({_price(p, v)}, {stock_word}): {p['description'] or 'no description yet.'} {p['url']}"
    which = f" in {v['title']}" if v else ""
    return f"{p['title']}{which} is {_price(p, v)} — {stock_word}. {p['url']}"


def _price(p: dict[str, Any], v: dict[str, Any] | None) -> str:
    return price(v["price"]) if v else _price_range(p)


def _listing(items: list[dict[str, Any]], total: int, intent: dict[str, Any]) -> str:
    if intent.get("sort") and items:
        best = items[0]
        word = "cheapest" if intent["sort"] == "cheapest" else "most expensive"
        return f"The {word} is the {best['title']} at {_price_range(best)} ({'in stock' if best['in_stock'] else 'out of stock'}). {best['url']}"
    lines = [f"· {p['title']} — {_price_range(p)}{'' if p['in_stock'] else ' (out of stock)'} {p['url']}"
             for p in items[:6]]
    head = "Here's what I found:" if total <= len(lines) else f"I found {total}; here are {len(lines)}:"
    return head + "\n" + "\n".join(lines)
