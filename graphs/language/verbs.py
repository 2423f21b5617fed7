"""The verb a clause asks for, from its words: roll back, snooze (also said as moving an action in time), reject,
approve, change and approve, or explain; None when it names no verb. Pure, like ``intents``.
"""

from __future__ import annotations

import re

from graphs.language.edits import asks_change, params_in
from graphs.language.slots import Ref, has

_DAY_WORDS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|am\b|pm\b|:"
#: moving an action in time ("push 19 back to monday", "move 19 to next week") is a snooze, never an approval
_MOVED = re.compile(r"\b(?:push|move|delay|reschedule|shift|put off)\b(?:\s+(?:back|out|off)\b)?"
                    # "push the tshirt reorder to the 15th": the action may be named in a few words
                    r"(?:\s+(?!(?:to|till|until|til|after|by|next|back|out|off|a|an)\b)[\w#'’-]+){0,6}?"
                    r"\s+(?:back\s+|out\s+|off\s+)?(?:to|till|until|til|after|by|next|(?:a|an|one|two|three|four|\d+"
                    r"|a couple(?: of)?|couple(?: of)?|a few|few)\s+(?:day|week|wk|fortnight|month)s?)\b"
                    # "push the price to 45", "move it to 30 units": a number that is not a day is not a time
                    r"(?!\s+\d+(?:\.\d+)?(?!\d|st\b|nd\b|rd\b|th\b|\s*(?:" + _DAY_WORDS + r")))(?!\s+[$€£])")


def verb_of(t: str, ids: tuple[int, ...], ref: Ref | None) -> str | None:
    if has(r"\b(roll ?back|rollback|undo|revert|reverse|put (?:it|that|them) back|roll (?:it|that|them|this) back"
            # "put the old title back (on the sparrow cushion)", "restore the original price"
            r"|put the (?:old|previous|original) \w+(?: \w+)? back|restore the (?:old|previous|original)"
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
                                        r"|delete|trash|archive|dismiss"
                                        r"|pass on)\b", t) and (ids or ref) or re.match(r"^no\b[, ]+(?:to )?#?\d", t)):
        return "reject"
    if has(r"\bmark(?:ed)? (?:it |that |this |#?\d+ )?(?:as )?(?:handled|done|resolved|dealt with)\b"
            r"|\b(?:is|are) (?:handled|resolved|dealt with)\b|\bdone with\b|\bclose (?:the )?(?:request|ticket)\b", t):
        return "approve"  # a customer's request marked handled: the operator's decision on that inbox item
    if has(r"\b(approve|approved|go ahead|green ?light|ship it|ship|do it|sign off|lgtm|accept|execute|make it so"
            r"|proceed|yes to|ok to|okay to|let'?s do|push|run with|go with|yes|yep|sure|crack on(?: with)?|go for it"
            r"|do (?:that|this)(?: one)?|^(?:(?:please|just) )+do the (?!same\b)"
            r"|greenlight)\b", t):
        return "approve"
    # "change the title of 18 to the one you suggested": a change it cannot read is still a change (asked)
    if (params_in(t, t) or asks_change(t)) and has(r"\b(change|set|make|edit|update|lower|raise|reduce|increase|bump|cut)\b",
                                                   t) and (ids or ref):
        return "edit_approve"
    if has(r"\b(why|explain|tell me (?:more )?about|more about|details?|show|open|see|view|what (?:is|was|does)"
            r"|what's|evidence|rollback plan|how (?:did you|do you know|sure|confident)|what happens if|compare"
            r"|worst case|(?:goes|go|went) wrong|backfires?)\b", t) and (
            ids or (ref and (ref.focus or ref.words or ref.position or ref.count or ref.agent or ref.kind))) and not (
            not ids and has(r"\b(?:rules?|preferences?)\b", t)):  # "show my rules": the standing rules, a list
        return "explain"
    return None
