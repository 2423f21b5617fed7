"""What the rules brain says instead of acting: which one, why, until when, what change — never a guess.

A reference that fits several actions or none, a rejection without a reason, a snooze to a
time no calendar holds, an edit that cannot be read: each is answered with a question or a
plain "nothing was done", and the operator's next message is read in its light
(``graphs.language.followup``).
"""

from __future__ import annotations

import re

from typing import Any

from graphs.brains.rules.render import KIND_PLURAL, PARAM_WORDS, STATUS_WORD, action_line, short_title
from policies.kinds import KINDS
from tools import plain
from policies.memory import cooldown
from policies.risk import MARKDOWN_CRITICAL_PCT, PRICE_CHANGE_CRITICAL_PCT, REORDER_CRITICAL_VALUE
from policies.tiers import RiskTier

WHICH = ("Which action do you mean? Give me its number (\"#12\") or name it (\"the alpaca reorder\"), or say "
         "\"what should I do today?\" to see the queue.")
ASK_LEVEL = ("Which level? \"supervised\" (everything waits for you), \"semi-autonomous\" (low-risk actions run "
             "alone) or \"autonomous\" (everything but critical runs alone).")
ASK_EDIT = "What should change? For example \"approve 12 but make the price 45\"."


def edit_not_applied(actions: list[dict[str, Any]], params: dict[str, Any]) -> str:
    """Why an "approve … but change …" did nothing: the change could not be read, or does not fit the action."""
    if params.get("keep_current"):
        first = actions[0]["id"] if actions else "it"
        which = ", ".join(f"#{a['id']}" for a in actions) or "it"
        return (f"Approving {which} is what changes it, so keeping the current one means not approving it. Nothing "
                f"was approved. To keep it, reject it and say why (\"reject {first} because …\"), so the agent "
                "learns; to change it differently, say how (\"approve 12 but make the title '…'\").")
    if not params:
        return ("I couldn't read the change you asked for, so nothing was approved. Give the new value plainly, for "
                "example \"approve 12 but make the title 'Linen Tote Bag – Handwoven'\" or \"approve 4 but only 15% "
                "off\".")
    what = " and ".join(PARAM_WORDS.get(k, k.replace("_", " ")) for k in params)
    which = ", ".join(f"#{a['id']} ({a['title'].split(': ', 1)[0]})" for a in actions)
    can = [f"#{a['id']}: \"{_EDIT_EXAMPLE[a['kind']].format(n=a['id'])}\"" for a in actions
           if a["kind"] in _EDIT_EXAMPLE]
    return (f"I can't change the {what} of {which} from the chat, so nothing was approved. "
            + (f"What can change: {'; '.join(can)}. " if can else "")
            + "Or approve it as it is, or reject it and say what you want instead, so the agent learns from it.")


#: per kind, an edit the chat can make (``graphs.language.edits.EDITABLE``), as the operator would say it
_EDIT_EXAMPLE = {
    "inventory.markdown": "approve {n} but only 15% off", "inventory.reorder": "approve {n} but make it 40 units",
    "pricing.adjust": "approve {n} but make the price 45", "content.rewrite_title": "approve {n} but make the title "
    "'…'", "content.rewrite_meta_description": "approve {n} but make the description '…'",
    "content.create_landing_page": "approve {n} but make the title '…'",
}


def held_back(verb: str | None, *, done: list[dict[str, Any]] | None = None) -> str:
    what = {"approve": "approved", "reject": "rejected", "snooze": "snoozed", "rollback": "rolled back",
            "edit_approve": "changed"}.get(verb or "", "changed")
    if not done:
        return f"OK — nothing is {what}; I'll wait until you tell me plainly what to do."
    lines = [f"#{a['id']} is already {STATUS_WORD.get(a['status'], a['status'].replace('_', ' '))}: that was done "
             "before this message, and this message changed nothing." for a in done]
    undo = [a["id"] for a in done if a["status"] == "executed"]
    if undo:
        lines.append(f"To undo it, say \"roll back {undo[0]}\".")
    return "\n".join(lines)


def ask_reason(ids: tuple[int, ...] | list[int]) -> str:
    which = ", ".join(f"#{i}" for i in ids) or "it"
    return (f"Tell me why you reject {which}, so the agent learns from it — for example \"reject "
            f"{ids[0] if ids else 12} because it's off-brand\".")


