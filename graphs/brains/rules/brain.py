"""The rules brain: plans from parsed intents, tool calls in stages, templated replies.

Its plan lives in the turn's scratch, so a plan survives a handoff to a specialist or
a pause for the operator's confirmation (and a process restart in between).
"""

from __future__ import annotations

import itertools
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from graphs.brains.base import Act, Reply, Step, ToolCall, Turn
from graphs.brains.rules import render
from graphs.brains.rules.operator_intents import OperatorIntent, Ref, parse_operator
from graphs.brains.rules.shopper_intents import parse_shopper
from graphs.registry import SPECIALISTS

_ids = itertools.count(1)


def _call(name: str, **args: Any) -> ToolCall:
    return ToolCall(f"r{next(_ids)}", name, args)


def _last_user(turn: Turn) -> str:
    for m in reversed(turn.history):
        if m["role"] == "user":
            return m["content"]
    return ""


class RulesBrain:
    name = "rules"

    async def step(self, turn: Turn) -> Step:
        if turn.agent == "ceo_front":
            return OperatorPlan(turn).step()
        if turn.agent == "customer_front":
            return ShopperPlan(turn).step()
        return Reply("This agent works without a conversation.")


# --- the operator's agent ------------------------------------------------------------------

DECISIONS = {"approve", "reject", "snooze", "edit_approve", "rollback"}


