"""What a message says about itself, read before its clauses: what it takes back, corrects or leaves out.

"approve 19, I mean 20" is "approve 20"; "approve 15 and 16, oh and not 16" is "approve 15"; "reject 16 —
scratch that, approve it" is "approve 16"; "approve 9 with 20 units and 10 with 30" is two requests;
"reject 12, nah keep it" takes everything back (``retracted``). Each rewrite is local and bounded, so a
long message is read in linear time; the message keeps its second thoughts, so whatever it asks is
echoed by the gate and waits for a yes.
"""

from __future__ import annotations

import re

#: the verbs a new clause of a message starts with ("reject 22 because … and approve 23")
CLAUSE_VERBS = (r"approve|reject|decline|snooze|postpone|park|remind me|explain|show|list|undo|revert|roll ?back"
                 r"|rollback|go ahead|skip|veto|deny|ship|green ?light|lgtm|run|ask|hold off|forget|release"
                 r"|tell me|give me|let me know|crack on|proceed with|go for it|go with|run with"
                 # "hold 9315 but let 9345 ship": an order held or let through starts its own clause
                 r"|let (?:order\s*)?#?\s?\d{3,} (?:go|ship|through|out)|hold (?:order\s*)?#?\s?\d{3,}"
                 # "approve 7 and never discount flint stuff again": a standing rule said beside a decision
                 r"|never (?:discount|mark|reorder|hold|touch|change|raise|lower|cut|reduce|rewrite|email|put)"
                 r"|always ask|from now on|don'?t ever"
                 # "approve 12 and stop everything", "approve 21 and halt 22 until january" (never "… and stop-gap
                 # fixes failed" in a reason)
                 r"|(?:stop|pause|halt|freeze) (?:everything|all\b|it all|executions?|the agents|the engine|#?\d+)"
                 # "approve 12 and go semi-autonomous"
                 r"|go (?:semi|fully|autonomous|supervised|back to supervised)|set autonomy|switch to (?:semi"
                 r"|supervised|autonomous)")


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


#: "approve 7 at 15%, sorry 12%": a value taken back (with its unit) is replaced by the one meant
_VALUE_TAKEN_BACK = re.compile(r"(?i)(\d+(?:\.\d+)?)\s*(%|percent|units?)\s*[,.;]?\s*(?:(?:no|sorry|oops|i mean|i meant"
                               r"|actually|make (?:it|that)|or rather|wait)[,.:!]*\s+){1,3}(\d+(?:\.\d+)?)\s*(?:%|percent"
                               r"|units?)?(?![\d.])")


def _corrected(text: str) -> str:
    """"approve 19, I mean 20" -> "approve 20": a number taken back is replaced by the one meant.

    The message still holds second thoughts, so the gate echoes what was understood and waits for a yes.
    """
    text = _VALUE_TAKEN_BACK.sub(lambda m: f"{m.group(3)}{'%' if m.group(2) == '%' else ' ' + m.group(2)}", text)
    for m in _TAKEN_BACK.finditer(text):
        before = _list_before(text, m.start())
        if before is None:
            continue
        mid = before.group("mid")
        if mid.strip() and not re.match(r"(?i)\s+(?:because|since|bc|cuz|as)\b", mid):
            continue
        if mid.strip():
            # "reject 13 because too salesy, oops I meant 14": the reason stays, the number is the one meant
            new = re.findall(r"\d+", m.group("new"))
            return f"{text[:before.start()]}{' and '.join(new)}{mid}{text[m.end():]}"
        old = re.findall(r"\d+", before.group("list"))
        new = re.findall(r"\d+", m.group("new"))
        kept = new if len(new) >= len(old) else old[:len(old) - len(new)] + new
        return f"{text[:before.start()]}{' and '.join(kept)}{text[m.end():]}"
    return text


_TURNED = re.compile(r"(?i)(?:^|[,.;:!?\s]|\s[-—–])\s*(?:scratch that|no wait|wait,? no|on second thoughts?|actually no"
                     r"|forget that|never ?mind that|change of plan)[,.;:!]*\s+(?=(?:please\s+|just\s+)?(?:"
                     + CLAUSE_VERBS + r")\b)")


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


_EACH = re.compile(r"(?i)\s+and\s+(?=#?\d{1,9}\s+(?:with|at|to|but|as)\s+(?:[$€£]?\d|(?:the\s+|a\s+|new\s+)?(?:title"
                   r"|description|quantity|qty|price|discount|anchor)\b|[\"“'‘„«]))")


def _each_its_own(text: str) -> str:
    """"approve 9 with 20 units and 10 with 30", "approve 12 with title "A" and 18 with title "B"": each action with
    its own change, as two requests."""
    text = _one_of_them(text)
    m = re.match(r"(?i)^(?:please\s+)?(approve|edit and approve|set|change)\b", text)
    return _EACH.sub(f" and {m.group(1)} ", text) if m else text


