"""The operator's standing rules: understood, stored, listed, forgotten — and checked on every path.

Rules live in the engine's own database, so every proposing path (chat, ``growth run``,
MCP runs and delegations, a fresh process) reads the same ones. ``preview`` reads a
sentence without storing it; ``add`` stores what it understood and lists the pending
actions the new rule now forbids (the conversation offers to reject them).
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlparse

from policies import preferences as prefs
from policies.decision import Decision
from policies.principal import Principal
from tools.audit import record
from tools.deps import Deps, Tx
from tools.errors import InvalidInput, NotFound
from tools.registry import operation


async def _vocabulary(tx: Tx) -> tuple[list[str], list[str]]:
    """The store's vendors and product titles, for naming a rule's subject."""
    catalogue = await tx.commerce.catalogue()
    vendors = sorted({p["vendor"] for p in catalogue if p.get("vendor")})
    return vendors, [p["title"] for p in catalogue if p.get("title")]


async def _parse(tx: Tx, deps: Deps, text: str) -> prefs.Rule:
    text = " ".join(text.split())
    if not 3 <= len(text) <= 500:
        raise InvalidInput("a rule is a sentence of 3 to 500 characters", code="invalid_input")
    vendors, products = await _vocabulary(tx)
    parsed = prefs.parse_rule(text, today=deps.now().date(), vendors=vendors, products=products)
    if parsed.rule is None:
        raise InvalidInput(f"I can't enforce that as a rule: {parsed.problem}", code="rule_not_enforceable")
    return parsed.rule


def _view(row: dict[str, Any]) -> dict[str, Any]:
    rule = prefs.Rule.from_dict(row["rule"])
    return {"key": row["key"], "text": row["text"], "understood": rule.describe(), "rule": rule.as_dict(),
            "by": row.get("created_by"), "at": row.get("created_at")}


async def preview(deps: Deps, principal: Principal, *, text: str) -> dict[str, Any]:
    """What a sentence would become as a rule (nothing stored); raises ``rule_not_enforceable``."""
    rule = await deps.db.query(principal.tenant, lambda tx: _parse(tx, deps, text))
    return {"text": text, "understood": rule.describe(), "rule": rule.as_dict()}


@operation("memory.write")
async def add(deps: Deps, principal: Principal, *, text: str) -> dict[str, Any]:
    """Store the rule a sentence states, or refuse with the reason it cannot be enforced.

    A rule the operator already has (the same understood rule, however it was worded) is not stored
    twice: the answer is the existing rule with ``already`` set.
    """

    async def txn(tx: Tx) -> dict[str, Any]:
        rule = await _parse(tx, deps, text)
        now = deps.now()
        same = [r for r in await tx.rules.active() if prefs.Rule.from_dict(r["rule"]) == rule]
        key = same[0]["key"] if same else uuid.uuid4().hex[:10]
        if not same:
            await tx.tenants.ensure(name=principal.tenant, now=now)
            await tx.rules.add(key=key, text=" ".join(text.split()), rule=rule.as_dict(), by=principal.subject,
                               now=now)
            await record(tx, deps, actor=principal.subject, event="rule.added", subject=f"rule:{key}",
                         data={"text": text, "rule": rule.as_dict(), "understood": rule.describe()})
        forbids = []
        for a in await tx.actions.ranked(statuses=None, limit=1000):
            if a.status.value not in ("pending_approval", "snoozed"):
                continue
            facts = await target_facts(tx, a.target)
            if prefs.check(a.kind, a.params, facts, [rule], today=now.date()).denied:
                forbids.append({"id": a.id, "version": a.version, "title": a.title, "kind": a.kind,
                                "risk_tier": a.risk_tier.value})
        return {"key": key, "text": same[0]["text"] if same else text, "understood": rule.describe(),
                "rule": rule.as_dict(), "forbids_pending": forbids, "already": bool(same)}

    return await deps.db.transact(principal.tenant, txn)


@operation("memory.read")
async def list_rules(deps: Deps, principal: Principal) -> list[dict[str, Any]]:
    return [_view(r) for r in await deps.db.query(principal.tenant, lambda tx: tx.rules.active())]


@operation("memory.forget")
async def forget(deps: Deps, principal: Principal, *, key_or_text: str) -> dict[str, Any]:
    """Forget a rule by its key or by words it contains (one rule only; several matching is an error).

    Words that point without naming ("that rule", "it") mean the only rule there is; with several, the
    answer lists them.
    """
    needle = " ".join(key_or_text.lower().split())
    pointing = _THAT_RULE.fullmatch(needle) is not None

    async def txn(tx: Tx) -> dict[str, Any]:
        rows = [_view(r) for r in await tx.rules.active()]
        if means_all(needle):
            return await _forget_all(tx, deps, principal, rows)
        if pointing:
            match = rows  # the only one; with several, "several rules match" lists them
        else:
            match = [r for r in rows if r["key"] == needle] or [
                r for r in rows if needle and (needle in r["text"].lower() or needle in r["understood"].lower())]
        if not match:
            raise NotFound(f"no rule matches {key_or_text!r}", code="rule_not_found")
        if len(match) > 1:
            raise InvalidInput("several rules match: " + "; ".join(f"{r['key']}: {r['understood']}" for r in match),
                               code="ambiguous")
        await tx.rules.forget(match[0]["key"], now=deps.now())
        await record(tx, deps, actor=principal.subject, event="rule.forgotten", subject=f"rule:{match[0]['key']}",
                     data={"text": match[0]["text"]})
        return match[0]

    return await deps.db.transact(principal.tenant, txn)


async def _forget_all(tx: Tx, deps: Deps, principal: Principal, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """"forget all my rules": every standing rule, each forgotten and audited on its own."""
    if not rows:
        raise NotFound("there are no standing rules to forget", code="rule_not_found")
    for r in rows:
        await tx.rules.forget(r["key"], now=deps.now())
        await record(tx, deps, actor=principal.subject, event="rule.forgotten", subject=f"rule:{r['key']}",
                     data={"text": r["text"], "all": True})
    return {"key": "*", "text": "all rules", "understood": f"all {len(rows)} rules ("
            + "; ".join(r["understood"] for r in rows) + ")", "forgotten": rows}


#: "all", "all my rules", "every rule", "all of the preferences": every standing rule at once
_ALL_RULES = re.compile(r"(?:(?:all|every|each|everything)(?: (?:of )?(?:my|the|our|these|those))?"
                        r"(?: (?:standing )?(?:rules?|preferences?))?|(?:(?:my|the|our) )?(?:standing )?(?:rules|preferences))(?: (?:you have|i (?:have|set|made|gave you|told you|said)))?")


def means_all(key_or_text: str) -> bool:
    """Does a forget request mean every rule ("all my rules", "every rule")?"""
    return _ALL_RULES.fullmatch(" ".join(key_or_text.lower().split()).strip(" .!")) is not None


#: words that point at a rule without naming it ("that rule", "it", "the rule")
_THAT_RULE = re.compile(r"(?:that|the|this|my|it|that one)(?: rule| preference)?|rule|preference")


async def active_rules(tx: Tx) -> list[prefs.Rule]:
    return [prefs.Rule.from_dict(r["rule"]) for r in await tx.rules.active()]


async def check_action(tx: Tx, deps: Deps, kind: str, target: str, params: dict[str, Any],
                       rules: list[prefs.Rule] | None = None) -> Decision:
    """The standing rules' verdict on one action, read in the caller's transaction."""
    rules = await active_rules(tx) if rules is None else rules
    if not rules:
        return prefs.allow()
    return prefs.check(kind, params, await target_facts(tx, target), rules, today=deps.now().date())


async def target_facts(tx: Tx, target: str) -> dict[str, Any]:
    """Vendor, product and SKU of an action's target, for rule checks."""
    prefix, _, ref = target.partition(":")
    product = None
    facts: dict[str, Any] = {}
    if prefix == "sku":
        facts["sku"] = ref
        variant = await tx.store.variant(ref)
        if variant:
            product = await tx.store.product_by_id(variant["product_id"])
    elif prefix == "page":
        path = urlparse(ref).path
        if path.startswith("/products/"):
            product = await tx.store.product_by_handle(path.removeprefix("/products/").split("/")[0])
    if product:
        facts.update(vendor=product["vendor"], product=product["handle"], title=product["title"])
    return facts
