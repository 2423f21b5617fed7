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
from functools import lru_cache
from datetime import datetime
from typing import Any

from graphs.language.dates import parse_when
from graphs.language.normalize import normalize
from graphs.language.words import word_matches

SPECIALIST_WORDS: dict[str, tuple[str, ...]] = {
    "analytics": ("analytics", "analyst", "analysis", "data agent", "conversion agent", "ga4"),
    "inventory": ("inventory", "stock", "supply", "warehouse", "purchasing", "merchandis"),
    "content": ("content", "seo", "copywrit", "search console", "site speed", "page speed"),
    "risk": ("risk agent", "risk specialist", "fraud", "compliance", "chargeback", "suspicious"),
}
KIND_WORDS: dict[str, str] = {
    "price change": "pricing.adjust", "pricing": "pricing.adjust", "reorder": "inventory.reorder",
    "restock": "inventory.reorder", "purchase order": "inventory.reorder", "po": "inventory.reorder",
    "markdown": "inventory.markdown", "mark down": "inventory.markdown", "discount": "inventory.markdown",
    "title rewrite": "content.rewrite_title", "title change": "content.rewrite_title",
    "title": "content.rewrite_title", "seo title": "content.rewrite_title",
    "meta description": "content.rewrite_meta_description", "description": "content.rewrite_meta_description",
    "meta": "content.rewrite_meta_description", "internal link": "content.add_internal_links",
    "link": "content.add_internal_links", "landing page": "content.create_landing_page",
    "new page": "content.create_landing_page", "repair": "perf.repair_page", "fix": "perf.repair_page",
    "fraud hold": "risk.hold_order", "hold": "risk.hold_order", "order hold": "risk.hold_order",
    "release": "risk.release_order", "escalation": "support.escalation", "customer request": "support.escalation",
    "email": "email.send", "investigation": "analytics.investigate", "investigate": "analytics.investigate",
}
STATUS_WORDS = {"executed": "executed", "done": "executed", "rejected": "rejected", "failed": "failed",
                "snoozed": "snoozed", "expired": "expired", "approved": "approved", "rolled back": "rolled_back",
                "pending": "pending", "waiting": "pending"}
ORDINALS = {"first": 1, "top": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "fifth": 5, "5th": 5, "last": -1, "bottom": -1}

#: words that are never part of a name reference
_FILLER = frozenset("""
a an the this that these those it its them they their one ones both all every each everything any anything
action actions item items proposal proposals thing things stuff one's please pls ok okay yes yeah yep sure
approve approved reject rejected decline snooze postpone park explain show list me my i we us our you your
and or but with for from by to of on in at about as is are was were be been do does did done go ahead
just now then also too too, also only really actually first second third fourth fifth last top next
low medium high critical risk risky tier agent agent's agents specialist one, what which why how who
can could would should will shall let lets let's pending waiting queue new old current latest
page pages product products for item, up out off over more less some other another same
why's what's it's that's let's i'd i'll i'm we're you're there here than so very
don't dont not no maybe perhaps later yet never hmm hm um uh well still again instead
mark marked handled resolved dealt done
""".split())


@dataclass(frozen=True)
class Ref:
    """A reference to actions by description rather than by id."""

    agent: str | None = None
    risk: str | None = None
    kind: str | None = None
    #: 1-based place in the list it refers to; -1 is the last
    position: int | None = None
    #: "the top two", "first three": how many from the top
    count: int | None = None
    every: bool = False
    #: "it", "that one", "both", "them": what the conversation last showed
    focus: bool = False
    #: "both" needs exactly two
    both: bool = False
    #: "them", "those", "these": several of what was shown
    several: bool = False
    #: content words of a name ("linen tote", "wick studio", "#9459")
    words: tuple[str, ...] = ()
    #: the same words in groups when several names are joined ("the rowan meta and the dune refund")
    groups: tuple[tuple[str, ...], ...] = ()
    #: several places at once ("the 3rd and the 5th")
    places: tuple[int, ...] = ()
    #: the noun is plural ("the refund investigations"): every action the name fits
    plural: bool = False

    @property
    def by_name(self) -> bool:
        return bool(self.words)


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


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


def _agent_in(text: str) -> str | None:
    for agent, words in SPECIALIST_WORDS.items():
        if any(re.search(r"\b" + re.escape(w), text) for w in words):
            return agent
    if re.search(r"\brisk\b(?!y|s\b)(?!-)", text) and not re.search(r"(low|medium|high|critical)[- ]risk", text):
        return "risk"
    return None


def _risk_in(text: str) -> str | None:
    m = re.search(r"\b(low|medium|high|critical)(?:[- ]risk)?\b", text)
    if m and (("risk" in text) or re.search(r"\b(low|medium|high|critical)[- ]?(?:tier|ones?|actions?|stuff)\b", text)
              or m.group(1) == "critical"):
        return m.group(1)
    return None


_KIND_RE = [(re.compile(r"\b" + re.escape(w) + r"(?:s|es)?\b"), k)
            for w, k in sorted(KIND_WORDS.items(), key=lambda kv: -len(kv[0]))]


