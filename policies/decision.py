"""The value every policy returns, built by named constructors."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    ALLOW = "allow"
    DENY = "deny"
    REQUIRE_APPROVAL = "require_approval"


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    reason: str = ""
    code: str = ""

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOW

    @property
    def denied(self) -> bool:
        return self.outcome is Outcome.DENY


def allow(reason: str = "") -> Decision:
    return Decision(Outcome.ALLOW, reason)


def deny(reason: str, *, code: str = "forbidden") -> Decision:
    return Decision(Outcome.DENY, reason, code)


def require_approval(reason: str) -> Decision:
    return Decision(Outcome.REQUIRE_APPROVAL, reason, "approval_required")
