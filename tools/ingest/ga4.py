"""GA4 landing-page data: Data API ``runReport`` responses (JSON) and CSV with the same names.

Dimensions: ``date`` (``YYYYMMDD``), ``landingPage`` or
``landingPagePlusQueryString`` (query strings are dropped, so variants of one page
add up), and optionally ``sessionDefaultChannelGroup``. Metrics: ``sessions``
(required), ``engagedSessions``, ``keyEvents`` (or the older ``conversions``),
``totalRevenue`` or ``purchaseRevenue``, ``ecommercePurchases``. The CSV may carry
GA4's ``#`` comment block above the header, and the UI's display names
("Landing page", "Sessions", …) are accepted for the API names.
"""

from __future__ import annotations

from functools import lru_cache
from typing import IO, Any
from urllib.parse import urlsplit

from tools.ingest import jsondoc
from tools.ingest.batches import Ga4Batch
from tools.ingest.headers import Column, col, locate
from tools.ingest.problems import FileRejected, Problems
from tools.ingest.table import Progress, open_table
from tools.ingest.values import BadValue, day, number

COLUMNS: dict[str, Column] = {
    "date": col("date", "Date"),
    "page": col("landingPage", "landingPagePlusQueryString", "Landing page", "Landing page + query string"),
    "channel": col("sessionDefaultChannelGroup", "Session default channel group", required=False),
    "sessions": col("sessions", "Sessions"),
    "engaged_sessions": col("engagedSessions", "Engaged sessions", required=False),
    "key_events": col("keyEvents", "conversions", "Key events", "Conversions", required=False),
    "revenue": col("totalRevenue", "purchaseRevenue", "Total revenue", "Purchase revenue", required=False),
    "purchases": col("ecommercePurchases", "Ecommerce purchases", "Purchases", required=False),
}
METRICS = ("sessions", "engaged_sessions", "key_events", "revenue", "purchases")
#: metrics that count things and must be whole
WHOLE = {"sessions", "engaged_sessions", "purchases"}
ALL_CHANNELS = "(all)"


def landing_path(raw: str) -> str | None:
    """The page's path, without query string or host; None for GA4's "(not set)"."""
    text = raw.strip()
    if not text or text in ("(not set)", "(other)"):
        return None
    parts = urlsplit(text)
    path = parts.path or "/"
    return path if path.startswith("/") else "/" + path


# GA4 repeats each date and page on many rows: parse each distinct value once.
@lru_cache(maxsize=10_000)
def _day(raw: str) -> str:
    return day("date", raw).isoformat()


_path = lru_cache(maxsize=100_000)(landing_path)


def _accumulate(batch: Ga4Batch, problems: Problems, where: int, unit: str, at: dict[str, int],
                fields: list[str], metrics: tuple[str, ...]) -> None:
    try:
        d = _day(fields[at["date"]])
        path = _path(fields[at["page"]])
        if path is None:
            batch.notes.append("rows for landing page (not set) skipped")
            return
        channel = fields[at["channel"]].strip() if "channel" in at else ALL_CHANNELS
        values = []
        for m in METRICS:
            if m not in metrics:
                values.append(0.0)
                continue
            value = number(m, fields[at[m]])
            if m in WHOLE and not value.is_integer():
                raise BadValue(f"{m} {fields[at[m]]!r} is not a whole number")
            values.append(value)
        if values[1] > values[0]:
            raise BadValue(f"engaged sessions ({values[1]:g}) exceed sessions ({values[0]:g})")
    except BadValue as exc:
        problems.add(where, str(exc), unit=unit)
        return
    key = (d, path, channel or "(unassigned)")
    cell = batch.cells.get(key)
    if cell is None:
        batch.cells[key] = values
    else:
        for i, v in enumerate(values):
            cell[i] += v


def parse_csv(stream: IO[bytes], *, name: str, size: int, problems: Problems,
              progress: Progress | None = None) -> Ga4Batch:
    table = open_table(stream, name=name, size=size, progress=progress)
    at = locate(name, table.header, COLUMNS, source="ga4", what="a GA4 landing-page report",
                line=table.offset)
    metrics = tuple(m for m in METRICS if m in at)
    batch = Ga4Batch(metrics=set(metrics))
    for line, row in table.records(problems, comments=True):
        batch.read += 1
        _accumulate(batch, problems, line, "line", at, row, metrics)
    _dedupe_notes(batch)
    return batch


def parse_json(stream: IO[bytes], *, name: str, problems: Problems) -> Ga4Batch:
    doc = jsondoc.load(stream, name=name)
    if isinstance(doc, dict) and "reports" in doc:
        doc = doc["reports"]  # batchRunReports
    responses = jsondoc.pages(doc, name=name, marker="dimensionHeaders", what="a GA4 runReport response")
    batch = Ga4Batch()
    n = 0
    for response in responses:
        header = [h.get("name", "") for h in response.get("dimensionHeaders", [])]
        width = len(header)
        header += [h.get("name", "") for h in response.get("metricHeaders", [])]
        if any(isinstance(r, dict) and "keys" in r for r in (response.get("rows") or [])[:1]):
            raise FileRejected(f"{name} looks like a Search Console API response, not GA4; import it with "
                               f"`growth ingest gsc {name}`", code="wrong_source")
        at = locate(name, header, COLUMNS, source="ga4", what="a GA4 landing-page report")
        metrics = tuple(m for m in METRICS if m in at)
        batch.metrics |= set(metrics)
        rows = response.get("rows") or []
        if isinstance(response.get("rowCount"), int) and response["rowCount"] > len(rows) and len(responses) == 1:
            batch.notes.append(f"the response holds {len(rows)} of {response['rowCount']} rows; fetch the rest "
                               "with offset paging (or use growth sync ga4)")
        for row in rows:
            n += 1
            fields = _fields(row, width, len(header) - width)
            if fields is None:
                problems.add(n, "a row needs dimensionValues and metricValues matching the headers", unit="row")
                continue
            _accumulate(batch, problems, n, "row", at, fields, metrics)
    batch.read = n
    _dedupe_notes(batch)
    return batch


def _fields(row: Any, dims: int, mets: int) -> list[str] | None:
    if not isinstance(row, dict):
        return None
    d, m = row.get("dimensionValues"), row.get("metricValues")
    if not isinstance(d, list) or not isinstance(m, list) or len(d) != dims or len(m) != mets:
        return None
    try:
        return [str(v["value"]) for v in d] + [str(v["value"]) for v in m]
    except (KeyError, TypeError):
        return None


def _dedupe_notes(batch: Ga4Batch) -> None:
    counts: dict[str, int] = {}
    for note in batch.notes:
        counts[note] = counts.get(note, 0) + 1
    batch.notes = [f"{n} {note}" if note.startswith("rows for") else note for note, n in counts.items()]
