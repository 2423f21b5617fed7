"""The rules brain's answers about the store's numbers: sales and refunds for a period, best sellers, one
product's stock, what is on order, traffic by channel, and what executed actions achieved.

Each answer says its window and its source, and compares like with like (``tools.insights``).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from graphs.brains.rules import render
from graphs.language.intent import Intent

Refs = list[dict[str, Any]]


def ok(results: list[dict[str, Any]], index: int = 0) -> Any:
    """The content of the ``index``-th tool result, if it succeeded."""
    r = results[index] if len(results) > index else None
    return r["content"] if r and r["ok"] else None


def sales(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
           names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    r = ok(results) or {}
    if not r.get("available"):
        return "I can't answer that yet: no orders are imported. I can import a Shopify orders export.", []
    if re.search(r"\brefund", intent.text or "", re.I):
        return _refunds(r), []
    this, last = r["current"], r["previous"]
    change = r.get("revenue_change")
    trend = "" if change is None else f" ({'up' if change >= 0 else 'down'} {_percent(abs(change))})"
    window = r["window"]
    text = (f"{r['label'][0].upper()}{r['label'][1:]} ({_span(window['this'])}): {this['orders']:,} orders, "
            f"{render.money(this['revenue'])} revenue{trend}, average order {render.money(this['aov'])}. "
            f"{r['previous_label'][0].upper()}{r['previous_label'][1:]} ({_span(window['last'])}): "
            f"{last['orders']:,} orders, {render.money(last['revenue'])}. Source: {r['source']} (cancelled orders "
            "excluded).")
    cut = datetime.fromisoformat(r["cut_at"]) if r.get("cut_at") else None
    if cut is not None and cut.hour < 23:  # a day cut short: both sides stop at the same hour
        text += (f" Orders are imported up to {cut:%-d %b %H:%M} UTC, so both periods are counted to the same point "
                 f"({cut:%a} {cut:%H:%M}).")
    return text, []


def top(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
         names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    r = ok(results) or {}
    if not r.get("available") or not r.get("products"):
        return "I can't answer that yet: no orders are imported.", []
    lines = [f"{n}. {p['title']}: {render.money(p['revenue'])} from {p['units']:,} unit{'s' * (p['units'] != 1)}"
             for n, p in enumerate(r["products"], 1)]
    return (f"Top products by revenue, {r.get('label', 'last 28 days')} ({_span(r['window'])}; {r['source']}):\n"
            + "\n".join(lines)), []


def stock(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
           names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    r = ok(results) or {}
    if not r.get("found"):
        return _not_one_product(r, "stock of the prairie alpaca throw blanket"), []
    lines = [f"{r['title']} ({r['vendor']}), stock as last imported:"]
    for v in r["variants"][:8]:
        pace = (f"sold {v['sold_28d']:,} in the last 28 days, about {v['days_of_cover']:,.0f} days of cover"
                if v["days_of_cover"] is not None else "none sold in the last 28 days")
        ordered = f"; {v['on_order']:,} on order" if v["on_order"] else ""
        lines.append(f"· {v['title'] or v['sku']} ({v['sku']}): {v['in_stock']:,} in stock, {pace}{ordered}")
    if len(r["variants"]) > 8:
        lines.append(f"… and {len(r['variants']) - 8} more variants.")
    return "\n".join(lines) + f"\nSource: {r['source']}.", []


def _not_one_product(r: dict[str, Any], example: str) -> str:
    """Why no single product answers: several fit (which one?), or none (the closest names)."""
    if r.get("several"):
        return (f"Several products fit “{r['query']}”: " + ", ".join(r["several"]) + ". Which one? Name it as the "
                "store does.")
    closest = "; closest: " + ", ".join(r["closest"]) if r.get("closest") else ""
    return (f"No product in the catalogue is called “{r.get('query', '')}”{closest}. Name it as the store does, "
            f"for example \"{example}\".")


def product_sales(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
                  names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    r = ok(results) or {}
    if not r.get("found"):
        return _not_one_product(r, "how many prairie alpaca throw blankets did we sell last week"), []
    if not r.get("available"):
        return f"I can't say how {r['title']} sold: no orders are imported.", []
    this, last = r["current"], r["previous"]
    change = r.get("units_change")
    trend = "" if change is None else " (as many units as before)" if change == 0 else (
        f" ({'up' if change > 0 else 'down'} {_percent(abs(change))} in units)")
    which = f" ({', '.join(r['variants'])})" if r.get("variants") else ""
    window = r["window"]
    text = (f"{r['title']}{which}, {r['label']} ({_span(window['this'])}): {this['units']:,} sold in "
            f"{this['orders']:,} orders, {render.money(this['revenue'])}{trend}. {r['previous_label'][0].upper()}"
            f"{r['previous_label'][1:]} ({_span(window['last'])}): {last['units']:,} sold, "
            f"{render.money(last['revenue'])}. Source: {r['source']} (cancelled orders excluded).")
    cut = datetime.fromisoformat(r["cut_at"]) if r.get("cut_at") else None
    if cut is not None and cut.hour < 23:
        text += f" Orders are imported up to {cut:%-d %b %H:%M} UTC; both periods are counted to that point."
    return text, []


def on_order(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
              names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    r = ok(results) or {}
    placed, waiting = r.get("open") or [], r.get("waiting") or []
    lines: list[str] = []
    if placed:
        units = sum(p["quantity"] for p in placed)
        cost = sum(p["quantity"] * p["unit_cost"] for p in placed)
        lines.append(f"On order: {len(placed)} open purchase order{'s' * (len(placed) != 1)}, {units:,} units, "
                     f"{render.money(cost)} at cost.")
        lines += [f"· {p['purchase_order']} {p['supplier'] or 'no supplier named'}: {p['quantity']:,} × {p['title']} "
                  f"at {render.money(p['unit_cost'])} = {render.money(p['quantity'] * p['unit_cost'])} "
                  f"(placed {_day(p['placed'])})" for p in placed[:10]]
    else:
        lines.append("Nothing is on order: no open purchase order.")
    if waiting:
        cost = sum(w["quantity"] * w["unit_cost"] for w in waiting)
        lines.append(f"Waiting for your decision: {len(waiting)} reorder{'s' * (len(waiting) != 1)}, "
                     f"{sum(w['quantity'] for w in waiting):,} units, {render.money(cost)} at cost: "
                     + ", ".join(f"#{w['action_id']}" for w in waiting[:10]) + ".")
    return "\n".join(lines), [{"type": "action", "id": w["action_id"]} for w in waiting[:10]]


def channels(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
              names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    r = ok(results) or {}
    if not r.get("available"):
        return "I can't answer that yet: no GA4 data is imported.", []
    lines = [f"· {c['channel']}: {c['sessions']:,.0f} sessions against {c['sessions_before']:,.0f}"
             + (f" ({c['change']:+.0%})" if c["change"] is not None else "") for c in r["channels"][:8]]
    worst = r["channels"][0] if r["channels"] else None
    head = (f"{worst['channel']} fell the most" if worst and (worst["change"] or 0) < 0 else "No channel fell")
    return (f"{head}. Sessions by channel, {_span(r['window']['this'])} against {_span(r['window']['last'])} "
            f"({r['source']}):\n" + "\n".join(lines)), []


def outcomes(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
              names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    r = ok(results) or {}
    what = render.KIND_PLURAL.get(r.get("kind") or "", "actions")
    items, summary = r.get("items") or [], r.get("summary") or {}
    if not r.get("executed") and not items:
        return f"No {what} have been executed yet, so nothing has earned anything to measure.", []
    if not items:
        count = f"{r['executed']} {what}" if r["executed"] != 1 or what != "actions" else "1 action"
        return (f"{count} executed; none is measured yet: the operations cycle measures each one "
                "against untouched controls once its data arrives (\"growth cycle run\" measures now)."), []
    lines = [f"{what[0].upper()}{what[1:]}: {r['executed']} executed, {summary.get('measured', 0)} measured against "
             f"{'its' if summary.get('measured') == 1 else 'their'} controls"]
    verdicts = summary.get("by_verdict") or {}
    said = [f"{verdicts[v]} {words}" for v, words in (("positive", "did better"), ("no_change", "showed no clear "
            "change"), ("negative", "did worse")) if verdicts.get(v)]
    if said:
        lines[0] += " — " + ", ".join(said)
    realised = summary.get("realised_revenue")
    if realised:
        lines[0] += (f". Realised about {render.money(realised['estimate'])} (between {render.money(realised['low'])} "
                     f"and {render.money(realised['high'])}) against {render.money(summary['expected_revenue'])} "
                     "expected")
    if summary.get("waiting"):
        lines[0] += f"; {summary['waiting']} still waiting for data"
    lines[0] += "."
    for o in items:
        head = f"· #{o['action_id']} {o['title'] or ''}".rstrip()
        if o["state"] != "measured":
            lines.append(f"{head}: {o['reason'] or o['state']}")
            continue
        change = "" if o["relative"] is None else f" {o['relative']:+.0%}"
        verdict = {"positive": "did better", "negative": "did worse"}.get(o["verdict"], "no clear change")
        money = "" if o["revenue"] is None else (f"; about {render.money(o['revenue'])} (between "
                                                  f"{render.money(o['revenue_low'])} and "
                                                  f"{render.money(o['revenue_high'])})")
        lines.append(f"{head}: {o['metric']}{change} against controls — {verdict}{money}")
    return "\n".join(lines), [{"type": "action", "id": o["action_id"]} for o in items]


def traffic(intent: Intent, plan: dict[str, Any], results: list[dict[str, Any]],
            names: dict[int, dict[str, Any]]) -> tuple[str, Refs]:
    r = ok(results) or {}
    if not r.get("available"):
        return "I can't answer that yet: no GA4 data is imported. I can import a GA4 export.", []
    if r.get("empty"):
        return (f"GA4 is imported up to {_day(r['imported_to'])}, so there is nothing yet for {r['label']}. "
                "Ask for yesterday or last week, or import a newer export."), []
    this, last, window = r["current"], r["previous"], r["window"]

    def rate(p: dict[str, Any]) -> str:
        return "no sessions" if p["conversion"] is None else f"{p['conversion']:.2%} converted"

    # the figures are the whole store's: a question about one page is told so, never answered as if for it
    one_page = re.search(r"\b(?:page|product|that one|this one)\b|/\w", intent.text or "")
    note = ("These are the whole store's figures (I have no per-page traffic answer here; a page's own sessions "
            "are in the evidence of its actions, e.g. \"explain\" one). ") if one_page else "Whole store: "
    label = r["label"][0].upper() + r["label"][1:] if note.endswith(". ") else r["label"]
    return (f"{note}{label} ({_span(window['this'])}): {this['sessions']:,.0f} sessions, "
            f"{this['purchases']:,.0f} purchases, {rate(this)}. {r['previous_label'][0].upper()}"
            f"{r['previous_label'][1:]} ({_span(window['last'])}): {last['sessions']:,.0f} sessions, "
            f"{last['purchases']:,.0f} purchases, {rate(last)}. Source: {r['source']} (imported to "
            f"{_day(r['imported_to'])})."), []


#: a question about what the engine has no data on: said so, never answered with something else
NO_DATA = ("I don't have that: the engine reads your store's Search Console, GA4 and Shopify exports (searches, "
           "traffic and conversion, orders, refunds, products and stock), not competitors' prices, ad spend or "
           "e-mail campaigns. Ask me about those, or \"what should I do today?\".")


def _span(window: list[str]) -> str:
    start, end = (datetime.fromisoformat(d) for d in window)
    return _day(window[0]) if start == end else f"{start:%-d %b}–{end:%-d %b}"


def _refunds(r: dict[str, Any]) -> str:
    """Refunds of the orders placed in the period asked, against the period before, like for like."""
    this, last, window = r["current"], r["previous"], r["window"]

    def share(p: dict[str, Any]) -> str:
        return f" ({p['refunded'] / p['revenue']:.1%} of revenue)" if p["revenue"] else ""

    return (f"Refunds, {r['label']} ({_span(window['this'])}): {this['refunded_orders']:,} of {this['orders']:,} "
            f"orders refunded, {render.money(this['refunded'])}{share(this)}. {r['previous_label'][0].upper()}"
            f"{r['previous_label'][1:]} ({_span(window['last'])}): {last['refunded_orders']:,} of {last['orders']:,}, "
            f"{render.money(last['refunded'])}{share(last)}. Counted on the orders placed in each period (Shopify "
            "orders, cancelled orders excluded).")


def _percent(share: float) -> str:
    """6%, and 0.4% rather than a 0% that reads as no change."""
    return f"{share:.0%}" if share >= 0.01 or share == 0 else f"{share:.1%}"


def _day(iso: str) -> str:
    return f"{datetime.fromisoformat(iso):%-d %b}"
