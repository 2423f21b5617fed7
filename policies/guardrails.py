"""Guardrails on proposals and on auto-execution."""

from __future__ import annotations

from policies.decision import Decision, allow, deny, require_approval
from policies.kinds import KindSpec
from policies.proposal import Proposal


def check_proposal(proposal: Proposal) -> Decision:
    """No evidence, no action; no rollback plan, no action."""
    if not proposal.evidence:
        return deny("an action must cite at least one piece of evidence", code="missing_evidence")
    if proposal.rollback_plan is None:
        return deny("an action must carry a rollback plan", code="missing_rollback_plan")
    return allow()


def check_auto_execution(spec: KindSpec) -> Decision:
    """Auto-execution needs an action the engine can undo and that hands no work to a person."""
    if spec.creates_human_work:
        return require_approval(f"{spec.name} creates work for a person")
    if not spec.reversible:
        return require_approval(f"{spec.name} cannot be reversed by the engine")
    return allow()
