"""One Settings object, read from ``GROWTH_*`` environment variables (and ``.env``)."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "growth-engine-insecure-development-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GROWTH_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./.growth/growth.db"
    #: the default tenant (store) for the CLI and for stdio
    tenant: str = Field(default="demo", pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    brain: Literal["auto", "rules", "openai", "sampling"] = "auto"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8765, ge=1, le=65535)
    #: the environment-level kill switch: when true nothing executes, anywhere
    kill_switch: bool = False
    #: keys PII references and encrypts the vault; must be changed off loopback
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
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
    #: where ``growth demo`` writes the demo store's export files
    demo_dir: Path = Path(".growth/demo")
    #: the folder remote MCP clients may import files from (the local operator may import any path)
    import_dir: Path = Path(".growth/imports")
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
    #: /metrics labels stores by name (off: by a keyed digest, so the metrics never name a store)
    metrics_name_tenants: bool = False

    @property
    def rate_window(self) -> timedelta:
        return timedelta(seconds=self.rate_limit_window_seconds)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """The database file for a file-based SQLite URL (None for memory or other engines)."""
        if not self.is_sqlite:
            return None
        _, _, rest = self.database_url.partition(":///")
        path = rest.split("?", 1)[0]
        if not path or path == ":memory:":
            return None
        return Path(path)

    def secret_bytes(self) -> bytes:
        return self.secret_key.get_secret_value().encode()

    def uses_default_secret(self) -> bool:
        return self.secret_key.get_secret_value() == DEFAULT_SECRET


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