#: "approve 8 and 9 but make 8 only 40 units", "approve 8 and 9, 8 with 40 units": a change said of one of them
_ONE_CHANGED = re.compile(
    r"(?i)^(?P<lead>(?:please\s+)?approve)\s+(?P<list>#?\d{1,9}(?:\s*(?:,|and|&|\+)\s*#?\d{1,9})+?)\s*[,;:—-]?\s*"
    r"(?:but|and|though|just)?\s*(?:(?:make|set|change|for|with)\s+)?#?(?P<one>\d{1,9})\b"
    # what follows the number is its change ("… 8 with 40 units", "… 8 only 40", "… 8 40 units", "… 8: title …")
    r"(?=\s*(?:with|only|just|to|at|:|=|-|—|make|set|should|\d|[\"“'‘„«]))")
_CHANGE_LEAD = re.compile(r"(?i)^\s*(?:(?:,|:|=|-|make it|set it to|make that|change it to|should be|should have|to|at"
                          r"|with|as|only|just|is|be)\s*)*")


def _one_of_them(text: str) -> str:
    m = _ONE_CHANGED.match(text)
    if m is None:
        return text
    lead, listed, one = m.group("lead"), m.group("list"), m.group("one")
    numbers = re.findall(r"\d+", listed)
    change = text[m.end():]
    change = change[_CHANGE_LEAD.match(change).end():]  # type: ignore[union-attr]
    if not re.search(r"\d|[\"“'‘„«]", change):
        return text  # "approve 8 and 9 but 8 is urgent": a reason, not a change
    # "approve 8 and 9, 10 with 30 units": a third action, with its own change
    others = [n for n in numbers if n != one]
    return f"{lead} {' and '.join(others)} and {lead} {one} with {change}"


def _excepted(text: str) -> str:
    """"approve 15 and 16, oh and not 16" -> "approve 15": a number excepted from the ones just listed."""
    for m in _EXCEPTED.finditer(text):
        before = _list_before(text, m.start())
        if before is None:
            continue
        listed = re.findall(r"\d+", before.group("list"))
        out = set(re.findall(r"\d+", m.group("out")))
        if out.isdisjoint(listed) and re.match(r"(?i)\s*[,;]?\s*(?:and |but )?(?:not|except)\b", m.group(0)):
            # "approve 12 but not 13": 13 was never asked for; the request is "approve 12", and 13 stays as it is
            return f"{text[:m.start()]}{text[m.end():]}"
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


#: a verdict said of numbers, either way round: "9 and 10 yes", "6: no", "yes to 9", "no on 6"
_AYE = r"yes|yep|yeah|yup|ok|okay|sure|fine|go|approved?"
_NAY = r"no|nope|nah|pass|skip|rejected"
#: after a verdict: "9 no thanks, too pricey", "13 no - copy is wrong" (the courtesy is dropped, the reason kept)
_VERDICT_END = (r"(?:\s+(?:thanks|thank you|thx|ty|please|pls))?(?=\s*(?:$|[,;.!|/]|\s[-–—]\s|\s(?:and|but|because|bc"
                r"|cuz|cos|since|as)\b))")
#: numbers joined by "and" only: "approve 9 and 10, 6 no" gives 6 its verdict, never 10
_JOINED = r"#?\d{1,9}(?:\s*(?:and|&)\s*#?\d{1,9}){0,9}"
_AFTER = re.compile(r"(?i)(?:(?P<pre>(?:^|[;.!|/])\s*(?:(?:ok|okay|so|then|right|alright)[\s,]+)?)(?P<ids>" + _NUMBERS
                    + r")|(?P<mid>,\s*|\b(?:and|but)\s+)(?P<joined>" + _JOINED + r"))\s*[:=–-]?\s*(?P<v>" + _AYE + "|"
                    + _NAY + r")\b" + _VERDICT_END)
_BEFORE = re.compile(r"(?i)(?P<pre>^|[,;.!|/]\s*|\b(?:and|but|ok|okay|so|then|right|alright)\s+)(?P<v>yes|yep|yeah|no|nope"
                     r"|nah)(?P<to>\s+(?:to|on|for)|)\s+(?P<ids>" + _NUMBERS + r")\b" + _VERDICT_END)
#: "9 yes 6 no": one verdict after another, without a comma between them
_CHAINED = re.compile(r"(?i)(?<=\d)(\s*[:=–-]?\s*(?:" + _AYE + "|" + _NAY + r"))(?=\s+#?\d{1,9}\s*[:=–-]?\s*(?:" + _AYE
                      + "|" + _NAY + r")\b)")
