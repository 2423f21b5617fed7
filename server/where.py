"""Which database and store a process uses, said in words a person can act on.

Printed by ``growth status`` (always), by ``growth --where COMMAND``, by ``growth serve`` at
start-up, and whenever a command had to create a new, empty database.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from server.settings import Settings

#: where versions before the user data folder kept the default database (relative to the working folder)
LEGACY_DATABASE = Path(".growth") / "growth.db"


def database_label(settings: Settings) -> str:
    """The database as a person would look for it: an absolute file path, or the URL without its password."""
    path = settings.sqlite_path()
    if path is not None:
        return str(path.expanduser().resolve())
    if settings.is_sqlite:
        return "SQLite in memory (gone when the process ends)"
    return make_url(settings.database_url).render_as_string(hide_password=True)


def where_line(settings: Settings, tenant: str | None = None) -> str:
    return f"database {database_label(settings)} · tenant {tenant or settings.tenant}"


def new_database_notice(settings: Settings, created: Path, *, cwd: Path) -> str:
    """What to say after creating an empty database, with the way back to an older one if there is one."""
    lines = [f"created a new, empty database at {created}"]
    if not is_default_database(settings):
        return lines[0]
    legacy = (cwd / LEGACY_DATABASE).resolve()
    if legacy.is_file() and legacy != created:
        lines.append(f"an earlier version kept the database in the working folder: {legacy}; to keep using it, "
                     f"set GROWTH_DATABASE_URL=sqlite+aiosqlite:///{legacy}, or move that folder's files "
                     f"(growth.db, secret.key, checkpoints.db, memory.db) into {created.parent}")
    else:
        lines.append("(every command uses this one from any folder; GROWTH_DATABASE_URL chooses another)")
    return "\n".join(lines)


def is_default_database(settings: Settings) -> bool:
    """True when the database is the user data folder's, not one chosen with GROWTH_DATABASE_URL."""
    return "database_url" not in settings.model_fields_set

