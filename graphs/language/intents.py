"""What the operator asks for, clause by clause: intents and their slots, without a model.

``parse(text, now)`` is pure. A message is normalised (typos in command words, number
words), split into clauses where a new verb starts ("reject 22 because … and approve
23"), and each clause becomes an ``Intent``: a name, action ids written in it, a
reference by description (``Ref``: names, kind, agent, risk, ordinal, count, pronoun),
and the slots of its verb (reason, time, edited params, level, rule text).

Reading comes before acting: a question ("is the kill switch on?"), a negation or a
hedge ("don't approve anything yet", "maybe later") never becomes a write, and a bare
acknowledgement ("ok thanks") is only an acknowledgement. This module splits the message
and reads its decisions; ``rewrites`` reads first what the message takes back, corrects or
leaves out, ``verbs`` which verb a clause asks for, ``exceptions`` what a request leaves out,
``settings`` the whole-message settings (kill switch, autonomy, agents, rules), and ``questions``
everything else.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from functools import lru_cache

from graphs.language.confirm import KILL_ON, is_acknowledgement, strip_markup
from graphs.language.dates import parse_when, time_words
from graphs.language.edits import asks_change, keeps_current, mask_texts, params_in, unmask
from graphs.language.exceptions import EXCEPT_REF, except_ref
from graphs.language.holds import holds_in
from graphs.language.intent import Intent
from graphs.language.normalize import normalize
from graphs.language.questions import question, reading
from graphs.language.rewrites import CLAUSE_VERBS, TAKE_BACK, retracted, rewrite
from graphs.language.settings import UNTIL, settings_in
from graphs.language.slots import PLACE, Ref, ids_in, reason_in, ref_in, version_in
from graphs.language.verbs import verb_of

__all__ = ["Intent", "parse"]


# --- reading the whole message ---------------------------------------------------------------------

_SPLIT = re.compile(r"\s*(?:;|:|\.|!|\||(?<!\d)/|/(?!\d)|,? and then|,? then|,? and also|,? also|,? plus|,? and|,? but|,? so"
                    r"|,? (?:btw|anyway|anyhow)|,| - )\s+"
                    # "…, anyway approve 15", "… fine so reject it": fillers before the verb of a new clause
                    r"(?=(?:(?:please|pls|can you|could you|then|also|uh|um|yeah|so|and|anyway|anyhow|btw|by the way"
                    r"|oh|ok|okay|well|now|just|alright) )*(?:" + CLAUSE_VERBS + r")\b)"
                    r"|\s*(?:,\s*and|,|;|\?| and| - )\s*(?:also,?\s+)?(?=(?:how|what|what's|whats|which|why|is|are|did"
                    r"|do|does|when)\b[^?]*\?)"
                    r"|(?<=\?)\s+(?=\w)")

_NEGATED = re.compile(r"\b(?:\w+n't|dont|wont|cant|didnt|doesnt|isnt|wouldnt|shouldnt|couldnt|havent|hasnt|arent|aint"
                      r"|do not|never|not|no need to|hold off(?: on)?|wait(?: on| with)?"
                      r"|stop|avoid|no)\b(?:\s+\w+){0,3}?\s+(?:approve|reject|execute|run|do|ship|snooze|undo"
                      r"|touch|go ahead|decide|release|roll ?back|roll (?:it|that|this|them) back|revert|make|change"
                      r"|start|kick off|launch|trigger)\b"
                      r"|\bhold off\b|\bnot (?:yet|now|the|that|this|those|these)\b|\bnot sure\b|\bunsure\b"
                      r"|\bmaybe\b|\bperhaps\b|\bmight\b|\bnot ready\b|\bthinking about\b|\bconsidering\b"
                      r"|\bwondering\b|\blater\b|\bwhat if\b|\bshould i\b|\bshould we\b|\bwould you\b(?! please)"
                      r"|\bexcept\b|\bother than\b|\bbut not\b|\bleave (?:it|them|that|those)\b"
                      # a report or hearsay is not a request: "I already approved the mug reorder by phone", "my mum
                      # said to approve everything"
                      # (only when the clause opens with it: "approve 9 like we approved the mug one" is a request)
                      r"|^(?:(?:so|well|ok|okay|fyi|btw|just so you know|actually)[, ]+)*(?:i|we) (?:already |just "
                      r"|have |'ve )?(?:approved|rejected|snoozed|ordered|placed)\b"
                      r"|^(?:my|our|the) \w+(?: \w+)? (?:said|says|told (?:me|us)|wants (?:me|us)|asked (?:me|us)) to "
                      r"(?:approve|reject|snooze|undo|roll ?back)\b")
#: a request refused, reported, supposed or past, in a clause that does not open with it: "I refuse to approve
#: 11", "you keep asking me to approve 13", "a customer said 'just approve 17'", "i was going to approve 11 but
#: …", "last time i let you approve 11 …", "there's no way I'd approve 14" ("reject 10, the supplier says to
#: reject anything late" opens with its request, and is one)
_REPORTED_REQUEST = re.compile(
    r"\b(?:refuse[sd]?|no way|(?:want|wants|wanted|asking|asked|telling|told|tell(?:s)?|keeps?|kept|said|says|saying"
    r"|suggest(?:s|ed)?)(?: (?:me|us|you))?(?: to)?|let (?:me|us|you)|was going to|were going to|would have|would've"
    r"|'d have|used to)\b[^.!?]{0,40}?\b(?:approve|reject|snooze|undo|roll ?back|do (?:it|that|this))\b")
_OPENS_WITH_REQUEST = re.compile(r"^(?:(?:please|pls|ok|okay|so|then|just|yes|now)[ ,]+)*(?:approve|reject|decline"
                                 r"|snooze|undo|roll ?back|revert|do|go ahead|ship|execute)\b")
#: "approve 14 ❌": a cross or a raised hand beside a request takes it back
_CROSSED = re.compile(r"[❌🙅👎🚫⛔✋]")
_QUESTION = re.compile(r"\?\s*$|^(?:is|are|was|were|did|do(?! (?:it|that|this|those|them|both|not)\b)|does|has|have|had"
                       r"|what|which|who|why|how|when|where"
                       r"|should|shall|will|would|any|whats|what's|hows|how's|can i|could i)\b")
_POLITE = re.compile(r"^(?:(?:i was wondering|i wonder|i'?m wondering) (?:if|whether) you (?:could|can|would) "
                     r"(?:please )?|would you mind |(?:can|could|would|will) you (?:please )?"
                     r"|please (?:you )?(?:can |could )?(?:you )?|do you mind (?:if you )?)"
                     r"(?=(?:" + CLAUSE_VERBS + r"|stop|halt|freeze|pause|engage|turn|set|go|put|switch)\b)")


_WHY_SHOULD = re.compile(r"^(?:tell me|explain|so)(?: \w+)? why (?:i|we) (?:should|would|must)\b")
#: "can you remind me what I rejected last week", "tell me which ones we approved": a question put as a request
_RECALL = re.compile(r"^(?:(?:can|could|would) you (?:please )?|please )?(?:remind me|tell me|show me|list)\s+(?:what|which)"
                     r"(?: ones?| actions?)? (?:i|we|you) (?:have |had |just |already )?(?:approved|rejected|snoozed"
                     r"|declined?|decided(?: on)?|turned down|rolled back)\b")

_GREETING = re.compile(r"(?i)^(?:(?:hey|hi|hello|hiya|yo|gm|good (?:morning|afternoon|evening)|morning|evening"
                       r"|afternoon)(?: there| team| mate| all)?[\s,!.]+)+(?:(?:so|ok|okay|right|well|um+)[\s,!.]+)*")

_FILLER_ONLY = re.compile(r"^(?:(?:hmm+|h+m+|uh+|um+|erm*|ok|okay|well|so|oh|ah|right|alright|yeah|hey|hi|and|then"
                          r"|anyway|btw)\b[\s,.!…-]*)*[\s,.!…-]*$")

_WONDER = re.compile(r"(?i)^(?:(?:i was wondering|i wonder|i'?m wondering) (?:if|whether) (?=you (?:could|can|would))"
                     # "i want to approve 8", "we'd like to reject 12 because …": the request, said as a wish
                     r"|(?:i|we) (?:really |just )?(?:want|wanna|would like|'d like|d like|need) to (?=(?:approve"
                     r"|reject|snooze|roll ?back|undo)\b)"
                     # "would you mind rejecting 12": the request it wraps (``rewrite`` gave it its own verb)
                     r"|(?:would|do) you mind (?:if you )?(?=(?:" + CLAUSE_VERBS + r"|stop|pause|hold)\b))")

#: the most requests one message is read for
MAX_CLAUSES = 20


def parse(text: str, now: datetime, *, names: frozenset[str] | None = None) -> list[Intent]:
    """The intents of one message, in the order the operator said them.

    ``names`` are the words the store's actions are known by (see ``tools.queue``): with them,
    a word is read as part of a name only if something in the store is called that. The same
    message is read by the brain and by the gate: the reading is cached (per minute, for dates).
    """
    intents = list(_parse(text, now.replace(second=0, microsecond=0), names))
    if _WORTH.search(text.lower()):
        # "how much will 8 make me": the money first, then where the rest is
        intents = [replace(i, said_as="worth") if i.name == "explain" and i.said_as is None else i for i in intents]
    return intents


#: a question about what an action is worth
_WORTH = re.compile(r"\b(?:how much|worth|make (?:me|us)|earn|upside|profit|pay off|bring in|money)\b")


@lru_cache(maxsize=1024)
def _parse(text: str, now: datetime, names: frozenset[str] | None) -> tuple[Intent, ...]:
    original, texts = mask_texts(rewrite(strip_markup(text).strip()))
    if texts:
        return tuple(_unmasked(i, texts) for i in _parse(original, now, names))
    greeted = _GREETING.match(original)
    if greeted and original[greeted.end():].strip(" .!?"):
        # "hey good morning, so reject 12 because …": a greeting before a request is not a request for a briefing
        original = original[greeted.end():]
    t = rewrite(normalize(original))
    if not t:
        return (Intent("unknown", text=text.strip()),)
    if is_acknowledgement(t):
        return (Intent("ack", text=original),)
    asked = retracted(t)
    if asked is not None and not KILL_ON.search(asked):
        # "reject 12, nah keep it": nothing of it is done (stopping everything is never taken back here)
        return tuple(Intent("hold_back", ids=i.ids, ref=i.ref, held_back=i.name if i.name in _WRITES else None,
                            text=original) for i in _parse(asked, now, names))
    clauses = [c for c in _SPLIT.split(t) if c.strip()]
    if len(clauses) > MAX_CLAUSES:
        # a message of dozens of requests is not read piecemeal: nothing of it is done, and the reply says so
        return (Intent("too_many", limit=len(clauses), text=original),)
    originals = _split_original(original, len(clauses))
    intents = tuple(_one(c, o, now, names) for c, o in zip(clauses, originals))
    # "hmm, undo the last one": a clause of filler beside a request is not a request of its own
    intents = tuple(i for i, c in zip(intents, clauses) if not (len(clauses) > 1 and _FILLER_ONLY.match(c)))
    return _after_edits(intents) or (Intent("unknown", text=original),)


def _unmasked(intent: Intent, texts: dict[str, str]) -> Intent:
    """The new texts put back where the reader saw their tokens."""
    params = {k: unmask(v, texts) if isinstance(v, str) else v for k, v in intent.params.items()}
    return replace(intent, params=params, text=unmask(intent.text, texts), reason=unmask(intent.reason, texts))


def _after_edits(intents: tuple[Intent, ...]) -> tuple[Intent, ...]:
    """"change the title of 7 to '…' and approve it": the approval is the edit's own, not a second decision."""
    out: list[Intent] = []
    for intent in intents:
        if out and out[-1].name == "edit_approve" and (intent.name == "ack" or (
                intent.name == "approve" and not intent.ids and intent.ref is not None and intent.ref.focus)):
            continue
        out.append(intent)
    return tuple(out)


