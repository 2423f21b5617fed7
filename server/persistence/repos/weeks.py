"""Bucketing rows into weeks inside SQL: the week index of a timestamp or day, for the weekly aggregates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, literal_column


def week_index(column: Any, edges: Sequence[Any]) -> Any:
    """0 for rows in [edges[0], edges[1]), 1 for [edges[1], edges[2]), ... Rows outside [edges[0], edges[-1])
    must be filtered by the caller (``within``). The result is a constant per bucket, so a query can group on
    it through a subquery the same way on SQLite and PostgreSQL."""
    if len(edges) < 2:
        raise ValueError("week_index needs at least two edges (one week)")
    whens = [(column < edge, literal_column(str(i))) for i, edge in enumerate(edges[1:-1])]
    last = literal_column(str(len(edges) - 2))
    return case(*whens, else_=last) if whens else last


def within(column: Any, edges: Sequence[Any]) -> Any:
    """``edges[0] <= column < edges[-1]``."""
    return (column >= edges[0]) & (column < edges[-1])
