"""The kill switch: engaged, nothing executes; released, approved work runs."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from policies.principal import Principal
from tools.audit import record
from tools.deps import Deps, Tx
from tools.errors import InvalidInput
from tools.execution import kill_state, run_due
from tools.registry import enforce, operation


@dataclass(frozen=True, slots=True)
class KillSwitchResult:
    scope: str
    engaged: bool
    effective: bool
    source: str
    reason: str
    released_work: dict[str, list[int]] | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@operation("kill_switch.set")
async def set_kill_switch(deps: Deps, principal: Principal, *, engaged: bool, reason: str,
                          scope: str = "tenant") -> KillSwitchResult:
    """Engage or release the switch for this tenant (``scope="tenant"``) or for everyone (``"global"``).

    Releasing runs the tenant's approved work at once; nothing was lost while it was held.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("say why the kill switch moves (--reason)", code="reason_required")
    if len(reason) < 3:
        raise InvalidInput(f"a reason of at least 3 characters, please: {reason!r} will not say why to whoever "
                           "reads the audit log", code="reason_too_short")
    if scope not in ("tenant", "global"):
        raise InvalidInput("scope is 'tenant' or 'global'", code="invalid_scope")
    key = principal.tenant if scope == "tenant" else "*"
    if key == "*":
        await enforce(deps, principal, "kill_switch.global", principal.tenant)

    async def txn(tx: Tx) -> None:
        now = deps.now()
        await tx.tenants.ensure(name=principal.tenant, now=now)
        await tx.kill.set(key, engaged=engaged, reason=reason, by=principal.subject, now=now)
        await record(tx, deps, actor=principal.subject, event="kill_switch.engaged" if engaged else "kill_switch.released",
                     subject=f"kill_switch:{scope}", data={"scope": scope, "reason": reason})

    await deps.db.transact(principal.tenant, txn)
    state = await deps.db.query(principal.tenant, lambda tx: kill_state(tx, deps))
    released = None
    if not engaged and not state.engaged:
        released = (await run_due(deps, principal.tenant)).as_dict()
    return KillSwitchResult(scope, engaged, state.engaged, state.source, state.reason or reason, released)
