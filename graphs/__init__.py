"""LangGraph state machines: agents, the handoff contract and its enforcement, brains."""
