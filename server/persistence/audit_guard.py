"""The database's own guard over the audit log: triggers that refuse to rewrite it.

``audit_events`` is append-only; ``audit_heads`` only moves forward (no DELETE, no
TRUNCATE, no UPDATE that lowers seq, changes the tenant or changes the hash without
advancing). One table per dialect names every trigger that must exist and holds its
DDL: the migrations create the triggers from here, ``growth db upgrade`` restores any
that are missing, disabled or altered (``restore``), and ``growth audit verify``
reports them (``catalogue`` + ``faults``). The triggers are the first line only: whoever
can drop them is caught by the keyed chain and the signed head.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import TextClause, text
from sqlalchemy.engine import Connection

TABLES = ("audit_events", "audit_heads")
State = Literal["missing", "disabled", "altered"]


@dataclass(frozen=True, slots=True)
class Trigger:
    name: str
    table: str
    create: str
    #: PostgreSQL: the function it runs, and pg_trigger.tgtype (ROW 1, BEFORE 2, DELETE 8, UPDATE 16, TRUNCATE 32)
    function: str = ""
    tgtype: int = 0


@dataclass(frozen=True, slots=True)
class GuardFault:
    name: str
    state: State


def _sqlite(name: str, table: str, event: str, message: str, when: str = "") -> Trigger:
    return Trigger(name, table, f"CREATE TRIGGER {name} BEFORE {event} ON {table} {when}"
                                f"BEGIN SELECT RAISE(ABORT, '{message}: {event} refused'); END")


# The events' statements are those of migration 0001, word for word: verify compares the stored SQL.
_HEAD_MOVES_BACK = ("WHEN NEW.tenant_id IS NOT OLD.tenant_id OR NEW.seq < OLD.seq "
                    "OR (NEW.seq = OLD.seq AND NEW.hash IS NOT OLD.hash) ")
SQLITE: tuple[Trigger, ...] = (
    _sqlite("audit_events_no_update", "audit_events", "UPDATE", "audit_events is append-only"),
    _sqlite("audit_events_no_delete", "audit_events", "DELETE", "audit_events is append-only"),
    _sqlite("audit_heads_no_rewind", "audit_heads", "UPDATE", "audit_heads only moves forward", _HEAD_MOVES_BACK),
    _sqlite("audit_heads_no_delete", "audit_heads", "DELETE", "audit_heads only moves forward"),
)

FUNCTIONS: dict[str, str] = {
    "audit_events_append_only": """
        BEGIN
            RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP;
        END""",
    # NEW is NULL for DELETE and TRUNCATE, hence the nested IF
    "audit_heads_forward_only": """
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                IF NEW.tenant_id = OLD.tenant_id
                   AND (NEW.seq > OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash)) THEN
                    RETURN NEW;
                END IF;
            END IF;
            RAISE EXCEPTION 'audit_heads only moves forward: % refused', TG_OP;
        END""",
}


def _pg(name: str, table: str, events: str, function: str) -> Trigger:
    row = "TRUNCATE" not in events
    tgtype = 2 | (1 if row else 32) | (8 if "DELETE" in events else 0) | (16 if "UPDATE" in events else 0)
    return Trigger(name, table, f"CREATE TRIGGER {name} BEFORE {events} ON {table} "
                                f"FOR EACH {'ROW' if row else 'STATEMENT'} EXECUTE FUNCTION {function}()",
                   function, tgtype)


POSTGRES: tuple[Trigger, ...] = (
    _pg("audit_events_no_update", "audit_events", "UPDATE OR DELETE", "audit_events_append_only"),
    _pg("audit_events_no_truncate", "audit_events", "TRUNCATE", "audit_events_append_only"),
    _pg("audit_heads_no_rewind", "audit_heads", "UPDATE OR DELETE", "audit_heads_forward_only"),
    _pg("audit_heads_no_truncate", "audit_heads", "TRUNCATE", "audit_heads_forward_only"),
)


def expected(dialect: str, tables: Iterable[str] = TABLES) -> tuple[Trigger, ...]:
    wanted = set(tables)
    return tuple(t for t in (POSTGRES if dialect == "postgresql" else SQLITE) if t.table in wanted)


def _plain(sql: str) -> str:
    return " ".join(sql.split())


def create_function(name: str) -> str:
    return f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${FUNCTIONS[name]}$$"


def catalogue(dialect: str) -> TextClause:
    """One query over the catalogue; its rows are what ``faults`` reads."""
    tables = ", ".join(f"'{t}'" for t in TABLES)
    if dialect != "postgresql":
        return text("SELECT 'trigger' AS kind, name, tbl_name AS tbl, 'O' AS enabled, 0 AS tgtype, '' AS function, "
                    f"1 AS plain, sql AS body FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({tables})")
    functions = ", ".join(f"'{f}'" for f in FUNCTIONS)
    return text(
        "SELECT 'trigger' AS kind, t.tgname::text AS name, c.relname::text AS tbl, t.tgenabled::text AS enabled, "
        "t.tgtype::int AS tgtype, p.proname::text AS function, "
        "(t.tgqual IS NULL AND t.tgattr::text = '') AS plain, '' AS body "
        "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_proc p ON p.oid = t.tgfoid "
        f"WHERE NOT t.tgisinternal AND n.nspname = current_schema() AND c.relname IN ({tables}) "
        "UNION ALL "
        "SELECT 'function', p.proname::text, '', 'O', 0, '', true, p.prosrc FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace "
        f"WHERE n.nspname = current_schema() AND p.proname IN ({functions})")


def faults(dialect: str, rows: Sequence[Any], tables: Iterable[str] = TABLES) -> list[GuardFault]:
    """Every expected trigger (and, on PostgreSQL, trigger function) that is not exactly as created."""
    found = {(r.kind, r.tbl, r.name): r for r in rows}
    wanted = expected(dialect, tables)
    out: list[GuardFault] = []
    if dialect == "postgresql":
        for name in dict.fromkeys(t.function for t in wanted):
            fn = found.get(("function", "", name))
            if fn is None or _plain(fn.body) != _plain(FUNCTIONS[name]):
                out.append(GuardFault(name, "missing" if fn is None else "altered"))
    for t in wanted:
        row = found.get(("trigger", t.table, t.name))
        if row is None:
            out.append(GuardFault(t.name, "missing"))
        elif dialect == "postgresql" and (row.tgtype != t.tgtype or row.function != t.function or not row.plain):
            out.append(GuardFault(t.name, "altered"))
        elif dialect != "postgresql" and _plain(row.body or "") != _plain(t.create):
            out.append(GuardFault(t.name, "altered"))
        elif row.enabled not in ("O", "A"):
            out.append(GuardFault(t.name, "disabled"))
    return out


def restore(conn: Connection, tables: Iterable[str] = TABLES) -> list[GuardFault]:
    """Create, re-enable or re-create every guard that is not as it should be (idempotent).

    Returns what it found wrong. On PostgreSQL the trigger functions are always
    replaced (``CREATE OR REPLACE``), whatever the catalogue says of them.
    """
    tables = tuple(tables)
    dialect = conn.dialect.name
    found = faults(dialect, conn.execute(catalogue(dialect)).all(), tables)
    broken = {f.name: f.state for f in found}
    wanted = expected(dialect, tables)
    if dialect == "postgresql":
        for name in dict.fromkeys(t.function for t in wanted):
            conn.exec_driver_sql(create_function(name))
    for t in wanted:
        state = broken.get(t.name)
        if state == "disabled":
            conn.exec_driver_sql(f"ALTER TABLE {t.table} ENABLE TRIGGER {t.name}")
            continue
        if state == "altered":
            conn.exec_driver_sql(f"DROP TRIGGER {t.name}" + (f" ON {t.table}" if dialect == "postgresql" else ""))
        if state is not None:
            conn.exec_driver_sql(t.create)
    return found


def drop(conn: Connection, tables: Iterable[str]) -> None:
    """Remove the guards of ``tables`` (a downgrade)."""
    dialect = conn.dialect.name
    wanted = expected(dialect, tables)
    for t in wanted:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {t.name}" + (f" ON {t.table}" if dialect == "postgresql" else ""))
    if dialect == "postgresql":
        for name in dict.fromkeys(t.function for t in wanted):
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")
