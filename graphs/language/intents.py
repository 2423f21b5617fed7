"""What the operator asks for, clause by clause: intents and their slots, without a model.

``parse(text, now)`` is pure. A message is normalised (typos in command words, number
words), split into clauses where a new verb starts ("reject 22 because … and approve
23"), and each clause becomes an ``Intent``: a name, action ids written in it, a
reference by description (``Ref``: names, kind, agent, risk, ordinal, count, pronoun),
and the slots of its verb (reason, time, edited params, level, rule text).

Reading comes before acting: a question ("is the kill switch on?"), a negation or a
hedge ("don't approve anything yet", "maybe later") never becomes a write, and a bare
acknowledgement ("ok thanks") is only an acknowledgement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from graphs.language.confirm import KILL_OFF, KILL_ON, is_acknowledgement, strip_markup
from graphs.language.dates import parse_when
from graphs.language.normalize import normalize
from graphs.language.slots import (STATUS_WORDS, Ref, agent_in, has, ids_in, kind_in, level_in, params_in,
                                   reason_in, ref_in)


@dataclass(frozen=True)
class Intent:
    name: str
    ids: tuple[int, ...] = ()
    ref: Ref | None = None
    reason: str | None = None
    until: datetime | None = None
    params: dict[str, Any] = field(default_factory=dict)
    agent: str | None = None
    task: str | None = None
    level: str | None = None
    limit: int | None = None
    status: str | None = None
    run_id: int | None = None
    text: str | None = None
    #: the verb this clause would have had, when a negation or hedge took it away
    held_back: str | None = None
    #: only these actions may be meant (an answer to "which one?", a narrowed question)
    among: tuple[int, ...] = ()


# --- reading the whole message ---------------------------------------------------------------------

_CLAUSE_VERBS = (r"approve|reject|decline|snooze|postpone|park|remind me|explain|show|list|undo|revert|roll ?back"
                 r"|rollback|go ahead|skip|veto|deny|ship|green ?light|lgtm|run|ask|hold off|forget|release")
_SPLIT = re.compile(r"\s*(?:;|:|\. |,? and then|,? then|,? and also|,? also|,? plus|,? and|,? but|,| - )\s+"
                    r"(?=(?:(?:please|pls|can you|could you|then|also|uh|um|yeah|so|and) )*(?:" + _CLAUSE_VERBS + r")\b)"
                    r"|\s*(?:,\s*and|,|;|\?| and| - )\s*(?:also,?\s+)?(?=(?:how|what|what's|whats|which|why|is|are|did"
                    r"|do|does|when)\b[^?]*\?)"
                    r"|(?<=\?)\s+(?=\w)")

_NEGATED = re.compile(r"\b(?:\w+n't|dont|wont|cant|didnt|doesnt|isnt|wouldnt|shouldnt|couldnt|havent|hasnt|arent|aint"
                      r"|do not|never|not|no need to|hold off(?: on)?|wait(?: on| with)?"
                      r"|stop|avoid|no)\b(?:\s+\w+){0,3}?\s+(?:approve|reject|execute|run|do|ship|snooze|undo"
                      r"|touch|go ahead|decide|release|roll ?back|make|change|start|kick off|launch|trigger)\b"
                      r"|\bhold off\b|\bnot (?:yet|now|the|that|this|those|these)\b|\bnot sure\b|\bunsure\b"
                      r"|\bmaybe\b|\bperhaps\b|\bmight\b|\bnot ready\b|\bthinking about\b|\bconsidering\b"
                      r"|\bwondering\b|\blater\b|\bwhat if\b|\bshould i\b|\bshould we\b|\bwould you\b(?! please)"
                      r"|\bexcept\b|\bother than\b|\bbut not\b|\bleave (?:it|them|that|those)\b")
_QUESTION = re.compile(r"\?\s*$|^(?:is|are|was|were|did|do|does|has|have|had|what|which|who|why|how|when|where"
                       r"|should|shall|any|whats|what's|hows|how's|can i|could i)\b")
_POLITE = re.compile(r"^(?:(?:can|could|would|will) you (?:please )?|please (?:you )?(?:can |could )?(?:you )?)"
                     r"(?=(?:" + _CLAUSE_VERBS + r"|stop|halt|freeze|pause|engage|turn|set|go|put|switch)\b)")


def parse(text: str, now: datetime, *, names: frozenset[str] | None = None) -> list[Intent]:
    """The intents of one message, in the order the operator said them.

    ``names`` are the words the store's actions are known by (see ``tools.queue``): with them,
    a word is read as part of a name only if something in the store is called that. The same
    message is read by the brain and by the gate: the reading is cached (per minute, for dates).
    """
    return list(_parse(text, now.replace(second=0, microsecond=0), names))


@lru_cache(maxsize=1024)
def _parse(text: str, now: datetime, names: frozenset[str] | None) -> tuple[Intent, ...]:
    original = strip_markup(text).strip()
    t = normalize(original)
    if not t:
        return (Intent("unknown", text=text.strip()),)
    if is_acknowledgement(t):
        return (Intent("ack", text=original),)
    clauses = [c for c in _SPLIT.split(t) if c.strip()]
    originals = _split_original(original, len(clauses))
    intents = tuple(_one(c, o, now, names) for c, o in zip(clauses, originals))
    return intents or (Intent("unknown", text=original),)


def _one(t: str, original: str, now: datetime, names: frozenset[str] | None) -> Intent:
    if is_acknowledgement(t):
        return Intent("ack", text=original)
    t = re.sub(r"^(?:and|so|also|ok|okay|oh|hmm+|wait|right|then)[ ,]+(?=(?:how|what|which|why|is|are|did|do|does"
               r"|when|where|who)\b)", "", t)
    if _QUESTION.search(t) and not _POLITE.search(t):
        return _question(t, original, now, names)
    whole = _settings(t, original)
    if whole is not None:
        return whole
    return _clause(t, original, now, names)


def _split_original(original: str, n: int) -> list[str]:
    """The operator's own words of each clause (for reasons and quoted text), by the same split."""
    parts = [p for p in _SPLIT.split(original.translate(str.maketrans({"’": "'"})).lower()) if p.strip()]
    if len(parts) != n:
        return [original] * n
    out, pos = [], 0
    low = original.lower()
    for p in parts:
        start = low.find(p, pos)
        out.append(original[start:start + len(p)] if start >= 0 else p)
        pos = max(pos, start + len(p)) if start >= 0 else pos
    return out


