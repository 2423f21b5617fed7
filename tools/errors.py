"""Errors with stable codes.

- ``ToolError``: something the caller (a person or a model) should read and act on —
  not found, forbidden, invalid input, conflicts. ``code`` is stable; tests check it.
- Anything else is a fault of the engine and propagates as such.
"""

from __future__ import annotations

from typing import Any


class ToolError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **({"details": self.details} if self.details else {})}


class NotFound(ToolError):
    code = "not_found"


class Forbidden(ToolError):
    code = "forbidden"


class InvalidInput(ToolError):
    code = "invalid_input"


class Conflict(ToolError):
    code = "conflict"