def ask_until(ids: tuple[int, ...] | list[int], words: str) -> str:
    which = ", ".join(f"#{i}" for i in ids) or "it"
    return (f"Until when should I snooze {which}? I can't put “{words}” in a calendar, so nothing was snoozed. "
            "Say a day: \"monday\", \"after christmas\", \"3 January\", \"in 2 weeks\".")


def not_held(words: tuple[str, ...] | list[str], ids: tuple[int, ...] | list[int] = ()) -> str:
    if ids and not words:
        which = ", ".join(f"#{i}" for i in ids)
        return f"{which}: not an order hold waiting for you or in force, so there is nothing to release."
    if not words:
        return "No order hold is in view, so there is nothing to release. Say \"show the fraud holds\" to see them."
    return (f"Order {' '.join(words)} is not held: no fraud hold on it is waiting for you or in force, so there is "
            "nothing to release.")


def which_one(candidates: list[dict[str, Any]], verb: str, *, some: int | None = None) -> str:
    """Several fit a reference: which one (or, for "2 of the reorders", which ones) — never a guess."""
    lines = "\n".join(f"· #{a['id']} {short_title(a, a.get('subject', ''))} ({a['risk_tier']} risk)"
                      for a in candidates[:8])
    if not candidates:
        return "Which one do you mean?"
    if some is not None:
        which = f"which {some}" if some else "which ones"
        example = " and ".join(str(a["id"]) for a in candidates[:max(some, 2)])
        return (f"{len(candidates)} fit — {which} should I {verb}? Nothing was done.\n{lines}\n"
                f"Say e.g. \"{verb} {example}\".")
    return (f"Several actions fit — which one should I {verb}? Nothing was done.\n{lines}\n"
            f"Say e.g. \"{verb} {candidates[0]['id']}\".")


def nothing_to_undo(actions: list[dict[str, Any]]) -> str:
    """"undo that" after a snooze: nothing ran, so nothing is rolled back; what ends a snooze instead."""
    lines = []
    for a in actions:
        if a["status"] == "snoozed":
            lines.append(f"#{a['id']} is snoozed, not executed, so there is nothing to roll back. A snooze ends "
                         f"when you decide on it — \"approve {a['id']}\" or \"reject {a['id']} because …\" — or by "
                         "itself when it is due; until then it waits.")
        elif a["status"] == "rejected":
            # a rejection is final: what the operator meets is that, and when the agent may ask again
            days = cooldown(a["kind"], RiskTier(a["risk_tier"])).days
            lines.append(f"#{a['id']} was rejected, not executed: nothing ran, so there is nothing to roll back. A "
                         f"rejection can't be taken back; its agent won't propose the same change again for {days} "
                         "days, unless what it measures changes materially.")
        else:
            lines.append(f"#{a['id']} has not been executed, so there is nothing to roll back; it is still waiting for "
                         "you.")
    return "\n".join(lines)


def none_match(ref: Any, verb: str) -> str:
    what = " ".join(filter(None, [getattr(ref, "risk", None) and f"{ref.risk}-risk",
                                  KIND_PLURAL.get(getattr(ref, "kind", None) or "", ""),
                                  " ".join(getattr(ref, "words", ()) or ())])) or "that"
    state = "waiting for you" if verb not in ("rollback", "explain") else "executed" if verb == "rollback" else ""
    return (f"No action {state + ' ' if state else ''}matches “{what}”, so nothing was done. Say \"show the pending "
            "ones\" to see the queue.")


def unknown_ids(ids: tuple[int, ...] | list[int], verb: str, *, known: dict[int, dict[str, Any]] | None = None) -> str:
    out = []
    for i in ids:
        a = (known or {}).get(i)
        if a is None:
            out.append(f"#{i}: there is no such action in this store.")
        else:
            out.append(f"#{i} is {STATUS_WORD.get(a['status'], a['status'].replace('_', ' '))}, so I can't "
                       f"{verb.replace('_', ' ')} it.")
    return "\n".join(out)


