"""The holding-cost rate is the store's to set, and a markdown's worth follows it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from policies import inventory as inv
from server.app import App
from tests.graphs.test_specialist_thresholds import _inputs, _inventory, _yesterday
from tests.ingest.helpers import OPERATOR
from tools.errors import InvalidInput
from tools.registry import invoke


async def test_a_store_holding_cost_rate_raises_the_worth_of_clearing_dead_stock_and_is_named(
        app: App, tmp_path: Path) -> None:
    await invoke(app.deps, OPERATOR, "inventory.settings", scope="store", lead_time_days=14, holding_cost_pct=40.0)
    # a later change of lead time alone keeps the rate
    await invoke(app.deps, OPERATOR, "inventory.settings", scope="store", lead_time_days=10)
    end = _yesterday()
    _, by_sku = await _inventory(app, tmp_path, [("DEAD", 300, 40.0, 20.0), ("OTHER", 5, 20.0, 8.0)],
                                 [("DEAD", 40.0, end - timedelta(days=60)), ("OTHER", 20.0, end)])
    dead = by_sku["DEAD"]
    p = inv.pace([0.0] * 29 + [1.0] + [0.0] * 60)
    expected = inv.markdown_gain(inv.markdown(300, p), price=40.0, cost=20.0, holding_rate=0.40)  # type: ignore[arg-type]
    assert dead.expected_revenue == pytest.approx(expected, rel=0.01)
    assert "holding cost 40% a year (store setting)" in " ".join(i["source"] for i in await _inputs(app, dead))


@pytest.mark.parametrize(("rate", "ok"), [(100.0, True), (100.5, False), (0.0, True), (-0.5, False)])
async def test_the_holding_cost_rate_is_a_percent_between_0_and_100(app: App, rate: float, ok: bool) -> None:
    if ok:
        out = await invoke(app.deps, OPERATOR, "inventory.settings", scope="store", lead_time_days=14,
                           holding_cost_pct=rate)
        assert out["holding_cost_pct"] == rate
    else:
        with pytest.raises(InvalidInput):
            await invoke(app.deps, OPERATOR, "inventory.settings", scope="store", lead_time_days=14,
                         holding_cost_pct=rate)
