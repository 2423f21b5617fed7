"""Fraud holds and snoozes said in the operator's words, read before a clause's verb.

"hold order 9315" and "hold both of them" approve fraud holds (only holds: "hold it" after a reorder is
not one); "put 10 on hold till thursday" and "hold 8 for now" set an action aside (a snooze); "release
order 9315", "let them ship" and "dont hold 9315" release holds (echoed); "unsnooze 8" ends a snooze.
Pure, like ``intents``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from graphs.language.dates import parse_when, time_words
from graphs.language.intent import Intent
from graphs.language.slots import Ref, ids_in, reason_in, ref_in


#: "can you hold order 9315 please", "ok just hold 24": the request, asked
_ASKING = r"^(?:(?:please|pls|ok|okay|so|actually|just|now|then|can you|could you|would you|will you|yeah)[, ]+)*"
_RELEASE = re.compile(_ASKING +
                      r"(?:release|unhold|un-hold|lift the hold on|let)\s+(?:the\s+)?"
                      r"(?:hold\s+on\s+)?(?:order\s*)?#?\s?(\d{3,})\b(?:\s+(?:go|ship|through|out))?")


_UNSNOOZE = re.compile(r"^(?:please |ok |so |actually |now |just |oh )*(?:un-?snooze|wake(?: up)?|bring (?:back\b"
                       r"|#?\d+ back\b|it back|them back)|resurface)")
#: "put 10 on hold till thursday", "hold 8 for now": an action (a small number), not an order, set aside
_ON_HOLD = re.compile(r"^(?:please )?(?:put\s+#?(\d{1,3})\s+on hold"
                      r"|hold\s+#?(\d{1,3})(?=\s+(?:for|till|until|til|to)\b))")
#: "let them ship", "let it through", "let both go": the holds meant are released
_LET_SHIP = re.compile(r"\blet (?:it|them|that|those|these|both|this|the orders?|the two)(?: (?:one|ones|orders?))?"
                       r" (?:ship|go|through|out|be)\b")
#: "dont hold 9315, it's a regular customer": the hold on that order is not wanted
_DONT_HOLD = re.compile(r"^(?:please )?(?:don'?t|dont|do not|no need to|i'?d rather not|i would rather not|rather not"
                        r"|let'?s not|we shouldn'?t|no point in|there'?s no need to)\s+hold(?:ing)?\s+"
                        r"(?:order\s*)?#?\s?"
                        r"(\d{3,})\b")


#: "hold it", "ok whatever, hold both of them", "hold those two": the fraud holds in view, approved
_HOLD_THEM = re.compile(r"^(?:(?:ok|okay|so|then|fine|whatever|yeah|right|alright|just)[, ]+)*(?:please )?"
                        r"(?:hold|put (?:a )?hold on)\s+(?P<what>it|that|this|them|both(?: of them)?|those|these"
                        r"|(?:the|those|these|both) (?:two|orders?|ones?)|the (?:two|both) (?:orders?|ones?))"
                        r"(?:\s+(?:please|pls|too|as well))?[.!]*$")


#: "hold 24", "hold 24 and 23": nothing after the numbers ("hold 8 for now" is a snooze, "hold 9315" an order)
_HOLD_BY_NUMBER = re.compile(_ASKING + r"hold\s+#?\d{1,3}(?:\s*(?:,|and|&)\s*#?\d{1,3})*"
                             r"(?:\s+(?:please|pls|too|as well|both))?[.!]*$")


def holds_in(t: str, original: str, now: datetime, names: frozenset[str] | None) -> Intent | None:
    """A hold, a release, a snooze by "on hold" or an unsnooze, if the clause is one."""
    m = re.match(_ASKING + r"(?:hold|put (?:a )?hold on)\s+(?:order\s*)?#?\s?(\d{3,})\b", t)
    if m:
        return Intent("approve", ref=Ref(kind="risk.hold_order", words=("#" + m.group(1),)))
    m = _HOLD_BY_NUMBER.match(t)
    if m:  # "hold 24", "hold 24 and 23": fraud holds by their action numbers (another kind is refused, not held)
        return Intent("approve", ids=tuple(int(n) for n in re.findall(r"\d+", m.group(0))), said_as="hold")
    m = _HOLD_THEM.match(t)
    if m:  # never a snooze ("hold 8 for now" is one) and never a guess at another kind: the holds in view
        return Intent("approve", ref=replace(ref_in(m.group("what"), names=names) or Ref(focus=True),
                                             kind="risk.hold_order"))
    woken = _UNSNOOZE.match(t)
    if woken:
        # ending a snooze early: the snoozed action can be decided on now; it is never snoozed again
        # ("unsnooze 8 please": the number after the verb, whatever follows it)
        ids = ids_in(t) or tuple(int(n) for n in re.findall(r"#?(\d{1,6})\b", woken.group(0))) or tuple(
            int(n) for n in re.findall(r"^\s*#?(\d{1,6})\b", t[woken.end():]))
        return Intent("unsnooze", ids=ids, ref=None if ids else (ref_in(t, names=names) or Ref(focus=True)))
    m = re.match(r"^(?:please )?put (?!#?\d)(.+?) on hold\b", t)
    if m and ref_in(m.group(1), names=names) is not None:  # "put the bowl reorder on hold (till …)"
        until = parse_when(t, now)
        return Intent("snooze", ref=ref_in(m.group(1), names=names), until=until, said_as="on hold",
                      when_said=None if until else time_words(original))
    m = _ON_HOLD.match(t)
    if m:  # "put 10 on hold till thursday": an action (not an order) set aside
        until = parse_when(t, now)
        return Intent("snooze", ids=(int(m.group(1) or m.group(2)),), until=until, said_as="on hold",
                      when_said=None if until else time_words(original))
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
    return None
