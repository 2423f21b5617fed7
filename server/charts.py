"""Department charts drawn with matplotlib from ``tools.department.department_metrics`` data: SVG for the web
console (inline-able, with a ``<title>`` and ``<desc>``) and PNG for MCP image content.

matplotlib is imported on first use (``growth --help`` stays fast) with the non-interactive Agg backend; every
chart draws on its own ``matplotlib.figure.Figure`` (never pyplot's shared state), so charts may be drawn from
several threads. The output is deterministic: the same data gives the same bytes (no dates in the metadata, a
fixed SVG id salt). Colours keep at least 3:1 contrast on the white background, text about 17:1.
"""

from __future__ import annotations

import asyncio
import io
import math
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, get_args
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

ChartName = Literal["proposals", "revenue", "store"]
Format = Literal["svg", "png"]
CHART_NAMES: tuple[ChartName, ...] = get_args(ChartName)
TITLES: dict[ChartName, str] = {
    "proposals": "Proposals and human approval rate per agent",
    "revenue": "Executed: realised vs expected profit per week",
    "store": "Store: orders, revenue and conversion week over week",
}
#: Okabe–Ito and Tol hues darkened where needed: each at least 3:1 against white (WCAG 1.4.11)
PALETTE = ("#0072B2", "#D55E00", "#117733", "#AA3377", "#332288", "#994F00", "#4D4D4D", "#01665E")
INK, GRID, BACKGROUND = "#1A1A1A", "#D0D0D0", "#FFFFFF"
SIZE = (9.0, 5.0)  # inches; at DPI 100 a PNG of 900×500
DPI = 100

_ready = threading.Lock()
_configured = False


def _matplotlib() -> None:
    """Choose the backend and the output settings once, before the first figure (they are process-wide)."""
    global _configured
    with _ready:
        if _configured:
            return
        import matplotlib

        matplotlib.use("Agg")
        # real <text> elements (readable by screen readers, found by search) and stable element ids
        matplotlib.rcParams["svg.fonttype"] = "none"
        matplotlib.rcParams["svg.hashsalt"] = "growth-engine-charts"
        _configured = True


def _figure(name: ChartName, rows: int = 1) -> tuple[Figure, list[Axes]]:
    _matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(SIZE[0], SIZE[1] + (rows - 1) * 1.6), dpi=DPI, facecolor=BACKGROUND,
                 layout="constrained")
    fig.suptitle(TITLES[name], color=INK, fontsize=13, fontweight="bold")
    axes = fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0].tolist()
    for ax in axes:
        ax.set_facecolor(BACKGROUND)
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        ax.tick_params(colors=INK, labelsize=9)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color(INK)
    return fig, axes


def _weeks(ax: Axes, data: dict[str, Any]) -> list[int]:
    """Week positions on the (bottom) x axis, labelled "W45" over the Monday's date (thinned out past 16 weeks)."""
    weeks = data["weeks"]
    xs = list(range(len(weeks)))
    step = max(1, math.ceil(len(weeks) / 16))
    ax.set_xticks(xs[::step], [f"{w['week'][-3:]}\n{w['start'][5:]}" for w in weeks][::step])
    ax.set_xlim(-0.6, len(weeks) - 0.4)
    ax.set_xlabel("ISO week (starting Monday, UTC)", color=INK, fontsize=10)
    return xs


def _money(ax: Axes) -> None:
    from matplotlib.ticker import StrMethodFormatter

    ax.yaxis.set_major_formatter(StrMethodFormatter("${x:,.0f}"))


def _label(ax: Axes, text: str) -> None:
    ax.set_ylabel(text, color=INK, fontsize=10)


def _legend(fig: Figure, handles: list[Any]) -> None:
    """One legend under the plot, so it never hides a bar or a point."""
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4), frameon=False, fontsize=9,
               labelcolor=INK)


def _counts(ax: Axes) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _per_agent(data: dict[str, Any]) -> dict[str, list[dict[str, float]]]:
    """Every kind of an agent pooled, week by week: proposals, approvals, human decisions."""
    out: dict[str, list[dict[str, float]]] = {}
    for row in data["agents"]:
        weeks = out.setdefault(row["agent"], [{"proposed": 0, "approved": 0, "decided": 0} for _ in data["weeks"]])
        for w, src in zip(weeks, row["weeks"], strict=True):
            w["proposed"] += src["proposed"]
            w["approved"] += src["approved"]
            w["decided"] += src["human_decisions"]
    return dict(sorted(out.items()))


