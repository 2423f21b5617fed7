"""What the operator asks for, clause by clause: intents and their slots, without a model.

``parse(text, now)`` is pure. A message is normalised (typos in command words, number
words), split into clauses where a new verb starts ("reject 22 because … and approve
23"), and each clause becomes an ``Intent``: a name, action ids written in it, a
reference by description (``Ref``: names, kind, agent, risk, ordinal, count, pronoun),
and the slots of its verb (reason, time, edited params, level, rule text).

Reading comes before acting: a question ("is the kill switch on?"), a negation or a
hedge ("don't approve anything yet", "maybe later") never becomes a write, and a bare
acknowledgement ("ok thanks") is only an acknowledgement. This module splits the message
and reads the writes (decisions, settings, rules); ``questions`` reads everything else.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from functools import lru_cache

from graphs.language.confirm import KILL_OFF, KILL_ON, is_acknowledgement, strip_markup
from graphs.language.dates import parse_when
from graphs.language.edits import asks_change
from graphs.language.intent import Intent
from graphs.language.normalize import normalize
from graphs.language.questions import question, reading
from graphs.language.slots import (PLACE, Ref, agent_in, has, ids_in, kind_in, level_in, name_words, params_in,
                                   reason_in, ref_in, version_in)

__all__ = ["Intent", "parse"]


# --- reading the whole message ---------------------------------------------------------------------

_CLAUSE_VERBS = (r"approve|reject|decline|snooze|postpone|park|remind me|explain|show|list|undo|revert|roll ?back"
                 r"|rollback|go ahead|skip|veto|deny|ship|green ?light|lgtm|run|ask|hold off|forget|release"
                 r"|tell me|give me|let me know"
                 # "approve 7 and never discount flint stuff again": a standing rule said beside a decision
                 r"|never (?:discount|mark|reorder|hold|touch|change|raise|lower|cut|reduce|rewrite|email|put)"
                 r"|always ask|from now on|don'?t ever"
                 # "approve 12 and stop everything", "approve 21 and halt 22 until january" (never "… and stop-gap
                 # fixes failed" in a reason)
                 r"|(?:stop|pause|halt|freeze) (?:everything|all\b|it all|executions?|the agents|the engine|#?\d+)")
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
_QUESTION = re.compile(r"\?\s*$|^(?:is|are|was|were|did|do(?! (?:it|that|this|those|them|both)\b)|does|has|have|had"
                       r"|what|which|who|why|how|when|where"
                       r"|should|shall|will|would|any|whats|what's|hows|how's|can i|could i)\b")
_POLITE = re.compile(r"^(?:(?:can|could|would|will) you (?:please )?|please (?:you )?(?:can |could )?(?:you )?)"
                     r"(?=(?:" + _CLAUSE_VERBS + r"|stop|halt|freeze|pause|engage|turn|set|go|put|switch)\b)")


#: the most requests one message is read for
MAX_CLAUSES = 20


def parse(text: str, now: datetime, *, names: frozenset[str] | None = None) -> list[Intent]:
    """The intents of one message, in the order the operator said them.

    ``names`` are the words the store's actions are known by (see ``tools.queue``): with them,
    a word is read as part of a name only if something in the store is called that. The same
    message is read by the brain and by the gate: the reading is cached (per minute, for dates).
    """
    return list(_parse(text, now.replace(second=0, microsecond=0), names))


@lru_cache(maxsize=1024)
def _parse(text: str, now: datetime, names: frozenset[str] | None) -> tuple[Intent, ...]:
    original = _each_its_own(_excepted(_corrected(_last_word(strip_markup(text).strip()))))
    t = _each_its_own(_excepted(_corrected(_last_word(normalize(original)))))
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
    return _after_edits(intents) or (Intent("unknown", text=original),)


#: a short list of numbers ("12", "12, 13 and 14"): bounded, so reading a long message stays linear
_NUMBERS = r"#?\d{1,9}(?:\s*(?:,|and|&)\s*#?\d{1,9}){0,9}"
#: how far back from a correction or an exception the numbers it is about may stand
_LOOK_BACK = 160
#: the words that take a number back: "no wait", "sorry i meant", "oops", "make that", "4. no. 5"
TAKE_BACK = r"(?:no|nope|wait|sorry|oops|i mean|i meant|make (?:that|it)|or rather|actually|correction)"
_TAKEN_BACK = re.compile(r"(?i)\s*(?:[,.;:!]+|\s[-—–])?\s*(?:" + TAKE_BACK + r"[,.:!]*\s+){1,3}(?:#|number\s+)?"
                         r"(?P<new>" + _NUMBERS + r")\b(?=\s*(?:$|[,.;!?]|\s(?:because|since|as|until|till|for"
                         r"|instead|please)\b))")
_EXCEPTED = re.compile(r"(?i)\s*[,;]?\s*(?:oh,? )?(?:and |but )?(?:not|except(?: for)?|apart from|other than|excluding"
                       r"|without|minus|leave out|skip)\s+(?:#|number\s+)?(?P<out>" + _NUMBERS + r")\b")
_LIST_AT_END = re.compile(r"(?P<list>" + _NUMBERS + r")(?P<mid>[^0-9]{0,60}?)$")


def _list_before(text: str, end: int) -> re.Match[str] | None:
    """The numbers that end ``text[:end]`` (within the look-back), with what follows them."""
    start = max(0, end - _LOOK_BACK)
    return _LIST_AT_END.search(text, start, end)


def _corrected(text: str) -> str:
    """"approve 19, I mean 20" -> "approve 20": a number taken back is replaced by the one meant.

    The message still holds second thoughts, so the gate echoes what was understood and waits for a yes.
    """
    for m in _TAKEN_BACK.finditer(text):
        before = _list_before(text, m.start())
        if before is None or before.group("mid").strip():
            continue
        old = re.findall(r"\d+", before.group("list"))
        new = re.findall(r"\d+", m.group("new"))
        kept = new if len(new) >= len(old) else old[:len(old) - len(new)] + new
        return f"{text[:before.start()]}{' and '.join(kept)}{text[m.end():]}"
    return text


_TURNED = re.compile(r"(?i)(?:^|[,.;:!?\s]|\s[-—–])\s*(?:scratch that|no wait|wait,? no|on second thoughts?|actually no"
                     r"|forget that|never ?mind that|change of plan)[,.;:!]*\s+(?=(?:please\s+|just\s+)?(?:"
                     + _CLAUSE_VERBS + r")\b)")


def _last_word(text: str) -> str:
    """"reject 16 — scratch that, approve it": what follows the operator's change of mind is the request
    (the message still holds second thoughts, so the gate echoes it and waits for a yes)."""
    turns = list(_TURNED.finditer(text))
    if not turns:
        return text
    kept, dropped = text[turns[-1].end():], text[:turns[-1].start()]
    numbers = re.findall(r"#?\d{1,9}\b", dropped)
    if numbers and not re.search(r"\d", kept):
        # "approve it" after "reject 16 — scratch that": "it" is the action the message named
        kept = re.sub(r"\b(?:it|that one|this one|that|this|them|those|both)\b", " and ".join(numbers), kept,
                      count=1)
    return kept


_EACH = re.compile(r"(?i)\s+and\s+(?=#?\d{1,9}\s+(?:with|at|to|but)\s+\d)")


def _each_its_own(text: str) -> str:
    """"approve 9 with 20 units and 10 with 30": each action with its own change, as two requests."""
    m = re.match(r"(?i)^(?:please\s+)?(approve|edit and approve|set|change)\b", text)
    return _EACH.sub(f" and {m.group(1)} ", text) if m else text


def _excepted(text: str) -> str:
    """"approve 15 and 16, oh and not 16" -> "approve 15": a number excepted from the ones just listed."""
    for m in _EXCEPTED.finditer(text):
        before = _list_before(text, m.start())
        if before is None:
            continue
        listed = re.findall(r"\d+", before.group("list"))
        out = set(re.findall(r"\d+", m.group("out")))
        if len(listed) < 2 or not out <= set(listed):
            continue
        kept = [n for n in listed if n not in out]
        return f"{text[:before.start()]}{' and '.join(kept)}{before.group('mid')}{text[m.end():]}"
    return text


#: "…, nah keep it", "… scratch that", "…, never mind": the whole request taken back at its end
_RETRACTED = re.compile(r"(?i)(?:[,.;!?]+|\s[-—–]|\.\.\.|…|\s+and)\s*(?:(?:oh|hmm+|um+|wait|actually|no|nah|nope|ok|okay)"
                        r"[,.!]*\s+)*(?:scratch that|never ?mind|forget (?:it|that)|cancel (?:it|that)"
                        r"|ignore (?:that|me)"
                        r"|keep (?:it|them)(?: (?:for now|as is|as it is|waiting))?|(?:actually|nah|no),? (?:no|not)"
                        r"|on second thoughts?,? no)(?:[,.!]*\s*(?:keep (?:it|them)|leave (?:it|them)))?[\s.!]*$")


#: "approve 17 jk", "approve 14, nvm", "… just kidding": a joke or a never-mind, even without a comma
_JOKING = re.compile(r"(?i)(?:\s|[,.;!?…-])\s*(?:j/?k|just (?:kidding|joking)|(?:haha|lol|lmao)?\s*(?:kidding|joking)"
                     r"|nvm|nevermind|(?:lol|haha|lmao),? no(?:pe)?)[\s.!]*$")


def retracted(text: str) -> str | None:
    """What a message asked before taking it all back at its end, or None if it takes nothing back."""
    m = _RETRACTED.search(text) or _JOKING.search(text)
    return text[:m.start()] if m and text[:m.start()].strip() else None


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
    if _QUESTION.search(t) and not _POLITE.search(t):
        return question(t, original, now, names)
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
                             r"|skip|no to|undo|roll ?back|explain|push|move|delay|park|remind me)\b")


_STOP_ONE_KIND = re.compile(r"^(?:please |ok |so )?(?:stop|pause|halt|freeze)\s+(?:all\s+|any\s+)?(?:the\s+|those\s+"
                            r"|these\s+|new\s+)?(.+)$")
_UNTIL = re.compile(r"\b(?:until|till|til|for (?:a|one|two|\d+) (?:days?|weeks?|wks?|months?)|next week|tomorrow)\b")
_NOT_SETTING = re.compile(r"\b(?:don'?t|dont|do not|never(?! ?mind)|no need to|not|won'?t|shouldn'?t)\b")
_REPORTED = re.compile(r"\b(?:i (?:already )?(?:said|told you|thought|asked for|asked you|set (?:it|autonomy|us))"
                       r"|didn'?t i (?:say|tell|set)|weren'?t we|aren'?t we|i'?m sure (?:i|we))\b")


def _settings(t: str, original: str) -> Intent | None:
    """Kill switch, autonomy and standing rules: whole-message intents."""
    switched = _agent_switch(t, original)
    if switched is not None:
        return switched  # one agent named: never the store-wide kill switch
    if has(r"\b(?:(?:do|run|approve|execute) (?:nothing|anything) without me|nothing without me|ask me (?:before|for) "
           r"(?:everything|anything))\b", t):
        # "I'm going on holiday, don't do anything without me": everything waits for the operator
        return Intent("autonomy", level="supervised", text=original)
    setting = KILL_OFF.search(t) or KILL_ON.search(t) or re.search(r"autonom|autopilot|supervis", t)
    if setting is not None and _NOT_SETTING.search(t[:setting.start()]):
        # "don't turn off the kill switch", "i dont want autonomous mode": the setting as it is, changed by nothing
        return Intent("status", text=original)
    if KILL_OFF.search(t):
        return Intent("kill_off", text=original)
    one_kind = _STOP_ONE_KIND.match(t)
    if one_kind and _UNTIL.search(t):
        return None  # "pause the mug reorder until friday": a snooze of that one, read as a clause
    if one_kind and kind_in(one_kind.group(1)) and not has(r"\b(?:everything|all of it|it all|every ?thing|emergency"
                                                           r"|something(?:'s| is)? (?:off|wrong|weird|broken))\b", t):
        # "stop the reorders for now": one kind, not the store-wide kill switch; asked how
        return Intent("stop_kind", ref=Ref(kind=kind_in(one_kind.group(1))), text=original)
    if KILL_ON.search(t) and not has(r"\bstop (?:proposing|suggesting|showing|sending)\b", t) and (
            not _DECISION_FIRST.match(t)):
        # a decision whose reason holds "freeze" or "stop" ("snooze 3 … because of the code freeze") is a decision;
        # "approve 12 and stop everything" is read clause by clause, and its second clause engages the switch
        when = re.search(r"\b(?:for|till|until|til|through|over)\s+(?:the\s+)?(?:weekend|night|today|tonight|\w+day"
                         r"|\d+\s*(?:hours?|days?|minutes?|h)|a (?:bit|while|day|week|few hours)|now|an hour)\b.*$", t)
        return Intent("kill_on", reason=reason_in(original, "stop|switch|halt|freeze|pause"), text=original,
                      when_said=when.group(0) if when and not when.group(0).startswith("for now") else None)
    if has(r"autonom|autopilot|on (?:its|their) own|manual", t) and (kind_in(t) or agent_in(t)):
        # "let content stuff run on its own but keep reorders manual": one kind's autonomy is earned, not set here
        return Intent("status", text=original, task="autonomy_per_kind")
    if _REPORTED.search(t) and level_in(t):
        # "I said autonomous", "I thought we were on autopilot": a complaint about the level, not a command
        return Intent("status", level=level_in(t), text=original)
    if has(r"autonom|supervis|autopilot|run (?:it |things |stuff )?on (?:their|its) own|on autopilot"
            r"|ask me (?:before|for) (?:everything|anything)|let (?:low[- ]risk )?(?:things|stuff|actions) run"
            # "let the agents auto-approve low risk stuff", "you can handle the small stuff yourself"
            r"|auto[- ]?approv|auto[- ]?execut|handle (?:the )?(?:small|little|low[- ]risk)\w* (?:stuff|things|ones)", t):
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


_AGENT = r"(?:the\s+|our\s+|that\s+|this\s+)?(?P<{0}>[\w-]+)\s+(?:agent|specialist|bot)\b(?!s\b)"
_ONE_AGENT_OFF = re.compile(r"\b(?:stop|pause|halt|freeze|disable|deactivate|suspend|shut (?:down|off)|kill|mute"
                            r"|silence|turn off|switch off)\s+" + _AGENT.format("a")
                            + r"|\b(?:turn|switch|shut)\s+" + _AGENT.format("b") + r"\s+(?:off|down)\b"
                            + r"|\b(?:stop|pause|disable|turn off|switch off)\s+the (?P<c>analyst)\b")
_ONE_AGENT_ON = re.compile(r"\b(?:enable|re-?enable|reactivate|unpause|turn on|switch on|turn back on)\s+"
                           + _AGENT.format("a") + r"|\b(?:turn|switch)\s+" + _AGENT.format("b")
                           + r"\s+(?:back\s+)?on\b")


def _agent_switch(t: str, original: str) -> Intent | None:
    """"stop the content agent, its suggestions are rubbish", "turn off the content agent": one agent, not all."""
    for pattern, name in ((_ONE_AGENT_OFF, "agent_off"), (_ONE_AGENT_ON, "agent_on")):
        m = pattern.search(t)
        if m is None:
            continue
        word = next(g for g in m.groups() if g)
        agent = agent_in(word) or agent_in(word + " agent")
        if agent is not None:
            return Intent(name, agent=agent, reason=reason_in(original, r"stop|pause|disable|off|down"),
                          text=original)
    return None


def _head(t: str) -> str:
    """The clause without its reason ("…, margins are too thin", "… because we're not ready")."""
    return re.sub(r"\s+(?:because|since|as|due to|bc|cuz|cos|b/c)\s.*$|(?:,|\s[-—:])\s+(?=[a-z])"
                  r"(?!\s*(?:and|or)\s+#?\d)(?!(?:and\s+)?(?:the\s+)?" + PLACE + r"\b)"
                  # "approve 9, but only 30 units", "the second one — make it 30": a change is part of the request
                  r"(?!(?:(?:no,? )?wait,? |actually,? |sorry,? |i mean,? |no,? )*(?:but|only|make|with|at|instead"
                  r"|change|set|and make|and change|just)\b).*$", "", t)


#: the verbs that change the store: a name they are given is never replaced by a guess
_WRITES = frozenset({"approve", "edit_approve", "reject", "snooze", "rollback"})


_RELEASE = re.compile(r"^(?:please |ok |okay |so )?(?:release|unhold|un-hold|lift the hold on|let)\s+(?:the\s+)?"
                      r"(?:hold\s+on\s+)?(?:order\s*)?#?\s?(\d{3,})\b(?:\s+(?:go|ship|through|out))?")


_EXCEPT_REF = re.compile(r"\s*,?\s*\b(?:except(?: for)?|but not|apart from|other than|excluding|bar|not)\s+(?:for\s+)?"
                         r"(?:the\s+)?(?P<what>.+)$")


def _except_ref(head: str, names: frozenset[str] | None) -> tuple[str, tuple[str, ...]]:
    """"approve all of them except the candle one", "approve those except 16": the reference, and what it
    leaves out (numbers and name words); the exception is not a hedge."""
    m = _EXCEPT_REF.search(head)
    if m is None:
        return head, ()
    before = head[:m.start()]
    ref = ref_in(before, names=names)
    if ref is None or not (ref.every or ref.several or ref.rest or ref.count or ref.plural or ref.focus):
        return head, ()
    what = m.group("what")
    out = tuple(str(n) for n in ids_in(what) or tuple(int(n) for n in re.findall(r"#?(\d{1,9})\b", what)))
    words = tuple(w for g in name_words(what, names) for w in g)
    # "… except the holds and the reorders": every kind named is left out
    kinds = tuple(dict.fromkeys(k for part in re.split(r",|\band\b|\bor\b|&", what) if (k := kind_in(part))))
    words += tuple(f"kind:{k}" for k in kinds) if kinds and not words else ()
    return (before, out + words) if out or words else (head, ())


_UNSNOOZE = re.compile(r"^(?:please |ok |so |actually |now |just |oh )*(?:un-?snooze|wake(?: up)?|bring (?:back\b"
                       r"|#?\d+ back\b|it back|them back)|resurface)")
#: "put 10 on hold till thursday", "hold 8 for now": an action (a small number), not an order, set aside
_ON_HOLD = re.compile(r"^(?:please )?(?:put\s+#?(\d{1,3})\s+on hold"
                      r"|hold\s+#?(\d{1,3})(?=\s+(?:for|till|until|til|to)\b))")
#: "let them ship", "let it through", "let both go": the holds meant are released
_LET_SHIP = re.compile(r"\blet (?:it|them|that|those|these|both|this|the orders?|the two)(?: (?:one|ones|orders?))?"
                       r" (?:ship|go|through|out|be)\b")
#: "dont hold 9315, it's a regular customer": the hold on that order is not wanted
_DONT_HOLD = re.compile(r"^(?:please )?(?:don'?t|dont|do not|no need to)\s+hold\s+(?:order\s*)?#?\s?(\d{3,})\b")


def _clause(t: str, original: str, now: datetime, names: frozenset[str] | None) -> Intent:
    m = re.match(r"^(?:please )?(?:hold|put (?:a )?hold on)\s+(?:order\s*)?#?\s?(\d{3,})\b", t)
    if m:
        return Intent("approve", ref=Ref(kind="risk.hold_order", words=("#" + m.group(1),)))
    if _UNSNOOZE.match(t):
        # ending a snooze early: the snoozed action can be decided on now; it is never snoozed again
        ids = ids_in(t)
        return Intent("unsnooze", ids=ids, ref=None if ids else (ref_in(t, names=names) or Ref(focus=True)))
    m = re.match(r"^(?:please )?put (?!#?\d)(.+?) on hold\b", t)
    if m and ref_in(m.group(1), names=names) is not None:  # "put the bowl reorder on hold (till …)"
        until = parse_when(t, now)
        return Intent("snooze", ref=ref_in(m.group(1), names=names), until=until,
                      when_said=None if until else _time_words(original))
    m = _ON_HOLD.match(t)
    if m:  # "put 10 on hold till thursday": an action (not an order) set aside
        until = parse_when(t, now)
        return Intent("snooze", ids=(int(m.group(1) or m.group(2)),), until=until,
                      when_said=None if until else _time_words(original))
    if _LET_SHIP.search(t) and not ids_in(t):
        # "both of them look fine, let them ship": the holds shown are not wanted (echoed, never run at once)
        return Intent("release", ref=replace(ref_in(t, names=names) or Ref(focus=True), kind="risk.hold_order"),
                      reason=reason_in(original, r"ship|go|through|out|fine|legit|ok"), text=original)
    m = re.match(r"^(?:please )?release\s+#?(\d{1,3})\b", t)
    if m:  # "release 24": the action's number; it is released if it is a hold
        return Intent("release", ids=(int(m.group(1)),), reason=reason_in(original, "release"), text=original)
    m = _RELEASE.match(t) or _DONT_HOLD.match(t)
    if m and (not t.startswith("let") or re.search(r"\b(?:go|ship|through|out)\b", m.group(0))):
        # "release order 9315": not holding it (a hold waiting is rejected, one in force rolled back); echoed
        return Intent("release", ref=Ref(kind="risk.hold_order", words=("#" + m.group(1),)),
                      reason=reason_in(original, r"release|unhold|un-hold|let|ship|through|go|out|hold"), text=original)
    # "approve everything except the holds, the reorders and the markdowns": the exception, commas and all
    kept, excluding = _except_ref(t, names)
    head = _head(kept)
    # a number in the reason ("approve 13, we've had that page for 3 years") is not an action
    ids = ids_in(head) if head != t or excluding else ids_in(t)
    ref = ref_in(head, names=names)
    if ref is not None and excluding:
        ref = replace(ref, excluding=excluding)
    hedge = _NEGATED.search(head)
    if hedge and hedge.group(0).startswith("hold off") and _UNTIL.search(t):
        hedge = None  # "hold off on the alpaca reorder until next week": a snooze
    if hedge and re.search(r"\bno,? (?:wait,? )?make (?:it|that)\b", head):
        hedge = None  # "friday, no make it monday": a correction (echoed as such), not a refusal
    # a clause whose head names its own target ("reject 16", "reject the second one") takes its verb from the
    # head: the reason after it ("… because the copywriter redoes it next week") never turns it into another verb
    verb = (_verb(head, ids, ref) if ids_in(head) or ref is not None else None) or _verb(t, ids, ref)
    if verb == "snooze" and re.match(r"^(?:please |ok |so )?(?:approve|go ahead|ship|execute)\b", t):
        # "approve the markdown … only until christmas": nothing runs for a limited time; asked, never snoozed
        return Intent("time_limited", ids=ids, ref=None if ids else ref, text=original,
                      when_said=_time_words(original))
    if ref is None and names is not None and not ids and verb in _WRITES:
        # "approve the xyz instead": a name the store has nothing by is still a name the operator said; it
        # resolves to nothing (and is said so), never to whatever was shown last
        unknown = ref_in(head, names=None)
        if unknown is not None and unknown.words:
            ref = unknown
    if hedge and verb not in (None, "explain", "list"):
        return Intent("hold_back", ids=ids, ref=None if ids else ref, held_back=verb, text=original)
    decision = _decision(verb, t, original, now, ids, ref)
    if decision is not None:
        return replace(decision, version=version_in(head))  # "… because version 2 was better" names none
    if hedge and verb is None:
        return Intent("hold_back", ids=ids, ref=ref, text=original)
    return reading(t, original, now, ids=ids, ref=ref, names=names) or Intent("unknown", ids=ids, ref=ref,
                                                                                text=original)


def _decision(verb: str | None, t: str, original: str, now: datetime, ids: tuple[int, ...],
              ref: Ref | None) -> Intent | None:
    if verb == "rollback":
        return Intent("rollback", ids=ids, ref=None if ids else ref,
                      reason=reason_in(original, "undo|revert|roll ?back|rollback"))
    if verb == "snooze":
        # a reason given with a snooze is kept: "no, I said reject" after it still knows why
        because = re.search(r"(?i)\b(?:because|since|cause|coz|cuz|bc|due to)\s+(.+)$", original)
        said = _head(t) if because else t
        corrected = list(re.finditer(r"\b" + TAKE_BACK + r"\b[,.:!]*\s+", said))
        until = (parse_when(said[corrected[-1].end():], now) if corrected else None) or parse_when(said, now)
        return Intent("snooze", ids=ids, ref=None if ids else ref, until=until,
                      reason=because.group(1).strip(" .") if because else None,
                      when_said=None if until else _time_words(original))
    if verb == "reject":
        words = r"reject|decline|deny|veto|turn down|no to|nope|skip|drop|kill|cancel|bin|scrap|ditch|nix"
        return Intent("reject", ids=ids, ref=None if ids else ref, reason=reason_in(original, words) or reason_in(t, words))
    if verb in ("approve", "edit_approve"):
        head = _head(t)  # "approve 12, we need more stock": the reason asks no change
        params = params_in(head, original)
        if params or asks_change(head):
            # a change that cannot be read stays an edit (with nothing in it): the brain asks, never approves as is
            return Intent("edit_approve", ids=ids, ref=None if ids else ref, params=params, text=original)
        return Intent("approve", ids=ids, ref=None if ids else (ref or Ref(focus=True)))
    return None


_TIME_WORDS = re.compile(r"(?i)\b((?:until|till|til|after|before|through|up to)\s+.+?)\s*(?:[,.;]|\s(?:because|since"
                         r"|as|due to|cuz|bc)\b|$)|\b(?:push|move|delay|reschedule|shift|put off)\b.*?\b(to\s+.+?)"
                         r"\s*(?:[,.;]|\s(?:because|since|as|due to|cuz|bc)\b|$)")


def _time_words(original: str) -> str | None:
    """"snooze 12 until the sale is over": the words that name the time, when no date could be read in them."""
    m = _TIME_WORDS.search(original)
    return (m.group(1) or m.group(2)).strip() if m else None


#: moving an action in time ("push 19 back to monday", "move 19 to next week") is a snooze, never an approval
_MOVED = re.compile(r"\b(?:push|move|delay|reschedule|shift|put off)\b(?:\s+(?:it|that|them|this|#?\d+))*"
                    r"\s+(?:back\s+|out\s+|off\s+)?(?:to|till|until|til|after|by|next|(?:a|an|one|two|three|four|\d+)"
                    r"\s+(?:day|week|fortnight|month)s?)\b(?!\s+\d+\s*(?:units?|%|percent|pcs))(?!\s+[$€£])")


def _verb(t: str, ids: tuple[int, ...], ref: Ref | None) -> str | None:
    if has(r"\b(roll ?back|rollback|undo|revert|reverse|put (?:it|that|them) back|roll (?:it|that|them|this) back"
            r"|change (?:it|that) back|go back to the old)\b(?! plan)", t):
        return "rollback"
    if (has(r"\b(snooze|postpone|defer|park|remind me|come back to|revisit|set aside|tomorrow|next week"
            r"|on monday|till|until|push back|delay)\b", t) or _MOVED.search(t)) and (
            ids or ref) and not has(r"\bwhy\b|\bwhat\b", t):
        return "snooze"
    # "approve it but drop the brand name": a change to an approval, never a rejection
    changes_an_approval = re.match(r"^(?:please |ok |so |then )?(?:approve|go ahead|ship)\b", t) and has(r"\bbut\b", t)
    if not changes_an_approval and (has(r"\b(reject|rejected|decline|deny|veto|turn down|no to|nope|not approved|skip"
                                        r"|say no|bin|drop|kill|cancel|scrap|ditch|nix|get rid of|remove|chuck|toss"
                                        r"|pass on)\b", t) and (ids or ref) or re.match(r"^no\b[, ]+(?:to )?#?\d", t)):
        return "reject"
    if has(r"\bmark(?:ed)? (?:it |that |this |#?\d+ )?(?:as )?(?:handled|done|resolved|dealt with)\b"
            r"|\b(?:is|are) (?:handled|resolved|dealt with)\b|\bdone with\b|\bclose (?:the )?(?:request|ticket)\b", t):
        return "approve"  # a customer's request marked handled: the operator's decision on that inbox item
    if has(r"\b(approve|approved|go ahead|green ?light|ship it|ship|do it|sign off|lgtm|accept|execute|make it so"
            r"|proceed|yes to|ok to|okay to|let'?s do|push|run with|go with|yes|yep|sure|crack on(?: with)?|go for it"
            r"|do (?:that|this)(?: one)?"
            r"|greenlight)\b", t):
        return "approve"
    if params_in(t, t) and has(r"\b(change|set|make|edit|update|lower|raise|reduce|increase|bump|cut)\b", t) and (ids or ref):
        return "edit_approve"
    if has(r"\b(why|explain|tell me (?:more )?about|more about|details?|show|open|see|view|what (?:is|was|does)"
            r"|what's|evidence|rollback plan|how (?:did you|do you know|sure|confident)|what happens if)\b", t) and (
            ids or (ref and (ref.focus or ref.words or ref.position or ref.agent or ref.kind))):
        return "explain"
    return None
