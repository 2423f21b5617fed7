"""Understanding the operator without a model: intents and slots from plain language.

``parse_operator(text, now)`` is pure. It recognises action ids and lists ("approve 12,
14 and 15", "#12"), references ("the inventory one", "all low-risk ones", "everything
from the content agent", "the top one", "it"), rejection reasons, relative dates,
parameter edits, agent names and their synonyms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graphs.brains.rules.dates import parse_when

SPECIALIST_WORDS: dict[str, tuple[str, ...]] = {
    "analytics": ("analytics", "analyst", "analysis", "data agent", "numbers", "traffic", "conversion", "ga4"),
    "inventory": ("inventory", "stock", "reorder", "supply", "warehouse", "purchasing", "merchandis"),
    "content": ("content", "seo", "copy", "copywrit", "search console", "site speed", "page speed", "titles"),
    "risk": ("risk agent", "risk specialist", "fraud", "compliance", "chargeback", "suspicious"),
}
KIND_WORDS: dict[str, str] = {
    "price change": "pricing.adjust", "pricing": "pricing.adjust", "reorder": "inventory.reorder",
    "purchase order": "inventory.reorder", "markdown": "inventory.markdown", "title": "content.rewrite_title",
    "meta description": "content.rewrite_meta_description", "internal link": "content.add_internal_links",
    "landing page": "content.create_landing_page", "repair": "perf.repair_page", "hold": "risk.hold_order",
    "release": "risk.release_order", "escalation": "support.escalation", "email": "email.send",
    "investigation": "analytics.investigate",
}
STATUS_WORDS = {"executed": "executed", "done": "executed", "rejected": "rejected", "failed": "failed",
                "snoozed": "snoozed", "expired": "expired", "approved": "approved", "rolled back": "rolled_back",
                "pending": "pending", "waiting": "pending"}
ORDINALS = {"first": 1, "top": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}


@dataclass(frozen=True)
class Ref:
    """A reference to actions by description rather than id."""

    agent: str | None = None
    risk: str | None = None
    kind: str | None = None
    position: int | None = None
    every: bool = False
    #: "it", "that one", "yes": the actions last discussed
    focus: bool = False


@dataclass(frozen=True)
class OperatorIntent:
    name: str
    ids: tuple[int, ...] = ()
    ref: Ref | None = None
    reason: str | None = None
    until: datetime | None = None
    params: dict[str, Any] = field(default_factory=dict)
    agent: str | None = None
    task: str | None = None
    level: str | None = None
    engaged: bool | None = None
    limit: int | None = None
    status: str | None = None
    run_id: int | None = None
    text: str | None = None


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


def _agent_in(text: str) -> str | None:
    for agent, words in SPECIALIST_WORDS.items():
        if any(w in text for w in words):
            return agent
    if re.search(r"\brisk\b(?!y|s\b)(?!-)", text) and not re.search(r"(low|medium|high|critical)[- ]risk", text):
        return "risk"
    return None


def _risk_in(text: str) -> str | None:
    m = re.search(r"\b(low|medium|high|critical)(?:[- ]risk)?\b", text)
    if m and (("risk" in text) or re.search(r"\b(low|medium|high|critical)[- ]?(?:tier|ones?|actions?)\b", text)
              or m.group(1) == "critical"):
        return m.group(1)
    return None


def _kind_in(text: str) -> str | None:
    for words, kind in sorted(KIND_WORDS.items(), key=lambda kv: -len(kv[0])):
        if re.search(r"\b" + re.escape(words) + r"(?:s|es)?\b", text):
            return kind
    return None


# numbers that are not action ids: money, percentages, durations, quantities, dates, "top 5"
_NOT_IDS = re.compile(
    r"(?:[$€£]\s*\d[\d,.]*|\d[\d,.]*\s*(?:%|percent|dollars|euros|pounds|usd|eur|gbp)\b"
    r"|\b(?:in|for)\s+\d+\s+(?:minute|min|hour|hr|day|week|month)s?\b|\d{4}-\d{2}-\d{2}"
    r"|\b\d+\s*(?:units?|pcs|pieces|items? of)\b|\b(?:top|first|last)\s+\d+\b|\bquantity\s+(?:to\s+|of\s+)?\d+"
    r"|\bprice\s+(?:to\s+|at\s+|=\s*)?\d[\d,.]*|\bpriced\s+(?:at\s+)?\d[\d,.]*|\brun\s+#?\d+)")
#: with a price in the sentence, "to 42" and "at 39.90" are amounts, not ids
_PRICE_AMOUNTS = re.compile(r"\b(?:to|at)\s+\d[\d,.]*")


def _ids(text: str) -> tuple[int, ...]:
    scrubbed = _NOT_IDS.sub(" ", text)
    if "price" in text:
        scrubbed = _PRICE_AMOUNTS.sub(" ", scrubbed)
    found: list[int] = [int(n) for n in re.findall(r"#\s?(\d{1,9})\b", scrubbed)]
    for m in re.finditer(r"\b(?:approve|reject|decline|snooze|explain|undo|revert|roll ?back|action|actions|item|"
                         r"items|number|numbers|no to|ok|okay|yes to|details on|about|why is|why was|on|and|skip|"
                         r"postpone|defer|park|deny|veto|accept|execute|do|show me|show|light|of|"
                         r"is|was|what's|what is)\s+((?:\d{1,9}(?:\s*(?:,|and|&|\+|-|to)\s*|\s+))*\d{1,9})\b",
                         scrubbed):
        chunk = m.group(1)
        r = re.fullmatch(r"(\d+)\s*(?:-|to)\s*(\d+)", chunk.strip())
        if r and 0 < int(r.group(2)) - int(r.group(1)) < 50:
            found += list(range(int(r.group(1)), int(r.group(2)) + 1))
        else:
            found += [int(n) for n in re.findall(r"\d{1,9}", chunk)]
    if not found:
        lone = re.fullmatch(r"\s*(?:[a-z' ]+\s)?(\d{1,9})\s*[.!?]?\s*", scrubbed)
        if lone:
            found.append(int(lone.group(1)))
    out: list[int] = []
    for n in found:
        if n not in out and n > 0:
            out.append(n)
    return tuple(out)


def _ref(text: str) -> Ref | None:
    agent = None
    m = re.search(r"\b(?:from|by) the (\w+)(?: agent| specialist)?\b|\bthe (\w+) (?:one|ones|action|actions|agent's)\b"
                  r"|\b(\w+) agent'?s?\b", text)
    if m:
        word = next(g for g in m.groups() if g)
        agent = _agent_in(word) or (word if word in SPECIALIST_WORDS else None)
    if agent is None and re.search(r"\b(?:ones?|actions?|proposals?|everything|all)\b", text):
        agent = _agent_in(text)
    risk = _risk_in(text)
    kind = _kind_in(text)
    position = None
    m = re.search(r"\bthe (first|top|second|third|fourth|fifth|last)(?: one| action)?\b", text)
    if m:
        position = ORDINALS[m.group(1)]
    every = _has(r"\b(all|every|everything|each|them all|both)\b", text)
    focus = _has(r"\b(it|that|this|that one|this one|them|those|these)\b", text)
    if not any((agent, risk, kind, position, every, focus)):
        return None
    return Ref(agent=agent, risk=risk, kind=kind, position=position, every=every, focus=focus and not every)


def _reason(original: str, verb: str) -> str | None:
    m = re.search(r"(?i)\b(?:because|since|as|due to|reason:?)\s+(.+)$", original)
    if m:
        return m.group(1).strip(" .")
    m = re.search(r"(?i)(?:[,:;—–]|\s-\s)\s*(.+)$", original)
    if m and not re.fullmatch(r"(?i)[#\d\s,and&]+", m.group(1)):
        candidate = m.group(1).strip(" .")
        if not re.match(r"(?i)(?:and|or)\b", candidate) and len(candidate) > 3:
            return candidate
    m = re.search(r"(?i)\b(?:" + verb + r")\b[^a-z]*(?:#?\d+(?:\s*(?:,|and)\s*#?\d+)*)\s+(?!and\b)(.{4,})$", original)
    if m:
        return m.group(1).strip(" .")
    return None


def _params(text: str, original: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    m = re.search(r"\btitle\b[^\"“']*[\"“']([^\"”']+)[\"”']", original, re.IGNORECASE)
    if m:
        params["new_title"] = m.group(1).strip()
    m = re.search(r"\b(?:meta )?description\b[^\"“']*[\"“']([^\"”']+)[\"”']", original, re.IGNORECASE)
    if m:
        params["new_description"] = m.group(1).strip()
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:%|percent)", text)
    if m and _has(r"\b(off|markdown|mark it down|discount)\b", text):
        params["percent_off"] = float(m.group(1))
    m = (re.search(r"\bprice\b(?:\s+of\s+#?\d+)?\s*(?:to|at|=|:|of)?\s*[$€£]?\s*(\d+(?:[.,]\d{1,2})?)(?!\s*%)", text)
         or re.search(r"\b(?:priced|at|to)\s+[$€£]\s*(\d+(?:[.,]\d{1,2})?)", text)
         or re.search(r"\bat\s+(\d+[.,]\d{2})\b", text))
    if m:
        params["new_price"] = float(m.group(1).replace(",", "."))
    m = re.search(r"\b(\d+)\s*(?:units|pcs|pieces)\b|\bquantity\s+(?:to\s+|of\s+)?(\d+)\b|\border\s+(\d+)\s+instead\b",
                  text)
    if m:
        params["quantity"] = int(next(g for g in m.groups() if g))
    return params


def _level(text: str) -> str | None:
    if _has(r"semi|low[- ]risk (?:things |ones |actions )?(?:run|go|execute)|only low", text):
        return "semi_autonomous"
    if _has(r"supervis|everything waits|ask me (?:for|before) everything|manual", text):
        return "supervised"
    if _has(r"fully autonomous|\bautonomous\b|autopilot|all but critical", text):
        return "autonomous"
    return None


def parse_operator(text: str, now: datetime) -> OperatorIntent:
    """The operator's intent and its slots."""
    original = text.strip()
    t = re.sub(r"\s+", " ", original.lower())
    ids = _ids(t)

    # --- safety switches and settings ---------------------------------------------
    if _has(r"kill[- ]?switch|emergency stop|stop (?:all|every)(?:thing| execution| action)s?|halt (?:all|every)"
            r"|freeze (?:all |every )?execution|pause (?:all|every)|stop executing", t):
        off = _has(r"\b(off|release|lift|disengage|deactivate|disable|turn it off|clear)\b", t)
        return OperatorIntent("kill_off" if off else "kill_on", engaged=not off,
                              reason=_reason(original, "stop|switch|halt") if not off else None, text=original)
    if _has(r"\b(resume|restart|unpause|unfreeze) (?:all |the )?(?:executions?|everything|actions|work)\b", t):
        return OperatorIntent("kill_off", engaged=False, text=original)
    if _has(r"autonom|supervis|autopilot|run on (?:their|its) own|on autopilot", t):
        return OperatorIntent("autonomy", level=_level(t), text=original)

    # --- standing preferences ----------------------------------------------------------
    if _has(r"^(?:please )?forget\b|\bremove (?:the |my )?(?:preference|rule)\b|\bdelete (?:the |my )?(?:preference|rule)", t):
        m = re.search(r"(?i)(?:forget|remove|delete)(?: the| my)?(?: preference| rule)?(?: about| that)?\s+(.+)$",
                      original)
        return OperatorIntent("forget", ids=ids, text=(m.group(1) if m else original).strip(" ."))
    if _has(r"what (?:are|do) (?:my|you remember|i prefer)|my (?:preferences|rules)\b|list (?:my )?(?:preferences|rules)"
            r"|what do you (?:know|remember) about (?:me|my)|standing (?:preferences|orders|rules)", t):
        return OperatorIntent("preferences")
    if _has(r"^(?:please )?remember\b|^note (?:that|:)|^from now on\b|\bnever (?:discount|mark|change|touch|put|raise|auto)"
            r"|\bdon'?t ever\b|\balways ask\b|\bdo not (?:ever )?(?:discount|mark|change)", t):
        body = re.sub(r"(?i)^(?:please )?(?:remember(?: that)?|note(?: that)?:?|from now on,?)\s*", "", original)
        return OperatorIntent("remember", text=body.strip())

    # --- decisions ----------------------------------------------------------------------
    ref = _ref(t)
    if _has(r"\b(roll ?back|rollback|undo|revert|reverse)\b(?! plan)", t):
        return OperatorIntent("rollback", ids=ids, ref=None if ids else ref, reason=_reason(original, "undo|revert|roll ?back"))
    if _has(r"\b(snooze|postpone|defer|park|remind me|come back to|revisit|not now|later)\b", t) and not _has(
            r"\bwhat\b.*\blater\b", t):
        return OperatorIntent("snooze", ids=ids, ref=None if ids else ref,
                              until=parse_when(t, now), reason=None)
    reject_words = r"reject|decline|deny|veto|turn down|no to|nope|not approved|don'?t do|do not do|skip|kill (?:#|\d)|say no"
    if _has(r"\b(" + reject_words + r")\b", t) or re.match(r"^no\b[, ]", t):
        return OperatorIntent("reject", ids=ids, ref=None if ids else ref,
                              reason=_reason(original, reject_words.replace("(?:#|\\d)", "")))
    approve_words = (r"approve|approved|go ahead|green ?light|ship it|do it|sign off|lgtm|accept|execute|make it so"
                     r"|proceed|yes|yep|sure|okay|ok")
    params = _params(t, original)
    if _has(r"\b(" + approve_words + r")\b", t) and not _has(r"\bwhy\b|\bshould i\b|\bwhat\b.*\?", t):
        if params:
            return OperatorIntent("edit_approve", ids=ids, ref=None if ids else ref, params=params)
        return OperatorIntent("approve", ids=ids, ref=None if ids else (ref or Ref(focus=True)))
    if params and _has(r"\b(change|set|make|edit|update|lower|raise|reduce|increase)\b", t) and (ids or ref):
        return OperatorIntent("edit_approve", ids=ids, ref=None if ids else ref, params=params)

    # --- reading ------------------------------------------------------------------------
    if _has(r"\b(why|explain|tell me (?:more )?about|more about|details?|what (?:is|was|does) #?\d|what's #?\d"
            r"|evidence|rollback plan|how (?:did you|do you know|sure|confident)|what happens if)\b", t) and (ids or ref):
        return OperatorIntent("explain", ids=ids, ref=None if ids else ref)
    if _has(r"\b(verify|check|is|validate)\b.*\baudit\b|\btamper|\bintegrity\b", t):
        return OperatorIntent("audit_verify")
    if _has(r"\bhandoffs?\b|who talked to whom|\btransfers?\b between", t):
        return OperatorIntent("handoffs")
    if _has(r"overnight|last night|while i was|what (?:did|have) (?:the )?agents? (?:do|done)|what happened|audit"
            r"|activity|recent events|history|\blog\b", t):
        return OperatorIntent("audit_digest", text=original)
    m = re.search(r"\brun\s+#?(\d+)\b", t)
    if m or _has(r"\b(runs|last run|recent runs|run status|status of (?:the )?run|how did (?:the )?(?:last )?run)\b", t):
        return OperatorIntent("run_status", run_id=int(m.group(1)) if m else None)
    if _has(r"\b(run|ask|have|get|tell|delegate|send|put|start|kick off|trigger)\b.*\b(all|every|each)\b.*"
            r"\b(agents?|specialists?|analys[ie]s|checks?)\b|\brun everything\b|\bfull (?:analysis|sweep|scan)\b", t):
        return OperatorIntent("run_all")
    agent = _agent_in(t)
    if agent and _has(r"\b(run|ask|have|get|tell|delegate|send|start|kick off|trigger|look (?:at|into)|check|analy[sz]e"
                      r"|investigate|audit|review|scan|find|dig into)\b", t) and not _has(
            r"\b(show|list|pending|waiting)\b.*\b(ones?|actions?|proposals?)\b", t):
        task = re.sub(r"(?i)^(?:please |can you |could you )?(?:run|ask|have|get|tell|delegate to|send|start|kick off"
                      r"|trigger)\s+(?:the\s+)?(?:\w+\s+)?(?:agent|specialist)?\s*(?:to\s+)?", "", original).strip()
        return OperatorIntent("delegate", agent=agent, task=task or original)
    if _has(r"what should i (?:do|focus|look at)|\btoday\b|briefing|good morning|morning|summary|overview|what'?s up"
            r"|where do (?:we|i) stand|anything (?:urgent|new|important)|catch me up|what'?s new|what needs (?:my )?attention",
            t):
        return OperatorIntent("briefing")
    if _has(r"\b(performance|performing|track record|approval rate|hit rate|how (?:well|good) (?:is|are|has|have)"
            r"|accuracy)\b", t):
        return OperatorIntent("performance", agent=agent)
    status = next((v for k, v in STATUS_WORDS.items() if re.search(r"\b" + k + r"\b", t)), None)
    if _has(r"\b(show|list|what are|what's|what is|give me|see|display|pull up|any)\b|\bqueue\b|\binbox\b|"
            r"\bwhat (?:got|was|were|has been|have been)\b.*\b(?:rejected|executed|approved|done|snoozed|expired"
            r"|failed)\b|"
            r"needs? my (?:approval|ok|sign[- ]off)|waiting (?:on|for) me|\bpending\b|\bproposals?\b|\bactions\b", t):
        m = re.search(r"\b(?:top|first|last)\s+(\d+)\b|\b(\d+)\s+(?:actions|ones|items)\b", t)
        limit = int(next(g for g in m.groups() if g)) if m else None
        if ids and not ref:
            return OperatorIntent("explain", ids=ids)
        return OperatorIntent("list", ref=ref, limit=limit,
                              status="all" if _has(r"\b(all statuses|everything ever|history)\b", t) else status)
    if _has(r"\bstatus\b|how are things|are we (?:live|running|ok)|health", t):
        return OperatorIntent("status")
    if ids:
        return OperatorIntent("explain", ids=ids)
    if _has(r"^(hi|hello|hey|hiya|yo|good (?:afternoon|evening))\b", t):
        return OperatorIntent("greeting")
    if _has(r"\b(thanks|thank you|cheers|great|perfect|nice|awesome|appreciate)\b", t):
        return OperatorIntent("thanks")
    if _has(r"\b(help|what can you do|how do i|how does this work|commands|options)\b", t):
        return OperatorIntent("help")
    return OperatorIntent("unknown", text=original)