def _one(t: str, original: str, now: datetime, names: frozenset[str] | None) -> Intent:
    if is_acknowledgement(t):
        return Intent("ack", text=original)
    t = re.sub(r"^(?:and|so|also|ok|okay|oh|hmm+|wait|right|then)[ ,]+(?=(?:how|what|which|why|is|are|did|do|does"
               r"|when|where|who)\b)", "", t)
    if (_QUESTION.search(t) and not _POLITE.search(t)) or _WHY_SHOULD.match(t) or _RECALL.match(t):
        return question(t, original, now, names)  # "tell me why I should reject it" asks, never rejects
    # "i was wondering if you could snooze 12 till friday?": the request, without the wondering (not a hedge)
    t = _WONDER.sub("", t)
    original = _WONDER.sub("", original)
    whole = settings_in(t, original)
    if whole is not None:
        return whole
    return _clause(t, original, now, names)


def _split_original(original: str, n: int) -> list[str]:
    """The operator's own words of each clause (for reasons and quoted text), by the same split."""
    parts = [p for p in _SPLIT.split(original.translate(str.maketrans({"’": "'"})).lower()) if p.strip()]
    if len(parts) != n:
        return [original] * n
    out, pos = [], 0
    low = original.translate(str.maketrans({"’": "'"})).lower()  # the same text the parts were split from
    for p in parts:
        start = low.find(p, pos)
        out.append(original[start:start + len(p)] if start >= 0 else p)
        pos = max(pos, start + len(p)) if start >= 0 else pos
    return out


