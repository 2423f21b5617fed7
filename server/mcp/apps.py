"""MCP Apps (extension ``io.modelcontextprotocol/ui``): the inbox and one action as interactive views.

Two ``ui://`` resources (``text/html;profile=mcp-app``) carry self-contained HTML views: ``ui://growth/inbox``
renders ``list_actions``' result, ``ui://growth/action`` renders ``get_action``'s. Each page is assembled here
from the files under ``server/mcp/static/apps/`` (the view's HTML with the shared ``view.css`` and ``view.js``
inlined), so it needs nothing from any URL: its ``_meta.ui.csp`` declares no domain, and it works under the
spec's restrictive default policy. A view speaks the extension's postMessage JSON-RPC with its host
(``ui/initialize``, tool input and result notifications, ``tools/call`` through the host, theme changes) and
decides actions with ``approve_action`` / ``reject_action`` / ``edit_and_approve``, naming the version it shows.

Linking: ``list_actions`` and ``get_action`` carry ``_meta.ui.resourceUri`` (and the flat ``ui/resourceUri`` key
the 2026-01-26 specification still names, deprecated, for older hosts) through ``ToolSpec.meta``; the
``review_queue`` prompt sends the model to ``list_actions``. The tools' results are unchanged: the same text and
structured content, which the views read.

Negotiation, per request: the guard (``server.mcp.guard``) passes every ``tools/list`` and ``resources/list``
result through ``for_client``. A client that declared the extension with this MIME type (SDK's
``client_supports_apps``: the capabilities of the legacy ``initialize`` handshake, or of each 2026-07-28
request's envelope) sees the links and the ``ui://`` resources; any other client sees neither, so its tool
list is exactly what it was before this module. Reading a ``ui://`` resource stays possible for anyone the
ABAC allows (``RESOURCE_OPERATIONS``: the same operations as the tools the views render). The server
advertises the extension in its capabilities through the SDK's ``Apps`` extension (``extension``).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from mcp.server.apps import Apps, ResourceCsp

INBOX = "ui://growth/inbox"
ACTION = "ui://growth/action"

#: ui:// resource -> the ABAC operation the guard checks before a read (the operation of the tool it renders)
RESOURCE_OPERATIONS = {INBOX: "actions.list", ACTION: "actions.get"}

#: view URI -> (file under static/apps, name, title, description)
VIEWS = {
    INBOX: ("inbox.html", "inbox-view", "Approval inbox",
            "The action queue as a view: each action's risk, expected profit, confidence and expiry, with "
            "Approve, Reject and (for markdowns) Edit-and-approve, each naming the version shown."),
    ACTION: ("action.html", "action-view", "One action",
             "One action as a view: evidence, the expected-revenue arithmetic, rollback plan, versions and "
             "decisions, execution and delivery, with the same decisions."),
}

_INLINE = {"/*VIEW_CSS*/": "view.css", "/*VIEW_JS*/": "view.js"}


def tool_meta(uri: str) -> dict[str, Any]:
    """A tool's ``_meta`` linking it to a view (the nested key and the deprecated flat one)."""
    if uri not in VIEWS:
        raise ValueError(f"{uri!r} is not one of the MCP Apps views: {sorted(VIEWS)}")
    return {"ui": {"resourceUri": uri}, "ui/resourceUri": uri}


@cache
def page(uri: str) -> str:
    """The view's whole HTML document: its file with the shared stylesheet and script inlined."""
    folder = files("server.mcp").joinpath("static", "apps")
    html = folder.joinpath(VIEWS[uri][0]).read_text(encoding="utf-8")
    for marker, name in _INLINE.items():
        if marker not in html:
            raise ValueError(f"{VIEWS[uri][0]} lacks the {marker} marker where {name} goes")
        html = html.replace(marker, folder.joinpath(name).read_text(encoding="utf-8"))
    return html


def extension() -> Apps:
    """The extension as the SDK applies it: both views as resources, and the capability advertised."""
    apps = Apps()
    for uri, (_, name, title, description) in VIEWS.items():
        apps.add_html_resource(uri, page(uri), name=name, title=title, description=description,
                               csp=ResourceCsp(), prefers_border=True)
    return apps


def for_client(method: str, result: Any, *, supports_apps: bool) -> Any:
    """A list result as this client should see it: without view links and ``ui://`` resources unless it
    negotiated the extension (results arrive as wire-shaped dicts)."""
    if supports_apps or not isinstance(result, dict):
        return result
    if method == "tools/list" and isinstance(result.get("tools"), list):
        return {**result, "tools": [_unlinked(t) for t in result["tools"]]}
    if method == "resources/list" and isinstance(result.get("resources"), list):
        return {**result, "resources": [r for r in result["resources"]
                                        if not (isinstance(r, dict) and str(r.get("uri", "")).startswith("ui://"))]}
    return result


def _unlinked(tool: Any) -> Any:
    meta = tool.get("_meta") if isinstance(tool, dict) else None
    if not isinstance(meta, dict) or not ({"ui", "ui/resourceUri"} & meta.keys()):
        return tool
    rest = {k: v for k, v in meta.items() if k not in ("ui", "ui/resourceUri")}
    out = {k: v for k, v in tool.items() if k != "_meta"}
    return {**out, "_meta": rest} if rest else out
