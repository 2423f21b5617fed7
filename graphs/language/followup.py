"""Reading a message in the light of the one before: answers to "which one?" and "why?", "and 14 too".

An operator answers a question the agent asked ("which cushion cover?" — "the sparrow
one"; "why do you reject it?" — "the current title is fine"), continues a request ("and
the scarf one too", "sorry, I meant 9437"), or narrows the question that waits ("no,
just the reorders"). ``follow_up`` turns such a clause into the verb it continues. The
result is still only a proposal: the gate sees that the message itself did not name the
verb, so anything it would change is echoed and waits for a yes.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from graphs.language.confirm import bare_no
from graphs.language.dates import parse_when
from graphs.language.intents import Intent
from graphs.language.edits import params_in
from graphs.language.slots import Ref
from graphs.language.normalize import normalize

DECISIONS = frozenset({"approve", "reject", "snooze", "edit_approve", "rollback"})
#: questions about the store's data a short follow-up can repeat for another period
DATA = frozenset({"sales", "top_products", "channels", "agent_stats", "traffic"})
_PERIOD = re.compile(r"\b(?:week|yesterday|today|month|weekend|days?)\b")
_CONTINUES = re.compile(r"^(?:and|an|also|plus|sorry|oops|i meant|meant|no,? i meant|i mean|actually|oh|ah|ok|okay|"
                        r"the|both|that|#?\d|same|ditto|likewise|(?:please )?do the same)\b")
_NARROWS = re.compile(r"^(?:(?:no|nope|nah|actually|ok|okay|hmm+|wait)[ ,.!]*)*(?:just|only)\b")


_ASKS_TO_SEE = re.compile(r"^(?:please |ok |so |first |but )*(?:explain|why|show|tell me|what|details|more about|open"
                          r"|view)\b")
_CORRECTS = re.compile(r"\bi (?:said|meant|wanted|asked (?:you )?(?:to|for))\s+(?:you to\s+|to\s+)?"
                       r"(reject|decline|approve|snooze)\b")
_VERB_OF = {"decline": "reject"}
_ADDING = re.compile(r"^(?:and|also|plus)\b|\b(?:too|as well)[.!]*$")
_ONLY_A_NAME = re.compile(r"^(?:(?:no|sorry|oops),? )?(?:i meant |i mean )?(?:the|that|this) [\w\s-]{0,40}?\bones?[.!]*$")
#: an answer to "why do you reject it?" that calls the rejection off
_CALLS_OFF = re.compile(r"^(?:(?:no|wait|hold on|hang on|stop|cancel|nvm|never ?mind|forget it|scratch that|dont|don't"
                        r"|do not|actually|oops|sorry|hmm+|um+|ok)[\s,.!?]*)+$")


def follow_up(intents: list[Intent], message: str, facts: dict[str, Any], *, now: datetime) -> list[Intent]:
    last: dict[str, Any] = facts.get("last") or {}
    pending: list[dict[str, Any]] = facts.get("pending") or []
    t = normalize(message)
    if last.get("awaiting") == "until" and not any(i.ids or i.name in DECISIONS for i in intents):
        until = parse_when(t, now)  # "the 3rd of january", after "until when should I snooze #12?"
        if until is not None:
            return [Intent("snooze", ids=tuple(last.get("ids") or ()), until=until, reason=last.get("reason"))]
    corrected = _correction(intents, t, last, pending, facts.get("focus") or [])
    if corrected is not None:
        return [corrected]
    corrected_rule = _rule_corrected(t, last)
    if corrected_rule is not None:
        return corrected_rule
    if _REGRET.match(t) and last.get("verb") in ("approve", "edit_approve") and last.get("ids") and not pending:
        # "that was a mistake" right after an approval ran: rolling it back is offered (echoed, never at once)
        return [Intent("rollback", ids=tuple(last["ids"]), reason=message.strip(" .!"))]
    renumbered = _renumbered(t, pending or last.get("narrowable") or [])
    if renumbered is not None:
        return [renumbered]
    narrowed = _without(t, pending or last.get("narrowable") or [])
    if narrowed is not None:
        return [narrowed]
    offered = _counter_offer(t, pending or last.get("narrowable") or [])
    if offered is not None:
        return [offered]
    return [_same_reason(_continue(_after_setting(i, t, last), t, message, last, pending), last) for i in intents]


#: "turn it back on", "switch it on again", "enable it": what "it" is depends on what was just switched
_IT_BACK_ON = re.compile(r"^(?:ok |okay |please |now |actually )*(?:(?:turn|switch|put) it (?:back )?on(?: again)?"
                         r"|(?:re-?enable|enable|reactivate|unpause|restart|resume) it(?: again)?)(?: please| now)?[.!]*$")


#: "what does that mean (exactly)?", "meaning?": a question about what was just set
_MEANS = re.compile(r"^(?:(?:ok|okay|hmm+|so|wait|sorry)[ ,]+)*(?:what(?:'?s| does| is)? (?:that|this|it) mean"
                    r"|meaning|what(?:'?s| is) that|which means what)\b")


def _after_setting(intent: Intent, t: str, last: dict[str, Any]) -> Intent:
    """"turn off the inventory agent" … "turn it back on": that agent, not the store-wide kill switch; "go semi
    autonomous" … "what does that mean exactly": the setting as it is now."""
    if last.get("verb") == "autonomy" and _MEANS.match(t):
        return Intent("status", text=intent.text)
    if last.get("verb") == "agent_off" and last.get("agent") and _IT_BACK_ON.match(t):
        return Intent("agent_on", agent=str(last["agent"]), text=intent.text)
    if last.get("topic") == "kill_switch":
        # "is the kill switch on?" … "turn it on": the kill switch (engaged at once; released only on a yes)
        if _SWITCH_IT_ON.match(t):
            return Intent("kill_on", reason="engaged from the conversation", text=intent.text)
        if _SWITCH_IT_OFF.match(t):
            return Intent("kill_off", text=intent.text)
    return intent