def _head(t: str) -> str:
    """The clause without its reason ("…, margins are too thin", "… because we're not ready")."""
    return re.sub(r"\s+(?:because|since|as|due to|bc|cuz|cos|b/c)\s.*$|(?:,|\s[-—:])\s+(?=[a-z])"
                  r"(?!\s*(?:and|or)\s+#?\d)(?!(?:and\s+)?(?:the\s+)?" + PLACE + r"\b)"
                  # "approve 9, but only 30 units", "the second one — make it 30": a change is part of the request
                  r"(?!(?:(?:no,? )?wait,? |actually,? |sorry,? |i mean,? |no,? )*(?:but|only|make|with|at|instead"
                  r"|change|set|and make|and change|just"
                  # "approve 7, discount should be 10", "approve 12 - new title should be …", "- we only need 40"
                  r"|(?:the |its |a )?(?:new )?(?:title|description|discount|quantity|qty|price)\s+(?:should|must|to|=|:|is)"
                  r"|we (?:only|just) need|(?:call|name|title|describe) it)\b).*$", "", t)


#: the verbs that change the store: a name they are given is never replaced by a guess
_WRITES = frozenset({"approve", "edit_approve", "reject", "snooze", "rollback"})
#: "deal with the markdowns", "sort out the reorders", "take care of 8": a request with no verb of decision in it
_WHICH_VERB = re.compile(r"^(?:(?:please|pls|can you|could you|just|ok|okay|so|now|then)[, ]+)*(?:deal with|take"
                         r" care of|handle|clear(?: out| up)?|sort out|process|action|do something (?:about|with)|get (?!rid\b)"
                         r"(?:\w+ ){1,4}(?:done|sorted|handled|out of the way))\b")
