"""What an "approve … but change …" asks to change: a new text or amount (``params_in``), or that a change was asked.

"approve 13 but make the title Flint Cotton Table Runner – Handwoven", "approve 18 but change
the description to: Soft organic cotton…", "use 'Flint Runner | Wick Studio' as the title",
"approve 21 but make the anchor text 'merino wool scarf'". A new text is taken from the
operator's own words (case and punctuation kept). ``asks_change`` tells whether the clause
asks for a change at all, and ``fit_change`` whether the change fits the kind of action, so
that a change that cannot be read or applied is never dropped silently (the original would
run instead of what the operator asked for).
"""

from __future__ import annotations

import re
from typing import Any

from graphs.language.slots import has

#: the field a person names -> the parameter its new text goes to (``new_text``: the kind decides)
_FIELDS = (
    (r"(?:seo |page |product |new )?title|headline", "new_title"),
    (r"(?:meta |seo |page |new )?description|meta", "new_description"),
    (r"anchor(?: text)?|link text", "anchor"),
)
_EDIT_VERB = r"(?:make|change|set|update|edit|rename|use|put|with|have|switch|swap|replace)"
#: a quoted text, closed by its own kind of quote: an apostrophe inside ("Mom's Favourite", 'Don't miss it') is
#: part of the text
_QUOTED = (r"(?:\"(?P<q1>[^\"]+)\"|“(?P<q2>[^”]+)”|‘(?P<q3>.+?)’(?![A-Za-z])|'(?P<q4>.+?)'(?![A-Za-z])"
           r"|„(?P<q5>[^“”]+)[“”]|«\s?(?P<q6>[^»]+?)\s?»)")


def _q(m: re.Match[str]) -> str:
    return next(g for g in (m.group(f"q{n}") for n in range(1, 7)) if g is not None).strip()
#: "to", "as", ":", "=", "be", "should be", "read": what separates a field from its new text
_LINK = r"(?:\s+(?:of|on|for)\s+#?\d+)?\s*(?P<link>to be|to read|to say|to|as|into|should be|be|read|reads|=|:|-)?\s*:?\s*"


_TAKEN_BACK_TEXT = re.compile(r"(?i)\b(?:actually|sorry|i mean|i meant|no wait|wait|make (?:it|that)|or rather|oops)\b"
                              r"[^\"“'‘„«]{0,20}" + _QUOTED)


def text_params(original: str) -> dict[str, str]:
    """New texts the clause gives, by parameter: {"new_title": …}, {"anchor": …}, or {"new_text": …}.

    "with title "A" - actually make it "B"": the text taken back is replaced by the one meant."""
    out = _texts(original)
    later = list(_TAKEN_BACK_TEXT.finditer(original))
    if out and later and later[-1].start() > 0:
        return {k: _q(later[-1]) for k in out}
    return out


#: what stands in for a new text while the rest of the message is read (no digit, no word of the engine's)
_TOKEN = "Zzqq{}"