def _kind_in(text: str) -> str | None:
    for pattern, kind in _KIND_RE:
        if pattern.search(text):
            return kind
    return None


def _plural(text: str) -> bool:
    """Does the reference speak of several ("the markdowns", "the content ones", "those")?"""
    if _has(r"\bones\b|\bactions\b|\bproposals\b|\bitems\b|\bstuff\b", text):
        return True
    for pattern, _ in _KIND_RE:
        m = pattern.search(text)
        if m:
            return m.group(0).endswith("s") and not m.group(0).endswith("ss")
    return False


# numbers that are not action ids: money, percentages, durations, quantities, dates, "top 5", order names
_NOT_IDS = re.compile(
    r"(?:[$€£]\s*\d[\d,.]*|\d[\d,.]*\s*(?:%|percent|dollars|euros|pounds|usd|eur|gbp)\b"
    r"|\b(?:in|for)\s+\d+\s+(?:minute|min|hour|hr|day|week|month)s?\b|\d{4}-\d{2}-\d{2}"
    r"|\b\d+\s*(?:units?|pcs|pieces|items? of|days?|weeks?|hours?|x\b)|\b(?:top|first|last|bottom)\s+\d+\b"
    r"|\bquantity\s+(?:to\s+|of\s+)?\d+|\border\s+#?\s?\d+|\bnw-\d+(?:-\d+)?"
    r"|\bprice\s+(?:to\s+|at\s+|=\s*)?\d[\d,.]*|\bpriced\s+(?:at\s+)?\d[\d,.]*|\brun\s+#?\d+"
    r"|\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b\d+(?:st|nd|rd|th)\b|\b\d+\s*(?:oz|in|cm|mm|kg|g)\b"
    r"|\b(?:all|the|these|those|both|my|next|other|bottom)\s+\d+\b|\b(?:instead of|rather than)\s+\d+"
    r"|\b(?:number|no\.?|#)\s*\d+\s+(?:on|in) (?:the|my) (?:list|queue))")
#: with an amount in the clause, "not 64" and "from 25" are the old amount, not an action
_OLD_AMOUNT = re.compile(r"\b(?:not|from|was|of)\s+\d+(?:\.\d+)?\b")
_PRICE_AMOUNTS = re.compile(r"\b(?:to|at)\s+\d[\d,.]*")
_ID_LEAD = (r"approve|reject|decline|snooze|explain|undo|revert|roll ?back|rollback|action|actions|item|items|number"
            r"|numbers|no to|ok|okay|yes to|details on|about|why is|why was|on|and|skip|postpone|defer|park|deny|veto"
            r"|accept|execute|do|show me|show|light|of|is|was|what's|what is|both|also|plus|with|for|about|remind me"
            r"|see|open|view|check|confirm|drop|kill|cancel|but|not|except|lgtm|then|mark|marked|with")


def _ids(text: str) -> tuple[int, ...]:
    scrubbed = _NOT_IDS.sub(" ", text)
    if "price" in text:
        scrubbed = _PRICE_AMOUNTS.sub(" ", scrubbed)
    if re.search(r"%|\bpercent\b|\bunits?\b|\bpcs\b|\boff\b|\$", text):
        scrubbed = _OLD_AMOUNT.sub(" ", scrubbed)
    found: list[int] = [int(n) for n in re.findall(r"#\s?(\d{1,9})\b", scrubbed)]
    for m in re.finditer(r"\b(?:" + _ID_LEAD + r")\s+((?:\d{1,9}(?:\s*(?:,|and|&|\+|-|to|or)\s*|\s+))*\d{1,9})\b",
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
    if not found:
        # "13 looks good": a number opening the clause is an action's number
        opening = re.match(r"\s*#?(\d{1,6})\b(?![\d.,%])(?!\s*(?:units?|days?|x\b|percent))", scrubbed)
        if opening:
            found.append(int(opening.group(1)))
    out: list[int] = []
    for n in found:
        if n not in out and n > 0:
            out.append(n)
    return tuple(out)


_VERB_WORDS = frozenset("""
approve reject decline snooze postpone explain undo revert rollback roll back show list execute do green light
ship sign lgtm accept veto deny skip park remind hold release run ask tell have get make change set edit update
lower raise reduce increase approve, okay mark bump cut drop
""".split())


def _name_words(text: str, names: frozenset[str] | None = None) -> tuple[tuple[str, ...], ...]:
    """Content words that may name a product, page, vendor or order, in groups ("the X and the Y").

    With ``names`` (every word the queue's actions are known by), only words that fit one of
    them are kept: "give", "deal", "rn" are not names of anything in this store.
    """
    t = re.sub(r"\b(because|since|as|due to|reason|bc|cuz|cos|but make|but only|but at|with (?=\d|[$€£])|until|till"
               r"|for (?:a|\d)|instead)\b.*$|[,;:!?]\s.*$|\s[-—]\s.*$", "", text)
    groups = []
    for chunk in re.split(r"\band\b|&|\bplus\b|\bor\b", t):
        words = _chunk_words(chunk, names)
        if words:
            groups.append(words)
    return tuple(groups)


_KIND_PHRASES = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(KIND_WORDS, key=len, reverse=True)
                                                if " " in w) + r")(?:s|es)?\b|\border holds?\b")


