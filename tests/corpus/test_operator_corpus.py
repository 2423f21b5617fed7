"""The operator's conversation, scored by its effects on a fresh demo store per scenario.

Two corpora written independently of the agent (``operator_scenarios``, and
``operator_heldout`` written later by another author who never saw the first or the
code): every scenario's state changes are compared with what it asked for. The bar is
the issue's: at least 95 % of scenarios right, and not one state change nobody asked for.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import operator_heldout, operator_scenarios
from tests.corpus.runner import Outcome, run_all, table

CORPORA = {"operator_scenarios": operator_scenarios, "operator_heldout": operator_heldout}


def _report(outcomes: list[Outcome]) -> str:
    lines = [table(outcomes)]
    for o in outcomes:
        if not o.ok:
            lines.append(f"- {o.scenario.name} ({o.scenario.category}): "
                         + "; ".join(o.failures[:3] + [f"UNASKED turn {n}: {u}" for n, u in o.unasked[:3]]))
    return "\n".join(lines)


def test_the_corpora_are_large_enough() -> None:
    messages = sum(s.messages for m in CORPORA.values() for s in m.SCENARIOS)
    assert messages >= 400 and len({s.category for m in CORPORA.values() for s in m.SCENARIOS}) >= 20


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CORPORA))
def test_the_operator_is_understood_and_nothing_changes_unasked(name: str, demo_template: Path,
                                                                tmp_path: Path) -> None:
    corpus = CORPORA[name]
    outcomes = run_all(corpus.SCENARIOS, demo_template, tmp_path, corpus.HANDLES)
    report = _report(outcomes)
    print(f"\n{name}\n{report}")
    unasked = [o.scenario.name for o in outcomes if o.unasked]
    assert not unasked, f"state changed without being asked in {unasked}\n{report}"
    correct = sum(o.ok for o in outcomes) / len(outcomes)
    assert correct >= 0.95, report
