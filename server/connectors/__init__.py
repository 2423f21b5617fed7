"""Live API connectors (httpx): Search Console, GA4 Data API, Shopify Admin GraphQL.

Each implements ``tools.sync.Connector``: it fetches a period of data, with paging,
retries (429 with Retry-After, 5xx with backoff), throttling and credential refresh,
and hands it on as files in the importers' formats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from server.connectors.http import Http
    from server.settings import Settings
    from tools.sync import Connector

SOURCES = ("gsc", "ga4", "shopify-products", "shopify-orders")


def __getattr__(name: str) -> Any:
    # httpx and the connectors load when one is used, not with every sibling module (the mailer that
    # every start-up builds lives in server.connectors.smtp)
    if name == "Http":
        from server.connectors.http import Http
        return Http
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def connector_for(source: str, settings: Settings, http: Http) -> Connector:
    """The connector for ``source``, configured from settings (a clear error names what is missing)."""
    from server.connectors.google import GA4_SCOPE, GSC_SCOPE, Analytics, GoogleAuth, SearchConsole
    from server.connectors.shopify import Shopify, TokenAuth

    match source:
        case "gsc":
            return SearchConsole(http, GoogleAuth(settings.google_credentials, [GSC_SCOPE]), settings.gsc_site,
                                 settings.gsc_api_url.rstrip("/"))
        case "ga4":
            return Analytics(http, GoogleAuth(settings.google_credentials, [GA4_SCOPE]), settings.ga4_property,
                             settings.ga4_api_url.rstrip("/"))
        case "shopify-products" | "shopify-orders":
            token = settings.shopify_token.get_secret_value() if settings.shopify_token else ""
            return Shopify(http, TokenAuth(token), settings.shopify_shop, settings.shopify_api_version,
                           settings.shopify_api_url.rstrip("/") if settings.shopify_api_url else None,
                           what=source.removeprefix("shopify-"))
    raise ValueError(f"unknown source {source!r}; sources: {', '.join(SOURCES)}")
