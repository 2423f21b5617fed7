"""The HTML the engine writes into the live store's content, and how it finds it again. Pure.

Everything the engine adds carries a marker naming the action (``<tenant>:action:<id>``) in an
HTML comment, invisible on the storefront: a landing page's body starts with one, so a re-run
after a crash recognises the page it created; internal links sit between an opening and a
closing marker, so a rollback removes exactly that block and nothing else, wherever the rest
of the body has been edited meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any


def action_prefix(dedupe_key: str) -> str:
    """``<tenant>:action:<id>`` of an outbox identity ``<tenant>:action:<id>:<op>:<n>``."""
    return dedupe_key.rsplit(":", 2)[0]


def _safe(prefix: str) -> str:
    # "--" may not appear inside an HTML comment
    return re.sub(r"-{2,}", "-", prefix).replace(">", "")


def landing_marker(prefix: str) -> str:
    return f"<!-- growth-engine {_safe(prefix)} landing-page -->"


def landing_body(prefix: str, outline: Iterable[str]) -> str:
    """The draft's body: the marker, then one section heading per outline item."""
    sections = "\n".join(f"<h2>{escape(str(item))}</h2>\n<p></p>" for item in outline)
    return f"{landing_marker(prefix)}\n{sections}"


def _links_open(prefix: str) -> str:
    return f"<!-- growth-engine {_safe(prefix)} links -->"


def _links_close(prefix: str) -> str:
    return f"<!-- /growth-engine {_safe(prefix)} links -->"


def links_block(links: Iterable[Mapping[str, Any]]) -> str:
    """``<p>Related: <a href=…>anchor</a> · …</p>``, what goes between the markers."""
    anchors = " · ".join(f'<a href="{escape(str(link["to_url"]), quote=True)}">{escape(str(link["anchor"]))}</a>'
                         for link in links)
    return f'<p class="growth-engine-links">Related: {anchors}</p>'


def _pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(r"\n?" + re.escape(_links_open(prefix)) + r"(.*?)" + re.escape(_links_close(prefix)), re.DOTALL)


def find_links(body: str, prefix: str) -> str:
    """The block this action added to ``body``, or "" when it holds none."""
    found = _pattern(prefix).search(body or "")
    return found.group(1) if found else ""


def add_links(body: str, prefix: str, block: str) -> str:
    """``body`` with the marked block appended (replacing one already there)."""
    return f"{remove_links(body, prefix)}\n{_links_open(prefix)}{block}{_links_close(prefix)}"


def remove_links(body: str, prefix: str) -> str:
    """``body`` without this action's marked block, every other byte kept."""
    return _pattern(prefix).sub("", body or "", count=1)