_REASON = re.compile(r"(?i)\s(?:because|bc|cuz|since|as)\b[^,;]*")
#: the separators and fillers a message of verdicts alone is made of
_BETWEEN = re.compile(r"(?i)^(?:[\s,;.!|/]|\band\b|\bbut\b|\bok(?:ay)?\b|\bso\b|\bthen\b|\bright\b|\balright\b)*$")


def _verdicts(text: str) -> str:
    """"ok 9 and 10 yes, 6 no" -> "ok approve 9 and 10, reject 6": a verdict on numbers is that verb.

    "yes 9" or "no 6" with nothing between is read so only when the whole message is verdicts: after a
    request, "approve 19, no 20" is a correction. A question is never rewritten.
    """
    if "?" in text:
        return text
    text = _CHAINED.sub(r"\1,", text)

    def verb(m: re.Match[str]) -> str:
        aye = re.fullmatch(_AYE, m.group("v"), re.I) is not None
        pre, ids = (m.group("pre"), m.group("ids")) if m.group("ids") else (m.group("mid"), m.group("joined"))
        return f"{pre}{'approve' if aye else 'reject'} {ids}"

    spans = sorted([*(m.span() for m in _AFTER.finditer(text)), *(m.span() for m in _BEFORE.finditer(text))])
    rest = "".join(text[a:b] for a, b in zip([0, *(e for _, e in spans)], [*(s for s, _ in spans), len(text)]))
    whole = bool(spans) and _BETWEEN.match(_REASON.sub("", rest)) is not None
    text = _AFTER.sub(verb, text)
    return _BEFORE.sub(lambda m: verb(m) if whole or m.group("to") else m.group(0), text)


_MIND = re.compile(r"(?i)\b((?:would|do) you mind (?:if you )?)(approv|reject|declin|snooz|releas|explain|show|list"
                   r"|undo|revert|roll|hold|paus|stopp|postpon|park|run+)ing\b")
_STEM = {"approv": "approve", "declin": "decline", "snooz": "snooze", "releas": "release", "paus": "pause",
         "stopp": "stop", "postpon": "postpone", "runn": "run"}


def _minded(text: str) -> str:
    """"would you mind rejecting 12" -> "would you mind reject 12": the request it wraps, in its own verb."""
    return _MIND.sub(lambda m: m.group(1) + _STEM.get(m.group(2).lower(), m.group(2)), text)


_RANGE = re.compile(r"(?i)\b(approve|reject|decline|undo|explain|show)\s+#?(\d{1,6})\s*(?:-|–|to|through|thru)\s*#?"
                    r"(\d{1,6})\b(?!\s*(?:%|percent|units?|pcs|st\b|nd\b|rd\b|th\b|days?|weeks?))")
#: "approve 9 x 20": a quantity, as the reorders' own titles write it ("Reorder 37 x …")
_TIMES = re.compile(r"(?i)\b(approve|ok|go with|order|reorder)\s+#?(\d{1,6})\s*[x×]\s*(\d{1,6})\b(?!\s*(?:%|percent))")


def _ranges(text: str) -> str:
    """"approve 15-17 except 16" -> "approve 15, 16 and 17 except 16": a short range written out, so what
    it leaves out can be taken out."""
    def out(m: re.Match[str]) -> str:
        first, last = int(m.group(2)), int(m.group(3))
        if not 0 < last - first < 20:
            return m.group(0)
        numbers = [str(n) for n in range(first, last + 1)]
        return f"{m.group(1)} {', '.join(numbers[:-1])} and {numbers[-1]}"
    return _TIMES.sub(r"\1 \2 with \3 units", _RANGE.sub(out, text))


#: "reject 8 - we're moving to a new supplier and 10 too": another action added after the reason
_TOO = re.compile(r"(?i)^(?P<head>(?:please\s+)?(?:approve|reject|decline|snooze)\s+#?\d{1,6}(?:\s*(?:,|and|&)\s*#?\d{1,6})*)"
                  r"(?P<middle>\b.+?)\s*,?\s*\b(?:and|&|plus)\s+(?:#?(?P<more>\d{1,6}(?:\s*(?:,|and|&)\s*#?\d{1,6})*))"
                  r"\s+(?:too|as well|also)[.!]*$")


def _also_after_the_reason(text: str) -> str:
    """"reject 8 - we're moving to a new supplier next month and 10 too" -> "reject 8 and 10 - we're moving …":
    the number said last belongs with the first, not in the reason."""
    m = _TOO.match(text)
    if m is None or not re.search(r"[a-z]{3}", m["middle"]):
        return text
    return f"{m['head']} and {m['more']}{m['middle']}"


