"""E-mail addresses, written plainly or disguised ("jane (at) example (dot) com")."""

from __future__ import annotations

import re
from collections.abc import Iterator

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}\s?@\s?(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-])")

# "at" and "dot" in words, brackets or both, in the languages shoppers write in
_AT_WORDS = r"at|arroba|arobase|chiocciola|klammeraffe|snabel-?a|małpa|malpa|zavináč|ät|a"
_DOT_WORDS = r"dot|punkt|point|punto|ponto|kropka|piste|prik|tečka|dott"
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_AT = rf"(?:\s*{_OPEN}\s*(?:{_AT_WORDS}|@)\s*{_CLOSE}\s*|\s+(?i:at|arroba|arobase|chiocciola)\s+)"
_DOT = rf"(?:\s*{_OPEN}\s*(?:{_DOT_WORDS}|\.)\s*{_CLOSE}\s*|\s+(?i:{_DOT_WORDS})\s+|\.)"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
OBFUSCATED = re.compile(
    rf"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{{0,63}}(?i:{_AT})(?:{_LABEL}(?i:{_DOT})){{1,4}}[A-Za-z]{{2,24}}(?![\w-])")
#: the spelled-out form only counts when the last part is a real top-level domain shape
_TLD = re.compile(r"(?i:(?<![a-z])(?:com|net|org|edu|gov|info|biz|io|co|me|shop|store|online|[a-z]{2}))$")


def _disguised_ok(candidate: str) -> bool:
    """Accept "x at y dot com" only with a plausible domain ending; bracketed forms always."""
    if re.search(_OPEN, candidate):
        return True
    return bool(_TLD.search(candidate.strip()))


def disguised(text: str) -> Iterator[tuple[int, int]]:
    """Spans of disguised addresses; a rejected candidate is retried one word later
    ("reach me at jane.doe at gmail dot com" is not "me at jane.doe")."""
    pos = 0
    while (m := OBFUSCATED.search(text, pos)) is not None:
        if _disguised_ok(m.group(0)):
            yield m.start(), m.end()
            pos = m.end()
        else:
            nxt = re.search(r"[\s.]", text[m.start():])
            pos = m.start() + (nxt.end() if nxt else 1)
