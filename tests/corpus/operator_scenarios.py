"""Operator conversation corpus for the CEO-front agent: what a store owner really types.

Data only: these scenarios are written independently of the agent's implementation and
encode the operator contract (when a write runs at once, when it must echo and wait for a
yes, what acknowledgements/questions/attacks must never change). Each scenario runs on a
fresh demo store (supervised autonomy, kill switch off, no rules, 26 pending actions);
see ``tests/corpus/dsl.py`` for the turn format. The scenarios live in ``scenarios_queue``,
``scenarios_phrasing`` and ``scenarios_settings``; the actions they name and the helpers, in ``scenario_terms``.

Conventions used throughout:

- ``{handle}`` in a message or in ``says`` is the bare id of that demo action
  (``HANDLES`` below says how to find it); ``{rank1}`` … ``{rank26}`` are ids by queue
  position, and ``"rank1"``-style keys may be used in ``effects`` / ``pending``.
- ``effects`` lists every state change a turn must cause; ``pending`` is the set the reply
  is waiting on a yes/no for (``()`` = nothing, ``None`` = not checked).
- ``says`` only holds hard facts (ids, counts, "$", names) — never guessed reply wording.

Messages are deliberately messy: lowercase, typos, shorthand, pronouns, hedges, several
intents at once, small talk, out-of-scope requests and injection attempts.
"""

from __future__ import annotations

from tests.corpus import scenarios_phrasing, scenarios_queue, scenarios_settings
from tests.corpus.dsl import Scenario
from tests.corpus.scenario_terms import HANDLES  # noqa: F401  (the runner and the held-out corpus read it)

#: the whole corpus, in its two halves (each in its own module, by what it tests)
SCENARIOS: list[Scenario] = [*scenarios_queue.SCENARIOS, *scenarios_phrasing.SCENARIOS, *scenarios_settings.SCENARIOS]
