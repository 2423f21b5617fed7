"""What a person reads in the terminal: golden `actions list` / `actions show` at several widths, no
Python structure in any human output, and arithmetic that holds as shown.

The store is the seed-7 demo store to a fixed day, built by `growth demo` in its own process, then
decided on as an operator would: a title rewrite approved and rolled back with a reason, a reorder
approved, a markdown rejected with a reason, another edited to a new depth and approved (a second
version), a landing page snoozed. Wall-clock times are the only thing that varies between runs;
their digits are masked (so the layout is unchanged) before comparing.

The golden files live in ``tests/golden/``. After a deliberate change to the output, regenerate them
and review the diff:

    GROWTH_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_cli_output.py
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from graphs.specialists.arithmetic import Factor, multiply
from policies.principal import Principal
from server.app import create_app
from server.cli import app as cli
from tests.conftest import TEST_SECRET, make_settings

END = "2026-11-20"
GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("GROWTH_UPDATE_GOLDEN"))
#: a moment as the CLI prints it, possibly wrapped onto the next line
WALL_CLOCK = re.compile(r"\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}\s+UTC")
#: what a Python structure looks like when it leaks into text
REPRS = {"dict": re.compile(r"\{'|\{\""), "list": re.compile(r"\['|\[\""), "key": re.compile(r"\w': "),
         "None": re.compile(r"\bNone\b"), "bool": re.compile(r"\b(?:True|False)\b"),
         "datetime": re.compile(r"datetime\.?\w*\("), "Decimal": re.compile(r"Decimal\(")}


def _env(url: str, columns: int = 120) -> dict[str, str]:
    # no terminal settings of the person running the tests (colours, width) reach the output
    kept = {k: os.environ[k] for k in ("HOME", "XDG_DATA_HOME") if k in os.environ}
    return kept | {"GROWTH_DATABASE_URL": url, "GROWTH_SECRET_KEY": TEST_SECRET, "GROWTH_TENANT": "demo",
                   "PATH": "/usr/bin:/bin", "COLUMNS": str(columns)}


def _cli(url: str, *args: str, columns: int = 120, timeout: float = 120) -> str:
    """`growth ARGS` as a real process, piped, with the terminal width in COLUMNS."""
    done = subprocess.run([sys.executable, "-m", "server.cli", *args], env=_env(url, columns), capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def _in_process(url: str, *args: str, stdin: str | None = None) -> str:
    """`growth ARGS` in this process (faster; the width is this process's)."""
    env = _env(url) | {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    result = CliRunner().invoke(cli, list(args), env=env, input=stdin, catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def _queue(url: str, status: str = "all") -> list[dict[str, Any]]:
    return json.loads(_cli(url, "actions", "list", "--status", status, "--json", "--limit", "200"))


def _first(queue: list[dict[str, Any]], kind: str, skip: int = 0) -> int:
    return [a["id"] for a in queue if a["kind"] == kind][skip]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[tuple[str, dict[str, int]]]:
    folder = tmp_path_factory.mktemp("cli-output")
    shutil.copy(sqlite_template, folder / "growth.db")
    url = f"sqlite+aiosqlite:///{folder / 'growth.db'}"
    _cli(url, "demo", "--folder", str(folder / "files"), "--end", END, "--json", timeout=300)
    queue = _queue(url, "live")
    ids = {"title": _first(queue, "content.rewrite_title"), "reorder": _first(queue, "inventory.reorder"),
           "markdown": _first(queue, "inventory.markdown"), "edited": _first(queue, "inventory.markdown", 1),
           "landing": _first(queue, "content.create_landing_page"), "hold": _first(queue, "risk.hold_order"),
           "pending": _first(queue, "analytics.investigate")}
    said = [_cli(url, "actions", "approve", str(ids["title"])),
            _cli(url, "actions", "rollback", str(ids["title"]), "--reason", "the brand name must lead"),
            _cli(url, "actions", "approve", str(ids["reorder"])),
            _cli(url, "actions", "reject", str(ids["markdown"]), "--reason", "we sell these at full price in spring")]
    assert "restored seo title: “" in said[1]

    async def decide() -> None:
        from tools.decisions import decide as take

        app = await create_app(make_settings(url))
        try:
            me = Principal.operator("demo", subject="operator:cli")
            await take(app.deps, me, action_id=ids["edited"], version=1, verdict="edit_approve",
                       params={"percent_off": 30.0})
            await take(app.deps, me, action_id=ids["landing"], version=1, verdict="snooze",
                       until=app.deps.now() + timedelta(days=3))
        finally:
            await app.close()

    asyncio.run(decide())
    yield url, ids | {"said": said}  # type: ignore[dict-item]


def _golden(name: str, text: str) -> None:
    # digits only, so the spacing and the wrapping stay as printed
    masked = WALL_CLOCK.sub(lambda m: re.sub(r"\d", "#", m.group()), text)
    masked = "\n".join(line.rstrip() for line in masked.splitlines()) + "\n"
    path = GOLDEN / name
    if UPDATE or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(masked, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{path} did not exist and was written: review it and run again")
    assert masked == path.read_text(encoding="utf-8"), (
        f"{name} changed; if that is intended: GROWTH_UPDATE_GOLDEN=1 pytest {Path(__file__).name}")


@pytest.mark.parametrize("columns", [80, 120, 200])
def test_actions_list_matches_its_golden_output_at_each_terminal_width(store: tuple[str, dict[str, int]],
                                                                       columns: int) -> None:
    url, _ = store
    text = _cli(url, "actions", "list", columns=columns)
    assert max(len(line) for line in text.splitlines()) <= columns
    _golden(f"actions_list_{columns}.txt", text)


def test_actions_list_of_every_status_matches_its_golden_output(store: tuple[str, dict[str, int]]) -> None:
    url, _ = store
    _golden("actions_list_all_100.txt", _cli(url, "actions", "list", "--status", "all", columns=100))


def test_actions_list_keeps_the_figures_whole_and_names_each_target(store: tuple[str, dict[str, int]]) -> None:
    url, _ = store
    queue = _queue(url, "live")
    for columns in (80, 120, 200):
        text = _cli(url, "actions", "list", columns=columns)
        flat = " ".join(text.split())
        for a in queue:
            assert f"${a['expected_revenue']:,.0f}" in text and f"{a['score']:,.0f}" in text
            ref = a["target"].partition(":")[2]
            assert ref in flat.replace("- ", "-") or ref in a["title"], (columns, a["target"])
        assert "page:/" not in text and "…" not in text


@pytest.mark.parametrize(("which", "columns"), [("title", 80), ("title", 120), ("edited", 100), ("markdown", 120),
                                                ("reorder", 200), ("pending", 120), ("hold", 80)])
def test_actions_show_matches_its_golden_output(store: tuple[str, dict[str, int]], which: str, columns: int) -> None:
    url, ids = store
    text = _cli(url, "actions", "show", str(ids[which]), columns=columns)
    assert max(len(line) for line in text.splitlines()) <= columns
    _golden(f"actions_show_{which}_{columns}.txt", text)


def test_actions_show_says_who_decided_when_and_why_and_what_reached_the_live_store(
        store: tuple[str, dict[str, int]]) -> None:
    url, ids = store
    text = " ".join(_cli(url, "actions", "show", str(ids["title"]), columns=200).split())
    assert "approved v1 by the operator (cli)" in text
    assert "rolled back v1 by the operator (cli)" in text and "“the brand name must lead”" in text
    assert "Execution: executed, then rolled back" in text and "before: seo title: “" in text
    assert "Delivery to the live store (2 of 2 not delivered yet)" in text and "not delivered yet" in text
    rejected = " ".join(_cli(url, "actions", "show", str(ids["markdown"]), columns=200).split())
    assert "rejected v1 by the operator (cli)" in rejected and "“we sell these at full price in spring”" in rejected
    edited = " ".join(_cli(url, "actions", "show", str(ids["edited"]), columns=200).split())
    assert "Versions (2)" in edited and "percent off: 30 (was" in edited and "edited and approved v2" in edited


# --- no Python structure in human output -------------------------------------------------------

def _leaks(text: str) -> list[str]:
    return [f"{name}: {line.strip()}" for line in text.splitlines() for name, rx in REPRS.items() if rx.search(line)]


def test_no_human_output_of_the_main_commands_contains_a_python_structure(store: tuple[str, dict[str, Any]]) -> None:
    url, ids = store

    def human(*args: str, stdin: str | None = None) -> str:
        return _in_process(url, *args, stdin=stdin)

    every = [a["id"] for a in _queue(url)]
    outputs = {"decisions": "\n".join(ids["said"]),  # type: ignore[arg-type]
               "status": human("status"), "telemetry": human("telemetry"), "agents": human("agents"),
               "audit tail": human("audit", "tail", "--limit", "500"), "token list": human("token", "list"),
               "actions list": human("actions", "list", "--status", "all", "--limit", "200"),
               "work": human("work")}
    for action_id in every:
        outputs[f"actions show {action_id}"] = human("actions", "show", str(action_id))
    outputs["chat"] = human("chat", stdin="what should I do today?\n" + "".join(
        f"explain {i}\n" for i in every[:12]) + "how did the last run go?\nwhat did the agents do overnight?\n"
        "show handoffs\nverify the audit log\nshow everything from the content agent\n")
    outputs["run"] = human("run", "all")
    leaks = {name: found for name, text in outputs.items() if (found := _leaks(text))}
    assert not leaks, leaks


# --- arithmetic that holds as shown ------------------------------------------------------------

FIGURE = re.compile(r"-?\$?-?\d[\d,]*(?:\.\d+)?%?")
TOKEN = re.compile(r"-?\$?\d[\d,]*(?:\.\d+)?%?|[×÷+−()]")


def _figure(text: str) -> Decimal:
    """A figure as written: $1,234.56, 2.08%, 1,901, 0.5."""
    raw = text.replace("$", "").replace(",", "")
    return Decimal(raw[:-1]) / 100 if raw.endswith("%") else Decimal(raw)


def _places(text: str) -> int:
    """How many decimals a figure is shown with (a percentage's count two more)."""
    digits = text.rstrip("%").replace(",", "")
    places = len(digits.partition(".")[2])
    return places + 2 if text.endswith("%") else places


def _evaluate(working: str) -> Decimal:
    """The arithmetic of a working, read from its text alone: figures and × ÷ + − ( ); words are labels."""
    tokens = TOKEN.findall(working)
    assert tokens, working
    code = " ".join(f"D('{_figure(t)}')" if t[-1].isdigit() or t.endswith("%") else
                    {"×": "*", "÷": "/", "−": "-"}.get(t, t) for t in tokens)
    return Decimal(eval(code, {"D": Decimal, "__builtins__": {}}))  # noqa: S307 (tokens only, built above)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _check_action(a: dict[str, Any], score: str) -> None:
    formula = a["revenue_formula"]
    factors, _, total = formula.rpartition(" = ")
    product = Decimal(1)
    for factor, item in zip(factors.split(" × "), a["revenue_inputs"], strict=True):
        shown = factor.rsplit(" ", 1)[1]
        assert shown == item["shown"] and float(_figure(shown)) == item["value"], (a["id"], factor, item)
        product *= _figure(shown)
        if item.get("working"):
            worked = _evaluate(item["working"])
            assert abs(worked - _figure(shown)) <= Decimal(5) / Decimal(10) ** (_places(shown) + 1), (
                a["id"], item)
    assert _cents(product) == _figure(total) == _cents(Decimal(repr(a["expected_revenue"]))), (a["id"], formula)
    terms, _, result = score.rpartition(" = ")
    shown_terms = [_figure(FIGURE.findall(t)[0]) for t in terms.split(" × ")]
    assert _cents(shown_terms[0] * shown_terms[1] * shown_terms[2]) == _figure(result), (a["id"], score)


def test_every_formula_the_specialists_emit_multiplies_to_the_total_it_shows(
        store: tuple[str, dict[str, int]]) -> None:
    url, _ = store
    queue = _queue(url)
    assert len(queue) >= 15
    kinds = set()
    for row in queue:
        detail = json.loads(_in_process(url, "actions", "show", str(row["id"]), "--json"))
        a = detail["action"]
        kinds.add(a["kind"])
        _check_action(a, detail["explanation"]["score"])
        # and the human page shows the very same formula and score
        page = " ".join(_in_process(url, "actions", "show", str(row["id"])).split())
        assert a["revenue_formula"] in page and detail["explanation"]["score"] in page
    assert {"inventory.reorder", "inventory.markdown", "content.rewrite_title", "risk.hold_order",
            "analytics.investigate", "content.create_landing_page"} <= kinds


UNITS = st.sampled_from(["money", "pct", "count", "ratio"])
VALUES = st.floats(min_value=0.0001, max_value=50_000, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(VALUES, UNITS), min_size=1, max_size=5))
def test_any_product_of_factors_multiplies_to_its_shown_total(factors: list[tuple[float, str]]) -> None:
    revenue = multiply(*(Factor(f"input {chr(97 + n)}", v, "test", unit) for n, (v, unit) in enumerate(factors)))
    if revenue.value < 1e9:
        _check_action({"id": 0, "revenue_formula": revenue.formula, "revenue_inputs": revenue.inputs,
                       "expected_revenue": revenue.value}, "1.00 expected profit × 1 confidence × 1 ease = 1.00")