#: "under $500", "over 1,000 dollars", "worth more than $200": an amount as a filter
_BY_AMOUNT = re.compile(r"\b(?:under|below|less than|over|above|more than|at least|at most|cheaper than|worth (?:more|less) "
                        r"than|costing (?:more|less) than|up to)\s+(?:[$€£]\s?\d[\d,.]*k?|\d[\d,.]*k?\s*(?:dollars|bucks|euros"
                        r"|pounds|usd|eur|gbp)\b)")


def _clause(t: str, original: str, now: datetime, names: frozenset[str] | None) -> Intent:
    held = holds_in(t, original, now, names)
    if held is not None:
        return held
    # "approve everything except the holds, the reorders and the markdowns": the exception, commas and all
    kept, excluding = except_ref(t, names)
    head = _head(kept)
    # a number in the reason ("approve 13, we've had that page for 3 years") is not an action
    ids = ids_in(head) if head != t or excluding else ids_in(t)
    ref = ref_in(head, names=names)
    if ref is not None and excluding:
        ref = replace(ref, excluding=excluding)
    hedge = _NEGATED.search(head) or _CROSSED.search(t) or (
        None if _OPENS_WITH_REQUEST.match(t) else _REPORTED_REQUEST.search(t))
    if hedge and hedge.group(0).startswith("hold off") and UNTIL.search(t):
        hedge = None  # "hold off on the alpaca reorder until next week": a snooze
    if hedge and re.search(r"\bno,? (?:wait,? )?make (?:it|that)\b", head):
        hedge = None  # "friday, no make it monday": a correction (echoed as such), not a refusal
    if not hedge and (ids or ref is not None) and _WHICH_VERB.match(head):
        # "deal with the markdowns", "take care of 8": do what to them? asked, never guessed (nor only explained)
        return Intent("which_verb", ids=ids, ref=None if ids else ref, text=original)
    # a clause whose head names its own target ("reject 16", "reject the second one") takes its verb from the
    # head: the reason after it ("… because the copywriter redoes it next week") never turns it into another verb
    verb = (verb_of(head, ids, ref) if ids_in(head) or ref is not None else None)
    if verb is None:
        verb = verb_of(t, ids, ref)
        if verb is not None and hedge is None:
            # the verb is said after the name ("17 - don't do it", "keep 17, dont roll it back"): a negation there
            # is about it
            hedge = _NEGATED.search(t)
    later = _approve_later(verb, t, head, original) if not hedge else None
    if later is not None:
        # "approve the markdown … only until christmas": nothing runs for a limited time; "approve 18 on friday",
        # "… after the sale": an approval runs at once. Asked, never snoozed, never approved now
        return Intent(later[0], ids=ids, ref=None if ids else ref, text=original, when_said=later[1])
    if ref is None and names is not None and not ids and verb in _WRITES:
        # "approve the xyz instead": a name the store has nothing by is still a name the operator said; it
        # resolves to nothing (and is said so), never to whatever was shown last
        unknown = ref_in(head, names=None)
        if unknown is not None and unknown.words:
            ref = unknown
    span = _SNOOZE_SPAN.search(t) if verb == "snooze" else None
    if span and int(span.group(1)) < int(span.group(2)) and parse_when(t[span.end():], now) is None:
        # "snooze 12 to 15": #12 until the 15th, or #12 to #15? asked, never guessed
        return Intent("snooze_span", ids=(int(span.group(1)), int(span.group(2))), text=original)
    if hedge and verb not in (None, "explain", "list"):
        return Intent("hold_back", ids=ids, ref=None if ids else ref, held_back=verb, text=original)
    if verb in _WRITES and not ids and ref is not None and not ref.words and _BY_AMOUNT.search(t):
        # "approve every reorder under $500": an amount that picks actions, which the engine does not do; the
        # group is shown with its figures and the operator names the ones meant (never an edit to $500)
        return Intent("by_amount", ref=ref, held_back=verb, text=original)
    decision = _decision(verb, t, original, now, ids, ref)
    if decision is not None:
        decision = replace(decision, version=version_in(head))  # "… because version 2 was better" names none
        joined = _AND_NAMED.search(head) if ids and decision.name != "rollback" else None
        also = ref_in(joined.group(1), names=names) if joined else None
        if also is not None and (also.words or also.kind or also.agent or also.risk):
            # "approve 11 and the candle ones": the numbers and the name, both meant
            decision = replace(decision, ref=also)
        return decision
    if hedge and verb is None:
        return Intent("hold_back", ids=ids, ref=ref, text=original)
    return reading(t, original, now, ids=ids, ref=ref, names=names) or Intent("unknown", ids=ids, ref=ref,
                                                                                text=original)


