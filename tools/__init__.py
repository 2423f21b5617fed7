"""Typed async operations the agents, the CLI and MCP call.

Each operation takes its dependencies explicitly (``tools.deps``); storage is reached
only through the Protocols declared there, which ``server.persistence`` implements.
"""
