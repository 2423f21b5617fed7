"""How actions read in the terminal: the ranked queue sized to the console, one action in plain words.

The queue keeps the figures a person compares (id, status, risk, score, revenue) whole and gives
the rest of the width to what the action does: its title, and its target in a short form
(``/products/linen-tote``, ``SKU LIN-TOT-01``, ``order #1042``). When a target's own column would
squeeze the titles, the target moves under its title. ``action_lines`` says everything about one
action, from the proposal to its delivery to the live store, in words.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from tools.plain import decision, mapping, number, value, when, who

#: a title narrower than this wraps too often to read; below it the target moves under the title
MIN_TITLE = 48


def short_target(target: str) -> str:
    """A target as a person names it: a page by its path, a SKU, an order, a search."""
    kind, _, ref = target.partition(":")
    match kind:
        case "page":
            parts = urlsplit(ref)
            return (parts.path or "/") + (f"?{parts.query}" if parts.query else "") if parts.netloc else ref
        case "sku":
            return f"SKU {ref}"
        case "order":
            return f"order {ref}"
        case "query":
            return f"search “{ref}”"
        case "segment":
            key, eq, val = ref.partition("=")
            return f"{key} {val}" if eq else f"segment {ref}"
        case "kind":
            return ref
    return f"{kind} {ref}".strip()


def status_words(status: str) -> str:
    return status.replace("_", " ")


def _money(amount: float) -> str:
    return f"${amount:,.0f}"


def queue_table(rows: Sequence[Any], *, width: int, title: str) -> Table:
    """The ranked queue as a table no wider than ``width``: figures whole, titles and targets readable."""
    figures = [(str(r.id), status_words(r.status), r.risk_tier, f"{r.score:,.0f}", _money(r.expected_revenue))
               for r in rows]
    heads = ("#", "status", "risk", "score", "revenue")
    fixed = [max([len(h)] + [len(f[i]) for f in figures]) for i, h in enumerate(heads)]
    targets = [short_target(r.target) for r in rows]
    kinds = [r.kind for r in rows]
    longest_title = max((len(r.title) for r in rows), default=0)
    target_w = max([len("target")] + [len(t) for t in targets])
    kind_w = max([len("kind")] + [len(k) for k in kinds])
    # columns are two spaces apart (padding and the box's blank divider); the title takes what is left
    room = width - sum(fixed) - 2 * len(fixed)
    with_target = room - target_w - 2 >= MIN_TITLE
    with_kind = with_target and room - target_w - kind_w - 4 >= min(longest_title, 100)
    # on a narrow terminal "pending approval" takes two lines, so the title keeps a readable width
    status_w = fixed[1] if room >= MIN_TITLE else max(len(w) for f in figures for w in f[1].split() + ["status"])

    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("action", overflow="fold")
    if with_target:
        table.add_column("target", no_wrap=True)
    if with_kind:
        table.add_column("kind", no_wrap=True)
    table.add_column("status", max_width=status_w)
    table.add_column("risk", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("revenue", justify="right", no_wrap=True)
    for r, f, target, kind in zip(rows, figures, targets, kinds):
        cell = Text(r.title)
        if not with_target and r.target.partition(":")[2] not in r.title and target not in r.title:
            cell.append("\n" + target, style="dim")
        row = [f[0], cell] + ([target] if with_target else []) + ([kind] if with_kind else []) + list(f[1:])
        table.add_row(*row)
    return table


# --- one action ---------------------------------------------------------------------------

def _indent(text: str | Text, level: int = 1) -> Padding:
    # wrapped lines keep their indent, so a long source still reads as part of its item
    return Padding(text if isinstance(text, Text) else Text(text), (0, 0, 0, 2 * level))


def _item(text: str, level: int = 1) -> Padding:
    # a hanging indent: the item's wrapped lines start under its text, not under the bullet
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row("·", Text(text))
    return Padding(grid, (0, 0, 0, 2 * level))


def _changes(old: dict[str, Any], new: dict[str, Any]) -> str:
    changed = [f"{k.replace('_', ' ')}: {value(new.get(k))} (was {value(old.get(k))})"
               for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    return "; ".join(changed) or "no change to what it does"


def _params(params: dict[str, Any]) -> Iterator[RenderableType]:
    for k, v in params.items():
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            yield _indent(f"{k.replace('_', ' ')}:")
            for x in v:
                yield _item(mapping(x), 2)
        elif isinstance(v, list):
            yield _indent(f"{k.replace('_', ' ')}:")
            for x in v:
                yield _item(value(x), 2)
        else:
            shown = f"“{v}”" if isinstance(v, str) and " " in v.strip() else value(v)
            yield _indent(f"{k.replace('_', ' ')}: {shown}")


#: what an action's expected profit is, where it is not orders at the store's gross margin over the next four
#: weeks (the specialists' own arithmetic: graphs/specialists/inventory.py, risk.py)
WORTH = {
    "inventory.reorder": "Expected worth: the margin on the sales a stock-out would lose in the four weeks after "
                         "the goods could land",
    "inventory.markdown": "Expected gain to the owner over four weeks: margin, holding cost and write-off avoided, "
                          "less the discount on sales made anyway",
    "risk.hold_order": "Expected loss the hold avoids: the chance of fraud × what fraud would cost",
}
DEFAULT_WORTH = "Expected profit over the next four weeks (orders at the store's gross margin)"
#: a refund investigation (``graphs/specialists/risk.py``) is worth the refunds above the store's rate it may stop
REFUNDS_WORTH = "Expected refunds avoided over the next four weeks"


def _arithmetic(a: dict[str, Any], explanation: dict[str, Any]) -> Iterator[RenderableType]:
    refunds = a["kind"] == "analytics.investigate" and str(a.get("target", "")).startswith("sku:")
    worth = REFUNDS_WORTH if refunds else WORTH.get(a["kind"], DEFAULT_WORTH)
    yield Text(f"{worth}: ${a['expected_revenue']:,.2f}")
    if a["revenue_formula"]:
        yield _indent(a["revenue_formula"])
    for i in a["revenue_inputs"]:
        shown = i.get("shown") or number(i["value"])
        working = f" = {i['working']}" if i.get("working") else ""
        yield _item(f"{i['name']} {shown}{working} — {i['source']}")
    yield Text(f"Rank score: {explanation['score']}")


def _evidence(evidence: list[dict[str, Any]]) -> Iterator[RenderableType]:
    yield Text(f"Evidence ({len(evidence)})")
    for e in evidence:
        v = e["value"]
        shown = number(v) if isinstance(v, (int, float)) else str(v)
        where = ", ".join(x for x in (e["source"], e["query"], e["window"]) if x)
        yield _item(f"{e['metric']}: {shown} — {where}")


def _versions(a: dict[str, Any], versions: list[dict[str, Any]]) -> Iterator[RenderableType]:
    yield Text(f"Versions ({len(versions)})")
    previous: dict[str, Any] | None = None
    for v in versions:
        current = " — the current one" if v["version"] == a["version"] else ""
        if previous is None:
            line = f"v{v['version']} proposed by {who(v['by'])}, {when(v['at'])}, {v['risk_tier']} risk{current}"
        else:
            line = (f"v{v['version']} by {who(v['by'])}, {when(v['at'])}, {v['risk_tier']} risk{current}: "
                    f"{_changes(previous, v['params'])}")
        previous = v["params"]
        yield _item(line)


def _decisions(a: dict[str, Any], decisions: list[dict[str, Any]]) -> Iterator[RenderableType]:
    if not decisions:
        if a["status"] in ("pending_approval", "snoozed"):
            yield Text(f"Decisions: none yet — growth actions approve {a['id']}, or growth actions reject "
                       f"{a['id']} --reason …")
        else:
            yield Text("Decisions: none")
        return
    yield Text(f"Decisions ({len(decisions)})")
    for d in decisions:
        yield _item(decision(d))


def _execution(a: dict[str, Any], execution: dict[str, Any] | None) -> Iterator[RenderableType]:
    if execution is None:
        waiting = {"approved": "approved, waiting to run (the kill switch or a rate limit may hold it)",
                   "auto_approved": "approved by the autonomy policy, waiting to run",
                   "executing": "running now"}.get(a["status"], "not executed")
        if a.get("not_before") and a["status"] in ("approved", "auto_approved"):
            waiting += f"; deferred until {when(a['not_before'])}"
        yield Text(f"Execution: {waiting}")
        return
    status = execution["status"]
    head = {"executed": "executed", "rolled_back": "executed, then rolled back",
            "failed": "failed"}.get(status, status_words(status))
    yield Text(f"Execution: {head} — v{execution['version']}, {when(execution['at'])}, in the engine's own copy "
               f"of the store (executor: {execution['executor']})")
    if execution.get("error"):
        yield _indent(f"error: {execution['error']}")
    if execution["before"] or execution["after"]:
        yield _indent(f"before: {mapping(execution['before'])}")
        yield _indent(f"after: {mapping(execution['after'])}")


def _live(delivery: dict[str, Any]) -> Iterator[RenderableType]:
    """Each delivery to the live store with its state, and both values of a conflict."""
    where = "" if delivery.get("channel") in ("email", "task") else " to the live store"
    yield Text(f"Delivery{where}: {delivery['summary']}")
    for d in delivery["deliveries"]:
        what = "rollback" if d["op"] == "rollback" else "change"
        yield _item(f"{what} of {d['resource']} on {d['channel']}: {d['state'].replace('_', ' ')}"
                    f" (delivery #{d['id']}, attempts: {d['attempts']}) — {d['summary']}")
        if d["state"] == "conflict" and d["values"]["live"] is not None:
            yield _indent(f"the store holds: {d['values']['live']}; the action expected: {d['values']['expected']}")
        if d.get("remote_ids"):
            yield _indent(f"remote ids: {mapping(d['remote_ids'])}")
    if delivery.get("retry"):
        yield _indent(f"to retry: {delivery['retry']}")


def _delivery(execution: dict[str, Any] | None, outbox: list[dict[str, Any]],
              delivery: dict[str, Any] | None = None) -> Iterator[RenderableType]:
    if delivery and delivery.get("deliveries"):
        yield from _live(delivery)
        return
    if not outbox:
        yield Text("Delivery to the live store: nothing to deliver" + (" (not executed)" if execution is None else ""))
        return
    waiting = sum(1 for o in outbox if not o.get("delivered_at"))
    state = "all delivered" if not waiting else f"{waiting} of {len(outbox)} not delivered yet"
    yield Text(f"Delivery to the live store ({state})")
    for o in outbox:
        sent = f"delivered {when(o['delivered_at'])}" if o.get("delivered_at") else "not delivered yet"
        payload = o["payload"] | ({"target": short_target(o["payload"]["target"])} if "target" in o["payload"] else {})
        yield _item(f"{o['topic']} ({mapping(payload)}), queued {when(o['at'])} — {sent}")
    if waiting:
        yield _indent("Until delivered, the live store (Shopify, the mailer, webhooks) has not changed: only the "
                      "engine's copy has. The worker delivers it (growth serve or growth worker; `growth deliveries "
                      "list` shows each delivery), to Shopify once the store is connected (growth connect shopify).")


def _rollback(a: dict[str, Any], execution: dict[str, Any] | None,
              decisions: list[dict[str, Any]]) -> Iterator[RenderableType]:
    plan = (a.get("rollback_plan") or {}).get("description", "")
    yield Text(f"Rollback: {plan}" + ("" if a.get("reversible") else " (the engine cannot undo this itself)"))
    if execution is not None and execution.get("rolled_back_at"):
        undo = next((d for d in reversed(decisions) if d["verdict"] == "rollback"), None)
        by = f" by {who(undo['principal'])}" if undo else ""
        reason = f": “{undo['reason']}”" if undo and undo.get("reason") else ""
        yield _indent(f"rolled back {when(execution['rolled_back_at'])}{by}{reason}; restored "
                      f"{mapping(execution['before'])}")
    elif execution is not None and execution["status"] == "executed" and a.get("reversible"):
        yield _indent(f"to undo it: growth actions rollback {a['id']} --reason …")


def _outcome(o: dict[str, Any]) -> Iterator[RenderableType]:
    """What the action earned, measured against untouched controls: an interval, never a point claim."""
    yield Text("Outcome")
    d = o.get("details") or {}
    if o["state"] != "measured":
        yield _indent(f"{o['state']}: {d.get('reason', '')}".rstrip(": "))
        return
    if o.get("effect") is not None:
        yield _indent(f"{o['metric']}: {o['effect']:+,.2f} a day (95% interval {o['low']:+,.2f} to {o['high']:+,.2f})"
                      f" — {o['verdict'].replace('_', ' ')}")
        yield _indent(f"{d.get('method', '')}, {d.get('controls', 0)} controls, {d.get('days_after', 0)} days after"
                      f" against {d.get('days_before', 0)} before")
    else:
        yield _indent(f"{o['metric']}: {o['verdict'].replace('_', ' ')} — {d.get('reason', '')}")
    if o.get("revenue") is not None:
        yield _indent(f"realised profit: about ${o['revenue']:,.2f} (${o['revenue_low']:,.2f} to "
                      f"${o['revenue_high']:,.2f}) against ${o['expected_revenue']:,.2f} expected")
    if o.get("experiment_id"):
        yield _indent(f"part of experiment #{o['experiment_id']} (a held-back control group)")


def action_lines(detail: dict[str, Any]) -> list[RenderableType]:
    """Everything about one action, in words: what, why, worth, evidence, versions, decisions, execution,
    delivery and rollback."""
    a, explanation = detail["action"], detail["explanation"]
    execution, decisions = detail["execution"], detail["decisions"]
    head = [Text(f"#{a['id']} {a['title']}"),
            _indent(f"{a['kind']} on {short_target(a['target'])} · proposed by {who('agent:' + a['agent'])}, "
                    f"{when(a['created_at'])}"),
            _indent(f"status: {status_words(a['status'])} · risk: {' — '.join(explanation['risk'].split(': ', 1))}"
                    f" · version {a['version']}")]
    if a["status"] == "pending_approval" and a.get("expires_at"):
        head.append(_indent(f"expires {when(a['expires_at'])} if nobody decides (then it is not executed)"))
    if a.get("snoozed_until") and a["status"] == "snoozed":
        head.append(_indent(f"snoozed until {when(a['snoozed_until'])}"))
    if a.get("superseded_by"):
        head.append(_indent(f"superseded by #{a['superseded_by']}"))
    sections: list[list[RenderableType]] = [head]
    if a["rationale"]:
        sections.append([Text("Why"), _indent(a["rationale"])])
    if a["params"]:
        sections.append([Text("What it changes"), *_params(a["params"])])
    sections += [list(_arithmetic(a, explanation)), list(_evidence(a["evidence"])),
                 list(_versions(a, detail["versions"])), list(_decisions(a, decisions)),
                 list(_execution(a, execution)), list(_delivery(execution, detail["outbox"], detail.get("delivery"))),
                 list(_rollback(a, execution, decisions))]
    if detail.get("outcome"):
        sections.append(list(_outcome(detail["outcome"])))
    out: list[RenderableType] = []
    for n, section in enumerate(sections):
        if n:
            out.append(Text(""))
        out.append(Group(*section))
    return out


def restored_line(result: dict[str, Any]) -> str:
    """What ``growth actions rollback`` put back, in words."""
    held = f"; {result['held']}" if result.get("held") else ""
    return f"#{result['action_id']} rolled back; restored {mapping(result['restored'])}{held}"