def mask_texts(original: str) -> tuple[str, dict[str, str]]:
    """The message with each new text that holds a number replaced by a token, and the texts by token.

    "approve 12 but make the title 'Flint Runner, 14 and 18 inch'": the numbers and the "and" of a title are
    the title's, never actions #14 and #18 nor a second request; the reader sees a token, and the text is put
    back into what it read (``unmask``)."""
    values = set(_texts(original).values())
    for field, _ in _FIELDS:  # "12 with title "A" and 18 with title "B"": every field's text, not the first
        values |= {_q(m) for m in re.finditer(r"(?i)\b(?:" + field + r")\b[^\"“'‘]{0,40}?" + _QUOTED, original)}
    texts: dict[str, str] = {}
    for value in sorted((v for v in values if re.search(r"\d", v)), key=len, reverse=True):
        if value in original:
            token = _TOKEN.format("abcdefghijklmnopqrstuvwxyz"[len(texts) % 26] * (1 + len(texts) // 26))
            original = original.replace(value, token)
            texts[token] = value
    return original, texts


def unmask(value: str | None, texts: dict[str, str]) -> str | None:
    for token, text in texts.items():
        if value is not None and token.lower() in value.lower():
            value = re.sub(re.escape(token), lambda _: text, value, flags=re.IGNORECASE)
    return value


def _texts(original: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for field, param in _FIELDS:
        value = _quoted_before(original, field) or _after(original, field)
        if value:
            out.setdefault(param, value)
    if not out:
        # "describe it as 'Soft organic tee'": the description
        m = re.search(r"(?i)\bdescribe (?:it|this|that) as\s*:?\s*(?:" + _QUOTED + r"|(?P<bare>[A-Z0-9].*)$)", original)
        if m:
            out["new_description"] = (m.group("bare") or _q(m)).strip()
    if not out:
        # "call it 'Flint Table Runner'", "title it Flint Runner Z": the kind says which field
        m = re.search(r"(?i)\b(?:call|name|title|retitle) (?:it|this|that)\s*:?\s*(?:" + _QUOTED
                      + r"|(?P<bare>[A-Z0-9].*)$)", original)
        # "approve 12 as 'X'", "approve 12 as Flint Runner Z": a text written as one (quoted, or starting with a
        # capital or a digit), never the words of "approve 12 as suggested, thanks"
        m = m or re.search(r"(?i)^\s*(?:please\s+)?approve\s+#?\d+\s+as\s+(?:" + _QUOTED
                           + r"|(?P<bare>(?-i:[A-Z0-9]).*)$)", original)
        if m:
            out["new_text"] = (m.group("bare") or _q(m)).strip()
    if not out:
        # "but use this: 'Sturdy jute tote …'", "make it 'Linen Tote | Wick Studio'": the kind says which field
        m = re.search(r"(?i)\b" + _EDIT_VERB + r"\s+(?:it|this|that|the text|the copy|the wording)\s*"
                      r"(?:to|as|:|=)?\s*:?\s*" + _QUOTED, original)
        if m:
            out["new_text"] = _q(m)
    return out


def _quoted_before(original: str, field: str) -> str | None:
    """"use 'X' as the title", "'X' for the description"; or "title … 'X'" (the quoted text after the field)."""
    m = re.search(r"(?i)" + _QUOTED + r"\s+(?:as|for)\s+(?:the\s+|its\s+)?(?:" + field + r")\b", original)
    if m:
        return _q(m)
    m = re.search(r"(?i)\b(?:" + field + r")\b(?P<gap>[^\"“'‘]{0,40}?)" + _QUOTED, original)
    if m and _COMPARED.search(m.group("gap")):
        # "the new title is much better than 'Sparrow | Northwind'": the old text, compared, not given; "change the
        # title from 'A' to 'B'": B
        later = re.search(r"(?i)\b(?:to|into|with)\s+" + _QUOTED, original[m.end():])
        return _q(later) if later else None
    return _q(m) if m else None


#: words between a field and a quoted text that make the text the one compared with or replaced, not the new one
_COMPARED = re.compile(r"(?i)\b(?:than|instead of|rather than|from|not|was|were|used to|old|current|existing|previous"
                       r"|original|like|unlike|better|worse|beats|over)\b")


def _after(original: str, field: str) -> str | None:
    """"make the title Flint Runner – Handwoven", "change the description to: soft cotton …" (to the end)."""
    m = re.search(r"(?i)\b" + _EDIT_VERB + r"\b(?:\s+(?:the|its|it'?s|a|your))?(?:\s+new)?\s+(?:" + field + r")\b"
                  + _LINK + r"(?P<v>\S.*)$", original)
    if m is None:
        return None
    value = re.sub(r"(?i)[,;]?\s+(?:and|then)\s+(?:approve|ship|go ahead)\b.*$|\s+(?:please|pls|thanks)[.!]?$", "",
                   m.group("v")).strip()
    value = value.strip("\"“”'‘’ ")
    # a bare word after the field is an instruction ("make the title shorter"), not the new text: only a text
    # that starts like one (a capital or a digit) or that follows "to" / ":" is taken as it is written
    if not value or not (m.group("link") or value[0].isupper() or value[0].isdigit()) or _POINTS_ELSEWHERE.match(value):
        return None
    return value


#: "set the title to what you proposed", "… to the one you suggested", "title: same as before": words that point at a
#: text instead of giving one (the change is asked about, never written as the title)
_POINTS_ELSEWHERE = re.compile(r"(?i)(?:what|whatever|the one|the same|same|as (?:before|suggested|proposed|is|it was)"
                               r"|like (?:before|it was)|your|yours|you|the (?:suggested|proposed|recommended)"
                               r"|the (?:original|old|current|existing|previous|new|other)|it|that|this|before"
                               r"|previous|unchanged|no change)\b")


_ASKS_CHANGE = re.compile(
    r"\b(?:but|and|with|then)\s+(?:please\s+|pls\s+|just\s+)?(?:make(?! it so)|change|set|use|update|edit|rename"
    r"|tweak|swap|replace|fix|shorten|lengthen|reword|rewrite|lower|raise|cut|bump|reduce|increase|drop|remove|lose"
    r"|take out|leave out|add|without)\b"
    r"|\b(?:change|set|update|edit|rename|tweak|reword)\s+(?:the|its|it'?s)\s+\w+"
    r"|\b(?:title|description|anchor|link text|wording|copy|price|quantity|units|discount)(?:\s*[:=]|\s+(?:to|should be"
    r"|as|must be))"
    # "call it …", "title it …", "describe it as …", "approve 12 as '…'", "we only need 40"
    r"|\b(?:call|name|title|retitle|describe) (?:it|this|that)\b|^\s*(?:please\s+)?approve\s+#?\d+\s+as\b"
    r"|\b(?:only|just) need\b|\bneed (?:only|just)\b"
    # "order 20 fewer", "double the quantity", "halve it", "a few more units": relative, so asked, never guessed
    r"|\b(?:fewer|less|more|double|halve|half|triple|twice|a bit|smaller|bigger|larger|deeper|shallower)\b"
    r"|\d\s+with\s+[$€£]?\d"  # "approve 12 with 45.50": a value said with an approval is a change, or a question
    # "approve the mug reorder with a different supplier": a change it cannot read, asked, never dropped
    r"|\b(?:different|another|other|cheaper|shorter|longer|smaller|bigger) (?:suppliers?|vendors?|titles?|descriptions?"
    r"|prices?|quantit(?:y|ies)|wording|copy|anchors?|links?|discounts?)\b")


def asks_change(t: str) -> bool:
    """Does the (normalised) clause ask for a change to what it approves?"""
    return _ASKS_CHANGE.search(t) is not None


#: per kind, the changes the operator's words can make: the words' parameter -> the kind's parameter
EDITABLE: dict[str, dict[str, str]] = {
    # "make it 25": a bare amount is the one number the kind has (the price, the depth, the quantity)
    "pricing.adjust": {"new_price": "new_price", "amount": "new_price"},
    "inventory.markdown": {"percent_off": "percent_off", "amount": "percent_off"},
    "inventory.reorder": {"quantity": "quantity", "amount": "quantity"},
    "content.rewrite_title": {"new_title": "new_title", "new_text": "new_title"},
    "content.rewrite_meta_description": {"new_description": "new_description", "new_text": "new_description"},
    "content.create_landing_page": {"new_title": "title"},
}


def fit_change(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The change in this kind's parameters; empty when any part of it does not fit (then nothing is approved)."""
    allowed = EDITABLE.get(kind, {})
    if not params or any(k not in allowed for k in params):
        return {}
    return {allowed[k]: v for k, v in params.items()}


#: "approve 18 but keep the old title", "approve 18 with the original title": the change the approval is, refused
_KEEPS_CURRENT = re.compile(r"\b(?:keep|keeping|leave|leaving|with|using|use|stick with)\s+(?:the |its |it'?s |our )?"
                            r"(?:old|original|current|existing|previous|same)\s+(?:title|description|meta(?: description)?"
                            r"|price|quantity|discount|wording|copy|text|anchor)\b")


def keeps_current(text: str) -> bool:
    """Does the clause approve a change while asking to keep what it changes?"""
    return _KEEPS_CURRENT.search(text) is not None


def params_in(text: str, original: str) -> dict[str, Any]:
    if keeps_current(text):
        return {"keep_current": True}
    params: dict[str, Any] = dict(text_params(original))
    if params:
        return params  # a new text is the change: numbers inside it are part of the text
    # "only if it's under 40 units": a condition's number is not the change; nor is a strict bound ("but under 50
    # units": 49? 40?), which is asked; "but only up to 50 units", "at most 50 units" outside a condition is 50
    _AMOUNT = r"\s+[$€£]?\d[\d.,]*(?:\s*(?:%|units?|pcs|pieces|dollars|bucks))?"
    text = re.sub(r"\b(?:if|when|unless|as long as|so long as|provided)\b[^,;]*?\b(?:at most|up to|max(?:imum)?)" + _AMOUNT,
                  " ", text)
    text = re.sub(r"\b(?:under|over|below|above|less than|more than|fewer than|at least)" + _AMOUNT, " ", text)
    text = re.sub(r"\b(?:at most|up to|max(?:imum)?(?: of)?)(?=\s+\d)", " ", text)
    # "make it 25"; never "make it 2 weeks of stock" (a cover, not a quantity: asked)
    m = re.search(r"\bmake (?:it|that|them|this)\s+(\d+(?:\.\d+)?)\b(?!\s*(?:%|percent|units?|pcs|pieces|off|days?|weeks?"
                  r"|wks?|months?|times|x\b|of\b))", text)
    if m:  # "make it 25": the one amount of whatever is edited (fit to the action's kind when it is decided)
        params["amount"] = float(m.group(1))
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:%|percent)", text)
    # "make the socks one 25%", "set 5 to 20%": a depth said with a verb of change
    if m and (has(r"\b(off|markdown|mark it down|discount|instead|only|but|make|set|change)\b", text) or re.search(
            # "approve 5 at 10%", "approve 7 (15%)", "approve 7, 15% not 20": the depth asked, right by the action
            r"(?:\b(?:at|to|with|for)\s+|\(\s*|^(?:\w+\s+){0,2}#?\d{1,6},?\s+)" + re.escape(m.group(1)) + r"\s*(?:%|percent)",
            text)):
        params["percent_off"] = float(m.group(1))
    m = (re.search(r"\bprice\b(?:\s+of\s+#?\d+)?\s*(?:to|at|=|:|of)?\s*[$€£]?\s*(\d+(?:[.,]\d{1,2})?)(?!\s*%)", text)
         or re.search(r"\b(?:priced|at|to)\s+[$€£]\s*(\d+(?:[.,]\d{1,2})?)", text)
         or re.search(r"\bat\s+(\d+[.,]\d{2})\b", text))
    if m:
        params["new_price"] = float(m.group(1).replace(",", "."))
    m = re.search(r"\b(\d+)\s*(?:units|pcs|pieces)\b(?!\s+(?:left|remaining|in stock|on hand))"
                  r"|\bquantity\s+(?:to\s+|of\s+)?(\d+)\b|\border\s+(\d+)\s+instead\b"
                  r"|(?<=\d)\s+with\s+(\d+)\b(?!\s*(?:%|percent|[.,]\d|\w))"  # "approve 11 with 200"
                  # "approve 10 qty 25", "approve 8, 20 of them", "approve 6 but just 12", "approve 8 but order 60"
                  r"|\b(?:only|just) need\s+(\d+)\b(?!\s*%)|\bqty\s*:?\s*(\d+)\b|(?<!\bfirst\s)(?<!\btop\s)(?<!\blast\s)(?<!\bnext\s)(?<!\ball\s)\b(\d+)\s+of\s+(?:them|those|these)\b"
                  r"|\bbut\s+(?:just|only|order|get|buy)\s+(\d+)\b(?!\s*(?:%|percent|fewer|less|more|extra|additional"
                  r"|other|on top))"
                  # "only 30" is a quantity; "only 3 left (in stock)" is a fact about stock
                  r"|\bonly\s+(\d+)\b(?!\s*%)(?!\s+(?:\w+\s+)?(?:left|remaining|in stock|on hand|sold|a (?:day|week|wk)"
                  r"|per|orders?))", text)
    if m:
        params["quantity"] = int(next(g for g in m.groups() if g))
    return params