def stop_kind(kind: str | None) -> str:
    """"stop the reorders for now": the ways to stop one kind, and the store-wide switch named apart."""
    what = KIND_PLURAL.get(kind or "", "those")
    spec = KINDS.get(kind or "")
    lines = [f"Stop the {what} how? Nothing was changed."]
    if spec is not None and spec.agent in ("analytics", "inventory", "content", "risk"):
        lines.append(f"· \"turn off the {spec.agent} agent\": it proposes nothing (no {what}, nor its other kinds) "
                     "until you turn it back on;")
    lines += [f"· \"no more {what}\": a standing rule, so no agent proposes one;",
              f"· \"reject the {what} because …\": the ones waiting now, and the agent learns why;",
              "· \"stop everything\": the kill switch, which stops every execution of every kind."]
    return "\n".join(lines)


def time_limited(ids: tuple[int, ...] | list[int], words: str | None) -> str:
    """"approve 7 but only until christmas": an execution has no end date; what the operator can do instead."""
    which = ", ".join(f"#{i}" for i in ids) or "it"
    name = str(ids[0]) if ids else "it"
    until = f" “{words}”" if words else " for a while"
    return (f"I can't approve {which}{until}: once it executes it stays until it is rolled back, and nothing rolls it "
            f"back by itself. Nothing was changed. Approve it now and say \"roll back {name}\" on the day, or "
            f"snooze it until then (\"snooze {name} until …\") and decide when it comes back.")


def approve_later(ids: tuple[int, ...] | list[int], words: str | None) -> str:
    """"approve 18 on friday": an approval runs at once; to decide on the day, the action is snoozed until then."""
    which = plain.join([f"#{i}" for i in ids]) or "it"
    name = " and ".join(str(i) for i in ids) if ids else "it"
    it = "them" if len(ids) > 1 else "it"
    when = f" “{words}”" if words else " later"
    snooze = f"snooze {name} {words}" if words and re.match(r"(?i)(?:on|next|this|tomorrow|in|at|first thing|\w+day)\b",
                                                              words) else f"snooze {name} until …"
    return (f"An approval runs at once, so I can't approve {which}{when}. Nothing was changed. To decide then, "
            f"snooze {it} until then (\"{snooze}\") and approve {it} when {'they come' if ids[1:] else 'it comes'} back; or "
            f"approve {it} now (\"approve {name}\").")


def batch_cut(rest: tuple[int, ...] | list[int], verb: str, *, total: int) -> str:
    """"approve all" over more actions than one message decides: which ones this request leaves out."""
    shown = ", ".join(f"#{i}" for i in rest[:10]) + (" …" if len(rest) > 10 else "")
    return (f"This request covers the first {total - len(rest)} of {total}; the other {len(rest)} ({shown}) are not in "
            f"it: say \"{verb} …\" again for them.")


def too_many(clauses: int) -> str:
    return (f"That message holds {clauses} requests; I read at most 20 in one message, so nothing of it was done. "
            "Send them in smaller groups, or name the actions in one request (\"approve 12, 13 and 14\").")


def unsnooze(actions: list[dict[str, Any]]) -> str:
    """"unsnooze 21": a snooze is not ended early from the chat; a snoozed action can be decided on now."""
    if not actions:
        return "No snoozed action fits that, so nothing was changed. Say \"show snoozed actions\" to see them."
    first = actions[0]["id"]
    names = ", ".join(f"#{a['id']}" for a in actions)
    return (f"{names} stays snoozed (I can't end a snooze early from the chat), but you can decide on it now: "
            f"\"approve {first}\", \"reject {first} because …\" or \"explain {first}\". Nothing was changed.")


def instead(intent: Any) -> str | None:
    """What is said instead of acting, for a request the engine cannot carry out as asked (else None)."""
    name = intent.name
    if name == "release":  # no hold waits on that order or is in force
        return not_held(intent.ref.words if intent.ref else (), intent.ids)
    if name == "too_many":
        return too_many(intent.limit or 0)
    if name == "time_limited":
        return time_limited(intent.ids, intent.when_said)
    if name == "approve_later":
        return approve_later(intent.ids, intent.when_said)
    if name == "limit_rule":
        return LIMIT_RULE
    if name == "stop_kind":
        return stop_kind(intent.ref.kind if intent.ref else None)
    if name == "snooze_span":
        first, last = intent.ids
        return (f"Snooze #{first} until the {ordinal(last)}, or #{first} to #{last}? Nothing was snoozed. Say "
                f"\"snooze {first} until the {ordinal(last)}\" or \"snooze {first}-{last} until friday\".")
    return None


