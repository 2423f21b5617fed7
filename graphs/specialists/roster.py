"""The specialists: each one's analysis, wrapped in the shared run subgraph."""

from __future__ import annotations

from graphs.specialists import analytics, content, inventory, risk
from graphs.specialists.base import build

ANALYSES = {"analytics": analytics.analyse, "inventory": inventory.analyse, "content": content.analyse,
            "risk": risk.analyse}

SPECIALIST_GRAPHS = {name: build(name, analyse) for name, analyse in ANALYSES.items()}
