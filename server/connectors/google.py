"""Google: OAuth credentials, Search Console ``searchAnalytics.query`` and GA4 ``runReport``.

Credentials come from a JSON file: an ``authorized_user`` file (client id, secret and
refresh token, as ``gcloud auth application-default login`` writes it) or a
``service_account`` key. Access tokens are refreshed before they expire and once
more if the API answers 401.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from server.connectors.http import Http
from tools.ingest.ingest import IngestOptions
from tools.sync import ConnectorError, Fetched

TOKEN_URI = "https://oauth2.googleapis.com/token"
GSC_SCOPE = "https://www.googleapis.com/auth/webmasters.readonly"
GA4_SCOPE = "https://www.googleapis.com/auth/analytics.readonly"
GSC_PAGE = 25_000
GA4_PAGE = 100_000


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class GoogleAuth:
    def __init__(self, path: Path | None, scopes: list[str]) -> None:
        if path is None:
            raise ConnectorError("no Google credentials: set GROWTH_GOOGLE_CREDENTIALS to an authorized_user or "
                                 "service_account JSON file", code="not_configured")
        try:
            self.info: dict[str, Any] = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConnectorError(f"cannot read the Google credentials file {path}: {exc}",
                                 code="credentials_invalid") from None
        self.kind = self.info.get("type")
        if self.kind not in ("authorized_user", "service_account"):
            raise ConnectorError(f"{path}: credentials of type {self.kind!r} are not supported (authorized_user or "
                                 "service_account)", code="credentials_invalid")
        self.scopes = scopes
        self.token: str | None = None
        self.expires = 0.0

    async def headers(self, client: Http) -> dict[str, str]:
        if self.token is None or time.time() > self.expires - 60:
            await self.refresh(client)
        return {"authorization": f"Bearer {self.token}"}

    async def refresh(self, client: Http) -> None:
        uri = self.info.get("token_uri") or TOKEN_URI
        if self.kind == "authorized_user":
            form = {"grant_type": "refresh_token", "client_id": self.info.get("client_id", ""),
                    "client_secret": self.info.get("client_secret", ""),
                    "refresh_token": self.info.get("refresh_token", "")}
        else:
            form = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": self._assertion(uri)}
        try:
            response = await client.request("POST", uri, what="refreshing the Google access token", data=form)
        except ConnectorError as exc:
            if exc.code in ("api_error", "credentials_invalid", "access_denied"):
                raise ConnectorError(f"Google refused the credentials ({exc.message}); they are expired or "
                                     "revoked: re-authorize and update GROWTH_GOOGLE_CREDENTIALS",
                                     code="credentials_invalid") from None
            raise
        body = response.json()
        self.token = body["access_token"]
        self.expires = time.time() + float(body.get("expires_in", 3600))

    def _assertion(self, uri: str) -> str:
        now = int(time.time())
        claims = {"iss": self.info.get("client_email"), "scope": " ".join(self.scopes), "aud": uri, "iat": now,
                  "exp": now + 3600}
        signing = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode()) + "." + _b64(json.dumps(claims).encode())
        try:
            key = serialization.load_pem_private_key(str(self.info.get("private_key", "")).encode(), password=None)
        except ValueError as exc:
            raise ConnectorError(f"the service account's private key cannot be read ({exc})",
                                 code="credentials_invalid") from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ConnectorError("the service account key is not an RSA key", code="credentials_invalid")
        signature = key.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing + "." + _b64(signature)


@dataclass
class SearchConsole:
    http: Http
    auth: GoogleAuth
    site: str
    base_url: str = "https://www.googleapis.com/webmasters/v3"
    source: str = "gsc"
    page_size: int = GSC_PAGE

    async def fetch(self, *, since: date, until: date) -> list[Fetched]:
        if not self.site:
            raise ConnectorError("no Search Console property: set GROWTH_GSC_SITE (e.g. sc-domain:shop.example)",
                                 code="not_configured")
        url = f"{self.base_url}/sites/{quote(self.site, safe='')}/searchAnalytics/query"
        request = {"startDate": since.isoformat(), "endDate": until.isoformat(),
                   "dimensions": ["date", "query", "page"], "type": "web", "rowLimit": self.page_size}
        pages: list[dict[str, Any]] = []
        start = 0
        while True:
            body = (await self.http.request("POST", url, what="Search Console searchAnalytics.query",
                                            auth=self.auth, json={**request, "startRow": start})).json()
            rows = body.get("rows") or []
            pages.append(body)
            if len(rows) < self.page_size:
                break
            start += len(rows)
        name = f"gsc-{since}..{until}.json"
        return [Fetched("gsc", name, json.dumps(pages).encode(), IngestOptions(origin="sync", request=request))]


GA4_DIMENSIONS = ("date", "landingPagePlusQueryString", "sessionDefaultChannelGroup")
GA4_METRICS = ("sessions", "engagedSessions", "keyEvents", "totalRevenue", "ecommercePurchases")


@dataclass
class Analytics:
    http: Http
    auth: GoogleAuth
    property_id: str
    base_url: str = "https://analyticsdata.googleapis.com/v1beta"
    source: str = "ga4"
    page_size: int = GA4_PAGE

    async def fetch(self, *, since: date, until: date) -> list[Fetched]:
        if not self.property_id:
            raise ConnectorError("no GA4 property: set GROWTH_GA4_PROPERTY (the numeric property id)",
                                 code="not_configured")
        url = f"{self.base_url}/properties/{self.property_id.removeprefix('properties/')}:runReport"
        request = {"dateRanges": [{"startDate": since.isoformat(), "endDate": until.isoformat()}],
                   "dimensions": [{"name": d} for d in GA4_DIMENSIONS],
                   "metrics": [{"name": m} for m in GA4_METRICS], "limit": self.page_size}
        pages: list[dict[str, Any]] = []
        offset = 0
        while True:
            body = (await self.http.request("POST", url, what="GA4 runReport", auth=self.auth,
                                            json={**request, "offset": offset})).json()
            rows = body.get("rows") or []
            pages.append(body)
            offset += len(rows)
            if not rows or offset >= int(body.get("rowCount") or 0):
                break
        return [Fetched("ga4", f"ga4-{since}..{until}.json", json.dumps(pages).encode(),
                        IngestOptions(origin="sync"))]