def _chunk_words(t: str, names: frozenset[str] | None) -> tuple[str, ...]:
    t = _KIND_PHRASES.sub(" ", t)
    t = _NOT_IDS.sub(lambda m: " #" + re.sub(r"[^0-9]", "", m.group(0)) + " "
                     if m.group(0).startswith("order") else " ", t)
    words = []
    for w in re.findall(r"[a-z0-9#&]+(?:'[a-z]+)?", t):
        if w in _FILLER or w in _VERB_WORDS or w in STATUS_WORDS or re.fullmatch(r"\d{1,4}", w):
            continue
        if any(re.fullmatch(re.escape(k) + r"(?:s|es)?", w) for k in KIND_WORDS) or w in ("rewrite", "rewrites"):
            continue
        if w in ("#",) or w.startswith("#") and not re.fullmatch(r"#\d{4,}", w):
            continue
        w = w.lstrip("#") if not re.fullmatch(r"#\d{4,}", w) else w
        if names is not None and not word_matches(w, names) and not re.fullmatch(r"#\d{3,}", w):
            continue
        words.append(w)
    return tuple(words)


def _ref(text: str, *, names: frozenset[str] | None = None, with_names: bool = True) -> Ref | None:
    agent = None
    m = re.search(r"\b(?:from|by) the (\w+)(?: agent| specialist)?\b|\bthe (\w+) (?:agent|specialist)'?s?\b"
                  r"|\b(\w+) agent'?s?\b", text)
    if m:
        word = next(g for g in m.groups() if g)
        agent = _agent_in(word) or (word if word in SPECIALIST_WORDS else None)
    risk = _risk_in(text)
    kind = _kind_in(text)
    position = count = None
    m_place = re.search(r"\b(?:number|no\.?|#)\s*(\d+)\s+(?:on|in) (?:the|my) (?:list|queue)", text)
    m = re.search(r"\b(?:the )?(top|first|last|bottom|all)\s+(\d+)\b", text) or re.search(
        r"\bthe\s+(\d+)\b(?=\s+(?:\w+\s+)?(?:\w+s)\b)", text)
    if m:
        count = int(m.group(m.lastindex or 1))
        position = -1 if m.group(1) in ("last", "bottom") else None
    else:
        m = (re.search(r"\bthe (first|top|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|last|bottom)\b", text)
             or re.search(r"\b(first|top|second|third|fourth|fifth|last)(?= (?:one|action|item|proposal|on the list"
                          r"|in the queue|in line)\b)", text))
        if m:
            position = ORDINALS[m.group(1)]
    if m_place and not position and not count:
        position = int(m_place.group(1))
    places = tuple(ORDINALS[w] for w in re.findall(
        r"\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\b", text)) if position else ()
    if len(places) < 2:
        places = ()
    pronoun = _has(r"\b(it|that|this|that one|this one|them|those|these|the one|they)\b", text)
    several = _has(r"\b(them|those|these|they)\b", text)
    both = _has(r"\bboth\b", text)
    focus = both or pronoun
    groups = _name_words(text, names) if with_names else ()
    words = tuple(w for g in groups for w in g)
    if agent is None and re.search(r"\b(?:ones?|actions?|proposals?|everything|all|stuff|items?|whatever)\b", text):
        agent = _agent_in(text)
    if agent is None:
        agent = next((a for w in words for a in (_agent_in(w),) if a), None)
    if agent and words:
        groups = tuple(g2 for g2 in (tuple(w for w in g if _agent_in(w) != agent) for g in groups) if g2)
        words = tuple(w for g in groups for w in g)
    # "the markdowns" mean all of them; "the candle internal links" is one action with a plural noun
    every = (_has(r"\b(all|every|everything|each|whatever)\b", text) and not several) or (
        bool(kind or agent or risk) and _plural(text) and not (position or count) and not words)
    if not any((agent, risk, kind, position, count, every, focus, words)):
        return None
    return Ref(agent=agent, risk=risk, kind=kind, position=position, count=count, every=every, several=several,
               plural=_plural(text),
               focus=focus and not (every and not several) and not words and not position and not count, both=both,
               words=words, groups=groups if len(groups) > 1 else (), places=places)


