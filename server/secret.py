"""The master secret: where it comes from, and its file.

In this order:

1. ``GROWTH_SECRET_KEY`` (refused if it is the public development secret or shorter
   than 32 characters — ``Settings`` refuses it already);
2. ``GROWTH_SECRET_FILE``: the file is read, and refused if its group or others may read it;
3. for an SQLite database file, ``secret.key`` beside it, created on first run with 32
   random bytes (URL-safe text), mode 0600 from the moment it exists;
4. otherwise (PostgreSQL, an in-memory database) a refusal: every process sharing the
   database needs the same secret, so it cannot be invented by one of them.

The master secret only unlocks the database's keyring (``server.persistence.keyring``),
which holds the keys that actually protect data; ``growth secret rotate`` replaces it.
Whoever copies the database without this secret has an unreadable PII vault.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from server.settings import Settings, secret_problem

FILE_NAME = "secret.key"


class SecretRefused(RuntimeError):
    """No usable master secret: the process must not start."""


@dataclass(frozen=True, slots=True)
class MasterSecret:
    value: bytes = field(repr=False)
    source: Literal["environment", "file"]
    path: Path | None = None
    #: this process created the file (a new database's first run)
    created: bool = False

    def describe(self) -> str:
        return "GROWTH_SECRET_KEY" if self.source == "environment" else f"the secret file {self.path}"


def secret_path(settings: Settings) -> Path | None:
    """The secret file in use or to create: GROWTH_SECRET_FILE, else beside an SQLite database file."""
    if settings.secret_file is not None:
        return settings.secret_file.expanduser()
    database = settings.sqlite_path()
    return database.expanduser().parent / FILE_NAME if database is not None else None


def resolve(settings: Settings, *, create: bool = True) -> MasterSecret:
    """The master secret for ``settings`` (see the module docstring for the order)."""
    if settings.secret_key is not None:
        text = settings.secret_key.get_secret_value()
        if problem := secret_problem(text):  # Settings refuses it too; this catches a model_construct()
            raise SecretRefused(f"GROWTH_SECRET_KEY refused: {problem}")
        return MasterSecret(text.encode(), "environment")  # byte for byte, as databases were keyed with it
    path = secret_path(settings)
    if path is None:
        raise SecretRefused("no master secret: every process that shares this database needs the same secret: "
                            "set GROWTH_SECRET_KEY or GROWTH_SECRET_FILE")
    created = False
    if not path.exists():
        if settings.secret_file is not None:
            raise SecretRefused(f"GROWTH_SECRET_FILE {path} does not exist")
        if not create:
            raise SecretRefused(f"no secret file yet at {path} (one is created on first run)")
        created = create_file(path)
    return MasterSecret(read_file(path).encode(), "file", path, created)


def read_file(path: Path) -> str:
    """A secret file's text, refused if group or others may read it, or if the secret is weak."""
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretRefused(f"{path} is open to group or others (mode {stat.filemode(mode)}): "
                            f"chmod 600 {path}")
    text = path.read_text().strip()
    if problem := secret_problem(text):
        raise SecretRefused(f"{path} refused: {problem}")
    return text


def generate() -> str:
    return secrets.token_urlsafe(32)


def _write_new(path: Path, text: str) -> None:
    """Write ``text`` to a file that must not exist yet, mode 0600 from its creation on."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text + "\n")
        f.flush()
        os.fsync(f.fileno())


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_file(path: Path) -> bool:
    """A new random secret at ``path``; False if another process created one first (then it is used).

    Written to a private temporary name and linked into place, so a reader never sees a
    half-written secret and two first runs never overwrite each other.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    _write_new(tmp, generate())
    try:
        os.link(tmp, path)
        created = True
    except FileExistsError:
        created = False
    finally:
        tmp.unlink(missing_ok=True)
    _sync_dir(path.parent)
    return created


def pending_path(path: Path) -> Path:
    """Where a rotation stages the new secret until the database has switched to it."""
    return path.with_name(path.name + ".new")


def stage(path: Path, text: str) -> Path:
    """Write the next secret beside ``path`` (mode 0600) before the database switches to it."""
    pending = pending_path(path)
    pending.unlink(missing_ok=True)
    _write_new(pending, text)
    return pending


def promote(path: Path) -> None:
    """Move the staged secret into place (atomic: a reader sees the old or the new file, whole)."""
    try:
        os.replace(pending_path(path), path)
    except FileNotFoundError:
        return  # another process finishing the same rotation moved it first
    _sync_dir(path.parent)


def permissions(path: Path) -> str:
    mode = path.stat().st_mode
    verdict = "owner only" if not mode & (stat.S_IRWXG | stat.S_IRWXO) else "TOO OPEN: chmod 600"
    return f"{stat.filemode(mode)}, {verdict}"