#: "approve all but the last one", "reject everything but 12": "but" after a whole is an exception
_ALL_BUT = re.compile(r"(?i)\b(all|everything|every ?thing|all of (?:them|those|these)|them all|the lot|the rest)\s+but\s+"
                      r"(?!not\b|only\b|just\b|make\b|with\b|at\b|change\b)")


#: "go with your recommendation", "do whatever you think is best", "you decide", "your call": the one the briefing
#: recommends (the top of the ranking), as a request that is echoed like any other said by place, never run on trust
_YOUR_PICK = re.compile(r"(?i)^(?:(?:ok|okay|fine|sure|alright|right|so|well|honestly|just)[,.!]*\s+)*(?:(?:go|going) with"
                        r" (?:your|the) (?:recommendation|suggestion|pick|choice|top pick)|(?:do|approve|take|pick)"
                        r" (?:whatever|what|whichever) you(?: think is best| think| recommend| suggest|'d approve"
                        r"| would approve|'d do| would do| would)|(?:you decide|your call|up to you|dealer'?s choice)"
                        r"|i trust you,? (?:handle|decide|do) it|(?:do|approve|take) (?:your|the) (?:recommendation"
                        r"|suggestion|top pick))(?=\s*[.!]*\s*$)")


#: "as is", "as proposed", "unchanged": an approval of what the agent proposed, with no change in it
_AS_PROPOSED = (r"(?:as[- ]is|as it is|as it stands|as they are|as (?:it was |they were )?(?:proposed|suggested"
               r"|recommended|planned|written|drafted|shown|listed)|unchanged|untouched|the way (?:it is|they are)"
               r"|like it is|without (?:any )?(?:changes?|edits?)|with no (?:changes?|edits?))")
_APPROVE_LEAD = r"(?i)^(?P<lead>(?:(?:please|pls|ok|okay|yes|so|then|and)[ ,]+)*approve)\s+"
_AS_PROPOSED_LAST = re.compile(_APPROVE_LEAD + r"(?P<rest>.*?\d.*?)\s*,?\s+(?:and|&|\+|but|plus)\s+#?(?P<one>\d{1,9})\s+"
                               + _AS_PROPOSED + r"\b[\s,.!]*(?:please|pls|thanks|thank you|thx|ty)?[\s.!]*$")
_AS_PROPOSED_FIRST = re.compile(_APPROVE_LEAD + r"#?(?P<one>\d{1,9})\s+" + _AS_PROPOSED
                                + r"\b\s*,?\s*(?:and|&|\+|but|plus)\s+(?P<rest>#?\d.+)$")
_AS_PROPOSED_WORDS = re.compile(r"(?i)(?<=\w)\s+" + _AS_PROPOSED + r"(?=\s*(?:[,.;!]|$|(?:and|but|please|pls|thanks"
                                r"|thank you)\b))")


#: "approve 10, 50 is plenty", "approve 10 - 60 will do": the amount wanted, said as enough (never action #50)
_ENOUGH = re.compile(r"(?i)(?<=[,;:—-])(\s*)(\d{1,6})\s+(?:is|are|should be|would be|will be|'?s)\s+(?:plenty|enough|fine"
                     r"|sufficient|ok|okay|loads)\b|(?<=[,;:—-])(\s*)(\d{1,6})\s+(?:will|should|would) do\b")


def _enough(text: str) -> str:
    """"approve 10, 50 is plenty" is "approve 10, only 50 units"."""
    if not re.match(_APPROVE_LEAD, text):
        return text
    return _ENOUGH.sub(lambda m: f"{m.group(1) or m.group(3)}only {m.group(2) or m.group(4)} units", text)


def _as_proposed(text: str) -> str:
    """"approve 9 but only 40 units, and 10 as is" is "approve 10 and approve 9 but only 40 units": the change is
    9's alone; "approve 18 as suggested" is "approve 18" (never a new title "suggested")."""
    if not re.match(_APPROVE_LEAD, text):
        return text
    m = _AS_PROPOSED_LAST.match(text) or _AS_PROPOSED_FIRST.match(text)
    if m is not None:
        text = f"{m.group('lead')} {m.group('one')} and approve {m.group('rest').strip(' ,')}"
    return _AS_PROPOSED_WORDS.sub("", text)


def rewrite(text: str) -> str:
    """The message as the operator finally meant it: verdicts made verbs, the last request after a change of
    mind, numbers taken back replaced, numbers excepted taken out, each action's own change made its own
    request, an approval "as is" of one action kept apart from another's change, an amount said as enough
    made the quantity."""
    text = _YOUR_PICK.sub("approve the top one", text)
    text = _ALL_BUT.sub(lambda m: f"{m.group(1)} except ", text)
    text = _as_proposed(_enough(text))
    return _each_its_own(_excepted(_corrected(_last_word(_verdicts(_ranges(_also_after_the_reason(_minded(text))))))))