def _reason(original: str, verb: str) -> str | None:
    m = re.search(r"(?i)\b(?:because|cause|coz|cuz|cos|bc|b/c|since|as|due to|reason:?)\s+(.+)$", original)
    if m:
        return m.group(1).strip(" .")
    m = re.search(r"(?i)(?:[,:;]|\s-\s|\s—\s|\s–\s)\s*(.+)$", original)
    if m and not re.fullmatch(r"(?i)[#\d\s,and&]+", m.group(1)):
        candidate = m.group(1).strip(" .")
        if not re.match(r"(?i)(?:and|or|then|please|thanks|thank you)\b", candidate) and len(candidate) > 3:
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
    if m and _has(r"\b(off|markdown|mark it down|discount|instead|only|but)\b", text):
        params["percent_off"] = float(m.group(1))
    m = (re.search(r"\bprice\b(?:\s+of\s+#?\d+)?\s*(?:to|at|=|:|of)?\s*[$€£]?\s*(\d+(?:[.,]\d{1,2})?)(?!\s*%)", text)
         or re.search(r"\b(?:priced|at|to)\s+[$€£]\s*(\d+(?:[.,]\d{1,2})?)", text)
         or re.search(r"\bat\s+(\d+[.,]\d{2})\b", text))
    if m:
        params["new_price"] = float(m.group(1).replace(",", "."))
    m = re.search(r"\b(\d+)\s*(?:units|pcs|pieces)\b|\bquantity\s+(?:to\s+|of\s+)?(\d+)\b|\border\s+(\d+)\s+instead\b"
                  r"|\bonly\s+(\d+)\b(?!\s*%)", text)
    if m:
        params["quantity"] = int(next(g for g in m.groups() if g))
    return params


def _level(text: str) -> str | None:
    if _has(r"semi|low[- ]risk (?:things |ones |actions |stuff )?(?:run|go|execute)|only low|low risk stuff", text):
        return "semi_autonomous"
    if _has(r"supervis|everything waits|ask me (?:for|before) (?:everything|anything)|manual|back to asking", text):
        return "supervised"
    if _has(r"fully autonomous|\bautonomous\b|autopilot|all but critical|run (?:it |things )?(?:all )?on (?:its|their) own",
            text):
        return "autonomous"
    return None


# --- reading the whole message ---------------------------------------------------------------------

_CLAUSE_VERBS = (r"approve|reject|decline|snooze|postpone|park|remind me|explain|show|list|undo|revert|roll ?back"
                 r"|rollback|go ahead|skip|veto|deny|ship|green ?light|lgtm|run|ask|hold off|forget|release")
_SPLIT = re.compile(r"\s*(?:;|:|\. |,? and then|,? then|,? and also|,? also|,? plus|,? and|,? but|,| - )\s+"
                    r"(?=(?:(?:please|pls|can you|could you|then|also|uh|um|yeah|so|and) )*(?:" + _CLAUSE_VERBS + r")\b)"
                    r"|\s*(?:,\s*and|,|;|\?| and| - )\s*(?:also,?\s+)?(?=(?:how|what|what's|whats|which|why|is|are|did"
                    r"|do|does|when)\b[^?]*\?)"
                    r"|(?<=\?)\s+(?=\w)")

_ACK = re.compile(r"^(?:(?:ok(?:ay)?|k|kk|cool|great|nice|thanks?|thank you|thx|ty|cheers|perfect|awesome|got it"
                  r"|too right|go on|crack on|all good|yeah nah|obviously not|of course not|fair|ha|haha|lol"
                  r"|sounds good|good|fine|alright|all right|sure|right|understood|noted|lovely|brilliant|ta"
                  r"|makes sense|i see|interesting|wow|neat|yes|yep|yeah|yup|ya|aye|confirm(?:ed)?|go ahead"
                  r"|do it|please do|go for it|proceed|absolutely|definitely|of course|correct|that's right"
                  r"|approved?|no|nope|nah|cancel|never ?mind|forget it|leave it|don'?t)"
                  r"[\s,.!:;)(-]*)+(?:[\U0001F300-\U0001FAFF\u2600-\u27BF]\s*)*$")
_YES = re.compile(r"^(?:(?:ok(?:ay)?|k|kk|yes|yess+|ye|yeh|yep|yeah|yup|ya|aye|too right|go on|go|crack on|sure|confirm(?:ed)?|go ahead|do it|please do"
                  r"|go for it|proceed|absolutely|definitely|of course|correct|that's right|approved?|sounds good"
                  r"|fine|alright|all right|great|perfect|thanks?|thank you|thx|cheers|lgtm|ship it|good|cool"
                  r"|right|yes please|please)[\s,.!:;)(-]*)+(?:[\U0001F300-\U0001FAFF\u2600-\u27BF]\s*)*$")
_NO = re.compile(r"^(?:(?:yeah nah|no|nope|nah|cancel|never ?mind|forget it|leave it|don'?t|do not|not now|no thanks"
                 r"|no thank you|abort|skip it|scratch that|not yet|obviously not|of course not|absolutely not"
                 r"|definitely not|no way|not really|hell no|all good|i'?m good)[\s,.!:;)(-]*)+$")


_NEG_START = re.compile(r"^(?:(?:hmm+|um+|uh+|well|oh|ah|ok|okay|so|yeah)[ ,.!]*)*(?:no\b|nope|nah\b|obviously not"
                        r"|of course not|absolutely not|definitely not|no way|not really|i was (?:being )?(?:sarcastic"
                        r"|joking|kidding)|just kidding|jk\b|not (?:yet|now|so fast"
                        r"|sure)|don'?t|do not|cancel|wait[ ,.!]*(?:no|don'?t|stop|$)|hold on|hang on|hold off"
                        r"|actually,? no|never ?mind|forget it"
                        r"|leave (?:it|them|that|those|this)|scratch that|on second thought|let me think|stop,? no)")
