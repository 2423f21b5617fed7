"""What a clause that changes nothing asks for: questions about state and data, lists, explanations,
delegation to an agent, the operator's workflows. ``question`` reads a clause phrased as a question;
``reading`` is the fallback for any clause without a write verb. Pure, like ``intents``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from graphs.language.intent import Intent
from graphs.language.data_questions import NO_DATA, ON_ORDER, data_question, stock_question
from graphs.language.slots import STATUS_WORDS, Ref, agent_in, has, ids_in, kind_in, ref_in


#: "what's left", "show me the rest", "what else is waiting": the queue that still waits
_REST = re.compile(r"\bwhat(?:'s| is| remains)? (?:still )?left\b|\b(?:show|list|give) (?:me )?the rest\b|^the rest\b"
                   r"|\bwhat else (?:is (?:there|waiting|pending|left)|do i have|needs|have (?:you|we) got)\b"
                   r"|\bwhat remains\b|\banything else (?:waiting|pending|left|for me)\b")


#: "what happened to 9", "did 9 go through?", "has 12 been approved?": one action's state, not the store's log
_ONE_STATE = re.compile(r"\bwhat (?:happened|is happening|'?s happening) (?:to|with) #?(\d{1,6})\b"
                        # "what state is 6 in now", "where is 12 at", "status of 9"
                        r"|\bwhat (?:state|status) (?:is|'?s) #?(\d{1,6})\b|\bwhere(?:'s| is) #?(\d{1,6}) (?:at|now|up to)\b"
                        r"|\bstatus (?:of|on) #?(\d{1,6})\b"
                        # "how long has 8 been waiting?", "when does 8 expire", "when was 12 proposed"
                        r"|\bhow long (?:has|have|is|was) #?(\d{1,6}) (?:be+n |bin )?(?:waiting|pending|sitting|there|in (?:the|my) "
                        r"(?:queue|inbox)|open|left)\b|\bhow long (?:does|do) #?(\d{1,6}) (?:have|last)\b"
                        r"|\bwhen (?:does|will|did) #?(\d{1,6}) (?:expire|run out|time out|lapse)\b"
                        r"|\bwhen (?:was|did) #?(\d{1,6}) (?:proposed|created|come in|came in|arrive|arrived|added|raised"
                        r"|show up|get proposed)\b"
                        # "whats 2 about", "what is #12 about?"
                        r"|^(?:so )?what(?:'?s| is)? #?(\d{1,6}) (?:about|for)\b"
                        r"|^(?:did|has|have|is|was) #?(\d{1,6}) (?:go|gone|get|got|been|run|ran|execute|executed"
                        r"|work|worked|finish|finished|happen|happened|go live|land|landed)\b")


#: "why?", "what's the catch?", "what could go wrong?", "what happens if I say yes?": a question about the action
#: in view (the one just shown or asked about), answered by its explanation (evidence, risk, rollback)
_ABOUT_IT = re.compile(r"^(?:(?:and|so|ok|okay|but|hmm+|wait|sorry|um+)[, ]+)*(?:why(?: (?:is|was) that| so| that one)?"
                       r"|how come|what(?:'s| is| are|s)? the (?:risks?|catch|downsides?|upsides?|point|reason|evidence)"
                       r"|(?:tell me |explain |so )*why (?:should|would|must|do) (?:i|we) (?:approve|reject|hold|snooze"
                       r"|do|accept|release|undo) (?:it|that|this|them)"
                       r"|what (?:could|can|might) go wrong|(?:is there |are there )?any (?:risks?|downsides?|catch)"
                       r"|what (?:happens|(?:would|will) happen) if (?:i|we|you) (?:say yes|said yes|say no|said no"
                       r"|approved?|do|did|go ahead|went ahead|accept(?:ed)?|agreed?|don'?t|didn'?t|reject(?:ed)?)"
                       r"|what (?:does|would|will) (?:a )?(?:yes|no) do"
                       r"\b.*|is (?:it|that|this) (?:safe|worth it|risky|reversible|a good idea)"
                       r"|how much (?:is (?:it|that|this) worth|would (?:it|that|this) (?:make|earn|bring in|cost))"
                       r"|can (?:i|we|you) (?:undo|reverse|roll back) (?:it|that|this)(?: later)?"
                       r"|how long (?:has|have|is|was) (?:it|that|this|that one|this one|they) (?:been )?(?:waiting|pending"
                       r"|sitting(?: there)?|in (?:the|my) (?:queue|inbox))|when (?:does|will|did) (?:it|that|this|that one)"
                       r" (?:expire|run out|time out|lapse)"
                       # "how many units was that again?", "what was the discount again?": a figure of the one in view
                       r"|how many (?:units|pieces|items)(?: (?:was|is|were|are|did you say)(?: (?:that|it|in it|in that"
                       r"|for it))?)?(?: again)?|what(?:'s| is| was) the (?:quantity|discount|price|new title|title|supplier"
                       r"|unit cost)(?: again| on (?:it|that|this))?)"
                       r"(?: (?:on|for|with|of|in|to) (?:#?(\d{1,6})|(?:holding|approving|rejecting|doing|it|that|this"
                       r"|them)(?: (?:it|that|this|them))?))?[?!. ]*$")


#: "how long has the mug reorder been waiting?", "when does the alpaca one expire": one action's timing, by name
_HOW_LONG = re.compile(r"^(?:and |so )?(?:how long (?:has|have|is|was) (.+?) (?:been )?(?:waiting|pending|sitting(?: there)?"
                       r"|in (?:the|my) (?:queue|inbox))|when (?:does|will|did) (.+?) (?:expire|run out|time out|lapse))"
                       r"[?!. ]*$")


def question(t: str, original: str, now: datetime, names: frozenset[str] | None) -> Intent:
    """A question reads state; it never changes it."""
    if _REST.search(t):
        return Intent("list", status="pending")
    state = agent_state(t) if not ids_in(t) else None
    if state is not None:
        return state
    about = _ABOUT_IT.match(t)
    if about:
        named = ref_in(t, names=names) if names is not None and not about.group(1) else None
        if named is not None and (named.words or named.kind) and not named.focus:
            # "what happens if i dont reorder the mugs?": the action it names, not the one in view
            return Intent("explain", ref=named)
        return Intent("explain", ids=(int(about.group(1)),) if about.group(1) else (),
                      ref=None if about.group(1) else Ref(focus=True))
    one = _ONE_STATE.search(t)
    if one:
        return Intent("explain", ids=(int(next(g for g in one.groups() if g)),))
    long = _HOW_LONG.match(t)
    if long:
        named = ref_in(long.group(1) or long.group(2), names=names)
        if named is not None and (named.words or named.kind):
            return Intent("explain", ref=named)
    ids = ids_in(t)
    if not ids and _EARNED.search(t):
        return Intent("outcomes")  # "how much have the agents made me this month": what executed work earned
    named = workflows_named(t)
    if named or has(r"\bworkflows?\b", t):
        return Intent("workflows", text=",".join(named))
    if has(r"kill ?switch|stopped|halted|frozen|paused|\bpause\b", t):
        return Intent("status", text=original)
    if has(r"autonom|supervis|autopilot|\bmode\b|\blevel\b|on (?:its|their|your) own|by (?:it|them|your)sel(?:f|ves)"
           r"|auto[- ]?approv|without (?:me|my (?:ok|okay|approval))", t):
        return Intent("status", text=original)  # "is anything running on its own?"
    if has(r"\bhave i (?:approved|done|rejected|snoozed)|\b(?:approved|executed|done|rejected) so far\b"
            r"|what (?:did|have) i (?:approve|reject|snooze)"
            r"|\b(?:what|which)(?: ones?| actions?)? (?:i|we) (?:have |had |just |already )?(?:approved|rejected|snoozed"
            r"|declined?|turned down)\b", t):
        status = ("rejected" if has(r"reject|declin|turned down", t) else "snoozed" if "snooze" in t
                  else "executed,approved,auto_approved")
        return Intent("list", status=status, ref=ref_in(t, names=names))
    if has(r"which (?:one'?s|one is|is) (?:first|top|best)|what'?s (?:first|top)|top one\b", t) and not has(
            r"\bwhy\b|explain", t):
        return Intent("list", ref=Ref(position=1), limit=1)
    if has(r"\b(performance|performing|track record|approval rate|hit rate|how (?:well|good) (?:is|are|has|have)"
            r"|accuracy)\b", t):
        return Intent("performance", agent=agent_in(t))
    found = _FOUND.search(t)
    if found:  # "what did it find", "what did the inventory agent come up with": the last run, what it found
        return Intent("run_status", limit=1, agent=agent_in(found.group(1) or ""))
    m = re.search(r"\brun\s+#?(\d+)\b", t)
    if m or has(r"\b(runs|last run|recent runs|run status|status of (?:the )?run|how did (?:the )?(?:last )?run)\b", t):
        return Intent("run_status", run_id=int(m.group(1)) if m else None,
                      limit=1 if has(r"\b(?:the )?last run\b(?!s)", t) else None)  # "how did the last run go"
    if has(r"\b(verify|check|is|validate)\b.*\baudit\b|\btamper|\bintegrity\b", t):
        return Intent("audit_verify")
    if has(r"\bhow many\b", t) and not data_question(t):
        return Intent("list", ref=ref_in(t, names=names), status=status_in(t))
    if has(r"\brules?\b|preferences|standing", t):
        return Intent("list_rules")
    data = data_question(t)
    if data is not None:
        return replace(data, text=original)
    if ids or ref_in(t, names=names):
        ref = None if ids else ref_in(t, names=names)
        if ref is not None and ref.order and not ref.focus:
            return _superlative(ref)
        if ref is not None and not (ref.focus or ref.words or ref.position or ref.count) and (ref.kind or ref.agent
                                                                                             or ref.risk):
            return Intent("list", ref=ref, status=status_in(t))
        return _named_list(ref, t) or Intent("explain", ids=ids, ref=ref)
    return reading(t, original, now, names=names) or Intent("unknown", text=original)


#: a question about what the last run found
_FOUND = re.compile(r"\bwhat (?:did|has|have) (?:it|they|you|the run|the last run|the (\w+)(?: agent| specialist)?)"
                    r" (?:just )?(?:find|found|come up with|came up with|turn up|turned up|discover(?:ed)?|spot(?:ted)?)\b")


#: a question about what the engine's work has earned so far (not what one action may earn)
_EARNED = re.compile(r"\b(?:agents?|you|they|the engine)\s+(?:\w+\s+){0,2}?(?:made|make|earned|earn|brought in|bring in"
                     r"|saved|save)\s+(?:me |us |the store |the shop )?(?:any )?(?:money|profit|revenue|sales)\b"
                     r"|\bhow much (?:money |profit )?(?:have|has|did) (?:you|the agents?|they|the engine) (?:\w+ )?(?:made"
                     r"|make|earned|earn|brought in|bring in|saved|save)\b"
                     r"|\bwhat (?:have|did|has) (?:the agents?|you|they|the engine) (?:made|earned|earn|brought in)\b"
                     r"|\b(?:is|are) (?:it|this|the engine|the agents?|you) (?:paying off|worth it|making (?:me |us )?money)\b")


def _named_list(ref: Ref | None, t: str) -> Intent | None:
    """"whats waiting from loom and hearth?", "show me the alpaca stuff": what the name fits, listed (one or
    many), never explained as if it were one action."""
    if ref is not None and ref.words and not ref.focus and has(r"\b(?:waiting|pending|from|stuff|anything"
                                                             r"|everything)\b", t):
        return Intent("list", ref=replace(ref, every=True), status=status_in(t))
    return None


def status_in(t: str) -> str | None:
    found = next((k for k in STATUS_WORDS if re.search(r"\b" + k + r"\b", t)), None)
    if found in ("on hold", "held") and kind_in(t) not in (None, "risk.hold_order"):
        return None  # "which reorders are on hold?": not the order holds in force
    return STATUS_WORDS[found] if found else None


#: the operator's workflow templates as people name them (``server.durable.templates``)
WORKFLOWS: tuple[tuple[str, str], ...] = (
    ("weekly-seo-sweep", r"\b(?:weekly[- ])?seo[- ]sweep\b|\bweekly[- ](?:seo|sweep)\b"),
    ("restock-check", r"\brestock(?:ing)?[- ]check\b"),
    ("fraud-sweep", r"\bfraud[- ]sweep\b"),
    ("full-review", r"\bfull[- ]review\b"),
)
_ASKS = r"^(?:what|how|is|are|was|were|does|did|when|why|which|has|have|where)\b|\?$"


def workflows_named(t: str) -> list[str]:
    """The templates a message names, in the order of ``WORKFLOWS``."""
    return [slug for slug, pattern in WORKFLOWS if has(pattern, t)]


def workflow_intent(t: str) -> Intent | None:
    """"start the weekly SEO sweep", "kick off a fraud sweep and a restock check" (one intent naming each);
    "how are my workflows going?" lists them. A question about one ("what does the fraud sweep do?") starts
    nothing: it is listed with what it does."""
    named = workflows_named(t)
    asks = has(_ASKS, t.strip())
    if named and not asks and has(r"\b(start|run|kick(?:ing)? off|launch|trigger|begin|fire off|do|go ahead with"
                                  r"|let'?s do|set off|queue)\b", t):
        return Intent("workflow", text=",".join(named))
    if named or has(r"\bworkflows?\b|\bsweeps?\b", t):
        return Intent("workflows", text=",".join(named))
    return None


#: "is the content agent on?", "are all agents running?", "which agents are off?": whether the specialists are
#: switched on and ready, not what they proposed
_STATE_WORD = (r"(?:on|enabled|running|active|working|off|disabled|paused|ready|live|switched (?:on|off)"
               r"|turned (?:on|off)|up)")
#: the state word ends the question ("is the content agent on?", "… on right now"): "on autopilot" is autonomy
_STATE_END = r"(?=\s*(?:$|[?.!,;]|(?:right )?now\b|at the moment\b|yet\b|today\b|or (?:not|off|on)\b))"
_AGENT_STATE = re.compile(
    r"\b(?:is|are|isn'?t|aren'?t)\s+(?:the\s+|my\s+|our\s+|all\s+(?:the\s+|my\s+|our\s+)?|any\s+(?:of\s+)?"
    r"(?:the\s+|my\s+)?)?(?:(?P<a>[\w-]+)\s+)?(?:agents?|specialists?)\s+(?:(?:still|currently|actually|all)\s+)?"
    + _STATE_WORD + _STATE_END +
    r"|\bwhich (?:agents?|specialists?) (?:are|is) (?:(?:still|currently) )?" + _STATE_WORD + _STATE_END +
    r"|\bagents?(?:'s?)? status\b|\bstatus of (?:the |my |our )?(?:(?P<b>[\w-]+) )?agents?\b")


def agent_state(t: str) -> Intent | None:
    m = _AGENT_STATE.search(t)
    if m is None:
        return None
    word = m["a"] or m["b"]
    return Intent("agent_state", agent=agent_in(word) or agent_in(f"{word} agent") if word else None)


def _superlative(ref: Ref) -> Intent:
    """"what's the riskiest one?": that one explained (or asked which, if several share the top);
    "the riskiest ones", "the 3 biggest": a list in that order."""
    return Intent("explain", ref=ref) if ref.position else Intent("list", ref=ref, limit=ref.count)


def reading(t: str, original: str, now: datetime, *, ids: tuple[int, ...] = (),
            ref: Ref | None = None, names: frozenset[str] | None = None) -> Intent | None:
    if _REST.search(t) and not ids:
        return Intent("list", status="pending")
    if ON_ORDER.search(t) or NO_DATA.search(t) or stock_question(t):
        return data_question(t)
    ref = ref if ref is not None else ref_in(t, names=names)
    if ref is not None and ref.order and not ids and not ref.focus:
        return _superlative(ref)
    if has(r"\b(why|explain|tell me (?:more )?about|more about|details?|what (?:is|was|does) #?\d|what's #?\d"
            r"|evidence|rollback plan|how (?:did you|do you know|sure|confident)|what happens if|open|view"
            r"|compare|worst case|(?:goes|go|went) wrong|backfires?)\b", t) and (
            ids or (ref and (ref.focus or ref.words or ref.position or ref.count
                             or ((ref.agent or ref.kind) and not ref.every)))):
        return Intent("explain", ids=ids, ref=None if ids else ref)
    if has(r"\b(verify|check|is|validate)\b.*\baudit\b|\btamper|\bintegrity\b", t):
        return Intent("audit_verify")
    if has(r"\bhandoffs?\b|who talked to whom|\btransfers?\b between", t):
        return Intent("handoffs")
    data = data_question(t)
    if data is not None:
        return replace(data, text=original)
    if has(r"\baudit\b|\bactivity\b|recent events|\bhistory\b|\blog\b", t):
        return Intent("audit_digest", text=original)
    found = _FOUND.search(t)
    if found:  # "what did it find", "what did the inventory agent come up with": the last run, what it found
        return Intent("run_status", limit=1, agent=agent_in(found.group(1) or ""))
    m = re.search(r"\brun\s+#?(\d+)\b", t)
    if m or has(r"\b(runs|last run|recent runs|run status|status of (?:the )?run|how did (?:the )?(?:last )?run)\b", t):
        return Intent("run_status", run_id=int(m.group(1)) if m else None,
                      limit=1 if has(r"\b(?:the )?last run\b(?!s)", t) else None)  # "how did the last run go"
    workflow = workflow_intent(t)
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
    # "morning", "today?" alone ask for the day's briefing; "this morning i checked 12 …" only tells a story
    if (len(t.split()) <= 4 and has(r"\btoday\b|\bmorning\b", t)) or has(
            r"what should i (?:do|focus|look at)|briefing|summary|overview|what'?s up"
            r"|\b(?:what|whats|anything)\b.*\btoday\b"
            r"|where do (?:we|i) stand|anything (?:urgent|new|important)|most urgent|catch me up|what'?s new|what needs (?:my )?attention"
            r"|anything (?:i|we) (?:should|need to|must) (?:worry|know|look at|care|be worried)|should i (?:be )?worr(?:y|ied)"
            r"|what'?s (?:on|in) (?:my )?(?:plate|agenda)"
            # "what would you do first?", "which one should I do first", "where do I start"
            r"|what (?:would|should|do) (?:you|i|we) do first|which (?:one |action )?(?:should|do) (?:i|we) (?:do|start with"
            r"|look at|tackle) first|where (?:should|do|shall) (?:i|we) start|what first\b"
            # "yes. whats next?", "ok what now": where to go on from
            r"|^(?:(?:so|ok|okay|and|right|then)[ ,]+)*(?:what'?s|whats|what is|what comes|what) next\b|^(?:(?:so|ok|okay|and"
            r"|right)[ ,]+)*what now\b", t):
        return Intent("briefing")
    if has(r"\b(performance|performing|track record|approval rate|hit rate|how (?:well|good) (?:is|are|has|have)"
            r"|accuracy)\b", t):
        return Intent("performance", agent=agent)
    if not ids and has(r"\b(?:rules?|preferences?)\b", t):
        return Intent("list_rules")  # "show my rules": what the operator set, not an action by the name "rules"
    status = status_in(t)
    named = None if ids else _named_list(ref, t)
    if named is not None:
        return named
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
    if has(r"^(hi|hello|hey|hiya|yo|good (?:afternoon|evening))\b|^(?:are )?(?:you|u) (?:there|around|awake|up)\b"
           r"|^(?:anyone|anybody) (?:there|home)\b", t):
        return Intent("greeting")
    if has(r"\b(thanks|thank you|cheers|great|perfect|nice|awesome|appreciate)\b", t):
        return Intent("ack")
    if has(r"\b(help|what can you do|how do i|how does this work|commands|options)\b", t):
        return Intent("help")
    if has(r"\brules?\b|\bpreferences\b", t):
        return Intent("list_rules")
    return None
