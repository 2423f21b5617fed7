"""The action lifecycle: statuses, which of them are live, and pending TTLs."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from policies.tiers import RiskTier


class Status(StrEnum):
    PROPOSED = "proposed"
    PENDING_APPROVAL = "pending_approval"
    AUTO_APPROVED = "auto_approved"
    APPROVED = "approved"
    EXECUTING = "executing"
    EXECUTED = "executed"
    FAILED = "failed"
    REJECTED = "rejected"
    EXPIRED = "expired"
    SNOOZED = "snoozed"
    SUPERSEDED = "superseded"
    #: the agent that proposed it no longer finds it on a fresh look at the data
    WITHDRAWN = "withdrawn"
    ROLLED_BACK = "rolled_back"


#: statuses in which an action still occupies its (tenant, kind, target) slot
LIVE = frozenset({
    Status.PROPOSED, Status.PENDING_APPROVAL, Status.AUTO_APPROVED,
    Status.APPROVED, Status.EXECUTING, Status.SNOOZED,
})
#: live statuses a newer proposal may supersede (nobody has said yes yet)
SUPERSEDABLE = frozenset({Status.PROPOSED, Status.PENDING_APPROVAL, Status.SNOOZED})
#: statuses a decision can still be taken on
DECIDABLE = frozenset({Status.PENDING_APPROVAL, Status.SNOOZED})
#: approved and waiting for the executor
EXECUTABLE = frozenset({Status.APPROVED, Status.AUTO_APPROVED})

#: how long an action may wait for the operator before it expires, unexecuted
PENDING_TTL: dict[RiskTier, timedelta] = {
    RiskTier.LOW: timedelta(days=14),
    RiskTier.MEDIUM: timedelta(days=7),
    RiskTier.HIGH: timedelta(days=3),
    RiskTier.CRITICAL: timedelta(days=1),
}

#: the longest an operator may snooze an action
MAX_SNOOZE = timedelta(days=90)


def expires_at(tier: RiskTier, now: datetime) -> datetime:
    return now + PENDING_TTL[tier]


def is_expired(expires: datetime | None, now: datetime) -> bool:
    return expires is not None and expires <= now