class OperatorPlan:
    def __init__(self, turn: Turn) -> None:
        self.turn = turn
        self.sc = dict(turn.scratch)

    def act(self, stage: str, *calls: ToolCall, **keep: Any) -> Act:
        return Act(list(calls), {**self.sc, **keep, "stage": stage})

    def step(self) -> Step:
        if not self.sc.get("stage"):
            intent = parse_operator(_last_user(self.turn), self.turn.now)
            self.sc["intent"] = _freeze(intent)
            return self.start(intent)
        return getattr(self, "on_" + self.sc["stage"])()

    @property
    def intent(self) -> OperatorIntent:
        return _thaw(self.sc["intent"])

    def ok(self, index: int = 0) -> Any:
        r = self.turn.results[index] if len(self.turn.results) > index else None
        return r["content"] if r and r["ok"] else None

    # -- starting points
    def start(self, intent: OperatorIntent) -> Step:
        name = intent.name
        if name == "briefing":
            return self.act("briefing", _call("get_status"), _call("list_actions", status="pending", limit=5),
                            _call("list_runs", limit=3))
        if name == "list":
            return self.act("listed", self.list_call(intent))
        if name in ("explain", *DECISIONS):
            if name == "reject" and not intent.reason:
                return Reply("Tell me why, so the agent learns from it — for example \"reject 12 because it's "
                             "off-brand\".")
            if name == "edit_approve" and not intent.params:
                return Reply("What should change? For example \"approve 12 but make the price 45\".")
            ids = list(intent.ids)
            if not ids and intent.ref and intent.ref.focus and not _specific(intent.ref):
                ids = list(self.turn.facts.get("focus") or [])
                if not ids:
                    return Reply("Which action do you mean? Give me its number, e.g. \"approve 12\", or say "
                                 "\"what should I do today?\" to see the queue.")
            if ids:
                return self.act("loaded", *[_call("get_action", action_id=i) for i in ids[:20]], ids=ids[:20])
            if intent.ref:
                status = "all" if name == "rollback" else ("live" if name == "explain" else "pending")
                return self.act("resolved", self.list_call(intent, status=status, limit=100))
            return Reply("Which action do you mean? Give me its number (\"#12\") or describe it "
                         "(\"the inventory one\", \"all low-risk ones\").")
        if name == "delegate" and intent.agent:
            return self.act("delegated", self.transfer(intent.agent, intent.task or ""))
        if name == "run_all":
            first, *rest = SPECIALISTS
            return self.act("run_all", self.transfer(first, "full run requested by the operator"),
                            queue=rest, done=[])
        if name == "run_status":
            if intent.run_id:
                return self.act("runs", _call("get_run", run_id=intent.run_id))
            return self.act("runs", _call("list_runs", limit=5))
        if name == "audit_digest":
            since = None
            window = "recently"
            text = (intent.text or "").lower()
            if "overnight" in text or "last night" in text:
                start = (self.turn.now - timedelta(days=1)).replace(hour=18, minute=0, second=0, microsecond=0)
                since, window = start.isoformat(timespec="microseconds"), "overnight (since 18:00 yesterday)"
            elif "today" in text:
                start = self.turn.now.replace(hour=0, minute=0, second=0, microsecond=0)
                since, window = start.isoformat(timespec="microseconds"), "today"
            return self.act("audit", _call("audit_log", limit=500, since=since), window=window)
        if name == "audit_verify":
            return self.act("verified", _call("verify_audit"))
        if name == "handoffs":
            return self.act("handoffs", _call("handoff_log", limit=10))
        if name == "autonomy":
            if not intent.level:
                return Reply("Which level? \"supervised\" (everything waits for you), \"semi-autonomous\" (low-risk "
                             "actions run alone) or \"autonomous\" (everything but critical runs alone).")
            return self.act("autonomy", _call("set_autonomy", level=intent.level))
        if name in ("kill_on", "kill_off"):
            reason = intent.reason or ("operator stopped everything from chat" if name == "kill_on"
                                       else "operator resumed from chat")
            return self.act("kill", _call("set_kill_switch", engaged=name == "kill_on", reason=reason))
        if name == "remember":
            return self.act("remembered", _call("remember_preference", text=intent.text or ""))
        if name == "preferences":
            return self.act("preferences", _call("list_preferences"))
        if name == "forget":
            return self.act("forgotten", _call("forget_preference", key_or_text=intent.text or ""))
        if name == "status":
            return self.act("status", _call("get_status"))
        if name == "performance":
            return self.act("performance", _call("agent_performance", agent=intent.agent))
        if name == "greeting":
            return Reply("Hello! Ask me \"what should I do today?\" for a briefing, or \"help\" for everything I can "
                         "do.")
        if name == "thanks":
            return Reply("You're welcome. Anything else — a briefing, a run, a decision?")
        if name == "help":
            return Reply(render.HELP_OPERATOR)
        return Reply("I didn't catch that. " + render.HELP_OPERATOR)

    def list_call(self, intent: OperatorIntent, *, status: str | None = None, limit: int | None = None) -> ToolCall:
        ref = intent.ref or Ref()
        args: dict[str, Any] = {"status": status or intent.status or ("pending" if not intent.status else None),
                                "limit": limit or intent.limit or (1 if ref.position == 1 else 10)}
        if ref.agent:
            args["agent"] = ref.agent
        if ref.kind:
            args["kind"] = ref.kind
        if ref.risk:
            args["risk_tier"] = ref.risk
        if ref.position and ref.position > 1:
            args["limit"] = max(args["limit"], ref.position)
        return _call("list_actions", **args)

    def transfer(self, agent: str, task: str) -> ToolCall:
        return _call("transfer_to_agent", agent=agent, payload={"task": task, "trigger": "delegate"})

    # -- continuations
    def on_briefing(self) -> Step:
        return Reply(render.briefing(self.ok(0) or {}, self.ok(1) or [], self.ok(2) or []),
                     refs=[{"type": "action", "id": a["id"]} for a in (self.ok(1) or [])])

    def on_listed(self) -> Step:
        actions = self.ok(0) or []
        ref = self.intent.ref or Ref()
        if ref.position:
            actions = actions[ref.position - 1:ref.position] if ref.position > 0 else actions[-1:]
        what = _describe(self.intent)
        return Reply(render.action_list(actions, heading=f"{what}, best first:", empty=f"No {what.lower()} right now."),
                     refs=[{"type": "action", "id": a["id"]} for a in actions])

    def on_resolved(self) -> Step:
        intent = self.intent
        candidates = self.ok(0) or []
        ref = intent.ref or Ref()
        if ref.position:
            candidates = candidates[ref.position - 1:ref.position] if ref.position > 0 else candidates[-1:]
        if not candidates:
            return Reply(f"No {_describe(intent).lower()} match that.")
        if len(candidates) > 1 and not ref.every:
            listing = "\n".join(render.action_line(a, i) for i, a in enumerate(candidates[:8], 1))
            return Reply(f"Several match — which one?\n{listing}\nSay e.g. \"{intent.name.replace('_', ' ')} "
                         f"{candidates[0]['id']}\", or \"all of them\".",
                         refs=[{"type": "action", "id": a["id"]} for a in candidates[:8]])
        ids = [a["id"] for a in candidates[:20]]
        return self.act("loaded", *[_call("get_action", action_id=i) for i in ids], ids=ids)

    def on_loaded(self) -> Step:
        intent = self.intent
        loaded = [r["content"]["action"] for r in self.turn.results if r["ok"]]
        missing = [r for r in self.turn.results if not r["ok"]]
        if intent.name == "explain":
            texts = [render.explanation(r["content"]) for r in self.turn.results if r["ok"]]
            texts += [f"#{r['args'].get('action_id')}: {r['content'].get('message', '')}" for r in missing]
            return Reply("\n\n".join(texts), refs=[{"type": "action", "id": a["id"]} for a in loaded])
        calls = [self.decision_call(intent, a) for a in loaded]
        if not calls:
            return Reply("\n".join(f"#{r['args'].get('action_id')}: {r['content'].get('message', '')}" for r in missing))
        return self.act("decided", *calls, missing=[{"id": r["args"].get("action_id"),
                                                     "message": r["content"].get("message", "")} for r in missing])

    def decision_call(self, intent: OperatorIntent, a: dict[str, Any]) -> ToolCall:
        if intent.name == "approve":
            return _call("approve_action", action_id=a["id"], version=a["version"])
        if intent.name == "reject":
            return _call("reject_action", action_id=a["id"], version=a["version"], reason=intent.reason or "")
        if intent.name == "edit_approve":
            return _call("edit_and_approve", action_id=a["id"], version=a["version"],
                         params=_fit_params(a, intent.params))
        if intent.name == "snooze":
            until = intent.until or (self.turn.now + timedelta(days=1)).replace(hour=9, minute=0, second=0,
                                                                                 microsecond=0)
            return _call("snooze_action", action_id=a["id"], version=a["version"], until=until.isoformat())
        return _call("rollback_action", action_id=a["id"], reason=intent.reason or "")

    def on_decided(self) -> Step:
        verdict = self.intent.name
        lines = [render.decision_result(verdict, r) for r in self.turn.results]
        lines += [f"#{m['id']}: {m['message']}" for m in self.sc.get("missing", [])]
        if verdict == "snooze" and not self.intent.until:
            lines.append("(No time given, so I snoozed until tomorrow 09:00.)")
        ids = [r["args"].get("action_id") for r in self.turn.results]
        return Reply("\n".join(lines), refs=[{"type": "action", "id": i} for i in ids if i])

    def on_delegated(self) -> Step:
        result = self.turn.results[0]
        refs = [{"type": "action", "id": i} for i in (result["content"].get("action_ids", []) if result["ok"] else [])]
        if result["ok"] and result["content"].get("run_id"):
            refs.append({"type": "run", "id": result["content"]["run_id"]})
        return Reply(render.specialist(result), refs=refs)

    def on_run_all(self) -> Step:
        done = [*self.sc.get("done", []), self.turn.results[0]]
        queue = list(self.sc.get("queue", []))
        if queue:
            nxt = queue.pop(0)
            return self.act("run_all", self.transfer(nxt, "full run requested by the operator"), queue=queue, done=done)
        text = "\n\n".join(render.specialist(r) for r in done)
        refs = [{"type": "action", "id": i} for r in done if r["ok"] for i in r["content"].get("action_ids", [])]
        return Reply(text, refs=refs)

    def on_runs(self) -> Step:
        content = self.ok(0)
        if content is None:
            return Reply(self.turn.results[0]["content"].get("message", "I couldn't read the runs."))
        items = content if isinstance(content, list) else [content]
        return Reply(render.runs(items), refs=[{"type": "run", "id": r["id"]} for r in items])

    def on_audit(self) -> Step:
        return Reply(render.audit_digest(self.ok(0) or [], window=self.sc.get("window", "recently")))

    def on_verified(self) -> Step:
        report = self.ok(0) or {}
        if report.get("ok"):
            return Reply(f"The audit chain is intact: {report['events']} events, every link checks out.")
        return Reply(f"The audit chain is BROKEN at event {report.get('first_bad_seq')}: {report.get('problem')}")

    def on_handoffs(self) -> Step:
        rows = self.ok(0) or []
        if not rows:
            return Reply("No handoffs yet.")
        lines = [f"{'✓' if h['allowed'] else '✗'} {h['from']} → {h['to']} ({h['kind']}) {h['reason'] if not h['allowed'] else ''}"
                 .rstrip() for h in rows]
        return Reply("Recent handoffs:\n" + "\n".join(lines))

    def on_autonomy(self) -> Step:
        r = self.ok(0)
        if r is None:
            return Reply(self.turn.results[0]["content"].get("message", "I couldn't change the autonomy level."))
        level = r["level"].replace("_", "-")
        meaning = {"supervised": "every action waits for you", "semi-autonomous": "low-risk actions run alone",
                   "autonomous": "everything but critical actions runs alone"}[level]
        return Reply(f"Autonomy is now {level} (was {r['previous'].replace('_', '-')}): {meaning}. Work for people and "
                     "anything the engine cannot undo still waits for you.")

    def on_kill(self) -> Step:
        r = self.ok(0)
        if r is None:
            return Reply(self.turn.results[0]["content"].get("message", "I couldn't move the kill switch."))
        if r["engaged"]:
            return Reply("Kill switch engaged: nothing executes. Approved work waits and nothing is lost; say "
                         "\"resume executions\" to release it.")
        released = (r.get("released_work") or {}).get("executed", [])
        still = f" It is still held by the {r['source']} switch." if r.get("effective") else ""
        return Reply(f"Kill switch released.{still}" + (f" {len(released)} approved action(s) ran." if released else ""))

    def on_remembered(self) -> Step:
        r = self.ok(0)
        if r is None:
            return Reply(self.turn.results[0]["content"].get("message", "I couldn't keep that."))
        if r.get("enforced"):
            return Reply(f"Noted, and enforced from now on: \"{r['text']}\". Agents won't propose anything that "
                         "breaks it.")
        return Reply(f"Noted: \"{r['text']}\". I'll keep it in mind (it's not a rule I can enforce automatically).")

    def on_preferences(self) -> Step:
        items = self.ok(0) or []
        if not items:
            return Reply("You have no standing preferences. Say e.g. \"never discount brand X\".")
        return Reply("Your standing preferences:\n" + "\n".join(
            f"· {i['text']} ({'enforced' if i.get('rule') else 'noted'}; key {i['key']})" for i in items))

    def on_forgotten(self) -> Step:
        r = self.ok(0)
        if r is None:
            return Reply(self.turn.results[0]["content"].get("message", "I couldn't find that preference."))
        return Reply(f"Forgotten: \"{r['text']}\".")

    def on_status(self) -> Step:
        s = self.ok(0) or {}
        counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in sorted((s.get("actions") or {}).items())) or "none"
        kill = s.get("kill_switch") or {}
        return Reply(f"Store {s.get('tenant')}: autonomy {s.get('autonomy_level', '').replace('_', '-')}, kill switch "
                     f"{'ENGAGED — ' + str(kill.get('reason')) if kill.get('engaged') else 'off'}. Actions: {counts}.")

    def on_performance(self) -> Step:
        rows = self.ok(0) or []
        if not rows:
            return Reply("No decisions yet, so no track record to show.")
        lines = [f"· {r['agent']} / {r['kind']}: {r['proposed']} proposed, {r['approved']} approved, {r['rejected']} "
                 f"rejected" + (f", approval rate {r['approval_rate']:.0%}" if r["approval_rate"] is not None else "")
                 for r in rows[:12]]
        return Reply("How the agents' proposals fare:\n" + "\n".join(lines))


