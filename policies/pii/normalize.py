"""Unicode folding before detection, with a map back to the original text.

Full-width and compatibility forms (＠, ．, １２３) become their plain forms (NFKC) and
invisible characters (zero-width spaces and joiners, soft hyphens, BOMs) are dropped,
so "jane＠example．com" or a phone number with a zero-width space inside is found; the
finding's span is then mapped back so the original characters are the ones redacted.
"""

from __future__ import annotations

import unicodedata

_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u180e")
#: dashes and spaces that NFKC leaves alone but that people type between digits
#: kept as written: ordinal indicators ("3.º Dto.", "1ª") carry meaning NFKC would erase ("3.o")
_KEEP = frozenset("ºª°")
_PLAIN = {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
          "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u3000": " "}


def fold(text: str) -> tuple[str, list[int] | None]:
    """``(folded, origin)``: ``origin[i]`` is the index in ``text`` of folded character ``i``
    (one extra entry for the end). ``origin`` is None when nothing changed."""
    if text.isascii():
        return text, None
    out: list[str] = []
    origin: list[int] = []
    changed = False
    for i, ch in enumerate(text):
        if ch in _INVISIBLE:
            changed = True
            continue
        plain = _PLAIN.get(ch)
        if plain is None:
            plain = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7f and ch not in _KEEP else ch
        if plain != ch:
            changed = True
        out.append(plain)
        origin.extend([i] * len(plain))
    if not changed:
        return text, None
    origin.append(len(text))
    return "".join(out), origin


def span_back(origin: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """The span in the original text of folded characters ``start:end``."""
    if origin is None:
        return start, end
    return origin[start], (origin[end - 1] + 1) if end > start else origin[start]
