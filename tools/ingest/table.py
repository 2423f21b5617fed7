"""Reading a CSV export as a table: encoding, byte-order marks, delimiters, comment
lines, ragged rows and the line number of every record.

Exports come from spreadsheets and web UIs as often as from APIs: UTF-8 with or
without a byte-order mark, UTF-16 from Excel, commas or semicolons or tabs, and
GA4's ``#`` comment block above the header. All of that is handled here, once.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from tools.ingest.problems import FileRejected, Problems

Progress = Callable[[str, float], None]

csv.field_size_limit(16 * 1024 * 1024)


class _Counting(io.RawIOBase):
    """A binary stream that reports how far it has been read."""

    def __init__(self, raw: io.RawIOBase, total: int, progress: Progress | None, stage: str) -> None:
        self._raw, self._total, self._progress, self._stage = raw, max(total, 1), progress, stage
        self._done = 0
        self._next = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = self._raw.readinto(buffer) or 0
        self._done += n
        if self._progress is not None and (self._done >= self._next or n == 0):
            self._next = self._done + (1 << 20)
            self._progress(self._stage, min(self._done / self._total, 1.0))
        return n


def first_undecodable_line(stream: IO[bytes]) -> tuple[int, str]:
    """(line, reason) of the first line that is not UTF-8; a text wrapper decodes ahead, so it cannot say."""
    for n, line in enumerate(stream, 1):
        try:
            line.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            return n, f"byte 0x{line[exc.start]:02x} at column {exc.start + 1} is not UTF-8"
    return 0, "the text cannot be decoded"


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def _delimiter(line: str) -> str:
    counts = {d: 0 for d in (",", ";", "\t")}
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class CsvTable:
    """An open CSV table positioned after its header."""

    name: str
    header: list[str]
    delimiter: str
    reader: Iterator[list[str]]
    #: lines of the file before the csv reader's first (preamble, header)
    offset: int
    #: comment lines above the header (GA4 writes the report's name and dates there)
    preamble: list[str] = field(default_factory=list)
    encoding: str = "utf-8"

    @property
    def line(self) -> int:
        """The line of the file the most recent record ended on."""
        return self.offset + self.reader.line_num  # type: ignore[attr-defined]

    def start_of(self, row: list[str]) -> int:
        """The line a record just read began on (quoted fields may hold line breaks)."""
        breaks = sum(f.count("\n") + f.count("\r") - f.count("\r\n") for f in row)
        return self.line - breaks

    def records(self, problems: Problems, *, comments: bool = False) -> Iterator[tuple[int, list[str]]]:
        """(first line, fields) of each data record; ragged ones go to ``problems``.

        Blank records are skipped. With ``comments`` (GA4), ``#`` lines are skipped and a
        blank record followed by one ends the table, as GA4 appends other sections
        that way; elsewhere a leading ``#`` is data (Shopify's order names).
        """
        width = len(self.header)
        blank = False
        try:
            for row in self.reader:
                if not row or (len(row) == 1 and not row[0].strip()):
                    blank = True
                    continue
                if comments and row[0].startswith("#"):
                    if blank:
                        return
                    continue
                blank = False
                start = self.start_of(row)
                if len(row) != width:
                    if len(row) > width and not any(f.strip() for f in row[width:]):
                        row = row[:width]
                    else:
                        problems.add(start, f"{len(row)} fields where the header has {width}")
                        continue
                yield start, row
        except csv.Error as exc:
            problems.add(self.line, f"unreadable CSV ({exc})")


def open_table(stream: IO[bytes], *, name: str, size: int, progress: Progress | None = None,
               stage: str = "reading") -> CsvTable:
    """Open ``stream`` as a CSV table; an empty file or one without a header is refused."""
    head = stream.read(4)
    if not head.strip(codecs.BOM_UTF8 + b" \r\n\t"):
        rest = stream.read(4096)
        if not rest.strip(b" \r\n\t"):
            raise FileRejected(f"{name} is empty", code="empty_file")
        head += rest
    encoding = _encoding(head)
    counting = _Counting(_Prefixed(head, stream), size, progress, stage)
    text = io.TextIOWrapper(io.BufferedReader(counting, 1 << 16), encoding=encoding, newline="", errors="strict")
    preamble: list[str] = []
    line_no = 0
    while True:
        raw = text.readline()
        if raw == "":
            raise FileRejected(f"{name} has no header row", code="empty_file")
        line_no += 1
        stripped = raw.strip().lstrip("\ufeff")
        if not stripped:
            continue
        if stripped.startswith("#"):
            preamble.append(stripped.lstrip("#").strip())
            continue
        break
    delimiter = _delimiter(stripped)
    header = [h.strip().lstrip("\ufeff").strip() for h in next(csv.reader([stripped], delimiter=delimiter))]
    return CsvTable(name, header, delimiter, csv.reader(text, delimiter=delimiter), line_no, preamble, encoding)


class _Prefixed(io.RawIOBase):
    """``head`` (already read to sniff the encoding) followed by the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)