_SWITCH_IT_ON = re.compile(r"^(?:ok |okay |then |please |yes |yeah |so |right )*(?:turn|switch|put|flip) it on|^(?:ok |okay "
                           r"|then |please |yes |yeah |so )*(?:engage|activate|enable|hit|pull) it\b")
_SWITCH_IT_OFF = re.compile(r"^(?:ok |okay |then |please |yes |yeah |so |right )*(?:turn|switch|flip) it off|^(?:ok |okay "
                            r"|then |please |yes |yeah |so )*(?:release|lift|disengage|deactivate|disable|drop) it\b")


#: "reject 10, same reason", "ditto": the reason given just before, never the words "same reason"
_SAME = re.compile(r"(?i)^(?:(?:for )?(?:the )?same(?: reason| thing)?(?: as (?:before|above|last time|the last one|for \S+))?"
                   r"|ditto|as before|same again|likewise)[.!]*$")


def _same_reason(intent: Intent, last: dict[str, Any]) -> Intent:
    if intent.name != "reject" or not intent.reason or not _SAME.match(intent.reason.strip()):
        return intent
    return replace(intent, reason=last.get("reason") or None)  # no reason before: asked for one


def _correction(intents: list[Intent], t: str, last: dict[str, Any], pending: list[dict[str, Any]],
                focus: list[int]) -> Intent | None:
    """"no, I said REJECT, not snooze": the operator corrects the verb of the request just made.

    The actions are the ones that request was about (the question it left, or what it decided); the
    message itself names no verb the gate can see, so whatever it proposes is echoed first.
    """
    m = _CORRECTS.search(t)
    if m is None or any(i.ids or (i.ref is not None and i.ref.words) for i in intents):
        return None
    shown = pending or last.get("narrowable") or []
    ids = tuple(p["action_id"] for p in shown if "action_id" in p) or tuple(last.get("ids") or ()) or (
        tuple(focus) if len(focus) == 1 else ())
    if not ids:
        return None
    verb = _VERB_OF.get(m.group(1), m.group(1))
    return Intent(verb, ids=ids, reason=last.get("reason") if verb == "reject" else None)


def rule_memory(added: dict[str, Any]) -> dict[str, Any]:
    """What the next message may correct of the rule just kept: its sentence, whom it named, its key."""
    return {"type": "intent", "verb": "add_rule", "ids": [], "rule_key": added["key"], "rule_text": added["text"],
            "rule_subject": added["rule"]["subject"][1]}