def _specific(ref: Ref) -> bool:
    return bool(ref.agent or ref.risk or ref.kind or ref.position or ref.every)


def _describe(intent: OperatorIntent) -> str:
    ref = intent.ref or Ref()
    parts = []
    if ref.risk:
        parts.append(f"{ref.risk}-risk")
    status = intent.status or "pending"
    noun = {"pending": "pending actions", "executed": "executed actions", "rejected": "rejected actions",
            "all": "actions", "failed": "failed actions", "snoozed": "snoozed actions",
            "approved": "approved actions", "expired": "expired actions"}.get(status, "actions")
    if ref.kind:
        noun = f"{ref.kind} actions" if status == "pending" else f"{status} {ref.kind} actions"
    text = " ".join(parts + [noun])
    if ref.agent:
        text += f" from the {ref.agent} agent"
    return text[0].upper() + text[1:]


def _fit_params(action: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The operator's words name a change; keep only what this kind of action has."""
    kind = action["kind"]
    allowed = {"pricing.adjust": {"new_price"}, "inventory.markdown": {"percent_off"},
               "inventory.reorder": {"quantity"}, "content.rewrite_title": {"new_title"},
               "content.rewrite_meta_description": {"new_description"}}.get(kind, set(params))
    return {k: v for k, v in params.items() if k in allowed} or params


def _freeze(intent: OperatorIntent) -> dict[str, Any]:
    data = asdict(intent)
    if intent.until is not None:
        data["until"] = intent.until.isoformat()
    return data


def _thaw(data: dict[str, Any]) -> OperatorIntent:
    data = dict(data)
    if data.get("ref"):
        data["ref"] = Ref(**data["ref"])
    if data.get("until"):
        data["until"] = datetime.fromisoformat(data["until"])
    data["ids"] = tuple(data.get("ids") or ())
    return OperatorIntent(**data)


# --- the shoppers' agent -----------------------------------------------------------------------

class ShopperPlan:
    def __init__(self, turn: Turn) -> None:
        self.turn = turn
        self.sc = dict(turn.scratch)

    def step(self) -> Step:
        if not self.sc.get("stage"):
            return self.start()
        r = self.turn.results[0] if self.turn.results else {"ok": False, "content": {}}
        stage = self.sc["stage"]
        if stage == "search":
            return self.searched(r)
        if stage == "facts":
            return self.facts(r)
        if stage == "policy":
            return Reply(r["content"]["text"] if r["ok"] else "I don't have that policy written down; a person from "
                         "the team can tell you — just ask me to pass it on.")
        if stage == "orders":
            return self.orders(r)
        if stage == "escalated":
            if r["ok"] and "action_id" in r["content"]:
                return Reply("I've passed this to the team — a person will get back to you, usually within one "
                             f"business day. Your reference is #{r['content']['action_id']}.")
            return Reply("I couldn't pass that on just now; please try again in a moment.")
        return Reply(render.HELP_SHOPPER)

    def act(self, stage: str, call: ToolCall, **keep: Any) -> Act:
        return Act([call], {**self.sc, **keep, "stage": stage})

    def start(self) -> Step:
        text = _last_user(self.turn)
        intent = parse_shopper(text)
        if intent.name == "search":
            return self.act("search", _call("search_products", query=intent.query or text,
                                            max_price=intent.max_price), query=intent.query or text)
        if intent.name == "product_facts":
            return self.act("facts", _call("product_facts", query=intent.query or text),
                            attribute=intent.attribute, query=intent.query)
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
                         "operations. " + render.HELP_SHOPPER)
        if intent.name == "greeting":
            return Reply("Hi! " + render.HELP_SHOPPER)
        if intent.name == "thanks":
            return Reply("You're welcome! Anything else I can help with?")
        if intent.name == "help":
            return Reply(render.HELP_SHOPPER)
        return Reply("Sorry, I didn't quite get that. " + render.HELP_SHOPPER)

    def searched(self, r: dict[str, Any]) -> Step:
        items = r["content"] if r["ok"] else []
        query = self.sc.get("query", "that")
        if not items:
            return Reply(f"I couldn't find anything for \"{query}\". Try another word, or ask me about a product by "
                         "name.")
        lines = [f"· {p['title']} — from {render.money(p['price_from'] or 0)}"
                 f"{'' if p['in_stock'] else ' (out of stock)'} {p['url']}" for p in items]
        return Reply("Here's what I found:\n" + "\n".join(lines))

    def facts(self, r: dict[str, Any]) -> Step:
        p = r["content"] if r["ok"] else None
        if not p:
            return Reply(f"I couldn't find a product called \"{self.sc.get('query')}\". Want me to search more "
                         "broadly?")
        variants = p["variants"]
        attribute = self.sc.get("attribute")
        if attribute == "price" and variants:
            prices = sorted({v["price"] for v in variants})
            price = render.money(prices[0]) if len(prices) == 1 else f"{render.money(prices[0])}–{render.money(prices[-1])}"
            return Reply(f"{p['title']} is {price}. {p['url']}")
        if attribute == "stock":
            in_stock = [v for v in variants if v["in_stock"]]
            if not in_stock:
                return Reply(f"{p['title']} is out of stock right now.")
            if len(in_stock) == len(variants):
                return Reply(f"Yes — {p['title']} is in stock. {p['url']}")
            names = ", ".join(v["title"] or v["sku"] for v in in_stock)
            return Reply(f"{p['title']} is in stock in: {names}.")
        description = p["description"] or "I don't have a description for it."
        return Reply(f"{p['title']}: {description} {p['url']}")

    def orders(self, r: dict[str, Any]) -> Step:
        if not r["ok"]:
            return Reply("I couldn't look that up right now. I can pass your question to the team if you like.")
        answer = r["content"]
        greet = f"Hi {answer['first_name']}! " if answer.get("first_name") else ""
        return Reply(greet + answer["answer"])
