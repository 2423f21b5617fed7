"""Brains: what decides an agent's next step. Rules (no model), OpenAI-compatible, or the
MCP client's own model — behind one seam, so policy never depends on which one runs."""