#: "actually make that wick studio", "sorry, I meant the alpaca blankets", "no, harbor textiles instead"
_RENAMED = re.compile(r"^(?:(?:no|nope|sorry|oops|actually|wait|hmm+|oh)[,.!\s]+)*+(?:make (?:that|it)|i meant|i mean"
                      r"|change (?:that|it) to|(?:for|on) )?\s*(?:the\s+)?(?P<new>(?=[^\d]*$)(?!(?:approve|reject|snooze|undo|roll"
                      r"|explain|show|run|stop|forget|cancel|keep|leave|don'?t|dont|do|not|it|that|this|never|always"
                      r"|thanks?|ok|okay|yes|no|fine|good|great|whatever|nevermind)\b)[a-z&'’-]+(?: [a-z&'’-]+){0,4}?)"
                      r"(?:\s+instead)?[.!]*$")


def _rule_corrected(t: str, last: dict[str, Any]) -> list[Intent] | None:
    """The rule just kept, said again for whom the correction names: the old one forgotten, the new one kept
    (both echoed: the message names neither verb). None when the sentence did not name its subject in words
    that can be swapped (a product said in part, the whole store)."""
    if last.get("verb") != "add_rule" or not last.get("rule_key") or not last.get("rule_subject"):
        return None
    m = _RENAMED.match(t)
    said, subject = str(last["rule_text"]), str(last["rule_subject"])
    if m is None or not re.search(r"(?i)^(?:(?:no|nope|sorry|oops|actually|wait|hmm+|oh)\b|make (?:that|it)\b"
                                  r"|i mean|change (?:that|it))", t) or subject.lower() not in said.lower():
        return None
    new = re.sub(re.escape(subject), lambda _: m["new"].strip(), said, count=1, flags=re.IGNORECASE)
    # the new rule first: kept at once (a rule only ever holds the agents back); the old one forgotten on a yes
    return [Intent("add_rule", text=new), Intent("forget_rule", text=str(last["rule_key"]))]


#: "that was a mistake", "oops, I didn't mean that": said of what was just approved
_REGRET = re.compile(r"^(?:(?:oh|oops|ugh|damn|dammit|hmm+|no+|shit|wait|ah|argh|sorry)[,.!\s]+)*"
                     r"(?:that was (?:a )?(?:mistake|wrong|an accident)|(?:my )?mistake|i didn'?t mean (?:that|it|to"
                     r"(?: do| approve)? (?:that|it|this))|i shouldn'?t have (?:done|approved) (?:that|it)"
                     r"|wrong one|that was the wrong one|not that one)[.!]*$")


#: "no wait, 10", "sorry, 10", "no wait i meant 10" while "Approve #8?" waits: another action, the same request
_RENUMBER = re.compile(r"^(?:(?:no|nope|sorry|oops|wait|actually|my bad|hang on|hold on|erm|um|ah)[,.!\s]+)+"
                       r"(?:i meant |i mean |make (?:it|that) |not #?\d{1,6},? )?#?(?P<id>\d{1,6})[.!]*$")


def _renumbered(t: str, pending: list[dict[str, Any]]) -> Intent | None:
    """The waiting question's request, for the action the correction names instead (echoed again: the message
    names no verb); None unless one decision on one action waits."""
    m = _RENUMBER.match(t)
    decided = [p for p in pending if "action_id" in p]
    if m is None or len(decided) != 1 or len(pending) != 1 or int(m["id"]) == decided[0]["action_id"]:
        return None
    if any(isinstance(v, (int, float)) for v in (decided[0].get("args", {}).get("params") or {}).values()):
        return None  # "no wait, 10" while "… → quantity 20?" waits: the number changed (a counter-offer), not #10
    verb = "approve" if decided[0]["verb"] == "edit_approve" else str(decided[0]["verb"])
    if verb not in DECISIONS:
        return None
    args = decided[0].get("args", {})
    until = args.get("until")
    return Intent(verb, ids=(int(m["id"]),), reason=args.get("reason"),
                  until=datetime.fromisoformat(until) if isinstance(until, str) else None)


_WITHOUT = re.compile(r"^(?:(?:yes|yeah|yep|ok|okay|sure|fine|wait|no|hmm+|but)[,.!]*\s+)*(?:but\s+)?(?:not|except(?: for)?"
                      r"|apart from|without|minus|leave out|skip|drop)\s+(?:the\s+)?(?P<what>.+?)[.!]*$")


