"""Process edges: settings, CLI, MCP server, HTTP app, auth, scheduler, persistence."""
