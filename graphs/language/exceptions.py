"""What a request leaves out: "approve all of them except the candle one", "… but not 16", "… except the holds
and the reorders", "approve all but the last one" — the reference, and what its exception names (numbers, names,
kinds or a place in what it means). Pure, like ``intents``.
"""

from __future__ import annotations

import re

from graphs.language.slots import PLACE, ids_in, kind_in, name_words, place, ref_in

EXCEPT_REF = re.compile(r"\s*,?\s*\b(?:except(?: for)?|but not|apart from|other than|excluding|bar|not)\s+(?:for\s+)?"
                         r"(?:the\s+)?(?P<what>.+)$")


#: what an exception beside one named action leaves out: another action by name ("the t-shirt one"), never a time
_OTHER_ONE = re.compile(r"^(?!(?:yet|now|today|tonight|tomorrow|until|till|this|that|it)\b)[\w\s'-]{1,40}?\bones?\b")


def except_ref(head: str, names: frozenset[str] | None) -> tuple[str, tuple[str, ...]]:
    """"approve all of them except the candle one", "approve those except 16": the reference, and what it
    leaves out (numbers and name words); the exception is not a hedge."""
    m = EXCEPT_REF.search(head)
    if m is None or (m.group(0).strip(" ,").startswith("not ")
                     and not re.match(r"\s*,?\s*not\s+(?:for\s+)?(?:the|that|this|those|these|either|#?\d+)\b",
                                      head[m.start():])):
        # "reject them, we're not doing landing pages this quarter": a "not" in the reason leaves nothing out
        return head, ()
    before = head[:m.start()]
    ref = ref_in(before, names=names)
    what = m.group("what")
    at = re.fullmatch(r"(?:the\s+)?(" + PLACE + r"|last|top|bottom)(?:\s+(?:one|action|item))?\s*[.!]*", what.strip())
    if at and ref is not None and (ref.every or ref.rest or ref.plural or ref.focus or ref.count):
        # "approve all except the last one": a place in what the reference means, left out
        n = -1 if at.group(1) in ("last", "bottom") else 1 if at.group(1) == "top" else place(at.group(1))
        return before, (f"place:{n}",)
    if ref is not None and ref.words and not (ref.every or ref.several or ref.rest or ref.count or ref.plural
                                              or ref.focus) and _OTHER_ONE.match(what):
        # "approve the tote bag meta description but not the t-shirt one": one action named, and another never
        # asked for; the request is the first (the other stays as it is)
        return before, ()
    if ref is None or not (ref.every or ref.several or ref.rest or ref.count or ref.plural or ref.focus):
        return head, ()
    out = tuple(str(n) for n in ids_in(what) or tuple(int(n) for n in re.findall(r"#?(\d{1,9})\b", what)))
    words = tuple(" ".join(g) for g in name_words(what, names))  # one name each: "the mug and the bowl"
    # "… except the holds and the reorders": every kind named is left out
    kinds = tuple(dict.fromkeys(k for part in re.split(r",|\band\b|\bor\b|&", what) if (k := kind_in(part))))
    words += tuple(f"kind:{k}" for k in kinds) if kinds and not words else ()
    return (before, out + words) if out or words else (head, ())