_DECISION_FIRST = re.compile(r"^(?:please |ok |okay |so |then )?(?:reject|decline|approve|snooze|postpone|veto|deny"
                             r"|skip|no to|undo|roll ?back|explain)\b")


def _settings(t: str, original: str) -> Intent | None:
    """Kill switch, autonomy and standing rules: whole-message intents."""
    if KILL_OFF.search(t):
        return Intent("kill_off", text=original)
    if KILL_ON.search(t) and not has(r"\bstop (?:proposing|suggesting|showing|sending)\b", t):
        return Intent("kill_on", reason=reason_in(original, "stop|switch|halt|freeze|pause"), text=original)
    if has(r"autonom|supervis|autopilot|run (?:it |things |stuff )?on (?:their|its) own|on autopilot"
            r"|ask me (?:before|for) (?:everything|anything)|let (?:low[- ]risk )?(?:things|stuff|actions) run", t):
        return Intent("autonomy", level=level_in(t), text=original)
    if has(r"^(?:please )?forget\b|\b(?:remove|delete|drop|cancel|lift) (?:the |my |that )?(?:\w+ )?"
            r"(?:preference|rule)\b", t):
        m = re.search(r"(?i)(?:forget|remove|delete|drop|cancel|lift)(?: the| my| that)?(?: rule| preference)?"
                      r"(?: about| on| for| that)?\s+(.+?)(?: rule| preference)?[.!]?$", original)
        return Intent("forget_rule", text=(m.group(1) if m else original).strip(" .'\""))
    if _DECISION_FIRST.match(t):
        return None
    if has(r"^(?:please )?(?:remember|note)\b|^from now on\b|^going forward\b|\bnever (?:discount|mark|change|touch"
            r"|put|raise|lower|cut|reduce|auto|reorder|hold|send|rewrite|create|email)|\b(?:never|not) (?:gets?|be|being"
            r"|to be) (?:discounted|marked down|reordered|touched)|\bno (?:more )?(?:markdowns?"
            r"|discounts?|price (?:changes?|cuts?)|reorders?|emails?|title (?:changes?|rewrites?))\b"
            r"|\bdon'?t (?:ever )?(?:discount|mark|touch|change|raise|lower|cut|reorder|email) (?!#?\d)"
            r"|\balways ask\b|\bask me (?:first|before)\b|\bdo not (?:ever )?(?:discount|mark|change|touch)", t):
        body = re.sub(r"(?i)^(?:please )?(?:remember(?: that)?|note(?: that)?:?|from now on,?|going forward,?)\s*",
                      "", original)
        return Intent("add_rule", text=body.strip())
    return None


