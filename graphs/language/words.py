"""Matching one word of a reference against the words an action is known by (plurals, typos)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein


def stem(word: str) -> str:
    """"boxes" → "box", "mugs" → "mug", "tees" → "tee" (never "glass" → "glas")."""
    if len(word) > 4 and word.endswith("es") and not word.endswith("ss"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def word_matches(word: str, have: Iterable[str]) -> bool:
    """Does ``word`` fit one of ``have``: the same word, its plural, or (six letters and more) one typo away?"""
    if isinstance(have, (frozenset, tuple)):
        return _matches(word, have)
    return _scan(word, have)


@lru_cache(maxsize=65536)
def _matches(word: str, have: frozenset[str] | tuple[str, ...]) -> bool:
    return _scan(word, have)


def _scan(word: str, have: Iterable[str]) -> bool:
    w = stem(word)
    for h in have:
        if w == h or w == stem(h):
            return True
        if w.startswith("#") or h.startswith("#") or w.isdigit() or h.isdigit():
            if w.lstrip("#") == h.lstrip("#") and w.lstrip("#"):
                return True
            continue
        if len(w) >= 6 and len(h) >= 6 and (DamerauLevenshtein.distance(w, stem(h)) <= 1 or fuzz.ratio(w, h) >= 90):
            return True
    return False
