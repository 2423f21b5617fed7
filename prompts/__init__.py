"""Text only: agent system prompts, store policies and MCP prompt templates."""
