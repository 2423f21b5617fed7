"""The rules brain for the operator: read the message, resolve what it names, propose, reply.

Three stages, each a graph step (its plan kept in scratch, so it survives a handoff to a
specialist or a restart): read the clauses and, when a clause names actions by words,
fetch the queue as a person names it; resolve every clause and propose its tool calls
(writes are only proposals: the graph's gate decides); render one reply from the results.
A reference that fits several actions, or none, is asked about — never guessed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from graphs.brains.base import Act, Reply, Step, ToolCall, Turn, call, last_user
from graphs.brains.rules import answers, asks, deciding, overlaps, reads, render, store_answers, told
from graphs.brains.rules.deciding import DECISIONS
from graphs.brains.rules.groups import GROUP_ANSWERS, listed_memory
from graphs.language.confirm import is_acknowledgement
from graphs.language.intents import Intent, parse
from graphs.language.slots import Ref
from graphs.language.followup import follow_up, remember, rule_memory, walked
from graphs.language.normalize import normalize
from graphs.language.refs import DECIDABLE, ordered, release, resolve
from graphs.registry import SPECIALISTS

#: intents that need the queue by name before they can be planned
NEEDS_QUEUE = frozenset({*DECISIONS, "explain", "list", "hold_back"})
_ALL = "pending_approval,snoozed,executed,approved,auto_approved,failed,rejected,rolled_back,expired"
_EXPLAINABLE = frozenset(_ALL.split(","))


class OperatorPlan:
    def __init__(self, turn: Turn) -> None:
        self.turn = turn
        self.sc = dict(turn.scratch)

    def step(self) -> Step:
        stage = self.sc.get("stage")
        if not stage:
            said = normalize(last_user(self.turn))
            last = self.turn.facts.get("last") if isinstance(self.turn.facts.get("last"), dict) else {}
            one_in_view = len(self.turn.facts.get("focus") or []) == 1 or bool(last.get("suggested"))
            if is_acknowledgement(said) and not (deciding.says_go_ahead(said) and one_in_view):
                self.sc["intents"] = [_freeze(Intent("ack"))]
                return self.plan(None)
            # the queue as the operator names it: every reference is read against it
            return Act([call("find_actions", status="all", limit=500)], {**self.sc, "stage": "resolve"})
        if stage == "resolve":
            queue = self.ok(0) or []
            names = frozenset(w for i in queue for w in i["words"])
            intents = follow_up(parse(last_user(self.turn), self.turn.now, names=names), last_user(self.turn),
                                self.turn.facts, now=self.turn.now)
            intents = deciding.go_ahead(intents, queue, self.turn)
            walks, after = self.walked(queue)
            if walks:
                # "and the next one": explained (never decided), and in view alone; at the end of the list, said
                intents = [Intent("explain", ids=(after,), said_as="walked") if after is not None
                           else Intent("walked_off", ids=tuple(self.turn.facts.get("focus") or ())[-1:])]
            # "release order 9315": the hold waiting on it is rejected, one in force rolled back (echoed)
            intents = [release(i, queue, focus=self.turn.facts.get("focus") or [], listed=self.listed)
                       if i.name == "release" else i for i in intents]
            focus = self.turn.facts.get("focus") or []
            # "stop it", "kill it", "cancel that": read against what is in view
            intents = [deciding.pointed(i, queue, focus) if i.name == "stop_it"
                       else deciding.cancelled(i, queue, focus) for i in intents]
            self.sc["intents"] = [_freeze(i) for i in intents]
            if len(intents) == 1 and intents[0].name in ("delegate", "run_all"):
                return self.delegate(intents[0])
            return self.plan(queue)
        if stage == "render":
            return self.render()
        if stage == "run_all":
            return self.on_run_all()
        if stage == "delegated":
            return self.on_delegated()
        return Reply(render.HELP_OPERATOR)

    def ok(self, index: int = 0) -> Any:
        r = self.turn.results[index] if len(self.turn.results) > index else None
        return r["content"] if r and r["ok"] else None

    @property
    def listed(self) -> list[int]:
        """The list the operator last saw (a list or a briefing): what "the second one" counts in."""
        last = self.turn.facts.get("last")
        return list(last.get("listed") or []) if isinstance(last, dict) else []

    def walked(self, queue: list[dict[str, Any]]) -> tuple[bool, int | None]:
        """"next one": the action after the one last in view, in the list shown, else among the waiting ones."""
        focus = list(self.turn.facts.get("focus") or [])
        at = focus[-1] if focus else None
        order = self.listed if at in self.listed else [
            i["id"] for i in queue if i["status"] in DECIDABLE or i["id"] == at]
        return walked(last_user(self.turn), order, focus)

    @property
    def intents(self) -> list[Intent]:
        return [_thaw(i) for i in self.sc.get("intents", [])]

    # -- stage 2: resolve each clause and propose its calls ---------------------------------
    def plan(self, queue: list[dict[str, Any]] | None) -> Step:
        calls: list[ToolCall] = []
        parts: list[dict[str, Any]] = []
        focus = list(self.turn.facts.get("focus") or [])
        self.sc["queue"] = _slim(queue or [])
        self.taken: list[int] = []  # what earlier clauses of this message decide ("… and snooze the others")
        self.planned = parts
        for intent in self.intents:
            part, more = self.plan_one(intent, queue or [], focus)
            self.taken += [int(c.args["action_id"]) for c in more if "action_id" in c.args]
            part["calls"] = [c.id for c in more]
            if intent.name in ("kill_on", "kill_off") or (intent.name == "status" and "kill" in (intent.text or "").lower()):
                part.setdefault("last", {"type": "intent", "verb": intent.name, "ids": [], "topic": "kill_switch"})
            calls += more
            parts.append(part)
            # "approve all the reorders except the mug, snooze that one": what an exception left out is next
            focus = part.get("left_out") or part.get("focus", focus)
            if intent.name == "unknown":
                # "this morning i checked 12 … so reject it": "it" is the action the story named (the message
                # names no action for the gate, so what this resolves to is echoed, never run at once)
                mentioned = told.numbers_told(intent.text or "", queue or []) or told.named_one(intent, queue or [])
                if mentioned:
                    focus, part["told"] = mentioned, True
        if any(p["intent"] not in ("unknown", "ack") for p in parts):
            # a story around a request ("so yesterday the supplier called …, can you snooze 9"): one line about
            # what was not read, not the whole list of what the engine can do
            for part, intent in zip(parts, self.intents):
                if part["intent"] == "ack":  # "go on then, approve 23": the request answers, not "Noted"
                    part["text"] = ""
                if part["intent"] == "unknown":  # a story that named what "it" is was read for that
                    quiet = part.get("told") or is_acknowledgement(normalize(intent.text or ""))  # "go on then, …"
                    part["text"] = "" if quiet else render.not_read(intent.text or "")
        calls = overlaps.settle(parts, calls)
        if not calls:
            self.sc["parts"] = parts
            return self.render_parts({})
        return Act(calls, {**self.sc, "stage": "render", "parts": parts})

    def plan_one(self, intent: Intent, queue: list[dict[str, Any]],
                 focus: list[int]) -> tuple[dict[str, Any], list[ToolCall]]:
        name = intent.name
        part: dict[str, Any] = {"intent": name}
        if name in DECISIONS:
            return deciding.plan_decision(intent, queue, focus, part, turn=self.turn, listed=self.listed,
                                          taken=self.taken)
        if name == "explain":
            found = resolve(intent.ids, intent.ref, queue, focus=focus, statuses=_EXPLAINABLE, listed=self.listed)
            if found.unknown and not found.ids and told.figures_of(found.unknown, focus, queue):
                # "the mug reorder, why 56?": 56 is the quantity of the reorder in view, not action #56
                found = resolve((), Ref(focus=True), queue, focus=focus, statuses=_EXPLAINABLE)
            in_view = [c for c in found.candidates if c in focus] or [c for c in found.candidates if c in self.listed]
            if len(in_view) == 1:  # "is that the tshirt one?" with #8 in view (or in the list shown): #8
                found = replace(found, ids=(in_view[0],), candidates=())
            ref = intent.ref
            if ref is not None and ref.order and not found.ids and not found.candidates:
                fits = resolve((), replace(ref, order=None, position=None, count=None, every=True), queue,
                               statuses=_EXPLAINABLE)
                if fits.ids and not ordered([a for a in queue if a["id"] in fits.ids], ref.order):
                    # "what's the cheapest markdown": markdowns spend nothing, which is not "no markdown"
                    return {**part, "text": asks.costless(render.describe_list(intent))}, []
            problem = deciding.problem(intent, found, queue, "explain", turn=self.turn)
            if problem:
                return {**part, "text": problem, "refs": list(found.candidates)}, []
            ids = list(found.ids)[:5]
            if any(p["intent"] == "explain" and p.get("focus") == ids for p in self.planned):
                return {**part, "text": ""}, []  # "what about order 9315, is that legit?": explained once
            kept = ids
            if intent.ids and _ADDS_ONE.match(last_user(self.turn)) and intent.said_as != "walked":
                # "explain 9" … "and 10?": both are in view now ("approve both" means 9 and 10)
                kept = list(dict.fromkeys([*focus, *ids]))[-5:]
            return {**part, "focus": kept, "refs": [i for i in kept if i not in ids]}, [
                call("get_action", action_id=i) for i in ids]
        if name == "walked_off":
            return {**part, "text": asks.walked_off(intent.ids)}, []
        if name == "hold_back":
            # "actually no, don't reject 4" after #4 was rejected: what already happened is said, never denied
            by_id = {i["id"]: i for i in queue}
            done = [by_id[i] for i in intent.ids if i in by_id and by_id[i]["status"] not in DECIDABLE]
            return {**part, "text": asks.held_back(intent.held_back, done=done)}, []
        if name == "list":
            return self.plan_list(intent, queue, part)
        if name == "briefing":
            return part, [call("get_status"), call("find_actions", status="pending", limit=5),
                          call("list_runs", limit=3), call("list_actions", status="pending", kind="support.escalation",
                                                           limit=10)]
        if name == "unsnooze":
            found = resolve(intent.ids, intent.ref, queue, focus=focus, statuses=frozenset({"snoozed"}),
                            listed=self.listed)
            by_id = {i["id"]: i for i in queue}
            return {**part, "text": asks.unsnooze([by_id[i] for i in found.ids or found.candidates if i in by_id]),
                    "focus": list(found.ids) or focus}, []
        if name == "stop_kind" and intent.ref is not None and intent.ref.words:
            # "stop the t-shirt reorder": that one, if the name fits one (else the ways to stop the kind)
            found = resolve((), intent.ref, queue, focus=focus, statuses=_EXPLAINABLE)
            if len(found.ids) == 1:
                one = next(a for a in queue if a["id"] == found.ids[0])
                return {**part, "text": asks.stop_one(one), "focus": list(found.ids)}, []
        if name == "stop_it":  # one action in view: asked how to stop it (else ``pointed`` made it another verb)
            in_view = [a for a in queue if a["id"] in focus]
            return {**part, "text": asks.stop_one(in_view[0]) if len(in_view) == 1 else asks.WHICH, "focus": focus}, []
        if name in GROUP_ANSWERS:  # "deal with the markdowns", "approve every reorder under $500", "what's live?"
            return GROUP_ANSWERS[name](intent, queue, focus, self.listed, part)
        instead = asks.instead(intent)
        if instead is not None:  # what the engine cannot do as asked, and what the operator can do
            return {**part, "text": instead}, []
        if name == "kill_on":
            return part, [call("set_kill_switch", engaged=True, reason=intent.reason or "the operator stopped "
                                                                                      "everything from chat")]
        if name == "kill_off":
            return part, [call("set_kill_switch", engaged=False, reason="the operator released it from chat")]
        if name == "autonomy":
            if not intent.level:
                return {**part, "text": asks.ASK_LEVEL}, []
            part["last"] = remember(intent, ids=[], candidates=[], awaiting=None)  # "what does that mean?"
            return part, [call("set_autonomy", level=intent.level)]
        if name in ("agent_off", "agent_on"):
            part["last"] = remember(intent, ids=[], candidates=[], awaiting=None)
            return part, [call("set_agent", agent=intent.agent or "", enabled=name == "agent_on",
                               reason=intent.reason or "")]
        if name == "add_rule":
            return part, [call("add_rule", text=intent.text or "")]
        if name == "list_rules":
            return part, [call("list_rules")]
        if name == "workflow":
            return part, [call("start_workflow", template=t) for t in (intent.text or "").split(",") if t]
        if name == "workflows":
            return part, [call("list_workflows", limit=10)]
        if name == "forget_rule":
            return part, [call("forget_rule", key_or_text=intent.text or "")]
        asked = reads.tool_for(intent, self.turn.now)
        if asked is not None:
            tool, args = asked
            if name in reads.FOLLOWED:  # "and last week?" asks the same again for another period
                part["last"] = remember(intent, ids=[], candidates=[], awaiting=None)
            return part, [call(tool, **args)]
        if name == "audit_digest":
            since, window = self.window(intent.text or "")
            # the last cycle's reflection first: what the engine did on its own, then the events themselves
            return {**part, "window": window}, [call("audit_log", limit=500, since=since), call("last_cycle")]
        text = {"greeting": render.GREETING, "help": render.HELP_OPERATOR, "no_data": store_answers.NO_DATA,
                "ack": render.ACK_PENDING if self.turn.facts.get("pending") else render.ACK}.get(name)
        return {**part, "text": text or render.UNKNOWN + render.HELP_OPERATOR.split("\n", 1)[1]}, []

    def plan_list(self, intent: Intent, queue: list[dict[str, Any]],
                  part: dict[str, Any]) -> tuple[dict[str, Any], list[ToolCall]]:
        ref = intent.ref or Ref()
        statuses = _statuses(intent.status)
        if statuses is None:
            args: dict[str, Any] = {"status": intent.status, "limit": intent.limit or 10}
            for key, value in (("agent", ref.agent), ("kind", ref.kind), ("risk_tier", ref.risk)):
                if value:
                    args[key] = value
            return {**part, "describe": render.describe_list(intent)}, [call("list_actions", **args)]
        found = resolve((), Ref(agent=ref.agent, kind=ref.kind, risk=ref.risk, every=True,
                                words=ref.words, groups=ref.groups), queue, statuses=statuses)
        by_id = {i["id"]: i for i in queue}
        items = [by_id[i] for i in (found.ids or found.candidates)]
        if not (ref.agent or ref.kind or ref.risk or ref.words):
            items = [i for i in queue if i["status"] in statuses]
        if items and ref.order and not ordered(items, ref.order):
            # "the 2 cheapest markdowns": nothing there spends money, which is not the same as nothing waiting
            return {**part, "text": asks.costless(render.describe_list(intent))}, []
        items = ordered(items, ref.order)  # "the riskiest ones": in that order, not the ranking's
        total = len(items)
        if ref.position:
            items = items[ref.position - 1:ref.position] if ref.position > 0 else items[-1:]
        # "show me everything": the whole queue (up to 50 lines), not the best ten
        whole = ref.every and not (ref.agent or ref.kind or ref.risk or ref.words or intent.status)
        limit = intent.limit or ref.count or (50 if whole else 10)
        shown = items[:limit]
        # what is waiting adds up to the queue's upside; what is done or on hold already earned (or not) its own
        waiting = statuses == {"pending_approval"} and not ref.position
        worth = sum(float(i.get("expected_revenue") or 0) for i in items) if waiting else None
        return {**part, "text": render.queue_list(shown, total=total, what=render.describe_list(intent), worth=worth,
                                                  order=ref.order),
                "focus": [i["id"] for i in shown], "refs": [i["id"] for i in shown],
                "last": listed_memory([i["id"] for i in shown])}, []

    def window(self, text: str) -> tuple[str | None, str]:
        low = text.lower()
        if "overnight" in low or "last night" in low:
            start = (self.turn.now - timedelta(days=1)).replace(hour=18, minute=0, second=0, microsecond=0)
            return start.isoformat(timespec="microseconds"), "overnight (since 18:00 yesterday)"
        if "today" in low:
            start = self.turn.now.replace(hour=0, minute=0, second=0, microsecond=0)
            return start.isoformat(timespec="microseconds"), "today"
        return None, "recently"

    # -- delegation: one specialist, or all of them in turn ---------------------------------
    def delegate(self, intent: Intent) -> Step:
        if intent.name == "run_all":
            first, *rest = SPECIALISTS
            return Act([self.transfer(first, "full run requested by the operator")],
                       {**self.sc, "stage": "run_all", "queue": rest, "done": []})
        return Act([self.transfer(intent.agent or "analytics", intent.task or "")], {**self.sc, "stage": "delegated"})

    def transfer(self, agent: str, task: str) -> ToolCall:
        return call("transfer_to_agent", agent=agent, payload={"task": task, "trigger": "delegate"})

    def on_delegated(self) -> Step:
        result = self.turn.results[0]
        if not result["ok"] and result["content"].get("error") == "awaiting_confirmation":
            return Reply("")
        refs = [{"type": "action", "id": i} for i in (result["content"].get("action_ids", []) if result["ok"] else [])]
        if result["ok"] and result["content"].get("run_id"):
            refs.append({"type": "run", "id": result["content"]["run_id"]})
        return Reply(render.specialist(result), refs=refs)

    def on_run_all(self) -> Step:
        done = [*self.sc.get("done", []), self.turn.results[0]]
        rest = list(self.sc.get("queue", []))
        if rest and self.turn.results[0]["ok"]:
            nxt = rest.pop(0)
            return Act([self.transfer(nxt, "full run requested by the operator")],
                       {**self.sc, "stage": "run_all", "queue": rest, "done": done})
        if not self.turn.results[0]["ok"] and self.turn.results[0]["content"].get("error") == "awaiting_confirmation":
            return Reply("")
        refs = [{"type": "action", "id": i} for r in done if r["ok"] for i in r["content"].get("action_ids", [])]
        return Reply("\n\n".join(render.specialist(r) for r in done), refs=refs)

    # -- stage 3: one reply from every clause's results ---------------------------------------
    def render(self) -> Step:
        by_call = {r["call_id"]: r for r in self.turn.results}
        return self.render_parts(by_call)

    def render_parts(self, by_call: dict[str, dict[str, Any]]) -> Step:
        texts: list[str] = []
        refs: list[dict[str, Any]] = []
        names = {i["id"]: i for i in self.sc.get("queue", [])}
        for part, intent in zip(self.sc.get("parts", []), self.intents):
            results = [by_call[c] for c in part.get("calls", []) if c in by_call]
            text, more = answers.part(intent, part, results, names, now=self.turn.now)
            added = results[0]["content"] if intent.name == "add_rule" and results and results[0]["ok"] else None
            if added and added.get("key"):
                part = {**part, "last": rule_memory(added)}  # "actually make that wick studio" corrects it
            if intent.name in ("list", "briefing") and not part.get("last"):
                shown = [r["id"] for r in more if r.get("type") == "action"]
                part = {**part, "last": listed_memory(shown)}
                if intent.name == "briefing" and shown:
                    part["last"]["suggested"] = shown[0]  # "I'd start with #2": what "ok do it" then means
            if text and text not in texts:  # two clauses that read the same way are answered once
                texts.append(text)
            refs += [r for r in more if r not in refs]
            for i in part.get("refs", []):
                if {"type": "action", "id": i} not in refs:
                    refs.append({"type": "action", "id": i})
            if part.get("last"):
                refs = [r for r in refs if r.get("type") != "intent"] + [part["last"]]
        return Reply("\n\n".join(texts), refs=refs)


def _statuses(status: str | None) -> frozenset[str] | None:
    """The statuses a list asks for, when the queue already holds them (else None: ask the tool)."""
    if status in (None, "pending"):
        return frozenset({"pending_approval"})
    wanted = frozenset(s.strip() for s in status.split(","))
    return wanted if wanted <= _EXPLAINABLE else None


def _slim(queue: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What rendering needs of the queue (kept in scratch, so it stays small)."""
    return [{k: i[k] for k in ("id", "subject", "vendor", "kind", "risk_tier", "status", "title", "version")}
            for i in queue]


def _freeze(intent: Intent) -> dict[str, Any]:
    data = asdict(intent)
    if intent.until is not None:
        data["until"] = intent.until.isoformat()
    return data


def _thaw(data: dict[str, Any]) -> Intent:
    data = dict(data)
    if data.get("ref"):
        ref = dict(data["ref"])
        ref["words"] = tuple(ref.get("words") or ())
        data["ref"] = Ref(**ref)
    if data.get("until"):
        data["until"] = datetime.fromisoformat(data["until"])
    data["ids"] = tuple(data.get("ids") or ())
    return Intent(**data)


#: "and 10?", "what about 23?", "also 9": another action beside the one in view
_ADDS_ONE = re.compile(r"(?i)^\s*(?:ok(?:ay)?,?\s+)?(?:and|also|plus|what about|how about)\b")