def hold_or_snooze(ids: list[int]) -> str:
    """"put 24 on hold" about a fraud hold: holding the order and setting the proposal aside are opposites."""
    which = ", ".join(f"#{i}" for i in ids)
    return (f"{which} {'is a fraud hold' if len(ids) == 1 else 'are fraud holds'}: should I hold the order now "
            f"(\"approve {ids[0]}\"), or set the proposal aside and decide later (\"snooze {ids[0]} until friday\"; "
            "the order ships meanwhile)? Nothing was done.")


def stop_one(a: dict[str, Any]) -> str:
    """"stop it" about the action in view: the ways to stop that one; the store-wide switch named apart."""
    n = a["id"]
    lines = [f"Stop #{n} ({short_title(a, a.get('subject', ''))}) how? Nothing was changed."]
    if a["status"] == "executed":
        lines.append(f"· \"roll back {n}\": undo what it did;")
    else:
        lines += [f"· \"reject {n} because …\": it never runs, and its agent learns why;",
                  f"· \"snooze {n} until friday\": set it aside until then;"]
    lines.append("· \"stop everything\": the kill switch, which stops every execution of every kind.")
    return "\n".join(lines)


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def walked_off(ids: tuple[int, ...]) -> str:
    """"next" with nothing after the action in view (or nothing in view)."""
    if not ids:
        return 'Nothing is in view to go on from: say "show my queue", then "explain the first one" and "next".'
    return f'#{ids[0]} is the last one in the list; nothing comes after it. Say "show my queue" for the whole queue.'


def costless(what: str) -> str:
    """"the cheapest markdown": none of them spends money (only a reorder has a cost of its own)."""
    return (f"{what} spend nothing themselves (only reorders have a cost: quantity × unit cost), so none is "
            f"cheaper than another. Say \"show the reorders cheapest first\", or \"the smallest ones\" for the lowest "
            f"estimates.")


def by_amount(verb: str, group: list[dict[str, Any]]) -> str:
    """"approve every reorder under $500": actions are not picked by an amount; the group is shown with what each
    is estimated to earn and, for a reorder, would spend, and the operator names the ones meant."""
    if not group:
        return "I can't pick actions by an amount, and none of that kind is waiting anyway. Nothing was done."
    lines = [action_line(a, spend=True) for a in group[:20]]
    first = " and ".join(str(a["id"]) for a in group[:2])
    return ("I can't pick actions by an amount (an estimate, or what a reorder would spend?), so nothing was "
            "done. Here they are with their figures:\n" + "\n".join(lines)
            + f"\nSay which to {_SAY.get(verb, verb)} by number, e.g. \"{_SAY.get(verb, verb)} {first}\".")


_SAY = {"edit_approve": "approve", "rollback": "roll back"}


#: "never approve anything over $1000 without asking me": no standing rule holds an amount; what does is said
LIMIT_RULE = ("I can't keep a limit on an amount as a standing rule (a spending cap, a deepest discount, an action's "
              "size), so nothing was saved and nothing was decided. What holds already, whatever the autonomy level: a "
              f"markdown deeper than {MARKDOWN_CRITICAL_PCT:g}%, a price change above {PRICE_CHANGE_CRITICAL_PCT:g}% "
              f"and a purchase order over ${REORDER_CRITICAL_VALUE:,.0f} are critical and always wait for your yes; in "
              "supervised mode every action does. Rules I can keep name what to leave alone: \"never discount Wick "
              "Studio\", \"no reorders this month\", \"always ask before rewriting titles\".")


def which_verb(meant: list[dict[str, Any]]) -> str:
    """"deal with the markdowns": approve, reject or snooze them? asked, with what they are; nothing is done."""
    if not meant:
        return "Nothing waiting fits that, so nothing was done. Say \"show the pending ones\" to see the queue."
    lines = "\n".join(f"· #{a['id']} {short_title(a, a.get('subject', ''))} ({a['risk_tier']} risk)" for a in meant[:10])
    them = "it" if len(meant) == 1 else "them"
    return (f"Do what with {them} — approve, reject or snooze? Nothing was done.\n{lines}\n"
            f"Say \"approve {them}\", \"reject {them} because …\" or \"snooze {them} until monday\".")
