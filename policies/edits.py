"""What an edit changes besides its params: the title, the expected revenue and its arithmetic.

Edit-and-approve makes a new version of an action; a 25 % markdown raised to 35 % must not
keep saying 25 % nor keep the revenue worked out for 25 %. ``rederive`` rescales the named
inputs the edit moves (with the arithmetic shown) and rewrites the amounts in the title.
Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from policies import inventory as inv
from policies.figures import cents, figure, money
from policies.inventory import writeoff_share, years_held


@dataclass(frozen=True, slots=True)
class Rederived:
    title: str
    expected_revenue: float
    revenue_inputs: list[dict[str, Any]]
    revenue_formula: str


def _shown(i: dict[str, Any]) -> str:
    # inputs stored before they carried their text read as their full value
    return str(i.get("shown") or f"{float(i['value']):,.6g}")


def _formula(inputs: list[dict[str, Any]], total: float) -> str:
    shown = " × ".join(f"{i['name']} {_shown(i)}" for i in inputs)
    return f"{shown} = {money(total)}"[:500]


def _unit(i: dict[str, Any]) -> str:
    """The unit an input was shown in, read back from how it reads."""
    shown = str(i.get("shown", ""))
    return "money" if shown.startswith(("$", "-$")) else "pct" if shown.endswith("%") else "count"


def _noted(source: str, note: str, limit: int = 200) -> str:
    """The source with the edit's note after it, within ``limit``: the source is shortened (at a word, "…"),
    never the note, which says what the edit changed."""
    room = limit - len(note)
    if len(source) > room:
        cut = source[:max(0, room - 1)]
        source = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
    return (source + note)[:limit]


def _scaled(inputs: list[dict[str, Any]], factors: dict[str, tuple[float, str]]) -> list[dict[str, Any]]:
    out = []
    for i in inputs:
        name = str(i.get("name", ""))
        hit = next((v for k, v in factors.items() if k in name), None)
        if hit is None:
            out.append(dict(i))
            continue
        ratio, why = hit
        edited = {k: v for k, v in i.items() if k != "working"}
        source = _noted(str(i.get("source", "")), f" — edited: {why}")
        if not i.get("shown"):
            out.append({**edited, "value": float(f"{float(i['value']) * ratio:.6g}"), "source": source})
            continue
        # rounded as it is shown, so the edited formula still multiplies to its total
        scaled = figure(float(i["value"]) * ratio, _unit(i))
        out.append({**edited, "value": float(scaled.value), "shown": scaled.text, "source": source})
    return out


def _markdown_again(inputs: list[dict[str, Any]], model: inv.MarkdownModel, p0: float,
                    p1: float) -> tuple[float, list[dict[str, Any]], str] | None:
    """A markdown's worth worked out again at the edited depth, from the model it was proposed with: the extra
    units and the owner's gain on each (its margin, the carrying cost and write-off avoided, less the discount
    on the units that sell anyway), as the inventory agent works them out."""
    again = model.at(p1)
    if again is None or again[0].extra_units <= 0 or len(inputs) != 2:
        return None
    down = again[0]
    note = f" — edited: {p1:g}% off instead of {p0:g}%"
    # every figure as it is shown, and the gain worked out from those: the working reads to the value it gives
    extra = figure(down.extra_units, "count")
    price, cost = figure(model.price, "money"), figure(model.cost, "money")
    off, holding = figure(p1 / 100, "pct"), figure(model.holding_rate, "pct")
    years, risk = figure(years_held(down.cover_days), "ratio"), figure(writeoff_share(down.cover_days), "pct")
    base = figure(down.base_units, "count")
    gain = (price.value * (1 - off.value) - cost.value) + cost.value * (holding.value * years.value + risk.value)
    working = (f"(({price.text} price × (1 − {off.text} off)) − {cost.text} cost) + {cost.text} cost × "
               f"({holding.text} holding a year × {years.text} {'year' if years.value == 1 else 'years'} held + "
               f"{risk.text} write-off risk)")
    if base.value > 0 and extra.value > 0:
        gain -= base.value * price.value * off.value / extra.value
        working += f" − ({base.text} units sold anyway × {price.text} price × {off.text} off) ÷ {extra.text} extra units"
    per_unit = figure(gain, "money")
    first, second = inputs
    edited = [
        {**{k: v for k, v in first.items() if k != "working"}, "value": float(extra.value), "shown": extra.text,
         "source": _noted(str(first.get("source", "")), note)},
        {**second, "value": float(per_unit.value), "shown": per_unit.text,
         "source": _noted(str(second.get("source", "")), note), "working": working[:300]},
    ]
    total = float(cents(max(Decimal(0), extra.value * per_unit.value)))
    return total, edited, _formula(edited, total)


def rederive(kind: str, *, title: str, expected_revenue: float, revenue_inputs: list[dict[str, Any]],
             old: dict[str, Any], new: dict[str, Any]) -> Rederived:
    """The title, expected revenue and arithmetic of an edited action (unchanged where the edit does not bear)."""
    inputs = [dict(i) for i in revenue_inputs]
    if kind == "inventory.markdown" and old.get("percent_off") and new.get("percent_off") != old.get("percent_off"):
        p0, p1 = float(old["percent_off"]), float(new["percent_off"])
        title = re.sub(r"down \d+(?:\.\d+)?%", f"down {p1:g}%", title)
        model = next((i["model"] for i in inputs if isinstance(i.get("model"), dict)), None)
        worked = _markdown_again(inputs, inv.MarkdownModel.from_dict(model), p0, p1) if model else None
        if worked is not None:
            return Rederived(title[:300], *worked)
        # a markdown proposed before its model was kept: the extra units scale with the depth (an estimate)
        inputs = _scaled(inputs, {"extra units": (p1 / p0, f"{p1:g}% instead of {p0:g}% (linear in the depth)"),
                                  "price": ((1 - p1 / 100) / (1 - p0 / 100), f"price less {p1:g}%")})
    elif kind == "inventory.reorder" and old.get("quantity") and new.get("quantity") != old.get("quantity"):
        q0, q1 = int(old["quantity"]), int(new["quantity"])
        why = ("fewer cover fewer days" if q1 < q0 else
               "more units than proposed save no more days: the proposal already covered the days at risk")
        inputs = _scaled(inputs, {"days of sales saved": (min(1.0, q1 / q0), f"{q1} units instead of {q0} ({why})")})
        title = re.sub(r"Reorder \d+", f"Reorder {q1}", title)
    elif kind == "pricing.adjust" and new.get("new_price") != old.get("new_price"):
        title = re.sub(r"\$\d+(?:\.\d+)?(?!.*\$\d)", f"${float(new['new_price']):,.2f}", title)
    else:
        return Rederived(title, expected_revenue, inputs, "")
    total = expected_revenue
    if inputs:
        product = Decimal(1)
        for i in inputs:
            product *= Decimal(repr(float(i["value"])))
        total = float(cents(max(Decimal(0), product)))
    return Rederived(title[:300], total, inputs, _formula(inputs, total) if inputs else "")