_NEG_ANYWHERE = re.compile(r"\b(?:ignore (?:it|that|this)|leave (?:it|them|that|those) (?:be|alone|pending|for now)"
                           r"|forget (?:it|that|this)|never ?mind|cancel (?:it|that|this)|not (?:yet|now))\b")
_NEW_REQUEST = re.compile(r"\b(?:just|only|instead|but)\b|\b(?:approve|reject|snooze|undo|roll ?back|stop|halt|freeze"
                          r"|engage|release|resume|explain|show|why|what)\b")


def opens_with_no(text: str) -> bool:
    return bool(_NEG_START.match(normalize(text)))


def answer_of(text: str) -> str | None:
    """"yes" or "no" when the message answers the pending question and asks nothing new; else None.

    "hmm no, actually not", "no wait", "nah leave the socks one for now", "ok ignore it, no" are
    a no; "no, just the reorders" narrows the question (a new request), and "stop" is the kill switch.
    """
    t = normalize(text)
    if _KILL_ON.search(t) or _KILL_OFF.search(t):
        return None  # "stop" only ever engages the kill switch; it is never just an answer
    if _NO.match(t):
        return "no"
    if _YES.match(t):
        return "yes"
    if (_NEG_START.match(t) or _NEG_ANYWHERE.search(t)) and not _NEW_REQUEST.search(_NEG_START.sub("", t)):
        return "no"
    return None


def is_acknowledgement(t: str) -> bool:
    return bool(_ACK.match(t))


_NEGATED = re.compile(r"\b(?:\w+n't|dont|wont|cant|didnt|doesnt|isnt|wouldnt|shouldnt|couldnt|havent|hasnt|arent|aint"
                      r"|do not|never|not|no need to|hold off(?: on)?|wait(?: on| with)?"
                      r"|stop|avoid|no)\b(?:\s+\w+){0,3}?\s+(?:approve|reject|execute|run|do|ship|snooze|undo"
                      r"|touch|go ahead|decide|release|roll ?back|make|change)\b"
                      r"|\bhold off\b|\bnot (?:yet|now|the|that|this|those|these)\b|\bnot sure\b|\bunsure\b"
                      r"|\bmaybe\b|\bperhaps\b|\bmight\b|\bnot ready\b|\bthinking about\b|\bconsidering\b"
                      r"|\bwondering\b|\blater\b|\bwhat if\b|\bshould i\b|\bshould we\b|\bwould you\b(?! please)"
                      r"|\bexcept\b|\bother than\b|\bbut not\b|\bleave (?:it|them|that|those)\b")
_QUESTION = re.compile(r"\?\s*$|^(?:is|are|was|were|did|do|does|has|have|had|what|which|who|why|how|when|where"
                       r"|should|shall|any|whats|what's|hows|how's|can i|could i)\b")
_POLITE = re.compile(r"^(?:(?:can|could|would|will) you (?:please )?|please (?:you )?(?:can |could )?(?:you )?)"
                     r"(?=(?:" + _CLAUSE_VERBS + r"|stop|halt|freeze|pause|engage|turn|set|go|put|switch)\b)")

_KILL_ON = re.compile(r"\b(?:emergency stop|stop (?:all|every|everything|it all|executing|execution|now|the agents|"
                      r"the engine)|^stop\b|\bhalt\b|\bpause (?:all|every|everything|it all|executions?|the agents)\b"
                      r"|^pause\b|freeze|kill it|kill (?:all|everything)|pull the plug|something'?s (?:off|wrong|weird"
                      r"|broken|not right)|(?:engage|hit|flip|turn on|activate|enable|pull|throw) (?:the )?kill ?switch"
                      r"|kill ?switch (?:on|now)|shut (?:it|everything) down|stop the bleeding|abort everything"
                      r"|nothing (?:else )?(?:executes|runs)|red button)")
_KILL_OFF = re.compile(r"\b(?:(?:release|lift|disengage|deactivate|disable|turn off|switch off|clear|reset|drop"
                       r"|unset) (?:the )?kil+ ?switch|kil+ ?switch (?:off|released)|(?:resume|restart|unpause"
                       r"|unfreeze|re-?enable) (?:all |the )?(?:executions?|everything|actions|work|the engine"
                       r"|operations|agents))\b")


_MARKUP = re.compile(r"(?is)<(\w[\w:-]*)[^>]*>.*?</\1\s*>|<[^>]{1,200}>"
                     r"|^[ \t]*(?:system|assistant|tool|developer)[ \t]*:[^\n]*$|^[ \t]*>[^\n]*$"
                     r"|\[(?:system|tool|assistant)[^\]]*\][^\n]*$", re.MULTILINE)


