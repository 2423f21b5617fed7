"""Choosing the brain: ``auto`` takes OpenAI when a key is set, the client's model when
the MCP client offers sampling, and the rules brain otherwise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphs.brains.rules.brain import RulesBrain


def select_brain(kind: str, *, api_key: str | None = None, base_url: str | None = None, model: str = "gpt-4o-mini",
                 sampling: Callable[[], Any] | None = None) -> Any:
    if kind == "rules":
        return RulesBrain()
    if kind == "openai" or (kind == "auto" and api_key):
        if not api_key:
            raise ValueError("GROWTH_BRAIN=openai needs OPENAI_API_KEY")
        from graphs.brains.openai import OpenAIBrain

        return OpenAIBrain(api_key=api_key, base_url=base_url, model=model)
    if kind == "sampling" or (kind == "auto" and sampling is not None):
        if sampling is None:
            raise ValueError("GROWTH_BRAIN=sampling needs an MCP client that offers sampling")
        return sampling()
    return RulesBrain()
