"""Turning bad input into errors that name what is wrong."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from tools.errors import InvalidInput

_ID = re.compile(r"^#?\s*(\d{1,15})$")


def describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(p) for p in err["loc"]) or "value"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def parse_action_id(raw: Any) -> int:
    """Accept 12, "12" or "#12"; anything else is a malformed id."""
    if isinstance(raw, bool):
        raise InvalidInput(f"{raw!r} is not an action id", code="malformed_id")
    if isinstance(raw, int):
        if raw <= 0:
            raise InvalidInput(f"{raw} is not an action id (ids are positive)", code="malformed_id")
        return raw
    if isinstance(raw, str):
        m = _ID.match(raw.strip())
        if m and int(m.group(1)) > 0:
            return int(m.group(1))
    raise InvalidInput(f"{str(raw)[:40]!r} is not an action id (expected a number such as 12 or #12)",
                       code="malformed_id")
