"""The MCP server: tools, prompts and resources for operators, assistants and shoppers.

``build_mcp(app, transport)`` assembles an ``MCPServer``; ``server.http`` serves it over
streamable HTTP with authentication, Host/Origin checks, health and metrics.
"""
