"""Search Console bulk export (BigQuery ``searchdata_url_impression``) as CSV.

Columns: ``data_date, site_url, url, query, is_anonymized_query, country,
search_type, device, impressions, clicks, sum_position`` (``sum_top_position`` is
accepted too), plus any of the export's other flags, which are ignored. Average
position = sum_position / impressions + 1. Rows repeat (day, url, query) once per
country, device and search appearance, so they are summed here; only web search
is kept, and anonymized queries are kept under the empty query so page totals
add up.
"""

from __future__ import annotations

from typing import IO

from tools.ingest.batches import DAY_BITS, MAX_INDEX, QUERY_BITS, GscBatch, day_offset
from tools.ingest.headers import col, locate
from tools.ingest.problems import FileRejected, Problems
from tools.ingest.table import CsvTable, Progress, open_table
from tools.ingest.values import BadValue, boolean, day, number, whole_number_reason

COLUMNS = {
    "day": col("data_date"), "url": col("url"), "query": col("query"),
    "impressions": col("impressions"), "clicks": col("clicks"),
    "position_sum": col("sum_position", "sum_top_position"),
    "anonymized": col("is_anonymized_query", required=False),
    "search_type": col("search_type", required=False),
}


def parse(stream: IO[bytes], *, name: str, size: int, problems: Problems,
          progress: Progress | None = None, table: CsvTable | None = None) -> GscBatch:
    table = table or open_table(stream, name=name, size=size, progress=progress)
    at = locate(name, table.header, COLUMNS, source="gsc", what="a Search Console bulk export", line=table.offset)
    width = len(table.header)
    i_day, i_url, i_query = at["day"], at["url"], at["query"]
    i_imp, i_clk, i_pos = at["impressions"], at["clicks"], at["position_sum"]
    i_anon, i_type = at.get("anonymized"), at.get("search_type")
    batch = GscBatch()
    pages, queries, slots = batch.pages, batch.queries, batch.slots
    page_index, query_index = pages.index, queries.index
    imps, clks, poss = batch.impressions, batch.clicks, batch.position_sum
    day_offsets: dict[str, int] = {}
    other_types: dict[str, int] = {}
    not_anonymized = frozenset({"false", "FALSE", "False", "0", ""})
    page_shift, query_shift = QUERY_BITS + DAY_BITS, DAY_BITS
    for row in table.reader:
        # The hot path: a well-formed row costs three conversions, a few dict lookups
        # and no allocation that outlives it.
        if len(row) != width:
            start = table.start_of(row)
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            problems.add(start, f"{len(row)} fields where the header has {width}")
            continue
        try:
            impressions = int(row[i_imp])
            clicks = int(row[i_clk])
            position_sum = float(row[i_pos])
        except ValueError:
            start = table.start_of(row)
            _number_problem(problems, start, row, i_imp, i_clk, i_pos)
            continue
        d = day_offsets.get(row[i_day])
        if d is None:
            start = table.start_of(row)
            try:
                d = day_offsets[row[i_day]] = _day_offset(row[i_day])
            except BadValue as exc:
                problems.add(start, str(exc))
                continue
        if clicks > impressions or clicks < 0 or not 0.0 <= position_sum < 1e12:
            start = table.start_of(row)
            problems.add(start, _range_reason(impressions, clicks, position_sum))
            continue
        if i_type is not None and row[i_type] != "WEB" and row[i_type].upper() != "WEB":
            kind = row[i_type]
            other_types[kind] = other_types.get(kind, 0) + 1
            continue
        url = row[i_url]
        p = page_index.get(url)
        if p is None:
            if not url.startswith(("http://", "https://")):
                start = table.start_of(row)
                problems.add(start, f"url {url!r} is not an absolute http(s) URL")
                continue
            p = pages(url)
        query = row[i_query]
        if i_anon is not None and row[i_anon] not in not_anonymized:
            flag = _anonymized(row[i_anon])
            if flag is None:
                start = table.start_of(row)
                problems.add(start, f"is_anonymized_query {row[i_anon]!r} is not true or false")
                continue
            if flag:
                query = ""
        q = query_index.get(query)
        if q is None:
            q = queries(query)
        key = (p << page_shift) | (q << query_shift) | d
        slot = slots.get(key)
        if slot is None:
            slots[key] = len(imps)
            imps.append(impressions)
            clks.append(clicks)
            poss.append(position_sum)
        else:
            imps[slot] += impressions
            clks[slot] += clicks
            poss[slot] += position_sum
    batch.read = table.line - table.offset
    if len(pages.values) >= MAX_INDEX or len(queries.values) >= MAX_INDEX:
        raise FileRejected(f"{name} has more than {MAX_INDEX:,} distinct pages or queries; split it by date",
                           code="too_large")
    for kind, n in sorted(other_types.items()):
        batch.notes.append(f"{n} rows of search type {kind or '(empty)'} ignored: only web search is analysed")
    return batch


def _anonymized(raw: str) -> bool | None:
    """Whether the row is an anonymized query; None if the flag is unreadable."""
    try:
        return boolean("is_anonymized_query", raw)
    except BadValue:
        return None


def _day_offset(raw: str) -> int:
    parsed = day("data_date", raw)
    if parsed.isoformat() != raw:
        raise BadValue(f"data_date {raw!r} is not a date (expected YYYY-MM-DD)")
    try:
        return day_offset(parsed)
    except ValueError as exc:
        raise BadValue(f"data_date {exc}") from None


def _number_problem(problems: Problems, line: int, row: list[str], i_imp: int, i_clk: int, i_pos: int) -> None:
    for column, i in (("impressions", i_imp), ("clicks", i_clk)):
        try:
            int(row[i])
        except ValueError:
            problems.add(line, whole_number_reason(column, row[i]))
            return
    try:
        number("sum_position", row[i_pos])
    except BadValue as exc:
        problems.add(line, str(exc))


def _range_reason(impressions: int, clicks: int, position_sum: float) -> str:
    if impressions < 0 or clicks < 0:
        return "impressions and clicks cannot be negative"
    if clicks > impressions:
        return f"clicks ({clicks}) exceed impressions ({impressions})"
    return f"sum_position {position_sum!r} is out of range"
