"""What the operator's own message named: verbs, actions by number or unique name, hedges and second thoughts.

``said_for`` reads the last message again, independently of the brain: the gate (``graphs.gate``) runs a
proposed write at once only when this reading named its verb and every action, and nothing in the message
takes back, conditions or only thinks aloud what it asks (``second_thoughts``).
"""

from __future__ import annotations

import re
from typing import Any

from graphs.language.intents import Intent, parse
from graphs.language.refs import named_ids
from graphs.state import RunContext
from graphs.toolkit import queue_for
from policies.commands import Said, Verb

__all__ = ["condition_in", "continued", "group", "said_dict", "said_for", "second_thoughts"]

_INTENT_VERBS: dict[str, Verb] = {
    "approve": Verb.APPROVE, "edit_approve": Verb.EDIT_APPROVE, "reject": Verb.REJECT, "snooze": Verb.SNOOZE,
    # "stop it" with nothing in view is the kill switch; with an action in view it is asked about or echoed
    "stop_it": Verb.KILL_ON,
    "rollback": Verb.ROLLBACK, "kill_on": Verb.KILL_ON, "kill_off": Verb.KILL_OFF, "autonomy": Verb.AUTONOMY,
    "add_rule": Verb.ADD_RULE, "forget_rule": Verb.FORGET_RULE, "delegate": Verb.DELEGATE,
    "run_all": Verb.DELEGATE, "workflow": Verb.WORKFLOW, "agent_off": Verb.AGENT_OFF, "agent_on": Verb.AGENT_ON,
}
async def said_for(ctx: RunContext, message: str, *, intents: list[Intent] | None = None) -> Said:
    """What the operator's own message named: verbs, actions by number or unique name, hedges."""
    items: list[dict[str, Any]] | None = None
    if intents is None:
        intents = parse(message, ctx.deps.now())
        if any(i.ref is not None and i.ref.words for i in intents):
            items = await queue_for(ctx)
            intents = parse(message, ctx.deps.now(), names=frozenset(w for i in items for w in i["words"]))
    verbs: set[Verb] = set()
    named: set[int] = set()
    clauses: list[tuple[Verb, frozenset[int]]] = []
    for intent in intents:
        if intent.name == "hold_back":
            continue
        # numbers written anywhere in the message name actions ("14 looks good, approve it")
        here = set(intent.ids)
        verb = _INTENT_VERBS.get(intent.name)
        if verb is not None and intent.ref is not None and intent.ref.words:
            if items is None:
                items = await queue_for(ctx)
            here |= named_ids((), intent.ref, [i for i in items if i["status"] in _NAMEABLE])
        named |= here
        if verb is None:
            continue
        if verb is Verb.EDIT_APPROVE and not _APPROVES.search(message):
            # "change the title of 12 to …, I'll approve later": an edit runs only with an approval said beside it
            continue
        verbs.add(verb)
        if verb is Verb.EDIT_APPROVE:
            verbs.add(Verb.APPROVE)
        clauses.append((Verb.APPROVE if verb is Verb.EDIT_APPROVE else verb, frozenset(here)))
    hedged = (bool(intents) and all(i.name == "hold_back" for i in intents)) or second_thoughts(message)
    return Said(frozenset(verbs), frozenset(named), hedged, tuple(clauses))


#: the words that approve: an edit said without one is echoed, never run at once
_APPROVES = re.compile(r"(?i)(?<!'ll )(?<!will )(?<!to )(?<!n't )(?<!not )(?<!dont )(?<!never )\b(?:approve[sd]?(?!\s+(?:it\s+|that\s+|this\s+)?(?:later|tomorrow"
                       r"|afterwards|after|myself|separately|next))|go ahead|ship(?: it)?|publish|push (?:it )?live|go live|green ?light|lgtm"
                       r"|run it|do it|crack on|go with|ok to|okay to|sign off|execute)\b")