def _without(t: str, pending: list[dict[str, Any]]) -> Intent | None:
    """"yes but not the mug", "wait, not 6" while a question waits: the same question without those actions.

    What is left out is matched by number or by the words of its label; the narrowed question is echoed
    again (the message names no verb), so nothing runs without a yes.
    """
    m = _WITHOUT.match(t)
    decisions = [p for p in pending if "action_id" in p]
    if m is None or not decisions or len({p["verb"] for p in decisions}) != 1:
        return None
    what = m.group("what")
    numbers = {int(n) for n in re.findall(r"\d+", what)}
    words = [w for w in re.findall(r"[a-z]{3,}", what) if w not in ("one", "ones", "the", "and", "please", "that")]
    out = {p["action_id"] for p in decisions if p["action_id"] in numbers
           or (words and all(w in p.get("label", "").lower() for w in words))}
    kept = tuple(p["action_id"] for p in decisions if p["action_id"] not in out)
    if not out or not kept:
        return None
    first = decisions[0]
    until = first.get("args", {}).get("until")
    return Intent(str(first["verb"]), ids=kept, among=kept, reason=first.get("args", {}).get("reason"),
                  until=datetime.fromisoformat(until) if isinstance(until, str) else None,
                  params=first.get("args", {}).get("params") or {})


_OFFER = re.compile(r"^(?:(?:no|nah|actually|ok|okay|hmm+|well|hm|erm|so|yes|yeah|yep|sure|wait|sorry)[,.!\s]+)*"
                    # "yes but only 30 units", "ok but just 20": the approval, with a smaller number
                    r"(?P<but>but\s+(?:only\s+|just\s+)?(?:make it\s+)?|only\s+|just\s+)?"
                    r"(?P<lead>can we (?:do|go with|make it|say)"
                    r"|could we (?:do|go with|make it)|how about|what about|let'?s (?:do|say|go with|make it)|make it"
                    r"|go with)?\s*(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>%|percent|units?|pcs|pieces)?"
                    r"(?P<tail>(?:\s+(?:instead|then|off|please|pls))*)\s*\??$")


def _counter_offer(t: str, pending: list[dict[str, Any]]) -> Intent | None:
    """"can we do 70 instead", "how about 12", "no, 70 units" while an approval of one action waits: that
    approval with the number changed (echoed again, never run on this message)."""
    m = _OFFER.match(t)
    # "hmm actually 15" while "… with percent off 25?" waits: the value being changed, said again
    corrects_a_value = (len(pending) == 1 and pending[0].get("verb") == "edit_approve"
                        and any(isinstance(v, (int, float)) for v in (pending[0].get("args", {}).get("params")
                                                                      or {}).values())
                        and re.match(r"^(?:(?:hmm+|hm|no|nah|actually|wait|erm|sorry|oops)[,.!\s]+)+", t) is not None)
    if m is not None and not (m.group("lead") or m.group("unit") or m.group("but") or "instead" in m.group("tail")
                              or corrects_a_value):
        m = None  # "no, 9", a bare "9": a number alone is not an offer (it may be an action's)
    approvals = [p for p in pending if p.get("verb") in ("approve", "edit_approve") and "action_id" in p]
    if m is None or len({p["action_id"] for p in approvals}) != 1 or len(approvals) != len(pending):
        return None
    amount = float(m.group("amount"))
    params = {"percent_off": amount} if m.group("unit") in ("%", "percent") else {"amount": amount}
    return Intent("edit_approve", ids=(int(approvals[0]["action_id"]),), params=params)


def _referential(intent: Intent) -> bool:
    ref = intent.ref
    return bool(intent.ids) or (ref is not None and bool(ref.words or ref.both or ref.focus or ref.position
                                                          or ref.places or ref.kind or ref.rest))


