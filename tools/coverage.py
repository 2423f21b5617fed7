"""What data a store has, so a specialist can say plainly what is missing."""

from __future__ import annotations

from typing import Any


def describe_missing(coverage: dict[str, Any], needs: dict[str, str]) -> str | None:
    """A plain sentence naming the missing sources and how to add them (None if all present)."""
    missing = [how for key, how in needs.items() if not coverage.get(key)]
    if not missing:
        return None
    return "No data to work on yet: " + "; ".join(missing) + "."

