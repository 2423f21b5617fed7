"""The Search Console UI export: the ZIP of ``Queries.csv``, ``Pages.csv``, ``Dates.csv``
(and countries, devices, appearance, filters), or any of those files alone.

Each table is ``<dimension>, Clicks, Impressions, CTR, Position`` over the export's
period, with CTR written as ``2.5%`` and position as the one-based average. The
UI writes headers (and file names) in the account's language and numbers with
that language's decimal mark; both are recognised here. The period comes from
``Dates.csv`` or, without it, from the ``period`` option.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date

from tools.ingest.batches import GscUiBatch, UiStat
from tools.ingest.headers import wrong_source
from tools.ingest.problems import FileRejected, Problems
from tools.ingest.table import open_table
from tools.ingest.values import BadValue, day, localized_number

METRICS: dict[str, frozenset[str]] = {
    "clicks": frozenset({"clicks", "klicks", "clics", "clic", "klikken", "cliques", "kliknięcia", "クリック数"}),
    "impressions": frozenset({"impressions", "impressionen", "impresiones", "impressioni", "vertoningen",
                              "impressões", "wyświetlenia", "表示回数"}),
    "ctr": frozenset({"ctr", "ctr (%)"}),
    "position": frozenset({"position", "posición", "posizione", "positie", "posição", "pozycja", "掲載順位",
                           "average position", "durchschnittliche position"}),
}
#: words that name the first column's dimension, in the UI's languages
DIMENSION_WORDS: dict[str, tuple[str, ...]] = {
    "query": ("quer", "suchanfrag", "requête", "consult", "zoekopdracht", "zapytani", "クエリ"),
    "page": ("page", "seite", "págin", "pagin", "pagina", "strony", "ページ"),
    "date": ("date", "datum", "fecha", "data", "日付"),
    "country": ("countr", "land", "país", "pays", "paes", "kraj", "国"),
    "device": ("device", "gerät", "dispositiv", "appareil", "apparaat", "urządzen", "デバイス"),
    "appearance": ("appearance", "darstellung", "aspecto", "aspetto", "apparence", "weergave"),
}
USED = ("query", "page", "date")
SUPPORTED = "English, German, French, Spanish, Italian, Dutch, Portuguese, Polish, Japanese"


def _metric(header: str) -> str | None:
    key = " ".join(header.strip().lower().split())
    for name, words in METRICS.items():
        if key in words:
            return name
    return None


def _dimension(header: str, values: Sequence[str]) -> str | None:
    key = header.strip().lower()
    for name, words in DIMENSION_WORDS.items():
        if any(w in key for w in words):
            return name
    sample = [v for v in values[:20] if v.strip()]
    if sample and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.strip()) for v in sample):
        return "date"
    if sample and all(v.strip().startswith(("http://", "https://")) for v in sample):
        return "page"
    return None


def parse(members: Sequence[tuple[str, bytes]], *, problems: Problems,
          period: tuple[date, date] | None = None) -> GscUiBatch:
    """``members`` are (file name, bytes): the files of the ZIP, or one file."""
    batch = GscUiBatch()
    used_names: list[str] = []
    for name, data in members:
        table = open_table(io.BytesIO(data), name=name, size=len(data))
        header = table.header
        if len(header) == 2 and not any(_metric(h) for h in header):
            continue  # Filters.csv: the export's settings, nothing to import
        metrics = [_metric(h) for h in header[1:]]
        if len(header) != 5 or sorted(m or "" for m in metrics) != sorted(METRICS):
            wrong = wrong_source(name, header, "gsc")
            if wrong is not None:
                raise wrong
            raise FileRejected(
                f"{name} is not a Search Console UI export table: the header (line {table.offset}) should be "
                f"<dimension>, Clicks, Impressions, CTR, Position (in {SUPPORTED}); found {', '.join(header)}",
                code="bad_header")
        rows = list(table.records(problems))
        batch.read += len(rows)
        dimension = _dimension(header[0], [r[1][0] for r in rows])
        if dimension is None:
            raise FileRejected(f"{name}: cannot tell what {header[0]!r} is (queries, pages or dates)",
                               code="bad_header")
        if dimension not in USED:
            if len(members) == 1:
                raise FileRejected(f"{name} holds {dimension} totals, which the engine does not use; import "
                                   "Queries.csv, Pages.csv or Dates.csv (or the whole ZIP)", code="wrong_table")
            continue
        at = {m: i + 1 for i, m in enumerate(metrics) if m}
        comma = _decimal_comma([r[1][at["ctr"]] for r in rows] + [r[1][at["position"]] for r in rows])
        stats: dict[str, UiStat] = {}
        for line, row in rows:
            key = row[0].strip()
            try:
                if dimension == "date":
                    key = day(header[0], key).isoformat()
                elif dimension == "page" and not key.startswith(("http://", "https://")):
                    raise BadValue(f"page {key!r} is not an absolute http(s) URL")
                clicks = localized_number(header[at["clicks"]], row[at["clicks"]], decimal_comma=comma)
                impressions = localized_number(header[at["impressions"]], row[at["impressions"]],
                                               decimal_comma=comma)
                position = localized_number(header[at["position"]], row[at["position"]], decimal_comma=comma)
                if not clicks.is_integer() or not impressions.is_integer() or clicks > impressions:
                    raise BadValue(f"clicks {row[at['clicks']]!r} and impressions {row[at['impressions']]!r} "
                                   "are not valid counts")
                if impressions and position < 1:
                    raise BadValue(f"position {row[at['position']]!r} is below 1")
            except BadValue as exc:
                problems.add(line, str(exc))
                continue
            stats[key] = UiStat(int(clicks), int(impressions), position)
        if dimension in batch.tables:
            raise FileRejected(f"{name}: two {dimension} tables in one export", code="bad_header")
        batch.tables[dimension] = stats
        used_names.append(name)
    if not batch.tables:
        raise FileRejected("no Queries, Pages or Dates table in the export", code="bad_header")
    dates = batch.tables.get("date")
    if dates:
        batch.period = (date.fromisoformat(min(dates)), date.fromisoformat(max(dates)))
    elif period is not None:
        batch.period = period
    else:
        raise FileRejected("the export's period is unknown: include Dates.csv (the whole ZIP) or pass "
                           "--period START..END", code="period_required")
    batch.notes.append(f"tables: {', '.join(used_names)}")
    return batch


def _decimal_comma(values: Sequence[str]) -> bool:
    if any(re.search(r"\d\.\d{3},\d", v) for v in values):
        return True  # 1.234,5: grouping points, decimal comma
    comma = any(re.search(r"\d,\d", v) for v in values)
    point = any(re.search(r"\d\.\d", v) for v in values)
    return comma and not point
