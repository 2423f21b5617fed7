"""The handoff conformance suite, as part of the tests, and `growth check handoffs`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from graphs.conformance import run
from graphs.contract import EDGES
from graphs.registry import PARTIES
from server.app import App
from server.cli import app as cli


async def test_every_pair_behaves_exactly_as_the_contract_says(agents_app: App) -> None:
    rows = await run(agents_app.deps, "demo")
    assert len(rows) == len(PARTIES) ** 2
    assert [r for r in rows if not r.ok] == []
    allowed = {(r.from_agent, r.to_agent) for r in rows if r.got == "allowed"}
    assert allowed == set(EDGES)
    assert all(r.payload_check == "ok" and r.redaction.startswith("ok") for r in rows if r.got == "allowed")


def test_growth_check_handoffs_prints_the_table_and_passes() -> None:
    result = CliRunner().invoke(cli, ["check", "handoffs", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == len(PARTIES) ** 2 and all(r["ok"] for r in rows)
    table = CliRunner().invoke(cli, ["check", "handoffs"], catch_exceptions=False)
    assert "0 failing" in table.stdout and "ceo_front" in table.stdout
