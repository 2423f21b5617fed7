"""Turning bad input into errors that name what is wrong."""

from __future__ import annotations

import re
from typing import Any

from typing import Annotated

from pydantic import Field, StrictInt, ValidationError

from tools.errors import InvalidInput

_ID = re.compile(r"^#?\s*(\d{1,15})$")
#: ids are 64-bit signed integers in the database: a larger one is a caller's mistake, not a crash
MAX_ID = 2**63 - 1
#: an action, run or token id in a tool's arguments: a JSON integer (not true, not "12"), in range
ActionId = Annotated[StrictInt, Field(ge=1, le=MAX_ID, description="the action's id (#12 is 12)")]
RunId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
#: a version number: positive, and small
Version = Annotated[StrictInt, Field(ge=1, le=2**31 - 1, description="the version you reviewed")]


def describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(p) for p in err["loc"]) or "value"  # the parameter's own name: a client sends it
        msg = str(err["msg"])
        # "quantity should be greater than 0", not "quantity: Input should be greater than 0"
        parts.append(f"{where} {msg[len('Input '):]}" if msg.startswith("Input should") else f"{where}: {msg}")
    return "; ".join(parts)


def parse_action_id(raw: Any) -> int:
    """Accept 12, "12" or "#12"; anything else is a malformed id."""
    if isinstance(raw, bool):
        raise InvalidInput(f"{raw!r} is not an action id", code="malformed_id")
    if isinstance(raw, int):
        if not 0 < raw <= MAX_ID:
            raise InvalidInput(f"{str(raw)[:40]} is not an action id (ids are positive and below 2^63)",
                               code="malformed_id")
        return raw
    if isinstance(raw, str):
        m = _ID.match(raw.strip())
        if m and int(m.group(1)) > 0:
            return int(m.group(1))
    raise InvalidInput(f"{str(raw)[:40]!r} is not an action id (expected a number such as 12 or #12)",
                       code="malformed_id")
