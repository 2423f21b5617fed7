"""``create_app()``: settings in, a wired engine out. The only place that reads Settings.

Start-up resolves the master secret (``server.secret``), opens the database and unlocks
its keyring with it: the operations get the data keys, never the master secret.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.persistence.db import SqlDatabase, connect_database
from server.persistence.keyring import WrongSecret
from server.persistence.migrate import check, upgrade
from server.secret import MasterSecret, SecretRefused, pending_path, promote, read_file, resolve
from server.settings import Settings
from tools.audit_chain import chain_key
from tools.deps import Deps, EngineConfig


@dataclass
class App:
    settings: Settings
    db: SqlDatabase
    deps: Deps
    #: the SQLite file this process created empty (and migrated) on start-up, if it did
    new_database: Path | None = None
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack)
    _chat: Any = None
    _storage: Any = None

    async def agents(self, *, brain: Any = None) -> Any:
        """The conversation service (graph, checkpointer, agents' store), opened on first use."""
        if self._chat is None:
            from graphs.brains.select import select_brain
            from graphs.graph import build_graph
            from graphs.service import ChatService
            from graphs.storage import open_agent_storage

            storage = await self._stack.enter_async_context(open_agent_storage(self.settings.database_url))
            self._storage = storage
            graph = build_graph(checkpointer=storage.checkpointer, store=storage.store)
            s = self.settings
            # "sampling" thinks with an MCP client's model, chosen per request by the MCP server; every
            # other caller (the terminal, scheduled runs) falls back to the rules brain
            kind = "rules" if s.brain == "sampling" else s.brain
            chosen = brain or select_brain(kind, api_key=s.openai_api_key.get_secret_value() if s.openai_api_key
                                           else None, base_url=s.openai_base_url, model=s.openai_model)
            if hasattr(chosen, "aclose"):
                self._stack.push_async_callback(chosen.aclose)
            self._chat = ChatService(self.deps, graph, chosen)
        return self._chat

    async def close(self) -> None:
        await self._stack.aclose()
        await self.db.close()


def engine_config(settings: Settings, root_key: bytes) -> EngineConfig:
    return EngineConfig(secret=root_key, env_kill_switch=settings.kill_switch, agents_enabled=settings.agents_enabled,
                        rate_limit_executions=settings.rate_limit_executions, rate_window=settings.rate_window,
                        store_url=settings.store_url, email_mode=settings.email_mode,
                        email_daily_cap=settings.email_daily_cap, email_internal=tuple(settings.email_internal),
                        email_allowlist=tuple(settings.email_allowlist), email_from=settings.smtp_from,
                        webhook_private_networks=settings.webhook_private_networks)


def legacy_audit_key(settings: Settings) -> bytes | None:
    """The audit chain key of a database written before the keyring (its root is the master secret).

    Only such a database has audit heads for migration 0005 to sign; None if no secret resolves
    (the migration then refuses only if it needs one).
    """
    try:
        return chain_key(resolve(settings).value)
    except SecretRefused:
        return None


async def prepare_schema(settings: Settings) -> Path | None:
    """Check the schema; a brand-new embedded SQLite database is created on the spot.

    Returns the file of a database created here, so the caller can say so: a new, empty store
    where the user expected theirs is the first thing they need to know.
    """
    path = settings.sqlite_path()
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        await upgrade(settings.database_url)
        return path.expanduser().resolve()
    await check(settings.database_url)
    return None


async def unlock(db: SqlDatabase, master: MasterSecret) -> None:
    """Unlock with the master secret; finish a rotation that stopped after the database switched."""
    try:
        await db.unlock(master.value)
        return
    except WrongSecret as exc:
        if master.path is not None and pending_path(master.path).exists():
            await db.unlock(read_file(pending_path(master.path)).encode())
            promote(master.path)  # the interrupted `growth secret rotate` is now complete
            return
        if master.created and master.path is not None:
            # nothing was sealed with the secret just invented: do not leave a stray one behind
            master.path.unlink(missing_ok=True)
            raise WrongSecret(f"{exc} ({master.path} did not exist, so this is not the secret this database was "
                              "created with; restore the secret file kept with it, or, for a database written "
                              "under the old development default, run `growth secret rotate "
                              "--from-development-secret`)") from None
        raise WrongSecret(f"{exc} (tried {master.describe()})") from None


async def create_app(settings: Settings | None = None, *, check_schema: bool = True) -> App:
    settings = settings or Settings()
    master = resolve(settings)
    created = await prepare_schema(settings) if check_schema else None
    db = connect_database(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms,
                          pool_size=settings.db_pool_size)
    try:
        await unlock(db, master)
    except BaseException:
        await db.close()
        raise
    from server.connectors.smtp import SmtpMailer

    from server.durable.desk import Desk

    deps = Deps(db=db, config=engine_config(settings, db.root_key), mailer=SmtpMailer.from_settings(settings))
    deps.workflows = Desk(deps, settings)
    return App(settings, db, deps, new_database=created)