def _continue(intent: Intent, t: str, message: str, last: dict[str, Any], pending: list[dict[str, Any]]) -> Intent:
    if intent.name in DECISIONS or intent.name not in ("explain", "unknown", "list", "ack", "greeting", "hold_back"):
        return intent
    verb = last.get("verb")
    ref = intent.ref
    # "we dont sell backpacks, never have": a reason may name things; only numbers, places or a request to see
    # something make it something else
    names_a_number = bool(intent.ids) or (ref is not None and bool(ref.position or ref.count or ref.places)) or (
        _ONLY_A_NAME.match(t) is not None)  # "the mug one": which action, not why
    if last.get("awaiting") == "reason" and not names_a_number and intent.name != "ack" and not _ASKS_TO_SEE.match(t):
        if bare_no(message) or not re.search(r"[a-z]{2,}", t) or _CALLS_OFF.match(t):
            # "no wait dont", "nvm", "hold on", "?": not a reason — nothing is rejected
            return Intent("hold_back", ids=tuple(last.get("ids") or ()), held_back="reject", text=message)
        if "?" in message:
            # "why?", "what's the catch?": a question is asked, not given as the reason — nothing is rejected
            return intent if intent.name == "explain" else Intent("hold_back", ids=tuple(last.get("ids") or ()),
                                                                   held_back="reject", text=message)
        return Intent("reject", ids=tuple(last.get("ids") or ()), reason=message.strip(" ."))
    pending = pending or last.get("narrowable") or []
    verbs = {p.get("verb") for p in pending}
    if pending and len(verbs) == 1 and _NARROWS.match(t) and _referential(intent):
        among = tuple(p["action_id"] for p in pending if "action_id" in p)
        first = pending[0]
        until = first.get("args", {}).get("until")
        return Intent(str(first["verb"]), ids=tuple(i for i in intent.ids if i in among), ref=intent.ref,
                      reason=first.get("args", {}).get("reason"), among=among,
                      until=datetime.fromisoformat(until) if isinstance(until, str) else None,
                      params=first.get("args", {}).get("params") or {})
    if verb in DATA and intent.name in ("unknown", "explain", "list") and _PERIOD.search(t):
        return Intent(str(verb), text=message)  # "and last week?" after a question about sales
    if intent.name == "hold_back" or verb not in DECISIONS or not _referential(intent) or "?" in message:
        return intent
    if _ASKS_TO_SEE.match(t):
        return intent  # "explain 19" while "which one?" waits: an explanation, not the answer
    if last.get("awaiting") != "which" and not _CONTINUES.match(t):
        return intent
    ids, ref = intent.ids, intent.ref
    if last.get("order") and ids and all(i >= 1000 for i in ids):
        ids, ref = (), Ref(words=tuple(f"#{i}" for i in ids))
    until = last.get("until")
    params = intent.params or params_in(t, message)
    if verb == "approve" and params:
        verb = "edit_approve"  # "the grey one but 20% off", answering "which one should I approve?"
    return replace(intent, name=str(verb), ids=ids, ref=ref, reason=last.get("reason"), params=params,
                   until=datetime.fromisoformat(until) if until else None,
                   # "and the t-shirt one too" while "which bowl?" waits: another action, looked for in the whole queue
                   among=tuple(last.get("candidates") or ()) if last.get("awaiting") == "which"
                   and not _ADDING.search(t) else ())


def remember(intent: Intent, *, ids: list[int], candidates: list[int], awaiting: str | None) -> dict[str, Any]:
    """What the next message may continue: the verb, its slots, and what was asked."""
    return {"type": "intent", "verb": intent.name, "ids": ids, "candidates": candidates, "awaiting": awaiting,
            "reason": intent.reason, "until": intent.until.isoformat() if intent.until else None,
            "agent": intent.agent,
            "order": bool(intent.ref and any(w.startswith("#") for w in intent.ref.words))}


#: "next", "and the next one", "what about the one after", "previous one": walking a list one action at a time
_WALK = re.compile(r"^(?:(?:and|ok|okay|so|then|now|right|what about|how about|and what about)[ ,]+)*(?:the )?"
                   r"(?:(?P<next>next|one after(?: that)?)|(?P<back>previous|one before(?: that)?))(?: one)?"
                   r"(?: (?:please|pls|then))?[.!?]*$")


def walked(message: str, order: list[int], focus: list[int]) -> tuple[bool, int | None]:
    """Does the message walk the list, and to which action: the one after (or before) the one last in view, in
    ``order`` (the list shown, else the queue)? None when nothing is in view or the list ends there."""
    m = _WALK.match(normalize(message).strip())
    if m is None:
        return False, None
    if not focus or focus[-1] not in order:
        return True, None
    at = order.index(focus[-1]) + (1 if m.group("next") else -1)
    return True, order[at] if 0 <= at < len(order) else None
