"""Words of queries and titles, compared the way a searcher would (case, plurals and filler ignored)."""

from __future__ import annotations

import re

STOPWORDS = frozenset({"a", "an", "and", "the", "for", "with", "of", "in", "on", "to", "by", "at", "from", "my",
                       "your", "best", "buy", "cheap", "online", "shop", "near", "me", "vs", "sale", "new"})
#: words that narrow a search without changing what is searched for
MODIFIERS = frozenset({"women", "womens", "men", "mens", "large", "small", "gift", "gifts", "handmade", "organic",
                       "minimalist", "black", "white", "grey", "gray", "green", "blue", "brown", "natural", "red",
                       "pink", "purse", "kids"})
_WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower().replace("'", "")) if w not in STOPWORDS]


def covers(text: str, query: str) -> bool:
    """Whether ``text`` holds every meaningful word of ``query``."""
    have = set(words(text))
    return all(w in have for w in words(query))


def core(query: str) -> frozenset[str]:
    return frozenset(w for w in words(query) if w not in MODIFIERS)


def title_case(query: str) -> str:
    return " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in query.split())