_APPROVAL_LEAD = re.compile(r"^(?:(?:please|pls|ok|okay|so|then|yes|just)[, ]+)*(?:approve|go ahead(?: with)?|ship"
                            r"|execute)\b")
#: "approve 7 until christmas", "… for two weeks": an approval for a while
_FOR_A_WHILE = re.compile(r"\b(?:until|till|til|(?:thru|through)(?!\s+#?\d)|for (?:a|one|two|three|a few|a couple of|\d+) "
                          r"(?:days?|weeks?|months?|while))\b")
#: "approve 9 by friday", "approve it now": an approval now is what was asked
_NOW_OR_BY = re.compile(r"\b(?:by|before|no later than|now|right away|asap|immediately|today|straight away)\b")
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
#: "approve 18 on friday", "… first thing monday", "… after the sale", "… at 5pm": a time the approval is put off to
#: (never "approve the 2nd and 7th", places in a list)
_LATER = re.compile(r"(?i)\b(?:on (?:the )?\d|(?:on |next |this |first thing |early |late )?(?:" + _DAY + r")\b|after|once"
                    r"|first thing|later|tonight|tomorrow|tmrw|next (?:week|month)|this (?:evening|afternoon|weekend)"
                    r"|in (?:\d+|a|an|one|two|three|a few|a couple of) (?:min|minute|hour|day|week|month)s?"
                    r"|(?:at )?\d{1,2}(?::\d{2})?\s*(?:am|pm)|at (?:noon|midnight|\d{1,2}:\d{2}))")