def _question(t: str, original: str, now: datetime, names: frozenset[str] | None) -> Intent:
    """A question reads state; it never changes it."""
    ids = ids_in(t)
    named = _workflows_named(t)
    if named or has(r"\bworkflows?\b", t):
        return Intent("workflows", text=",".join(named))
    if has(r"kill ?switch|stopped|halted|frozen|paused", t):
        return Intent("status", text=original)
    if has(r"autonom|supervis|autopilot|\bmode\b|\blevel\b", t):
        return Intent("status", text=original)
    if has(r"\bhave i (?:approved|done|rejected|snoozed)|\b(?:approved|executed|done|rejected) so far\b"
            r"|what (?:did|have) i (?:approve|reject|snooze)", t):
        status = "rejected" if "reject" in t else "snoozed" if "snooze" in t else "executed,approved,auto_approved"
        return Intent("list", status=status, ref=ref_in(t, names=names))
    if has(r"which (?:one'?s|one is|is) (?:first|top|best)|what'?s (?:first|top)|top one\b", t) and not has(
            r"\bwhy\b|explain", t):
        return Intent("list", ref=Ref(position=1), limit=1)
    if has(r"\b(performance|performing|track record|approval rate|hit rate|how (?:well|good) (?:is|are|has|have)"
            r"|accuracy)\b", t):
        return Intent("performance", agent=agent_in(t))
    m = re.search(r"\brun\s+#?(\d+)\b", t)
    if m or has(r"\b(runs|last run|recent runs|run status|status of (?:the )?run|how did (?:the )?(?:last )?run)\b", t):
        return Intent("run_status", run_id=int(m.group(1)) if m else None)
    if has(r"\b(verify|check|is|validate)\b.*\baudit\b|\btamper|\bintegrity\b", t):
        return Intent("audit_verify")
    if has(r"\bhow many\b", t) and not _data_question(t):
        return Intent("list", ref=ref_in(t, names=names), status=_status_in(t))
    if has(r"\brules?\b|preferences|standing", t):
        return Intent("list_rules")
    data = _data_question(t)
    if data is not None:
        return replace(data, text=original)
    if ids or ref_in(t, names=names):
        ref = None if ids else ref_in(t, names=names)
        if ref is not None and not (ref.focus or ref.words or ref.position or ref.count) and (ref.kind or ref.agent
                                                                                             or ref.risk):
            return Intent("list", ref=ref, status=_status_in(t))
        return Intent("explain", ids=ids, ref=ref)
    return _reading(t, original, now, names=names) or Intent("unknown", text=original)


def _status_in(t: str) -> str | None:
    return next((v for k, v in STATUS_WORDS.items() if re.search(r"\b" + k + r"\b", t)), None)


def _data_question(t: str) -> Intent | None:
    if has(r"\bsales\b|\brevenue\b|\bhow (?:did|was|is|are) (?:last |this )?(?:week|month|business|we doing"
            r"|things going|the store)|how'?s business|\bturnover\b|orders? (?:this|last) week", t):
        return Intent("sales")
    if has(r"\b(?:top|best|best-?selling|bestsellers?|most popular)\b.*\bproducts?\b|\bbestsellers?\b"
            r"|\bwhat(?:'s| is) selling\b|\bselling (?:best|most)\b", t):
        return Intent("top_products")
    if has(r"\bchannels?\b|\btraffic\b.*\b(?:drop|fell|down|source)|\bwhich source\b", t):
        return Intent("channels")
    if has(r"which agent|agents? proposed|who proposed|most proposals|busiest agent", t):
        return Intent("agent_stats")
    if has(r"\b(?:work|worked|working|pay off|paid off|help|helped|effect|impact|results?|outcome)\b", t) and (
            kind_in(t) or has(r"\bexecuted\b|\bapproved\b|\bactions?\b|\bchanges?\b", t)):
        return Intent("outcomes", ref=ref_in(t, with_names=False))
    if has(r"overnight|last night|while i was|what (?:did|have) (?:you|the agents?) (?:just )?(?:do|done)"
            r"|what happened|what have you (?:just )?(?:done|changed)", t):
        return Intent("audit_digest")
    if has(r"people waiting|customers? waiting|escalations?|customer requests?|who(?:'s| is) waiting", t):
        return Intent("escalations")
    return None


