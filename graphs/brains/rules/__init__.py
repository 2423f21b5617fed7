"""The deterministic brain: intent parsing and templated replies, no model needed."""
