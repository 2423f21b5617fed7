"""``telemetry.sync``: pull a source's data from its live API and import it like a file.

A connector (Search Console, GA4, Shopify; in ``server.connectors``) fetches the
API's own response shapes, or renders them as the source's export format, and
hands them over as files: the same importers then validate and write them, so a
sync and an upload of the same data land identically (and a repeat is a no-op).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from policies.principal import Principal
from tools.deps import Deps
from tools.errors import ToolError
from tools.ingest.ingest import IngestOptions, Progress, ingest
from tools.ingest.upload import Upload
from tools.registry import operation


class ConnectorError(ToolError):
    """The API refused or failed; the message says what to fix (credentials, settings, quota)."""

    code = "connector_error"


@dataclass(frozen=True)
class Fetched:
    source: str
    name: str
    data: bytes
    options: IngestOptions = field(default_factory=lambda: IngestOptions(origin="sync"))


class Connector(Protocol):
    source: str

    async def fetch(self, *, since: date, until: date) -> list[Fetched]: ...


@operation("telemetry.sync")
async def sync(deps: Deps, principal: Principal, *, connector: Connector, since: date, until: date,
               progress: Progress | None = None) -> dict[str, Any]:
    if since > until:
        raise ToolError(f"the period starts ({since}) after it ends ({until})", code="invalid_input")
    files = await connector.fetch(since=since, until=until)
    imports = [await ingest(deps, principal, f.source, Upload.inline(f.name, f.data), options=f.options,
                            progress=progress) for f in files]
    return {"source": connector.source, "since": since, "until": until, "files": len(files), "imports": imports}