def _head(t: str) -> str:
    """The clause without its reason ("…, margins are too thin", "… because we're not ready")."""
    return re.sub(r"\s+(?:because|since|as|due to|bc|cuz|cos|b/c)\s.*$|,\s+(?=[a-z])(?!\s*(?:and|or)\s+#?\d).*$"
                  r"|\s[-—:]\s.*$", "", t)


#: the verbs that change the store: a name they are given is never replaced by a guess
_WRITES = frozenset({"approve", "edit_approve", "reject", "snooze", "rollback"})


def _clause(t: str, original: str, now: datetime, names: frozenset[str] | None) -> Intent:
    m = re.match(r"^(?:please )?(?:hold|put (?:a )?hold on)\s+(?:order\s*)?#?\s?(\d{3,})\b", t)
    if m:
        return Intent("approve", ref=Ref(kind="risk.hold_order", words=("#" + m.group(1),)))
    ids = ids_in(t)
    head = _head(t)
    ref = ref_in(head, names=names)
    hedge = _NEGATED.search(head)
    verb = _verb(t, ids, ref)
    if ref is None and names is not None and not ids and verb in _WRITES:
        # "approve the xyz instead": a name the store has nothing by is still a name the operator said; it
        # resolves to nothing (and is said so), never to whatever was shown last
        unknown = ref_in(head, names=None)
        if unknown is not None and unknown.words:
            ref = unknown
    if hedge and verb not in (None, "explain", "list"):
        return Intent("hold_back", ids=ids, ref=None if ids else ref, held_back=verb, text=original)
    if verb == "rollback":
        return Intent("rollback", ids=ids, ref=None if ids else ref,
                      reason=reason_in(original, "undo|revert|roll ?back|rollback"))
    if verb == "snooze":
        return Intent("snooze", ids=ids, ref=None if ids else ref, until=parse_when(t, now))
    if verb == "reject":
        words = r"reject|decline|deny|veto|turn down|no to|nope|skip|drop|kill|cancel|bin|scrap|ditch|nix"
        return Intent("reject", ids=ids, ref=None if ids else ref, reason=reason_in(original, words) or reason_in(t, words))
    if verb in ("approve", "edit_approve"):
        params = params_in(t, original)
        if params:
            return Intent("edit_approve", ids=ids, ref=None if ids else ref, params=params)
        return Intent("approve", ids=ids, ref=None if ids else (ref or Ref(focus=True)))
    if hedge and verb is None:
        return Intent("hold_back", ids=ids, ref=ref, text=original)
    return _reading(t, original, now, ids=ids, ref=ref, names=names) or Intent("unknown", ids=ids, ref=ref,
                                                                                text=original)


#: the operator's workflow templates as people name them (``server.durable.templates``)
WORKFLOWS: tuple[tuple[str, str], ...] = (
    ("weekly-seo-sweep", r"\b(?:weekly[- ])?seo[- ]sweep\b|\bweekly[- ](?:seo|sweep)\b"),
    ("restock-check", r"\brestock(?:ing)?[- ]check\b"),
    ("fraud-sweep", r"\bfraud[- ]sweep\b"),
    ("full-review", r"\bfull[- ]review\b"),
)
_ASKS = r"^(?:what|how|is|are|was|were|does|did|when|why|which|has|have|where)\b|\?$"


def _workflows_named(t: str) -> list[str]:
    """The templates a message names, in the order of ``WORKFLOWS``."""
    return [slug for slug, pattern in WORKFLOWS if has(pattern, t)]