_FILLER = re.compile(r"(?i)^(?:\s*(?:hmm+|ok(?:ay)?|so|well|oh|um+|uh+|no|yes|right)\b[,.!]?)*\s*")
_TAKES_BACK = re.compile(r"(?i)\b(?:no,? wait|wait,? no|actually|scratch that|i mean|i meant|on second thoughts?"
                         r"|never ?mind|or rather|correction|make that|make it|oops|sorry)\b|\bno[.,!]+\s+#?\d"
                         # "approve 19, no 20": a number taken back after a request
                         r"|,\s*no\s+#?\d")
#: "approve 16 if it mentions free shipping": a condition the engine does not check is never taken as met
_CONDITION = re.compile(r"(?i)\b(?:if|unless|provided|as long as|assuming|in case|only when|so long as)\b")


#: where a condition's words end: the end of its sentence, or a new request after a comma
_CONDITION_END = re.compile(r"[.;!?\n]|,\s*(?:and |then |also )?(?:approve|reject|snooze|undo|roll ?back|go ahead)\b", re.I)


def condition_in(message: str) -> str | None:
    """The condition the operator put on a request, in their words ("only if its stock is above 20"), or None.
    The engine checks no such condition; the echo says so, so a yes is never taken as "the condition holds"."""
    found = _CONDITION.search(message)
    reason = re.search(r"(?i)\b(?:because|since|cos|cuz|coz|as otherwise)\b", message)
    if found is None or (reason is not None and reason.start() < found.start()):
        return None  # "approve 8 because if we don't we run out": the reason's "if" is no condition on the request
    start = found.start()
    only = re.search(r"(?i)\bonly\s+$", message[:start])
    start = only.start() if only else start
    end = _CONDITION_END.search(message, found.end())
    return message[start:end.start() if end else len(message)].strip(" ,—-") or None


#: "I was thinking we should reject 12", "I think we should approve 9": a thought said aloud is asked about
_TENTATIVE = re.compile(r"(?i)\b(?:i (?:was |am |'m )?thinking|i think (?:we|you|i) should|i guess (?:we|you) "
                        r"(?:should|could)|we could|you could|i'?d (?:probably|maybe))\b")


def second_thoughts(message: str) -> bool:
    """Does the message take back or condition what it asks ("approve 19, no wait, 20", "approve 20 — actually
    no, don't", "approve 13. scratch that, reject 13", "approve 22 only if it's worth $100")? Then nothing in it
    runs without a yes: the echo shows what was understood. A message that opens with the correction
    ("actually approve 9 instead") is a plain request; a thought said aloud ("I was thinking we should reject
    12") is asked about."""
    rest = message[_FILLER.match(message).end():]  # type: ignore[union-attr]
    taken_back = _TAKES_BACK.search(rest)
    return ((taken_back is not None and taken_back.start() > 0) or _CONDITION.search(message) is not None
            or _TENTATIVE.search(message) is not None)


def group(said: Said, item: dict[str, Any]) -> tuple[str, int]:
    """The command a proposed write belongs to: its verb and the clause that named it."""
    verb = Verb(item["verb"])
    return item["verb"], said.clause_of(Verb.APPROVE if verb is Verb.EDIT_APPROVE else verb, item.get("action_id"))


def said_dict(said: Said) -> dict[str, Any]:
    return {"verbs": sorted(v.value for v in said.verbs), "named": sorted(said.named_ids), "hedged": said.hedged}


def continued(said: Said, before: dict[str, Any] | None) -> Said:
    """A message that names neither a verb nor an action ("the current title is fine", after "why do you
    reject #9?") continues the operator's previous message: what that one named still stands."""
    if said.verbs or said.named_ids or said.hedged or not before:
        return said
    return Said(frozenset(Verb(v) for v in before.get("verbs", [])), frozenset(before.get("named", [])),
                bool(before.get("hedged")))


_NAMEABLE = frozenset({"pending_approval", "snoozed", "executed", "approved", "auto_approved"})
