"""Reading a saved API response: one JSON document, or several (pages) in a list."""

from __future__ import annotations

import codecs
import json
from typing import IO, Any

from tools.ingest.problems import FileRejected


def load(stream: IO[bytes], *, name: str) -> Any:
    data = stream.read()
    if not data.strip(codecs.BOM_UTF8 + b" \r\n\t"):
        raise FileRejected(f"{name} is empty", code="empty_file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise FileRejected(f"{name} is not UTF-8 text: line {line} has byte 0x{data[exc.start]:02x}; save it as "
                           "UTF-8", code="bad_encoding") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileRejected(f"{name} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}",
                           code="bad_json") from None


def pages(doc: Any, *, name: str, marker: str, what: str) -> list[dict[str, Any]]:
    """The response objects in ``doc`` (one, or a list of pages); each must carry ``marker``."""
    items = doc if isinstance(doc, list) else [doc]
    out = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or (marker not in item and "rows" not in item):
            where = f" (item {n})" if isinstance(doc, list) else ""
            raise FileRejected(f"{name}{where} is not {what}: expected an object with {marker!r}",
                               code="bad_header")
        out.append(item)
    return out


def is_json(head: bytes) -> bool:
    return head.lstrip(codecs.BOM_UTF8 + b" \r\n\t")[:1] in (b"{", b"[")
