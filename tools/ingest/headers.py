"""Matching a file's header to a format's columns, and naming the format a header belongs to.

Every known format has a signature (columns that only it has), so a file given to
the wrong importer is told which importer it belongs to instead of failing on
its first row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tools.ingest.problems import FileRejected


@dataclass(frozen=True, slots=True)
class Column:
    names: tuple[str, ...]
    required: bool = True

    @property
    def label(self) -> str:
        return " or ".join(self.names)


def col(*names: str, required: bool = True) -> Column:
    return Column(names, required)


def _key(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").split())


#: columns only one format has: how a header is recognised
SIGNATURES: dict[str, tuple[str, frozenset[str]]] = {
    "gsc-bulk": ("gsc", frozenset({"data date", "sum position"})),
    "gsc-bulk-top": ("gsc", frozenset({"data date", "sum top position"})),
    "ga4": ("ga4", frozenset({"sessions"})),
    "shopify-products": ("shopify-products", frozenset({"handle", "variant sku"})),
    "shopify-orders": ("shopify-orders", frozenset({"lineitem quantity", "financial status"})),
}

COMMAND = {"gsc": "growth ingest gsc", "ga4": "growth ingest ga4",
           "shopify-products": "growth ingest shopify-products", "shopify-orders": "growth ingest shopify-orders"}


def recognise(header: Sequence[str]) -> str | None:
    """The source a header belongs to, if it is one the engine knows."""
    keys = {_key(h) for h in header}
    for source, signature in SIGNATURES.values():
        if signature <= keys:
            return source
    return None


def wrong_source(name: str, header: Sequence[str], expected: str) -> FileRejected | None:
    """A rejection when the header is plainly another source's export."""
    found = recognise(header)
    if found is None or found == expected:
        return None
    return FileRejected(f"{name} looks like a {found} export, not {expected}; import it with "
                        f"`{COMMAND[found]} {name}`", code="wrong_source")


def locate(name: str, header: Sequence[str], columns: Mapping[str, Column], *, source: str,
           what: str, line: int = 1) -> dict[str, int]:
    """Index of each column by its canonical name; missing required columns reject the file."""
    where = {_key(h): i for i, h in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    missing = []
    for canonical, column in columns.items():
        for candidate in column.names:
            if _key(candidate) in where:
                found[canonical] = where[_key(candidate)]
                break
        else:
            if column.required:
                missing.append(column.label)
    if missing:
        wrong = wrong_source(name, header, source)
        if wrong is not None:
            raise wrong
        shown = ", ".join(header[:15]) + (" …" if len(header) > 15 else "")
        raise FileRejected(f"{name} is not {what}: the header (line {line}) lacks the column{'s' if len(missing) > 1 else ''} "
                           f"{'; '.join(missing)} (found: {shown or 'nothing'})", code="bad_header")
    return found
