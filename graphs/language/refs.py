"""Resolving a reference to the exact actions it means — or saying that it does not.

A reference is ids written out, a name ("the alpaca reorder", "order 9459", "the Wick
Studio markdown"), a kind, agent or risk ("the markdowns", "the content ones"), a
place ("the top two", "the second"), or a pronoun bound to what the conversation last
showed ("that one", "both"). The result is the ids meant, or the candidates when it
could mean several (the caller asks which; it never guesses), or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dataclasses import replace
from datetime import datetime

from graphs.language.intent import Intent
from graphs.language.slots import Ref
from graphs.language.words import word_matches
from policies.tiers import RiskTier

#: statuses a decision can be taken on, and what rollback and explanations look at
DECIDABLE = frozenset({"pending_approval", "snoozed"})
ROLLBACKABLE = frozenset({"executed"})


@dataclass(frozen=True)
class Resolved:
    ids: tuple[int, ...] = ()
    #: several actions fit a reference that means one: ask which
    candidates: tuple[int, ...] = ()
    #: how the actions were named: ids | name | described | place | pronoun
    how: str = "ids"
    #: ids written in the message that are not in the store (or not in a state for the verb)
    unknown: tuple[int, ...] = ()
    #: what the reference meant but its exception left out ("… except the mug"): "that one" after it
    left_out: tuple[int, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return bool(self.candidates)

    @property
    def named(self) -> bool:
        """Named by number or by a name that fits exactly these: the gate may run it at once."""
        return self.how in ("ids", "name") and bool(self.ids) and not self.candidates


def by_name(words: Sequence[str], items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items every informative word of a name fits (words no item has are filler)."""
    # an order number is always meant, even when nothing has it ("order 1234": no such action)
    informative = [w for w in words if w.startswith("#") or any(word_matches(w, i["words"]) for i in items)]
    if not informative:
        return []
    return [i for i in items if all(word_matches(w, i["words"]) for w in informative)]