def _approve_later(verb: str | None, t: str, head: str, original: str) -> tuple[str, str | None] | None:
    """("time_limited" | "approve_later", the words of the time) for an approval said with a time, else None."""
    if verb not in ("snooze", "approve", "edit_approve") or not _APPROVAL_LEAD.match(t):
        return None
    if _FOR_A_WHILE.search(t):
        return "time_limited", time_words(original)
    # an amount is not a time ("approve 9 at 40 units", "… at 45.50")
    said = re.sub(r"\b(?:at|to|with|for|only|just)\s+[$€£]?\d[\d.,]*\s*(?:%|percent|units?|pcs|pieces)?(?!\s*(?:am|pm|:))",
                  " ", head)
    if _NOW_OR_BY.search(said) or not _LATER.search(said):
        return ("time_limited", time_words(original)) if verb == "snooze" else None
    m = _LATER.search(re.split(r"\s+(?:because|since|as)\s|[,;]\s", original)[0])
    return "approve_later", original[m.start():].split(",")[0].strip(" .!?") if m else None


def _decision(verb: str | None, t: str, original: str, now: datetime, ids: tuple[int, ...],
              ref: Ref | None) -> Intent | None:
    if verb == "rollback":
        return Intent("rollback", ids=ids, ref=None if ids else (ref or Ref(focus=True)),  # "undo": what is in view
                      reason=reason_in(original, "undo|revert|roll ?back|rollback"))
    if verb == "snooze":
        # a reason given with a snooze is kept: "no, I said reject" after it still knows why
        because = re.search(r"(?i)\b(?:(?:because|cause|coz|cuz|bc)(?:\s+of)?|since|due to)\s+(.+)$", original)
        said = _head(t) if because else t
        corrected = list(re.finditer(r"\b" + TAKE_BACK + r"\b[,.:!]*\s+", said))
        until = (parse_when(said[corrected[-1].end():], now) if corrected else None) or parse_when(said, now)
        return Intent("snooze", ids=ids, ref=None if ids else ref, until=until,
                      reason=because.group(1).strip(" .") if because else None,
                      when_said=None if until else time_words(original))
    if verb == "reject":
        words = r"reject|decline|deny|veto|turn down|no to|nope|skip|drop|kill|cancel|bin|scrap|ditch|nix"
        return Intent("reject", ids=ids, ref=None if ids else ref, reason=reason_in(original, words) or reason_in(t, words))
    if verb in ("approve", "edit_approve"):
        head = _head(t)  # "approve 12, we need more stock": the reason asks no change
        # "approve 12, leave the current title": keeping what it changes, said after a comma, is still said of it
        params = {"keep_current": True} if keeps_current(t) else params_in(head, original)
        if params or asks_change(head) or _unread_number(head, ids, ref) or _AS_TEXT.match(t):
            # a change that cannot be read stays an edit (with nothing in it): the brain asks, never approves as is
            return Intent("edit_approve", ids=ids, ref=None if ids else ref, params=params, text=original)
        return Intent("approve", ids=ids, ref=None if ids else (ref or Ref(focus=True)))
    return None