def _draw_proposals(data: dict[str, Any]) -> Figure:
    fig, (ax,) = _figure("proposals")
    xs = _weeks(ax, data)
    rate_ax = ax.twinx()
    rate_ax.set_ylim(0, 105)
    rate_ax.tick_params(colors=INK, labelsize=9)
    rate_ax.spines["top"].set_visible(False)
    rate_ax.spines["right"].set_color(INK)
    rate_ax.set_ylabel("Human approval rate (%)", color=INK, fontsize=10)
    bottom = [0.0] * len(xs)
    handles = []
    for i, (agent, weeks) in enumerate(_per_agent(data).items()):
        colour = PALETTE[i % len(PALETTE)]
        counts = [w["proposed"] for w in weeks]
        handles.append(ax.bar(xs, counts, bottom=bottom, width=0.7, color=colour, edgecolor=BACKGROUND,
                              linewidth=0.8, label=f"{agent}: proposals"))
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
        rates = [100 * w["approved"] / w["decided"] if w["decided"] else math.nan for w in weeks]
        # a white halo under the line keeps it visible where it crosses a bar of its own colour
        rate_ax.plot(xs, rates, color=BACKGROUND, linewidth=5, marker="o", markersize=10)
        handles += rate_ax.plot(xs, rates, color=colour, marker="o", markersize=7, markerfacecolor=BACKGROUND,
                                markeredgewidth=2, linewidth=2, linestyle="--", label=f"{agent}: approval rate")
    _label(ax, "Proposals (count)")
    _counts(ax)
    ax.set_ylim(0, max(bottom + [1]) * 1.1)
    if handles:
        _legend(fig, handles)
    else:
        _empty(ax)
    return fig


def _draw_revenue(data: dict[str, Any]) -> Figure:
    fig, (ax,) = _figure("revenue")
    xs = _weeks(ax, data)
    series = (("expected_revenue", "Expected: every executed action", PALETTE[6]),
              ("expected_revenue_measured", "Expected: the measured ones", PALETTE[0]),
              ("realised_revenue", "Realised: measured outcomes", PALETTE[1]))
    width = 0.27
    handles = []
    anything = False
    for j, (key, label, colour) in enumerate(series):
        values = [sum(row["weeks"][i][key] for row in data["agents"]) for i in xs]
        anything = anything or any(values)
        handles.append(ax.bar([x + (j - 1) * width for x in xs], values, width=width, color=colour, label=label))
    if not anything:  # an axis of zeros would read "$0, $0, $-0": a plain scale, and say why it is empty
        ax.set_ylim(0, 100)
    _money(ax)
    _label(ax, "Revenue ($)")
    ax.axhline(0, color=INK, linewidth=0.8)
    _legend(fig, handles)
    if not anything:
        _empty(ax, "No action executed in these weeks yet")
    return fig


def _draw_store(data: dict[str, Any]) -> Figure:
    fig, (orders, revenue, conversion) = _figure("store", rows=3)
    xs = _weeks(conversion, data)
    store = data["store"]
    if not any(w["orders"] or w["revenue"] for w in store):  # no sales yet: plain scales, not "$-0"
        orders.set_ylim(0, 10)
        revenue.set_ylim(0, 100)
        conversion.set_ylim(0, 5)
        _empty(revenue, "No orders in these weeks yet")
    orders.bar(xs, [w["orders"] for w in store], width=0.7, color=PALETTE[0], label="Orders")
    _label(orders, "Orders (count)")
    _counts(orders)
    revenue.bar(xs, [w["revenue"] for w in store], width=0.7, color=PALETTE[2], label="Revenue")
    _money(revenue)
    _label(revenue, "Revenue ($)")
    rates = [100 * w["conversion"] if w["conversion"] is not None else math.nan for w in store]
    conversion.plot(xs, rates, color=PALETTE[1], marker="o", linewidth=2, label="Conversion (orders ÷ sessions)")
    conversion.set_ylim(bottom=0)
    _label(conversion, "Conversion (%)")
    _legend(fig, [*orders.containers, *revenue.containers, *conversion.get_lines()])
    return fig


def _empty(ax: Axes, text: str = "Nothing in these weeks yet") -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center",
            color=INK, fontsize=11)


DRAW: dict[ChartName, Callable[[dict[str, Any]], Figure]] = {
    "proposals": _draw_proposals, "revenue": _draw_revenue, "store": _draw_store}


def render_chart(name: ChartName, data: dict[str, Any], fmt: Format = "svg") -> bytes:
    """The chart ``name`` of ``data`` (``department_metrics``) as SVG or PNG bytes. Blocking: from async code use
    ``render_chart_async``."""
    if name not in DRAW:
        raise ValueError(f"unknown chart {name!r}: one of {', '.join(CHART_NAMES)}")
    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown chart format {fmt!r}: svg or png")
    fig = DRAW[name](data)
    buf = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        return _accessible_svg(buf.getvalue().decode("utf-8"), name, describe(name, data)).encode("utf-8")
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


