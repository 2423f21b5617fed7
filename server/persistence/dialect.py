"""The one place that knows how an upsert is spelled on each engine."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignore(table: Table, dialect: str, **values: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING."""
    ins = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return ins.values(**values).on_conflict_do_nothing()


def upsert(table: Table, dialect: str, keys: list[str], values: dict[str, Any],
           update: dict[str, Any]) -> Any:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET update."""
    ins = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    stmt = ins.values(**values)
    return stmt.on_conflict_do_update(index_elements=keys, set_=update)
