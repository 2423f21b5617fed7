"""The fast path for big Search Console bulk exports: Polars reads, checks and sums the file.

A million-row export costs Python a few microseconds a row; Polars reads, validates
and groups it in columns, on every core. The checks here only decide "all good";
at the first doubt (a bad number, a ragged row, another encoding, an unusual
header) this returns None and ``gsc_bulk`` reads the file row by row, so every
reason a user sees comes from one place, with its line number.
"""

from __future__ import annotations

import io
from pathlib import Path

from tools.ingest.batches import DAY_BITS, QUERY_BITS, GscBatch, Interner
from tools.ingest.table import Progress

#: below this size the row-by-row parser is as quick and there is nothing to gain
MIN_BYTES = 8 << 20
#: page indexes fit the packed key in 64 bits (queries 26 bits, days 14)
MAX_PAGES = 1 << (64 - QUERY_BITS - DAY_BITS)
NAMES = {"data_date": "day", "url": "url", "query": "query", "impressions": "impressions", "clicks": "clicks",
         "sum_position": "position_sum", "sum_top_position": "position_sum", "is_anonymized_query": "anonymized",
         "search_type": "search_type"}
FLAGS = ["true", "false", "TRUE", "FALSE", "True", "False", "0", "1", ""]


def parse(source: Path | bytes, *, progress: Progress | None = None) -> GscBatch | None:
    """The batch, or None when the file needs the row-by-row parser (errors, unusual shapes)."""
    import polars as pl  # imported here: only big bulk exports need it, and it is slow to import
    if isinstance(source, bytes):
        head = source[:4096]
    else:
        with source.open("rb") as f:
            head = f.read(4096)
    first = head.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").strip()
    columns = [c.strip().strip('"').lower() for c in first.split(",")]
    if b"\t" in head.split(b"\n", 1)[0] or b";" in head.split(b"\n", 1)[0] or len(set(columns)) != len(columns):
        return None
    wanted = {c: NAMES[c] for c in columns if c in NAMES}
    if not {"day", "url", "query", "impressions", "clicks", "position_sum"} <= set(wanted.values()):
        return None
    if progress is not None:
        progress("reading", 0.0)
    try:
        frame = pl.read_csv(io.BytesIO(source) if isinstance(source, bytes) else source, infer_schema=False,
                            columns=[i for i, c in enumerate(columns) if c in wanted], encoding="utf8",
                            raise_if_empty=True)
    except (pl.exceptions.PolarsError, UnicodeDecodeError, OSError):
        return None
    frame = frame.rename({old: wanted[old.strip().strip('"').lstrip("\ufeff").lower()] for old in frame.columns})
    if progress is not None:
        progress("reading", 0.6)
    typed = frame.with_columns(
        pl.col("day").str.to_date("%Y-%m-%d", strict=False).alias("date"),
        pl.col("impressions").cast(pl.Int64, strict=False),
        pl.col("clicks").cast(pl.Int64, strict=False),
        pl.col("position_sum").cast(pl.Float64, strict=False),
        pl.col("query").fill_null(""),
        *([] if "anonymized" in frame.columns else [pl.lit("false").alias("anonymized")]),
        *([] if "search_type" in frame.columns else [pl.lit("WEB").alias("search_type")]))
    ok = (pl.col("date").is_not_null() & (pl.col("day").str.len_chars() == 10)
          & pl.col("impressions").is_not_null() & pl.col("clicks").is_not_null()
          & pl.col("position_sum").is_not_null() & pl.col("position_sum").is_finite() & (pl.col("position_sum") >= 0)
          & (pl.col("clicks") >= 0) & (pl.col("clicks") <= pl.col("impressions"))
          & pl.col("url").str.contains(r"^https?://")
          & pl.col("anonymized").fill_null("").is_in(FLAGS))
    if typed.height == 0 or not typed.select(ok.all()).item():
        return None
    web = pl.col("search_type").str.to_uppercase() == "WEB"
    others = typed.filter(~web).group_by("search_type").len().sort("search_type").rows()
    cells = (typed.filter(web)
             .with_columns(pl.when(pl.col("anonymized").is_in(["true", "TRUE", "True", "1"]))
                           .then(pl.lit("")).otherwise(pl.col("query")).alias("query"),
                           ((pl.col("date") - pl.date(2000, 1, 1)).dt.total_days()).alias("offset"))
             .group_by("url", "query", "offset")
             .agg(pl.col("impressions").sum(), pl.col("clicks").sum(), pl.col("position_sum").sum()))
    pages = cells.select(pl.col("url").unique(maintain_order=True)).to_series().to_list()
    queries = cells.select(pl.col("query").unique(maintain_order=True)).to_series().to_list()
    if len(pages) >= MAX_PAGES or len(queries) >= 1 << QUERY_BITS or \
            not cells.select((pl.col("offset").min() >= 0) & (pl.col("offset").max() < 1 << DAY_BITS)).item():
        return None
    page_ids = pl.DataFrame({"url": pages, "p": range(len(pages))}, schema={"url": pl.String, "p": pl.UInt64})
    query_ids = pl.DataFrame({"query": queries, "q": range(len(queries))}, schema={"query": pl.String, "q": pl.UInt64})
    keyed = (cells.join(page_ids, on="url").join(query_ids, on="query")
             .select((pl.col("p") * (1 << (QUERY_BITS + DAY_BITS)) + pl.col("q") * (1 << DAY_BITS)
                      + pl.col("offset").cast(pl.UInt64)).alias("key"),
                     "impressions", "clicks", "position_sum"))
    batch = GscBatch()
    batch.pages, batch.queries = _interner(pages), _interner(queries)
    keys = keyed.get_column("key").to_list()
    batch.slots = dict(zip(keys, range(len(keys))))
    batch.impressions = keyed.get_column("impressions").to_list()
    batch.clicks = keyed.get_column("clicks").to_list()
    batch.position_sum = keyed.get_column("position_sum").to_list()
    batch.read = typed.height
    for kind, n in others:
        batch.notes.append(f"{n} rows of search type {kind or '(empty)'} ignored: only web search is analysed")
    if progress is not None:
        progress("reading", 1.0)
    return batch


def _interner(values: list[str]) -> Interner:
    interner = Interner()
    interner.values = values
    interner.index = {v: i for i, v in enumerate(values)}
    return interner