def strip_markup(text: str) -> str:
    """What the operator typed, without text dressed up as the system's or a tool's (never a command)."""
    return _MARKUP.sub(" ", text)


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
    if _KILL_OFF.search(t):
        return Intent("kill_off", text=original)
    if _KILL_ON.search(t) and not _has(r"\bstop (?:proposing|suggesting|showing|sending)\b", t):
        return Intent("kill_on", reason=_reason(original, "stop|switch|halt|freeze|pause"), text=original)
    if _has(r"autonom|supervis|autopilot|run (?:it |things |stuff )?on (?:their|its) own|on autopilot"
            r"|ask me (?:before|for) (?:everything|anything)|let (?:low[- ]risk )?(?:things|stuff|actions) run", t):
        return Intent("autonomy", level=_level(t), text=original)
    if _has(r"^(?:please )?forget\b|\b(?:remove|delete|drop|cancel|lift) (?:the |my |that )?(?:\w+ )?"
            r"(?:preference|rule)\b", t):
        m = re.search(r"(?i)(?:forget|remove|delete|drop|cancel|lift)(?: the| my| that)?(?: rule| preference)?"
                      r"(?: about| on| for| that)?\s+(.+?)(?: rule| preference)?[.!]?$", original)
        return Intent("forget_rule", text=(m.group(1) if m else original).strip(" .'\""))
    if _DECISION_FIRST.match(t):
        return None
    if _has(r"^(?:please )?(?:remember|note)\b|^from now on\b|^going forward\b|\bnever (?:discount|mark|change|touch"
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
    ids = _ids(t)
    if _has(r"kill ?switch|stopped|halted|frozen|paused", t):
        return Intent("status", text=original)
    if _has(r"autonom|supervis|autopilot|\bmode\b|\blevel\b", t):
        return Intent("status", text=original)
    if _has(r"\bhave i (?:approved|done|rejected|snoozed)|\b(?:approved|executed|done|rejected) so far\b"
            r"|what (?:did|have) i (?:approve|reject|snooze)", t):
        status = "rejected" if "reject" in t else "snoozed" if "snooze" in t else "executed,approved,auto_approved"
        return Intent("list", status=status, ref=_ref(t, names=names))
    if _has(r"which (?:one'?s|one is|is) (?:first|top|best)|what'?s (?:first|top)|top one\b", t) and not _has(
            r"\bwhy\b|explain", t):
        return Intent("list", ref=Ref(position=1), limit=1)
    if _has(r"\b(performance|performing|track record|approval rate|hit rate|how (?:well|good) (?:is|are|has|have)"
            r"|accuracy)\b", t):
        return Intent("performance", agent=_agent_in(t))
    m = re.search(r"\brun\s+#?(\d+)\b", t)
    if m or _has(r"\b(runs|last run|recent runs|run status|status of (?:the )?run|how did (?:the )?(?:last )?run)\b", t):
        return Intent("run_status", run_id=int(m.group(1)) if m else None)
    if _has(r"\b(verify|check|is|validate)\b.*\baudit\b|\btamper|\bintegrity\b", t):
        return Intent("audit_verify")
    if _has(r"\bhow many\b", t) and not _data_question(t):
        return Intent("list", ref=_ref(t, names=names), status=_status_in(t))
    if _has(r"\brules?\b|preferences|standing", t):
        return Intent("list_rules")
    data = _data_question(t)
    if data is not None:
        return replace(data, text=original)
    if ids or _ref(t, names=names):
        ref = None if ids else _ref(t, names=names)
        if ref is not None and not (ref.focus or ref.words or ref.position or ref.count) and (ref.kind or ref.agent
                                                                                             or ref.risk):
            return Intent("list", ref=ref, status=_status_in(t))
        return Intent("explain", ids=ids, ref=ref)
    return _reading(t, original, now, names=names) or Intent("unknown", text=original)


def _status_in(t: str) -> str | None:
    return next((v for k, v in STATUS_WORDS.items() if re.search(r"\b" + k + r"\b", t)), None)


def _data_question(t: str) -> Intent | None:
    if _has(r"\bsales\b|\brevenue\b|\bhow (?:did|was|is|are) (?:last |this )?(?:week|month|business|we doing"
            r"|things going|the store)|how'?s business|\bturnover\b|orders? (?:this|last) week", t):
        return Intent("sales")
    if _has(r"\b(?:top|best|best-?selling|bestsellers?|most popular)\b.*\bproducts?\b|\bbestsellers?\b"
            r"|\bwhat(?:'s| is) selling\b|\bselling (?:best|most)\b", t):
        return Intent("top_products")
    if _has(r"\bchannels?\b|\btraffic\b.*\b(?:drop|fell|down|source)|\bwhich source\b", t):
        return Intent("channels")
    if _has(r"which agent|agents? proposed|who proposed|most proposals|busiest agent", t):
        return Intent("agent_stats")
    if _has(r"\b(?:work|worked|working|pay off|paid off|help|helped|effect|impact|results?|outcome)\b", t) and (
            _kind_in(t) or _has(r"\bexecuted\b|\bapproved\b|\bactions?\b|\bchanges?\b", t)):
        return Intent("outcomes", ref=_ref(t, with_names=False))
    if _has(r"overnight|last night|while i was|what (?:did|have) (?:you|the agents?) (?:just )?(?:do|done)"
            r"|what happened|what have you (?:just )?(?:done|changed)", t):
        return Intent("audit_digest")
    if _has(r"people waiting|customers? waiting|escalations?|customer requests?|who(?:'s| is) waiting", t):
        return Intent("escalations")
    return None


def _head(t: str) -> str:
    """The clause without its reason ("…, margins are too thin", "… because we're not ready")."""
    return re.sub(r"\s+(?:because|since|as|due to|bc|cuz|cos|b/c)\s.*$|,\s+(?=[a-z])(?!\s*(?:and|or)\s+#?\d).*$"
                  r"|\s[-—:]\s.*$", "", t)


def _clause(t: str, original: str, now: datetime, names: frozenset[str] | None) -> Intent:
    m = re.match(r"^(?:please )?(?:hold|put (?:a )?hold on)\s+(?:order\s*)?#?\s?(\d{3,})\b", t)
    if m:
        return Intent("approve", ref=Ref(kind="risk.hold_order", words=("#" + m.group(1),)))
    ids = _ids(t)
    head = _head(t)
    ref = _ref(head, names=names)
    hedge = _NEGATED.search(head)
    verb = _verb(t, ids, ref)
    if hedge and verb not in (None, "explain", "list"):
        return Intent("hold_back", ids=ids, ref=None if ids else ref, held_back=verb, text=original)
    if verb == "rollback":
        return Intent("rollback", ids=ids, ref=None if ids else ref,
                      reason=_reason(original, "undo|revert|roll ?back|rollback"))
    if verb == "snooze":
        return Intent("snooze", ids=ids, ref=None if ids else ref, until=parse_when(t, now))
    if verb == "reject":
        words = r"reject|decline|deny|veto|turn down|no to|nope|skip|drop|kill|cancel|bin|scrap|ditch|nix"
        return Intent("reject", ids=ids, ref=None if ids else ref, reason=_reason(original, words) or _reason(t, words))
    if verb in ("approve", "edit_approve"):
        params = _params(t, original)
        if params:
            return Intent("edit_approve", ids=ids, ref=None if ids else ref, params=params)
        return Intent("approve", ids=ids, ref=None if ids else (ref or Ref(focus=True)))
    if hedge and verb is None:
        return Intent("hold_back", ids=ids, ref=ref, text=original)
    return _reading(t, original, now, ids=ids, ref=ref, names=names) or Intent("unknown", ids=ids, ref=ref,
                                                                                text=original)


def _verb(t: str, ids: tuple[int, ...], ref: Ref | None) -> str | None:
    if _has(r"\b(roll ?back|rollback|undo|revert|reverse|put (?:it|that|them) back|roll (?:it|that|them|this) back"
            r"|change (?:it|that) back|go back to the old)\b(?! plan)", t):
        return "rollback"
    if _has(r"\b(snooze|postpone|defer|park|remind me|come back to|revisit|set aside|tomorrow|next week"
            r"|on monday|till|until|push (?:it|that|them|this)?\s*(?:back )?(?:to|till|until)|push back)\b", t) and (
            ids or ref) and not _has(r"\bwhy\b|\bwhat\b", t):
        return "snooze"
    if _has(r"\b(reject|rejected|decline|deny|veto|turn down|no to|nope|not approved|skip|say no|bin|drop|kill"
            r"|cancel|scrap|ditch|nix|get rid of|remove|chuck|toss|pass on)\b", t) and (ids or ref) or re.match(r"^no\b[, ]+(?:to )?#?\d", t):
        return "reject"
    if _has(r"\bmark(?:ed)? (?:it |that |this |#?\d+ )?(?:as )?(?:handled|done|resolved|dealt with)\b"
            r"|\b(?:is|are) (?:handled|resolved|dealt with)\b|\bdone with\b|\bclose (?:the )?(?:request|ticket)\b", t):
        return "approve"  # a customer's request marked handled: the operator's decision on that inbox item
    if _has(r"\b(approve|approved|go ahead|green ?light|ship it|ship|do it|sign off|lgtm|accept|execute|make it so"
            r"|proceed|yes to|ok to|okay to|let'?s do|push|run with|go with|yes|yep|sure|crack on(?: with)?|go for it"
            r"|greenlight)\b", t):
        return "approve"
    if _params(t, t) and _has(r"\b(change|set|make|edit|update|lower|raise|reduce|increase|bump|cut)\b", t) and (ids or ref):
        return "edit_approve"
    if _has(r"\b(why|explain|tell me (?:more )?about|more about|details?|show|open|see|view|what (?:is|was|does)"
            r"|what's|evidence|rollback plan|how (?:did you|do you know|sure|confident)|what happens if)\b", t) and (
            ids or (ref and (ref.focus or ref.words or ref.position or ref.agent or ref.kind))):
        return "explain"
    return None


def _reading(t: str, original: str, now: datetime, *, ids: tuple[int, ...] = (),
             ref: Ref | None = None, names: frozenset[str] | None = None) -> Intent | None:
    ref = ref if ref is not None else _ref(t, names=names)
    if _has(r"\b(why|explain|tell me (?:more )?about|more about|details?|what (?:is|was|does) #?\d|what's #?\d"
            r"|evidence|rollback plan|how (?:did you|do you know|sure|confident)|what happens if|open|view)\b", t) and (
            ids or (ref and (ref.focus or ref.words or ref.position or ((ref.agent or ref.kind) and not ref.every)))):
        return Intent("explain", ids=ids, ref=None if ids else ref)
    if _has(r"\b(verify|check|is|validate)\b.*\baudit\b|\btamper|\bintegrity\b", t):
        return Intent("audit_verify")
    if _has(r"\bhandoffs?\b|who talked to whom|\btransfers?\b between", t):
        return Intent("handoffs")
    data = _data_question(t)
    if data is not None:
        return replace(data, text=original)
    if _has(r"\baudit\b|\bactivity\b|recent events|\bhistory\b|\blog\b", t):
        return Intent("audit_digest", text=original)
    m = re.search(r"\brun\s+#?(\d+)\b", t)
    if m or _has(r"\b(runs|last run|recent runs|run status|status of (?:the )?run|how did (?:the )?(?:last )?run)\b", t):
        return Intent("run_status", run_id=int(m.group(1)) if m else None)
    if _has(r"\b(run|ask|have|get|tell|delegate|send|put|start|kick off|trigger)\b.*\b(all|every|each)\b.*"
            r"\b(agents?|specialists?|analys[ie]s|checks?)\b|\brun everything\b|\bfull (?:analysis|sweep|scan)\b"
            r"|\brun (?:the )?(?:specialists|agents)\b", t):
        return Intent("run_all")
    agent = _agent_in(t)
    if agent is None and _has(r"\b(?:stock levels?|reorders?|markdowns?)\b", t) and _has(r"\b(check|look|review|scan)\b", t):
        agent = "inventory"
    if agent is None and _has(r"\btitles?\b|\bseo\b", t) and _has(r"\b(check|look|review|scan|audit)\b", t):
        agent = "content"
    addressed = _has(r"\b(agent|specialist|analyst)\b", t) or _has(
        r"^(?:please |pls |can you |could you |ok |so |now )?(?:run|ask|have|get|tell|delegate|send|start|kick off"
        r"|trigger|look|check|analy[sz]e|investigate|audit|review|scan|find|dig|refresh|rerun|re-run)\b", t)
    if agent and addressed and _has(r"\b(run|ask|have|get|tell|delegate|send|start|kick off|trigger|look (?:at|into)"
                                    r"|check|analy[sz]e|investigate|audit|review|scan|find|dig into|refresh|rerun"
                                    r"|re-run)\b", t) and not _has(
            r"\b(show|list|pending|waiting)\b.*\b(ones?|actions?|proposals?)\b", t):
        task = re.sub(r"(?i)^(?:please |can you |could you )?(?:run|ask|have|get|tell|delegate to|send|start|kick off"
                      r"|trigger)\s+(?:the\s+)?(?:\w+\s+)?(?:agent|specialist)?\s*(?:to\s+)?", "", original).strip()
        return Intent("delegate", agent=agent, task=task or original)
    if _has(r"what should i (?:do|focus|look at)|\btoday\b|briefing|good morning|morning|summary|overview|what'?s up"
            r"|where do (?:we|i) stand|anything (?:urgent|new|important)|catch me up|what'?s new|what needs (?:my )?attention"
            r"|what'?s (?:on|in) (?:my )?(?:plate|agenda)", t):
        return Intent("briefing")
    if _has(r"\b(performance|performing|track record|approval rate|hit rate|how (?:well|good) (?:is|are|has|have)"
            r"|accuracy)\b", t):
        return Intent("performance", agent=agent)
    status = _status_in(t)
    if _has(r"\b(show|list|what are|what's|what is|give me|see|display|pull up|any)\b|\bqueue\b|\binbox\b|"
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
                      status="all" if _has(r"\b(all statuses|everything ever|history)\b", t) else status)
    if _has(r"\bstatus\b|how are things|are we (?:live|running|ok)|health", t):
        return Intent("status")
    if ids:
        return Intent("explain", ids=ids)
    if ref is not None and (ref.words or ref.both or ref.position) and len(t.split()) <= 6:
        return Intent("explain", ref=ref, text=original)
    if _has(r"^(hi|hello|hey|hiya|yo|good (?:afternoon|evening))\b", t):
        return Intent("greeting")
    if _has(r"\b(thanks|thank you|cheers|great|perfect|nice|awesome|appreciate)\b", t):
        return Intent("ack")
    if _has(r"\b(help|what can you do|how do i|how does this work|commands|options)\b", t):
        return Intent("help")
    if _has(r"\brules?\b|\bpreferences\b", t):
        return Intent("list_rules")
    return None
