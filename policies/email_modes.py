"""Whom the e-mail channel may send to, by send mode: a pure decision (the cap is counted by the caller)."""

from __future__ import annotations

from typing import Literal, assert_never, get_args

from policies.decision import Decision, allow, deny

Mode = Literal["dry_run", "internal_only", "limited_live", "live"]
MODES: tuple[str, ...] = get_args(Mode)
SuppressionReason = Literal["bounce", "unsubscribe", "manual"]
SUPPRESSION_REASONS: tuple[str, ...] = get_args(SuppressionReason)


def gate(mode: Mode, recipients: frozenset[str], *, internal: frozenset[str],
         allowlist: frozenset[str]) -> Decision:
    """May a message go to ``recipients`` (references) in ``mode``? ``deny`` codes: dry_run, not_internal,
    not_allowlisted. One recipient outside what the mode permits refuses the whole message: a partial
    send would be a different message from the one that was asked for."""
    match mode:
        case "dry_run":
            return deny("dry_run: rendered and stored, not sent", code="dry_run")
        case "internal_only":
            outside = recipients - internal
            return deny(f"internal_only: {len(outside)} recipient(s) are not the operator's own addresses",
                        code="not_internal") if outside else allow()
        case "limited_live":
            outside = recipients - allowlist
            return deny(f"limited_live: {len(outside)} recipient(s) are not on the allowlist",
                        code="not_allowlisted") if outside else allow()
        case "live":
            return allow()
        case _:
            assert_never(mode)
