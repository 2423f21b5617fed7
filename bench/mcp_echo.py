"""The MCP SDK's own server with one ``echo`` tool: the baseline ``bench/mcp.py`` measures ours against.

    python bench/mcp_echo.py             # stdio
    python bench/mcp_echo.py --http PORT # streamable HTTP at http://127.0.0.1:PORT/mcp
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/mcp.py sits beside this file: keep it from shadowing the SDK's ``mcp``
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import uvicorn  # noqa: E402
from mcp.server.mcpserver import MCPServer  # noqa: E402

server = MCPServer("echo")


@server.tool()
def echo(text: str) -> str:
    """Return the text as it came."""
    return text


if __name__ == "__main__":
    if sys.argv[1:2] == ["--http"]:
        # what run_streamable_http_async does, with the same uvicorn log level as ``growth serve --http``
        asgi = server.streamable_http_app(host="127.0.0.1")
        uvicorn.Server(uvicorn.Config(asgi, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")).run()
    else:
        server.run("stdio")