#: "approve 18 as sparrow velvet cushion": a new text written in lower case is still a change (asked, never
#: dropped); "approve 12 as we need the stock" gives a reason
_AS_TEXT = re.compile(r"^(?:please\s+)?approve\s+#?\d+\s+as\s+(?!(?:we|we're|were|i|i'm|im|it|it's|its|they|they're"
                      r"|this|that|there|our|you|he|she|sales|stock|demand|margins?|the \w+ (?:is|are|was|were|has|have"
                      r"|will|won't|wont|needs?)"
                      # "approve 23 as well", "… as soon as you can", "… as agreed", "… as a one-off"
                      r"|well|soon|usual|always|agreed|discussed|requested|asked|promised|normal|per|planned|before"
                      r"|such|part|one|both|a|an|said|mentioned)\b)\w")

#: numbers an approval may carry that are neither an action nor a change: an order's name, a place or a count in
#: a list, a day, a time, a version
_NOT_A_CHANGE = re.compile(r"#\s?\d{3,}|\border\s*#?\s?\d{3,}|\b(?:top|first|last|bottom|best|next|all)\s+\d+"
                           r"|\b\d+(?:st|nd|rd|th)\b|\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b\d{1,2}:\d{2}\b"
                           r"|\bversion\s+\d+|\bv\d+\b|\b\d{4}-\d{2}-\d{2}\b")


def _unread_number(head: str, ids: tuple[int, ...], ref: Ref | None) -> bool:
    """"approve 7 but 15": a number beside an approval that is neither the action nor a change read from it.
    The approval becomes an edit with nothing in it, so the brain asks; it never runs as proposed."""
    # what a condition or an exception says is not a change: "only if it's under 40 units", "all except 7"
    said = re.sub(r"\b(?:if|unless|provided|as long as|assuming|only when)\b.*$", " ", head)
    said = EXCEPT_REF.sub(" ", said)
    left = {int(n) for n in re.findall(r"\d+", _NOT_A_CHANGE.sub(" ", said))}
    counted = {ref.count, ref.some} if ref is not None else set()
    return bool(left - set(ids) - counted)


#: "approve 11 and the candle ones", "reject 7, 9 and the mug reorder": a name joined to the numbers
_AND_NAMED = re.compile(r"#?\d+\s*(?:,|and|&|plus|\+)\s*(?:also\s+)?(?=(?:the|those|these|all the|all|both)\s)(.+)$")
#: "snooze 12 to 15": a day of the month, or the last of a range of actions
_SNOOZE_SPAN = re.compile(r"\b(?:snooze|postpone|park|defer)\s+#?(\d{1,6})\s+to\s+#?([1-9]|[12]\d|3[01])\b"
                          r"(?!\s*(?:st|nd|rd|th|units?|%|percent|days?|weeks?|[-/.:]))")
