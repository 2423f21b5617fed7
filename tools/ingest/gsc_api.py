"""Search Console Search Analytics API responses (``searchAnalytics.query``), saved as JSON.

Each row is ``{"keys": [...], "clicks", "impressions", "ctr", "position"}`` with
``keys`` in the order of the request's ``dimensions``, which the response does not
repeat: the order comes from ``--dimensions`` or from the saved request body
(``--request``). ``position`` is the one-based average, stored here as the bulk
export's zero-based sum: (position - 1) x impressions. Rows must have a page and a
query; the day comes from a ``date`` dimension, or from a one-day request.
"""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from tools.ingest import jsondoc
from tools.ingest.batches import GscBatch, day_offset
from tools.ingest.problems import FileRejected, Problems
from tools.ingest.values import BadValue, day

KNOWN = ("date", "query", "page", "country", "device", "searchAppearance")


def dimensions_of(dimensions: list[str] | None, request: dict[str, Any] | None, *, name: str) -> list[str]:
    dims = dimensions or (request or {}).get("dimensions")
    if not dims:
        raise FileRejected(f"{name}: an API response does not say which dimension each key is; pass "
                           "--dimensions (for example date,query,page) or --request with the saved request body",
                           code="dimensions_required")
    if not isinstance(dims, list) or not all(isinstance(d, str) for d in dims):
        raise FileRejected("dimensions must be a list of names", code="bad_request")
    unknown = [d for d in dims if d not in KNOWN]
    if unknown:
        raise FileRejected(f"unknown dimension{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
                           f"Search Console has {', '.join(KNOWN)}", code="bad_request")
    for needed in ("page", "query"):
        if needed not in dims:
            raise FileRejected(f"the rows have no {needed} dimension; the engine analyses page x query data: "
                               "request dimensions date, query, page", code="bad_request")
    return list(dims)


def _single_day(request: dict[str, Any] | None, *, name: str) -> date:
    start, end = (request or {}).get("startDate"), (request or {}).get("endDate")
    if start and start == end:
        try:
            return day("startDate", str(start))
        except BadValue as exc:
            raise FileRejected(str(exc), code="bad_request") from None
    span = f" covering {start} … {end} as a whole" if start and end else ""
    raise FileRejected(f"{name}: rows without a date dimension{span} cannot be placed in time; request "
                       "dimensions date, query, page (or one day per request)", code="bad_request")


def parse(stream: IO[bytes], *, name: str, problems: Problems, dimensions: list[str] | None = None,
          request: dict[str, Any] | None = None) -> GscBatch:
    doc = jsondoc.load(stream, name=name)
    if isinstance(doc, dict) and "dimensionHeaders" in doc:
        raise FileRejected(f"{name} looks like a GA4 runReport response, not Search Console; import it with "
                           f"`growth ingest ga4 {name}`", code="wrong_source")
    search_type = (request or {}).get("type") or (request or {}).get("searchType") or "web"
    if str(search_type).lower() != "web":
        raise FileRejected(f"the request asked for {search_type} search; only web search is analysed",
                           code="bad_request")
    dims = dimensions_of(dimensions, request, name=name)
    i_page, i_query = dims.index("page"), dims.index("query")
    i_date = dims.index("date") if "date" in dims else None
    fixed = None if i_date is not None else day_offset(_single_day(request, name=name))
    batch = GscBatch()
    n = 0
    for page in jsondoc.pages(doc, name=name, marker="rows", what="a Search Analytics API response"):
        for row in page.get("rows") or []:
            n += 1
            try:
                keys, impressions, clicks, position = _row(row, len(dims))
                offset = fixed if i_date is None else day_offset(day("date", str(keys[i_date])))
                url = str(keys[i_page])
                if not url.startswith(("http://", "https://")):
                    raise BadValue(f"page {url!r} is not an absolute http(s) URL")
            except (BadValue, ValueError) as exc:
                problems.add(n, str(exc), unit="row")
                continue
            batch.add(offset, url, str(keys[i_query]), impressions, clicks, (position - 1.0) * impressions)
    batch.read = n
    return batch


def _row(row: Any, width: int) -> tuple[list[Any], int, int, float]:
    if not isinstance(row, dict):
        raise BadValue("a row must be an object")
    keys = row.get("keys")
    if not isinstance(keys, list) or len(keys) != width:
        raise BadValue(f"keys {keys!r} do not match the {width} requested dimensions")
    values = []
    for field in ("impressions", "clicks", "position"):
        value = row.get(field)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise BadValue(f"{field} {value!r} is not a number")
        values.append(value)
    impressions, clicks, position = values
    if impressions < 0 or clicks < 0 or clicks > impressions or not float(impressions).is_integer() \
            or not float(clicks).is_integer():
        raise BadValue(f"clicks {clicks!r} and impressions {impressions!r} are not valid counts")
    if impressions and not 1.0 <= position < 1e6:
        raise BadValue(f"position {position!r} is below 1")
    return keys, int(impressions), int(clicks), float(position)