def _key(item: dict[str, Any], order: str) -> float:
    """Lower sorts first: minus the measure for "risk", "value", "cost"; the measure itself with a "-"; for
    "expiry", when it expires (soonest first)."""
    if order == "expiry":  # to the minute: proposed in one run, they expire together
        return float(datetime.fromisoformat(item["expires_at"]).timestamp() // 60)
    by = order.lstrip("-")
    measure = (RiskTier(item["risk_tier"]).rank if by == "risk" else float(item.get("spend") or 0) if by == "cost"
               else float(item.get("expected_revenue") or 0))
    return measure if order.startswith("-") else -measure


def ordered(items: Sequence[dict[str, Any]], order: str | None) -> list[dict[str, Any]]:
    """``items`` in the order a superlative asks for ("risk", "value", "cost"; "-" for lowest first), the
    ranking breaking ties; by cost, only what spends money; unchanged without an order."""
    if order is None:
        return list(items)
    if order.lstrip("-") == "cost":
        items = [i for i in items if i.get("spend") is not None]
    if order == "expiry":
        items = [i for i in items if i.get("expires_at") and i["status"] == "pending_approval"]
    return sorted(items, key=lambda i: _key(i, order))


def _filtered(ref: Ref, items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    out = list(items)
    if ref.kind:
        out = [i for i in out if i["kind"] == ref.kind]
    if ref.agent:
        out = [i for i in out if i["agent"] == ref.agent]
    if ref.risk:
        out = [i for i in out if i["risk_tier"] == ref.risk]
    return out


def resolve(ids: Sequence[int], ref: Ref | None, items: Sequence[dict[str, Any]], *, focus: Sequence[int] = (),
            statuses: frozenset[str] = DECIDABLE, among: Sequence[int] = (), listed: Sequence[int] = (),
            taken: Sequence[int] = ()) -> Resolved:
    """The actions ``ids`` or ``ref`` mean among ``items`` (ranked best first), or only ``among`` if given.

    A place ("the second", "the top two") counts in the list last shown (``listed``), else in the ranked
    queue — never in what the conversation last focused on (an explanation of one action is not a list).
    "The others" are the rest of that list beyond what the same message already decided (``taken``);
    what a reference excepts ("… except the candle one") is left out of whatever it means.
    """
    found = _resolve(ids, ref, items, focus=focus, statuses=statuses, among=among, listed=listed, taken=taken)
    if ref is None or not ref.excluding:
        return found
    usable = [i for i in items if i["status"] in statuses]
    out = {int(e) for e in ref.excluding if e.isdigit()}
    meant_in_order = list(found.ids + found.candidates)
    if listed and any(e.startswith("place:") for e in ref.excluding) and not ref.kind and not ref.agent:
        # "approve all but the last one" after a list: the list is what "all" and "the last one" count in
        shown = [i for i in listed if i in meant_in_order]
        found = replace(found, ids=tuple(i for i in found.ids if i in shown),
                        candidates=tuple(i for i in found.candidates if i in shown))
        meant_in_order = shown
    for e in (e for e in ref.excluding if e.startswith("place:")):
        # "all except the last one": that place in what the reference means, in its order
        n = int(e.removeprefix("place:"))
        if meant_in_order and -len(meant_in_order) <= (n if n < 0 else n - 1) < len(meant_in_order):
            out.add(meant_in_order[n if n < 0 else n - 1])
    out |= {i["id"] for i in usable if f"kind:{i['kind']}" in ref.excluding}
    for name in (e for e in ref.excluding if not e.isdigit() and not e.startswith(("kind:", "place:"))):
        out |= {i["id"] for i in by_name(name.split(), usable)}
    meant = found.ids + found.candidates
    return Resolved(tuple(i for i in found.ids if i not in out), tuple(i for i in found.candidates if i not in out),
                    how="described", unknown=found.unknown, left_out=tuple(i for i in meant if i in out))


def _resolve(ids: Sequence[int], ref: Ref | None, items: Sequence[dict[str, Any]], *, focus: Sequence[int],
             statuses: frozenset[str], among: Sequence[int], listed: Sequence[int], taken: Sequence[int]) -> Resolved:
    usable = [i for i in items if i["status"] in statuses and (not among or i["id"] in among)]
    if among and ref is not None and ref.focus and not ids:
        focus = [i for i in among]
    if ids and ref is not None and (ref.words or ref.kind or ref.agent or ref.risk) and not ref.focus:
        # "approve 11 and the candle ones": the numbers, and what the name means besides
        by_number = _resolve(ids, None, items, focus=focus, statuses=statuses, among=among, listed=listed, taken=taken)
        by_name_ = _resolve((), ref, items, focus=focus, statuses=statuses, among=among, listed=listed, taken=taken)
        if by_name_.candidates or not by_name_.ids:
            return by_name_ if by_name_.candidates else Resolved(how="described", unknown=by_number.unknown)
        return Resolved(tuple(dict.fromkeys(by_number.ids + by_name_.ids)), unknown=by_number.unknown,
                        how="ids" if by_number.how == "ids" and by_name_.how == "name" else "described")
    if ids:
        known = {i["id"] for i in usable}
        unknown = [i for i in ids if i not in known]
        # "approve 9315": not an action's number but an order's; the action on that order is meant, and
        # since the message named an order rather than the action, what it resolves to is shown first
        orders = {n: [u["id"] for u in usable if f"#{n}" in u["words"]] for n in unknown if n not in known}
        if any(len(v) > 1 for v in orders.values()):
            return Resolved(candidates=tuple(a for v in orders.values() for a in v), how="described")
        found = tuple(i for i in ids if i in known) + tuple(v[0] for v in orders.values() if v)
        return Resolved(found, how="described" if any(orders.values()) else "ids",
                        unknown=tuple(n for n in unknown if not orders.get(n)))
    if ref is None:
        return Resolved(how="ids")
    if ref.some is not None:
        # "2 of the reorders": exactly that many fit, or the operator is asked which
        pool = _filtered(ref, [i for f in focus for i in usable if i["id"] == f] if ref.focus else usable)
        if ref.words:
            pool = by_name(ref.words, pool) or pool
        if ref.some and len(pool) == ref.some:
            return Resolved(tuple(i["id"] for i in pool), how="described")
        return Resolved(candidates=tuple(i["id"] for i in pool), how="described")
    if ref.rest:
        shown = [i for f in listed for i in usable if i["id"] == f] or list(usable)
        rest = [i for i in _filtered(ref, shown) if i["id"] not in taken]
        if ref.count == 1 and len(rest) > 1:  # "the other one" when several are left
            return Resolved(candidates=tuple(i["id"] for i in rest), how="described")
        return Resolved(tuple(i["id"] for i in rest), how="described")
    if ref.groups:
        chosen: list[int] = []
        for group in ref.groups:
            loose = by_name(group, usable)
            narrow = _filtered(ref, loose)
            pick = narrow if len(narrow) == 1 else loose
            if len(pick) != 1:
                return Resolved(candidates=tuple(i["id"] for i in pick), how="name")
            chosen.append(pick[0]["id"])
        return Resolved(tuple(dict.fromkeys(chosen)), how="name")
    if ref.words and any(w.startswith("#") or word_matches(w, i["words"]) for w in ref.words for i in usable):
        matched = _filtered(ref, by_name(ref.words, usable))
        if ref.count and len(matched) >= ref.count:
            matched = matched[-ref.count:] if ref.position == -1 else matched[:ref.count]
            return Resolved(tuple(i["id"] for i in matched), how="described")
        if len(matched) == 1 or ((ref.every or ref.plural) and matched):
            # "the refund investigations" finding one is a description that happened to fit one, not its name:
            # the operator meant a group, so what it resolved to is shown before anything runs
            named = len(matched) == 1 and not ref.every and not ref.plural
            return Resolved(tuple(i["id"] for i in matched), how="name" if named else "described")
        if len(matched) > 1:
            return Resolved(candidates=tuple(i["id"] for i in matched), how="name")
        return Resolved(how="name")
    if ref.focus:
        shown = [i for f in focus for i in usable if i["id"] == f]
        if ref.kind or ref.agent or ref.risk:
            shown = _filtered(ref, shown)  # "hold both of them" after a list: the holds in it, never a reorder
        if ref.both and len(shown) != 2:
            return Resolved(candidates=tuple(i["id"] for i in shown), how="pronoun")
        if not ref.both and len(shown) > 1 and not _means_several(ref):
            return Resolved(candidates=tuple(i["id"] for i in shown), how="pronoun")
        return Resolved(tuple(i["id"] for i in shown), how="pronoun")
    filtered = _filtered(ref, usable)
    if ref.position or ref.count or ref.places:
        pool = filtered
        if not (ref.kind or ref.agent or ref.risk) and listed:
            shown = [i for f in listed for i in usable if i["id"] == f]
            pool = shown or filtered
        pool = ordered(pool, ref.order)
        if ref.order and ref.position == 1 and len(pool) > 1 and _key(pool[1], ref.order) == _key(pool[0], ref.order):
            # "the riskiest" when several share the top tier: which one is not said, so it is asked
            top = [i for i in pool if _key(i, ref.order) == _key(pool[0], ref.order)]
            return Resolved(candidates=tuple(i["id"] for i in top), how="place")
        if ref.places:
            chosen = [pool[p - 1] for p in ref.places if 0 < p <= len(pool)]
        elif ref.count:
            chosen = pool[-ref.count:] if ref.position == -1 else pool[: ref.count]
        elif ref.position == -1:
            chosen = pool[-1:]
        else:
            chosen = pool[ref.position - 1: ref.position] if ref.position else []
        return Resolved(tuple(i["id"] for i in chosen), how="place")
    if not (ref.kind or ref.agent or ref.risk or ref.every):
        return Resolved(how="described")
    if len(filtered) > 1 and not ref.every:
        return Resolved(candidates=tuple(i["id"] for i in filtered), how="described")
    return Resolved(tuple(i["id"] for i in filtered), how="described")


def _means_several(ref: Ref) -> bool:
    return ref.every or ref.both or ref.several


def named_ids(ids: Sequence[int], ref: Ref | None, items: Sequence[dict[str, Any]]) -> frozenset[int]:
    """The actions a clause names unambiguously: its ids, or a name that fits exactly one action."""
    if ids:
        return frozenset(ids)
    if ref is None or not ref.words or ref.focus or ref.position or ref.count or ref.every or ref.plural:
        # a plural ("the refund investigations") describes a group, whatever it happens to find: it names none
        return frozenset()
    out: set[int] = set()
    for group in ref.groups or (ref.words,):
        # strict: every word of the name fits the one action (no word is waved away as filler)
        matched = [i for i in items if all(word_matches(w, i["words"]) for w in group)]
        if not ref.groups:
            matched = _filtered(ref, matched)
        if len(matched) != 1:
            return frozenset()
        out.add(matched[0]["id"])
    return frozenset(out)


def release(intent: Intent, items: Sequence[dict[str, Any]], *, focus: Sequence[int] = (),
            listed: Sequence[int] = ()) -> Intent:
    """"release order 9315": reject the hold that waits on it, or roll back the one in force.

    The operator named the order, not an action or a verb the engine has: whatever this becomes is
    echoed and waits for a yes. An order nobody holds stays a ``release`` (the reply says so).
    """
    ref = intent.ref or Ref()
    if intent.ids:
        found = resolve(intent.ids, None, items, statuses=DECIDABLE | ROLLBACKABLE)
    elif ref.words:
        found = resolve((), Ref(kind="risk.hold_order", words=ref.words), items, statuses=DECIDABLE | ROLLBACKABLE)
    else:  # "let them ship": the holds the conversation shows
        found = resolve((), ref, items, focus=focus, listed=listed, statuses=DECIDABLE | ROLLBACKABLE)
    holds = [i for i in items if i["id"] in (found.ids or found.candidates) and i["kind"] == "risk.hold_order"]
    if not holds:
        return intent
    order = " ".join(ref.words) or ", ".join(f"#{h['id']}" for h in holds)
    reason = intent.reason or f"the operator released order {order}"
    waiting = [h["id"] for h in holds if h["status"] in DECIDABLE]
    if waiting:
        return replace(intent, name="reject", ids=tuple(waiting), ref=None, reason=reason)
    return replace(intent, name="rollback", ids=tuple(h["id"] for h in holds), ref=None, reason=reason)
