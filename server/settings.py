"""One Settings object, read from ``GROWTH_*`` environment variables (and ``.env``)."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: the secret earlier versions used when none was set. It is public, so it is refused everywhere;
#: it is kept only to recognise it (and to move a database written under it: ``growth secret rotate``)
DEFAULT_SECRET = "growth-engine-insecure-development-secret"
MIN_SECRET_LENGTH = 32


def secret_problem(value: str) -> str | None:
    """Why ``value`` cannot be a master secret, or None."""
    if value.strip() == DEFAULT_SECRET:
        return ("this is the public development secret, which anyone can use to read the PII vault and forge "
                "the audit chain: unset it (a random secret file is created beside an SQLite database) or set "
                "your own, e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'")
    if len(value.strip()) < MIN_SECRET_LENGTH:
        return (f"a master secret needs at least {MIN_SECRET_LENGTH} characters (this one has "
                f"{len(value.strip())}; a database written under a shorter one moves to a new secret with "
                "`growth secret rotate --from-old-secret-file`)")
    return None


def data_dir() -> Path:
    """The user's own folder for the engine's data, the same from any working directory.

    ``~/.local/share/growth-engine`` on Linux (``$XDG_DATA_HOME`` if set), ``~/Library/Application
    Support/growth-engine`` on macOS, ``%LOCALAPPDATA%\\growth-engine`` on Windows.
    """
    return platformdirs.user_data_path("growth-engine", appauthor=False)


def default_database_url() -> str:
    return f"sqlite+aiosqlite:///{data_dir() / 'growth.db'}"


def sqlite_file(url: str) -> Path | None:
    """The database file of a file-based SQLite URL (None for memory or other engines)."""
    if not url.startswith("sqlite"):
        return None
    _, _, rest = url.partition(":///")
    path = rest.split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path)


def _files_home(data: dict[str, Any]) -> Path:
    """Where the engine's own folders go by default: beside an SQLite database file, else the data folder.

    So a database chosen with GROWTH_DATABASE_URL keeps its demo files and imports next to it,
    as its secret file is.
    """
    database = sqlite_file(str(data.get("database_url", "")))
    return database.expanduser().parent if database is not None else data_dir()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GROWTH_", env_file=".env", extra="ignore")

    #: SQLite in the user's data folder unless set: every command, from any folder, finds the same store
    database_url: str = Field(default_factory=default_database_url)
    #: the default tenant (store) for the CLI and for stdio
    tenant: str = Field(default="demo", pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    brain: Literal["auto", "rules", "openai", "sampling"] = "auto"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8765, ge=1, le=65535)
    #: the environment-level kill switch: when true nothing executes, anywhere
    kill_switch: bool = False
    #: false stops all orchestration (specialist runs, run-all, delegation, cycles) with a clear error
    agents_enabled: bool = True
    #: the master secret, which unlocks the database's keyring (PII references, vault, audit chain).
    #: Unset: GROWTH_SECRET_FILE, else ``secret.key`` beside an SQLite database (created on first run)
    secret_key: SecretStr | None = None
    #: a file holding the master secret (readable by its owner only)
    secret_file: Path | None = None
    #: executions per tenant per rate window; over it, work is deferred, never dropped
    rate_limit_executions: int = Field(default=120, ge=0)
    rate_limit_window_seconds: int = Field(default=60, ge=1)
    #: SQLite busy timeout; writers also queue in-process so they rarely wait on it
    sqlite_busy_timeout_ms: int = 30_000
    #: PostgreSQL connections per process (up to twice this under load)
    db_pool_size: int = Field(default=10, ge=1, le=200)
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("GROWTH_OPENAI_API_KEY", "OPENAI_API_KEY"))
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("GROWTH_OPENAI_BASE_URL", "OPENAI_BASE_URL"))
    openai_model: str = "gpt-4o-mini"
    #: the storefront's public address (product pages are <store_url>/products/<handle>)
    store_url: str = "https://shop.example"
    #: where ``growth demo`` writes the demo store's export files (beside an SQLite database by default)
    demo_dir: Path = Field(default_factory=lambda data: _files_home(data) / "demo")
    #: the folder remote MCP clients may import files from (the local operator may import any path)
    import_dir: Path = Field(default_factory=lambda data: _files_home(data) / "imports")
    # live connectors (growth sync): credentials and where each API lives
    #: an authorized_user or service_account JSON file for Search Console and GA4
    google_credentials: Path | None = None
    #: the Search Console property, e.g. sc-domain:shop.example or https://shop.example/
    gsc_site: str = ""
    #: the GA4 property id (digits)
    ga4_property: str = ""
    #: the Shopify store, your-store.myshopify.com, and an Admin API access token
    shopify_shop: str = ""
    shopify_token: SecretStr | None = None
    shopify_api_version: str = "2025-10"
    #: API base URLs, for a proxy or a test server; the public APIs by default
    gsc_api_url: str = "https://www.googleapis.com/webmasters/v3"
    ga4_api_url: str = "https://analyticsdata.googleapis.com/v1beta"
    shopify_api_url: str | None = None
    #: extra Host / Origin values accepted by the HTTP server (DNS-rebinding protection)
    allowed_hosts: list[str] = []
    allowed_origins: list[str] = []
    # Open 2025-era MCP sessions (``mcp-session-id``), each held in memory until DELETE or idle; see
    # server/sessions.py. A person's clients (desktop, IDE, scripts) need a handful per token, so these caps are
    # never in their way, and a flood from one token stops at its own cap.
    #: sessions one token may hold open at once
    mcp_sessions_per_token: int = Field(default=16, ge=1)
    #: sessions one principal may hold across all its tokens (a shopper with a token per device)
    mcp_sessions_per_principal: int = Field(default=32, ge=1)
    #: all open sessions in this process (an idle one asleep, see mcp_session_hibernate_seconds)
    mcp_session_pool: int = Field(default=2_000, ge=1)
    #: the last slots of the pool, which only operators may take: they can always get in during a flood
    mcp_sessions_operator_reserve: int = Field(default=100, ge=0)
    #: a session with no request in flight for this long is closed and its slot given back
    mcp_session_idle_seconds: float = Field(default=300.0, gt=0)
    #: a session with no request in flight for this long sleeps: only what it negotiated is kept (about 1 KB,
    #: not the ~40 KB of a running session); its next request wakes it where it was
    mcp_session_hibernate_seconds: float = Field(default=10.0, gt=0)
    #: how often the MCP server reads the audit log for changes made by other processes (a worker, the command
    #: line); a change made in the server itself is heard at once
    mcp_feed_seconds: float = Field(default=1.0, gt=0)
    #: /metrics labels stores by name (off: by a keyed digest, so the metrics never name a store)
    metrics_name_tenants: bool = False
    # The e-mail channel (tools/email.py). A tenant's own mode (`growth email mode`) overrides the default.
    #: dry_run (rendered and stored, never sent) | internal_only | limited_live | live
    email_mode: Literal["dry_run", "internal_only", "limited_live", "live"] = "dry_run"
    #: limited_live: messages (per recipient) a tenant may send per UTC day
    email_daily_cap: int = Field(default=50, ge=0)
    #: the operator's own addresses: internal_only sends to these only (a JSON list: ["me@shop.example"])
    email_internal: list[str] = []
    #: limited_live sends to these only
    email_allowlist: list[str] = []
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    #: upgrade the connection with STARTTLS (on unless the server is on this machine and has no TLS)
    smtp_starttls: bool = True
    #: the From address of every message
    smtp_from: str = "growth-engine@localhost"

    #: webhooks may go to private network addresses (10/8, 172.16/12, 192.168/16, fc00::/7): for receivers inside
    #: the store's own network. Link-local addresses (cloud metadata) are refused whatever this says
    webhook_private_networks: bool = False

    # The durable engine (DBOS, server/durable): deliveries and the operations loop run as its workflows.
    #: its system database; unset: a SQLite file beside an SQLite database (``<name>.dbos.sqlite``), or the same
    #: PostgreSQL database (schema ``dbos``)
    durable_database_url: str | None = None
    #: how often a worker looks for new work (executions due, deliveries to enqueue, webhooks); a change made in
    #: the same process wakes it at once
    worker_interval_seconds: float = Field(default=5.0, gt=0, le=3600)
    #: a worker not seen for this long is taken for dead: a live one recovers its workflows
    worker_grace_seconds: float = Field(default=30.0, gt=0)
    #: operations cycles one worker runs at once; the rest wait for it or go to another worker. With several
    #: workers, about the stores divided by the workers spreads them evenly (one worker polling first would
    #: otherwise take the head of every store's partition). One value for all the workers of a database: DBOS
    #: keeps the queue's limits in its system database, and the last worker to start sets them
    cycles_per_worker: int = Field(default=4, ge=1, le=256)
    #: this process's worker identity (stable across restarts of the same worker: it then resumes its own
    #: workflows at once); unset: host:pid
    worker_id: str | None = None

    @field_validator("secret_key", mode="before")
    @classmethod
    def _refuse_weak_secret(cls, value: object) -> object:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if raw is None or raw == "":
            return None  # an empty GROWTH_SECRET_KEY= line means "not set"
        if isinstance(raw, str) and (problem := secret_problem(raw)):
            raise ValueError(f"GROWTH_SECRET_KEY refused: {problem}")
        return value

    @property
    def rate_window(self) -> timedelta:
        return timedelta(seconds=self.rate_limit_window_seconds)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """The database file for a file-based SQLite URL (None for memory or other engines)."""
        return sqlite_file(self.database_url)


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
