"""The slots of a clause: action ids, a reference by description (``Ref``), a reason.

Pure helpers of ``graphs.language.intents``: what numbers are action ids ("approve 12 and 14")
and which are amounts ("$39.90", "200 units", "the top 3"); which words name a product,
page, vendor or order (only words something in the store is called, when the store's words
are given); kinds, agents, risk tiers, ordinals, counts and pronouns. The change an approval asks
for is read in ``edits`` (``params_in``), an autonomy level in ``settings`` (``level_in``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphs.language.superlatives import order_in
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
                "pending": "pending", "waiting": "pending",
                # "what's on hold right now?": the holds in force (any other status word said wins)
                "on hold": "executed", "held": "executed"}
_PLACE_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                "eleventh", "twelfth")
ORDINALS = {"top": 1, "best": 1, "last": -1, "bottom": -1} | {w: n for n, w in enumerate(_PLACE_WORDS, 1)}
#: a place in a list, in words or figures ("the second", "the 7th", "12th")
PLACE = r"(?:" + "|".join(_PLACE_WORDS) + r"|\d{1,2}(?:st|nd|rd|th))"
_MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
#: "until the 15th", "on the 3rd of january", "dec 3rd": a day of the month, not a place in a list
_DAY_OF_MONTH = re.compile(r"\b(?:until|till|til|by|on|before|after|from|to|through)\s+(?:the\s+)?" + PLACE
                           + r"\b(?:\s+(?:of\s+)?" + _MONTH_NAME + r")?|\b" + PLACE + r"\s+(?:of\s+)?" + _MONTH_NAME
                           + r"\b|\b" + _MONTH_NAME + r"\s+(?:the\s+)?" + PLACE + r"\b"
                           # "why did you propose it in the first place", "the first time": sayings, not places
                           r"|\bin the first place\b|\b(?:the )?first time\b|\bfirst of all\b|\bat first\b")


def place(word: str) -> int:
    """"seventh" or "7th" -> 7; "last" -> -1."""
    return ORDINALS.get(word) or int(re.sub(r"\D", "", word))

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
mark marked handled resolved dealt done couple few several
mean means meaning exactly plain english simple terms words layman laymans layman's basically
riskiest safest least most dangerous valuable lucrative profitable biggest largest smallest
cheapest expensive priciest costliest expire expires expiring soonest
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
    #: "2 of the reorders", "some of them": that many of the group, not saying which (0: no number said)
    some: int | None = None
    #: content words of a name ("linen tote", "wick studio", "#9459")
    words: tuple[str, ...] = ()
    #: the same words in groups when several names are joined ("the rowan meta and the dune refund")
    groups: tuple[tuple[str, ...], ...] = ()
    #: several places at once ("the 3rd and the 5th")
    places: tuple[int, ...] = ()
    #: the noun is plural ("the refund investigations"): every action the name fits
    plural: bool = False
    #: "the others", "the rest": what the list shown holds beyond what this message already decided
    rest: bool = False
    #: "… except the candle one", "… but not 16": numbers ("16"), names ("candle", one string each: "stoneware mug")
    #: and kinds ("kind:inventory.reorder") left out of what it means
    excluding: tuple[str, ...] = ()
    #: "the riskiest", "the two most valuable", "the cheapest reorder": the order a place or count is taken in
    #: ("risk", "value" or "cost", highest first; with "-" lowest first) instead of the ranking; "cost" counts
    #: only actions that spend money (reorders)
    order: str | None = None

    @property
    def by_name(self) -> bool:
        return bool(self.words)


def has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


def agent_in(text: str) -> str | None:
    for agent, words in SPECIALIST_WORDS.items():
        if any(re.search(r"\b" + re.escape(w), text) for w in words):
            return agent
    if re.search(r"\brisk\b(?!y|s\b)(?!-)", text) and not re.search(r"(low|medium|high|critical)[- ]risk", text):
        return "risk"
    return None


def risk_in(text: str) -> str | None:
    if re.search(r"\bsafe (?:to (?:approve|do|say yes to|green ?light)|ones?|stuff|actions?)\b", text):
        return "low"  # "what's safe to approve?", "approve the safe ones": the low-risk ones, as policy rates them
    m = re.search(r"\b(low|medium|high|critical)(?:[- ]risk)?\b", text)
    if m and (("risk" in text) or re.search(r"\b(low|medium|high|critical)[- ]?(?:tier|ones?|actions?|stuff)\b", text)
              or m.group(1) == "critical"):
        return m.group(1)
    return None


#: "hold off on everything", "hold on, …", "hold fire": waiting, not a fraud hold
_NOT_A_HOLD = r"(?!\s+(?:off|fire|up|tight|back|on\b(?!\s+(?:order|#?\s?\d))))"
_KIND_RE = [(re.compile(r"\b" + re.escape(w) + r"(?:s|es)?\b" + (_NOT_A_HOLD if w == "hold" else "")), k)
            for w, k in sorted(KIND_WORDS.items(), key=lambda kv: -len(kv[0]))]


def kind_in(text: str) -> str | None:
    for pattern, kind in _KIND_RE:
        if pattern.search(text):
            return kind
    return None


def plural(text: str) -> bool:
    """Does the reference speak of several ("the markdowns", "the content ones", "those")?"""
    if has(r"\bones\b|\bactions\b|\bproposals\b|\bitems\b|\bstuff\b", text):
        return True
    for pattern, _ in _KIND_RE:
        m = pattern.search(text)
        if m:
            return m.group(0).endswith("s") and not m.group(0).endswith("ss")
    return False


#: "number 3 on that list", "no. 3 from your list": a place in what was shown
_ON_THE_LIST = r"(?:on|in|from) (?:the|my|that|this|your) (?:list|queue)"
# numbers that are not action ids: money, percentages, durations, quantities, dates, "top 5", order names
_NOT_IDS = re.compile(
    r"(?:[$€£]\s*\d[\d,.]*|\d[\d,.]*\s*(?:%|(?:percent|dollars|bucks|euros|pounds|usd|eur|gbp)\b)"
    r"|\b\d+[.,]\d+\b|\bmake (?:it|that|them|this)\s+\d+"
    r"|\b(?:in|for)\s+\d+\s+(?:minute|min|hour|hr|day|week|wk|month|mo|mth|year|yr)s?\b|\d{4}-\d{2}-\d{2}"
    r"|\b\d+\s*(?:units?|pcs|pieces|items? of|days?|weeks?|wks?|months?|mos?|mths?|years?|yrs?|hours?|hrs?"
    r"|minutes?|mins?|x\b)|\b\d+\s+per\s+(?:day|wk|week|month|mo|year|yr)\b"
    r"|\b(?:top|first|best|last|bottom)\s+\d+\b"
    r"|\bquantity\s+(?:to\s+|of\s+)?\d+|\bqty\s*:?\s*\d+|\b\d+\s+of\s+(?:them|those|these|the|my)\b"
    r"|\bbut\s+(?:(?:just|only|order|get|buy)\s+)?\d+\b(?!\s*(?:and|&|,|too|as well|also|#))"
    r"|\border\s+#?\s?\d+|\bnw-\d+(?:-\d+)?"
    r"|\bprice\s+(?:to\s+|at\s+|=\s*)?\d[\d,.]*|\bpriced\s+(?:at\s+)?\d[\d,.]*|\brun\s+#?\d+"
    r"|\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b\d+(?:st|nd|rd|th)\b|\b\d+\s*(?:oz|in(?!\s+(?:plain|simple|english|short|brief|detail|a nutshell|words|layman))|cm|mm|kg|g)\b"
    r"|\b(?:all|the|these|those|both|my|next|other|bottom)\s+\d+\b|\b(?:instead of|rather than)\s+\d+"
    r"|\b(?:number|no\.?|#)\s*\d+\s+" + _ON_THE_LIST + "|" + r"\b(?:version|ver\.?|v)\s?#?\d+\b)")
_VERSION = re.compile(r"\b(?:version|ver\.?|v)\s?#?(\d+)\b")


def version_in(text: str) -> int | None:
    """"version 3 of #29", "28 v3": the version the operator named, if any."""
    m = _VERSION.search(text)
    return int(m.group(1)) if m else None
#: with an amount in the clause, "not 64" and "from 25" are the old amount, not an action
_OLD_AMOUNT = re.compile(r"\b(?:not|from|was|of)\s+\d+(?:\.\d+)?\b")
_PRICE_AMOUNTS = re.compile(r"\b(?:to|at)\s+\d[\d,.]*")
_ID_LEAD = (r"approve|reject|decline|snooze|explain|undo|revert|roll ?back|rollback|action|actions|item|items|number"
            r"|numbers|no to|ok|okay|yes to|details on|about|why is|why was|on|and|skip|postpone|defer|park|deny|veto"
            r"|accept|execute|do|show me|show|light|of|is|was|what's|what is|both|also|plus|for|about|remind me"
            r"|see|open|view|check|confirm|drop|kill|cancel|but|not|except|lgtm|then|mark|marked|push|move|delay"
            r"|reschedule|shift|ahead with|go with|run with|on with|pause|halt|freeze|hold off on|compare|vs|versus"
            # "how much will 8 make me", "what will 8 earn"
            r"|will|would|could|might"
            # "whats 8 worth" (read as "what 8 worth"), never "what 3 actions are waiting"
            r"|what(?=\s+\d{1,9}\s+(?:worth|about|for|mean|do|does)\b)"
            # "what if 9 goes wrong", "and if 12 fails?"
            r"|if(?=\s+#?\d{1,6}\s+(?:goes|go|went|fails?|failed|breaks?|backfires?|flops?|gets? it wrong)\b)")


def ids_in(text: str) -> tuple[int, ...]:
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
    # "13 looks good", "8 and 9 are fine": numbers opening the clause are actions' numbers
    opening = re.match(r"\s*#?(\d{1,6})\b(?![\d.%]|,\d)(?!\s*(?:units?|days?|x\b|percent))"
                       r"((?:\s*(?:,|and|&)\s*#?\d{1,6}\b(?![\d.%])(?!\s*(?:units?|days?|x\b|percent)))*)", scrubbed)
    if opening and (not found or opening.group(2)):
        found = [int(n) for n in re.findall(r"\d{1,6}", opening.group(0))] + found
    out: list[int] = []
    for n in found:
        if n not in out and n > 0:
            out.append(n)
    return tuple(out)


_VERB_WORDS = frozenset("""
approve reject decline snooze postpone explain undo revert rollback roll back show list execute do green light
ship sign lgtm accept veto deny skip park remind hold release run ask tell have get make change set edit update
lower raise reduce increase approve, okay mark bump cut drop cancel kill scrap ditch
""".split())


def name_words(text: str, names: frozenset[str] | None = None) -> tuple[tuple[str, ...], ...]:
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
                     if m.group(0).startswith("order") or re.fullmatch(r"(?:the|this|that)\s+\d{4,}", m.group(0))
                     else " ", t)
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


#: what "the 3 …" counts when it is a count: actions ("the 2 content ones"), or a kind ("the 3 reorders")
#: "2 of the reorders", "a couple of them", "some of those" (never "all 3 of them")
_SOME = re.compile(r"(?<!\ball )\b(\d{1,2}|one|two|three|four|five|six|a couple|a few|some|several)\s+of\s+(?:the|them"
                   r"|those|these|my|our)\b")
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "a couple": 2}
_COUNTED = re.compile(r"\s+(?:\w+\s+)?(?:ones|actions|items|proposals|suggestions|things|changes)\b")


def ref_in(text: str, *, names: frozenset[str] | None = None, with_names: bool = True) -> Ref | None:
    order, many, several_by_default, text = order_in(text)
    agent = None
    m = re.search(r"\b(?:from|by) the (\w+)(?: agent| specialist)?\b|\bthe (\w+) (?:agent|specialist)'?s?\b"
                  r"|\b(\w+) agent'?s?\b", text)
    if m:
        word = next(g for g in m.groups() if g)
        agent = agent_in(word) or (word if word in SPECIALIST_WORDS else None)
    risk = risk_in(text)
    kind = kind_in(text)
    position = count = None
    m_place = re.search(r"\b(?:number|no\.?|#)\s*(\d+)\s+" + _ON_THE_LIST, text)
    m = re.search(r"\b(?:the )?(top|first|best|last|bottom|all)\s+(\d+)\b", text) or re.search(
        r"\bthe\s+(\d+)\b(?=\s+(?:\w+\s+)?(?:\w+s)\b)", text)
    if m and m.lastindex == 1 and not _COUNTED.match(text[m.end():]) and not kind_in(text[m.end():]):
        m = None  # "approve the 56 mugs": a quantity in a name, not "the top 56"
    if m:
        count = int(m.group(m.lastindex or 1))
        position = -1 if m.group(1) in ("last", "bottom") else None
    else:
        listed = _DAY_OF_MONTH.sub(" ", text)
        m = (re.search(r"\bthe (" + PLACE + r"|top|last|bottom)\b", listed)
             or re.search(r"\b(" + PLACE + r"|top|best|last)(?= (?:one|action|item|proposal|on the list"
                          r"|in the queue|in line)\b)", listed))
        if m:
            position = place(m.group(1))
    if m_place and not position and not count:
        position = int(m_place.group(1))
    if order and not (position or count):
        # "the riskiest" is one; "the 2 riskiest", "the riskiest ones" are several, in that order
        count, position = (many, None) if many else (None, None if plural(text) or several_by_default else 1)
    places = tuple(place(w) for w in re.findall(r"\b(" + PLACE + r")\b", _DAY_OF_MONTH.sub(" ", text))) \
        if position else ()
    if len(places) < 2:
        places = ()
    pronoun = has(r"\b(it|that|this|that one|this one|them|those|these|the one|they)\b", text)
    several = has(r"\b(them|those|these|they)\b", text)
    both = has(r"\bboth\b", text)
    focus = both or pronoun
    groups = name_words(text, names) if with_names else ()
    words = tuple(w for g in groups for w in g)
    if agent is None and re.search(r"\b(?:ones?|actions?|proposals?|everything|all|stuff|items?|whatever)\b", text):
        agent = agent_in(text)
    if agent is None:
        agent = next((a for w in words for a in (agent_in(w),) if a), None)
    if agent and words:
        groups = tuple(g2 for g2 in (tuple(w for w in g if agent_in(w) != agent) for g in groups) if g2)
        words = tuple(w for g in groups for w in g)
    # "the markdowns" mean all of them; "the candle internal links" is one action with a plural noun
    every = (has(r"\b(all|every|everything|each|whatever)\b", text) and not several) or (
        bool(kind or agent or risk) and plural(text) and not (position or count) and not words)
    rest = has(r"\b(?:the )?(?:others|other ones?|rest|remaining(?: ones)?|remainder)\b", text)
    if rest:
        focus, words, groups = False, tuple(w for w in words if w not in ("others", "rest", "remaining")), ()
        # "the other one": the one left of the list shown (asked which, if several are)
        count = 1 if has(r"\bother one\b", text) else count
    m_some = _SOME.search(text)
    some = None
    if m_some and (kind or agent or risk or several):
        # "approve 2 of the reorders": two of them, which ones not said (asked unless exactly that many fit)
        some = _NUMBER_WORDS.get(m_some.group(1), int(m_some.group(1)) if m_some.group(1).isdigit() else 0)
        every = count = position = None
    if not any((agent, risk, kind, position, count, every, focus, words, rest, order)):
        return None
    return Ref(agent=agent, risk=risk, kind=kind, position=position, count=count, every=bool(every), order=order,
               several=several, some=some, plural=plural(text),
               focus=focus and not (every and not several) and not words and not position and not count, both=both,
               words=words, groups=groups if len(groups) > 1 else (), places=places, rest=rest)


_NO_REASON = re.compile(r"(?i)(?:please|pls|plz|thanks|thank you|thx|ty|cheers|now|asap|right now|too|as well|also|then"
                        r"|for me|if you can|when you can|mate|x+)(?:[\s,.!]+(?:please|pls|plz|thanks|thank you|thx|ty"
                        r"|cheers|now|asap|too|as well|also|then|mate|x+))*")


def reason_in(original: str, verb: str) -> str | None:
    """The reason a decision gives, or None; politeness is not a reason ("reject 9 pls", "… now please")."""
    said = _reason_in(original, verb)
    return None if said is not None and _NO_REASON.fullmatch(said.strip(" .!,")) else said


def _reason_in(original: str, verb: str) -> str | None:
    m = re.search(r"(?i)\b(?:(?:because|cause|coz|cuz|cos|bc|b/c)(?:\s+of)?|since|as|due to|reason:?)\s+(.+)$", original)
    if m:  # "because of the holiday freeze": the reason is "the holiday freeze"
        return m.group(1).strip(" .")
    # "reject 10 its too much stock, we have a shipment coming": everything after the number is the reason
    m = re.search(r"(?i)\b(?:" + verb + r")\b[^a-z]*(?:#?\d+(?:\s*(?:,|and)\s*#?\d+)*)\s+(?!and\b)(.{4,})$", original)
    if m and len(m.group(1).strip(" .-—–:;,")) > 3:
        return m.group(1).strip(" .-—–:;,")
    m = re.search(r"(?i)(?:[,:;]|\s-\s|\s—\s|\s–\s)\s*(.+)$", original)
    if m and not re.fullmatch(r"(?i)[#\d\s,and&]+", m.group(1)):
        candidate = m.group(1).strip(" .")
        if not re.match(r"(?i)(?:and|or|then|please|thanks|thank you)\b", candidate) and len(candidate) > 3:
            return candidate
    return None
