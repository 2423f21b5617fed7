"""Statements built once and reused with bound parameters.

Building a SQLAlchemy statement costs several times more than executing it on
SQLite; hot paths therefore keep one statement per shape (memoized) and pass the
values as parameters. Where-clause parameters are prefixed ``w_`` so they never
collide with the columns a statement sets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

S = TypeVar("S")

_cache: dict[tuple[Any, ...], Any] = {}


def shaped(key: tuple[Any, ...], build: Callable[[], S]) -> S:
    """The statement for ``key``, built on first use."""
    stmt = _cache.get(key)
    if stmt is None:
        stmt = _cache[key] = build()
    return stmt  # type: ignore[no-any-return]
