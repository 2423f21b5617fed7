"""What holds every proposal of one transaction, read once per transaction by ``tools.actions``.

- the operator's standing rules (``tools.rules``);
- the controls that running experiments hold back: a held-back page or SKU stays untreated by any
  kind of action until the experiment's window is over (``tools.experiments``);
- changes still being measured: an executed action is not proposed again (same kind, same target)
  until its outcome window is over, and a page whose clicks an executed change is meant to move is
  not changed again meanwhile by another kind either: the same missed clicks would be counted twice
  and what the first change did could no longer be told apart. A rolled-back action holds nothing
  (the operator's refusal memory takes over: ``policies.memory``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from policies import outcomes as po
from policies.proposal import Proposal
from tools.deps import Tx
from tools.errors import Conflict
from tools.rules import active_rules

#: how long an executed change holds its target: the days its outcome is measured over, and the day itself
MEASURED_DAYS = po.AFTER_DAYS + 1


@dataclass(frozen=True, slots=True)
class Held:
    """A page or SKU held back as a running experiment's control, until the experiment's window is over."""

    action_id: int
    experiment_id: int
    until: Any


@dataclass(frozen=True, slots=True)
class Measured:
    """An executed change whose outcome is still being measured."""

    action_id: int
    kind: str
    at: datetime
    until: datetime


@dataclass(frozen=True, slots=True)
class Standing:
    rules: list[Any] = field(default_factory=list)
    #: held-back controls by the measured name of each page or SKU
    held: dict[str, Held] = field(default_factory=dict)
    #: executed changes being measured, by (kind, target)
    done: dict[tuple[str, str], Measured] = field(default_factory=dict)
    #: pages whose clicks an executed change is meant to move, while it is measured
    pages: dict[str, Measured] = field(default_factory=dict)

    def refuse(self, proposal: Proposal, params: dict[str, Any]) -> None:
        """Raise ``Conflict`` if a held-back control or a change being measured holds this proposal back."""
        _refuse_held_back(self.held, proposal, params)
        if (m := self.done.get((proposal.kind, proposal.target))) is not None:
            raise Conflict(f"#{m.action_id} made this change to {proposal.target} on {m.at:%-d %b}; its outcome is "
                           f"measured until {m.until:%-d %b}: proposed again then if the data still calls for it",
                           code="being_measured", action_id=m.action_id)
        if po.METRICS.get(proposal.kind, ("", ""))[1] != "page":
            return
        for page in po.measured_pages(proposal.kind, proposal.target, params):
            if (m := self.pages.get(page)) is not None:
                raise Conflict(f"#{m.action_id} ({m.kind}) changed {page} on {m.at:%-d %b}; its outcome is measured "
                               f"until {m.until:%-d %b}: another change to the page now would count the same missed "
                               f"clicks twice and blur what #{m.action_id} did", code="being_measured",
                               action_id=m.action_id)


async def standing(tx: Tx, now: datetime) -> Standing:
    """The rules, held-back controls and changes being measured that hold this transaction's proposals."""
    done: dict[tuple[str, str], Measured] = {}
    pages: dict[str, Measured] = {}
    for row in await tx.outcomes.executed_since(now - timedelta(days=MEASURED_DAYS)):
        at = row["at"]
        m = Measured(row["id"], row["kind"], at, at + timedelta(days=MEASURED_DAYS))
        if m.until <= now:
            continue
        done.setdefault((row["kind"], row["target"]), m)
        if po.METRICS.get(row["kind"], ("", ""))[1] == "page":
            for page in po.measured_pages(row["kind"], row["target"], row["params"] or {}):
                pages.setdefault(page, m)
    return Standing(await active_rules(tx), await held_controls(tx, now), done, pages)


async def held_controls(tx: Tx, now: Any) -> dict[str, Held]:
    """What running experiments hold back, by the measured name of each page or SKU."""
    out: dict[str, Held] = {}
    held_rows = await tx.outcomes.held_back()
    if not held_rows:
        return out
    # every experiment read once, by the actions it holds back (not one read of them all per held action)
    by_control = {i: e for e in await tx.outcomes.experiments() for i in e["control"]}
    for held in held_rows:
        experiment = by_control.get(held["id"])
        if experiment is None or experiment["state"] == "ended" \
                or now >= (until := po.held_back_until(experiment["created_at"])):
            continue
        for key in po.measured_pages(held["kind"], held["target"], held["params"] or {}):
            out.setdefault(key, Held(held["id"], experiment["id"], until))
    return out


def _refuse_held_back(held: dict[str, Held], proposal: Proposal, params: dict[str, Any]) -> None:
    """A held-back page or SKU stays untreated, by any kind of action (a description rewrite on a page held back
    from a title experiment, links pointing at it): treating it would spoil what the experiment measures."""
    for key in (po.target_key(proposal.target), *po.measured_pages(proposal.kind, proposal.target, params)):
        if (h := held.get(key)) is not None:
            raise Conflict(f"{proposal.target} is held back (#{h.action_id}) as the control group of experiment "
                           f"#{h.experiment_id} until {h.until:%-d %b}: treating it now would spoil what the "
                           "experiment measures", code="held_back", action_id=h.action_id)
