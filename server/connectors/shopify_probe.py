"""Checking a Shopify connection: is the store reachable with this token, and which scopes does it hold.

One small query (``shop`` and ``currentAppInstallation { accessScopes }``, cost 3)
through the same client the sync uses, with fewer retries: a person is waiting.
"""

from __future__ import annotations

from server.connectors.http import Http
from server.connectors.shopify import Shopify, TokenAuth
from tools.records import ProbeResult, StoreCredentials
from tools.sync import ConnectorError

PROBE = """
query Connection {
  shop { name myshopifyDomain }
  currentAppInstallation { accessScopes { handle } }
}"""
#: a ConnectorError's code -> the connection's status
STATUS = {"credentials_invalid": "refused", "access_denied": "refused", "api_unreachable": "unreachable",
          "not_configured": "refused"}


class ShopifyProbe:
    """``tools.deps.StoreProbe`` for the Shopify Admin API."""

    def __init__(self, http: Http, *, api_version: str) -> None:
        self.http = http
        self.api_version = api_version

    async def check(self, credentials: StoreCredentials) -> ProbeResult:
        fix = ("update GROWTH_SHOPIFY_TOKEN" if credentials.source == "settings"
               else "run `growth connect shopify` again")
        try:
            client = Shopify(self.http, TokenAuth(credentials.token, fix=fix), credentials.shop, self.api_version,
                             credentials.api_url.rstrip("/") if credentials.api_url else None, what="connection",
                             attempts=3)
            data = await client.query(PROBE, {})
        except ConnectorError as exc:
            return ProbeResult(STATUS.get(exc.code, "error"), error=exc.message, error_code=exc.code)
        scopes = [s["handle"] for s in (data.get("currentAppInstallation") or {}).get("accessScopes") or []]
        return ProbeResult("reachable", shop_name=str((data.get("shop") or {}).get("name") or ""), scopes=scopes)