def _workflow(t: str) -> Intent | None:
    """"start the weekly SEO sweep", "kick off a fraud sweep and a restock check" (one intent naming each);
    "how are my workflows going?" lists them. A question about one ("what does the fraud sweep do?") starts
    nothing: it is listed with what it does."""
    named = _workflows_named(t)
    asks = has(_ASKS, t.strip())
    if named and not asks and has(r"\b(start|run|kick(?:ing)? off|launch|trigger|begin|fire off|do|go ahead with"
                                  r"|let'?s do|set off|queue)\b", t):
        return Intent("workflow", text=",".join(named))
    if named or has(r"\bworkflows?\b|\bsweeps?\b", t):
        return Intent("workflows", text=",".join(named))
    return None


def _verb(t: str, ids: tuple[int, ...], ref: Ref | None) -> str | None:
    if has(r"\b(roll ?back|rollback|undo|revert|reverse|put (?:it|that|them) back|roll (?:it|that|them|this) back"
            r"|change (?:it|that) back|go back to the old)\b(?! plan)", t):
        return "rollback"
    if has(r"\b(snooze|postpone|defer|park|remind me|come back to|revisit|set aside|tomorrow|next week"
            r"|on monday|till|until|push (?:it|that|them|this)?\s*(?:back )?(?:to|till|until)|push back)\b", t) and (
            ids or ref) and not has(r"\bwhy\b|\bwhat\b", t):
        return "snooze"
    if has(r"\b(reject|rejected|decline|deny|veto|turn down|no to|nope|not approved|skip|say no|bin|drop|kill"
            r"|cancel|scrap|ditch|nix|get rid of|remove|chuck|toss|pass on)\b", t) and (ids or ref) or re.match(r"^no\b[, ]+(?:to )?#?\d", t):
        return "reject"
    if has(r"\bmark(?:ed)? (?:it |that |this |#?\d+ )?(?:as )?(?:handled|done|resolved|dealt with)\b"
            r"|\b(?:is|are) (?:handled|resolved|dealt with)\b|\bdone with\b|\bclose (?:the )?(?:request|ticket)\b", t):
        return "approve"  # a customer's request marked handled: the operator's decision on that inbox item
    if has(r"\b(approve|approved|go ahead|green ?light|ship it|ship|do it|sign off|lgtm|accept|execute|make it so"
            r"|proceed|yes to|ok to|okay to|let'?s do|push|run with|go with|yes|yep|sure|crack on(?: with)?|go for it"
            r"|greenlight)\b", t):
        return "approve"
    if params_in(t, t) and has(r"\b(change|set|make|edit|update|lower|raise|reduce|increase|bump|cut)\b", t) and (ids or ref):
        return "edit_approve"
    if has(r"\b(why|explain|tell me (?:more )?about|more about|details?|show|open|see|view|what (?:is|was|does)"
            r"|what's|evidence|rollback plan|how (?:did you|do you know|sure|confident)|what happens if)\b", t) and (
            ids or (ref and (ref.focus or ref.words or ref.position or ref.agent or ref.kind))):
        return "explain"
    return None