async def render_chart_async(name: ChartName, data: dict[str, Any], fmt: Format = "svg") -> bytes:
    """``render_chart`` in a worker thread, off the event loop."""
    return await asyncio.to_thread(render_chart, name, data, fmt)


def proposals_chart(data: dict[str, Any], fmt: Format = "svg") -> bytes:
    """Proposals per week (stacked by agent) and each agent's human approval rate."""
    return render_chart("proposals", data, fmt)


def revenue_chart(data: dict[str, Any], fmt: Format = "svg") -> bytes:
    """Per week the actions finished executing: expected revenue, and realised revenue of the measured ones."""
    return render_chart("revenue", data, fmt)


def store_chart(data: dict[str, Any], fmt: Format = "svg") -> bytes:
    """The store's orders, revenue and conversion, week by week."""
    return render_chart("store", data, fmt)


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def _accessible_svg(svg: str, name: ChartName, desc: str) -> str:
    """Drop the XML prolog (so the SVG inlines into HTML) and give it a role, a title and a description (their
    ids carry the chart's name: the console shows several charts on one page)."""
    svg = svg[svg.index("<svg"):]
    opening = _SVG_OPEN.match(svg)
    if opening is None:
        raise ValueError("matplotlib wrote no <svg> element")
    ids = f"chart-{name}-title chart-{name}-desc"
    tag = opening.group(0)[:-1] + f' role="img" aria-labelledby="{ids}">'
    return (f'{tag}\n <title id="chart-{name}-title">{escape(TITLES[name])}</title>'
            f'\n <desc id="chart-{name}-desc">{escape(desc)}</desc>{svg[opening.end():]}')


def _money_text(value: float) -> str:
    return f"${value:,.0f}" if value >= 0 else f"-${-value:,.0f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _delta(value: float | None) -> str:
    return "" if value is None else f" ({'+' if value >= 0 else ''}{100 * value:.0f}% on the week before)"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _store_week(w: dict[str, Any]) -> str:
    return (f"{_plural(w['orders'], 'order')}{_delta(w['orders_change'])}, {_money_text(w['revenue'])} revenue"
            f"{_delta(w['revenue_change'])}, conversion {_pct(w['conversion'])}{_delta(w['conversion_change'])}")


def describe(name: ChartName, data: dict[str, Any]) -> str:
    """The chart's numbers in a few plain sentences (its SVG ``<desc>``, and the text next to an MCP image)."""
    weeks = data["weeks"]
    span = f"{weeks[0]['week']} to {weeks[-1]['week']}" if weeks else "no weeks"
    if name == "proposals":
        lines = [f"{TITLES[name]}, {span}."]
        for agent, rows in _per_agent(data).items():
            proposed = sum(int(w["proposed"]) for w in rows)
            approved, decided = sum(w["approved"] for w in rows), sum(w["decided"] for w in rows)
            rate = f"{100 * approved / decided:.0f}% approved by people ({int(approved)} of {int(decided)})" \
                if decided else "no human decision yet"
            lines.append(f"{agent}: {_plural(proposed, 'proposal')}, {rate}.")
        return " ".join(lines if len(lines) > 1 else [*lines, "No proposals in these weeks."])
    if name == "revenue":
        totals = {k: sum(row["total"][k] for row in data["agents"]) for k in
                  ("executed", "expected_revenue", "measured", "realised_revenue", "expected_revenue_measured")}
        return (f"{TITLES[name]}, {span}. {_plural(totals['executed'], 'action')} executed, expected to bring "
                f"{_money_text(totals['expected_revenue'])}. {totals['measured']} measured so far: "
                f"{_money_text(totals['realised_revenue'])} realised against "
                f"{_money_text(totals['expected_revenue_measured'])} expected of them.")
    if name == "store":
        store = data["store"]
        if not store:
            return f"{TITLES[name]}: no weeks."
        parts = [f"{TITLES[name]}, {span}."]
        if len(store) > 1:
            parts.append(f"Last full week, {store[-2]['week']}: {_store_week(store[-2])}.")
        parts.append(f"This week so far, {store[-1]['week']}: {_store_week(store[-1])}.")
        parts.append(f"Over the {len(store)} weeks: {_plural(sum(w['orders'] for w in store), 'order')}, "
                     f"{_money_text(sum(w['revenue'] for w in store))}.")
        return " ".join(parts)
    raise ValueError(f"unknown chart {name!r}: one of {', '.join(CHART_NAMES)}")