def _reading(t: str, original: str, now: datetime, *, ids: tuple[int, ...] = (),
             ref: Ref | None = None, names: frozenset[str] | None = None) -> Intent | None:
    ref = ref if ref is not None else ref_in(t, names=names)
    if has(r"\b(why|explain|tell me (?:more )?about|more about|details?|what (?:is|was|does) #?\d|what's #?\d"
            r"|evidence|rollback plan|how (?:did you|do you know|sure|confident)|what happens if|open|view)\b", t) and (
            ids or (ref and (ref.focus or ref.words or ref.position or ((ref.agent or ref.kind) and not ref.every)))):
        return Intent("explain", ids=ids, ref=None if ids else ref)
    if has(r"\b(verify|check|is|validate)\b.*\baudit\b|\btamper|\bintegrity\b", t):
        return Intent("audit_verify")
    if has(r"\bhandoffs?\b|who talked to whom|\btransfers?\b between", t):
        return Intent("handoffs")
    data = _data_question(t)
    if data is not None:
        return replace(data, text=original)
    if has(r"\baudit\b|\bactivity\b|recent events|\bhistory\b|\blog\b", t):
        return Intent("audit_digest", text=original)
    m = re.search(r"\brun\s+#?(\d+)\b", t)
    if m or has(r"\b(runs|last run|recent runs|run status|status of (?:the )?run|how did (?:the )?(?:last )?run)\b", t):
        return Intent("run_status", run_id=int(m.group(1)) if m else None)
    workflow = _workflow(t)
    if workflow is not None:
        return workflow
    if has(r"\b(run|ask|have|get|tell|delegate|send|put|start|kick off|trigger)\b.*\b(all|every|each)\b.*"
            r"\b(agents?|specialists?|analys[ie]s|checks?)\b|\brun everything\b|\bfull (?:analysis|sweep|scan)\b"
            r"|\brun (?:the )?(?:specialists|agents)\b", t):
        return Intent("run_all")
    agent = agent_in(t)
    if agent is None and has(r"\b(?:stock levels?|reorders?|markdowns?)\b", t) and has(r"\b(check|look|review|scan)\b", t):
        agent = "inventory"
    if agent is None and has(r"\btitles?\b|\bseo\b", t) and has(r"\b(check|look|review|scan|audit)\b", t):
        agent = "content"
    addressed = has(r"\b(agent|specialist|analyst)\b", t) or has(
        r"^(?:please |pls |can you |could you |ok |so |now )?(?:run|ask|have|get|tell|delegate|send|start|kick off"
        r"|trigger|look|check|analy[sz]e|investigate|audit|review|scan|find|dig|refresh|rerun|re-run)\b", t)
    if agent and addressed and has(r"\b(run|ask|have|get|tell|delegate|send|start|kick off|trigger|look (?:at|into)"
                                    r"|check|analy[sz]e|investigate|audit|review|scan|find|dig into|refresh|rerun"
                                    r"|re-run)\b", t) and not has(
            r"\b(show|list|pending|waiting)\b.*\b(ones?|actions?|proposals?)\b", t):
        task = re.sub(r"(?i)^(?:please |can you |could you )?(?:run|ask|have|get|tell|delegate to|send|start|kick off"
                      r"|trigger)\s+(?:the\s+)?(?:\w+\s+)?(?:agent|specialist)?\s*(?:to\s+)?", "", original).strip()
        return Intent("delegate", agent=agent, task=task or original)
    if has(r"what should i (?:do|focus|look at)|\btoday\b|briefing|good morning|morning|summary|overview|what'?s up"
            r"|where do (?:we|i) stand|anything (?:urgent|new|important)|catch me up|what'?s new|what needs (?:my )?attention"
            r"|what'?s (?:on|in) (?:my )?(?:plate|agenda)", t):
        return Intent("briefing")
    if has(r"\b(performance|performing|track record|approval rate|hit rate|how (?:well|good) (?:is|are|has|have)"
            r"|accuracy)\b", t):
        return Intent("performance", agent=agent)
    status = _status_in(t)
    if has(r"\b(show|list|what are|what's|what is|give me|see|display|pull up|any)\b|\bqueue\b|\binbox\b|"
            r"\bwhat (?:got|was|were|has been|have been)\b.*\b(?:rejected|executed|approved|done|snoozed|expired"
            r"|failed)\b|needs? my (?:approval|ok|sign[- ]off)|waiting (?:on|for) me|\bpending\b|\bproposals?\b|\bactions\b"
            r"|\bones\b", t):
        m = re.search(r"\b(?:top|first|last)\s+(\d+)\b|\b(\d+)\s+(?:actions|ones|items)\b", t)
        limit = int(next(g for g in m.groups() if g)) if m else None
        if ids and not ref:
            return Intent("explain", ids=ids)
        if ref is not None and (ref.focus or ref.words) and not (ref.kind or ref.agent or ref.risk or ref.every):
            return Intent("explain", ref=ref)
        return Intent("list", ref=ref, limit=limit,
                      status="all" if has(r"\b(all statuses|everything ever|history)\b", t) else status)
    if has(r"\bstatus\b|how are things|are we (?:live|running|ok)|health", t):
        return Intent("status")
    if ids:
        return Intent("explain", ids=ids)
    if ref is not None and (ref.words or ref.both or ref.position) and len(t.split()) <= 6:
        return Intent("explain", ref=ref, text=original)
    if has(r"^(hi|hello|hey|hiya|yo|good (?:afternoon|evening))\b", t):
        return Intent("greeting")
    if has(r"\b(thanks|thank you|cheers|great|perfect|nice|awesome|appreciate)\b", t):
        return Intent("ack")
    if has(r"\b(help|what can you do|how do i|how does this work|commands|options)\b", t):
        return Intent("help")
    if has(r"\brules?\b|\bpreferences\b", t):
        return Intent("list_rules")
    return None
