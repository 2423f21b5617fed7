"""Parsing one field: numbers, dates and times, with a reason a person can act on.

Machine exports (the Search Console bulk export, GA4, Shopify) write numbers with
a decimal point and no grouping; a decimal comma there means the file went through
a spreadsheet in another locale, and is reported as such rather than guessed at.
The Search Console UI export is localized, so ``localized_number`` reads both.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timezone


class BadValue(ValueError):
    """A field that cannot be read; the message is the reason shown to the user."""


def _why_not_number(column: str, raw: str) -> str:
    text = raw.strip()
    if not text:
        return f"{column} is empty"
    if re.fullmatch(r"-?\d+,\d+", text):
        return f"{column} {raw!r} has a decimal comma; this export uses a decimal point"
    return f"{column} {raw!r} is not a number"


def whole_number_reason(column: str, raw: str) -> str:
    try:
        float(raw)
    except ValueError:
        return _why_not_number(column, raw)
    return f"{column} {raw!r} is not a whole number"


def integer(column: str, raw: str, *, minimum: int | None = 0) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise BadValue(whole_number_reason(column, raw)) from None
    if minimum is not None and value < minimum:
        raise BadValue(f"{column} {raw!r} is below {minimum}")
    return value


def number(column: str, raw: str, *, minimum: float | None = 0.0) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise BadValue(_why_not_number(column, raw)) from None
    if not math.isfinite(value):
        raise BadValue(f"{column} {raw!r} is not a finite number")
    if minimum is not None and value < minimum:
        raise BadValue(f"{column} {raw!r} is below {minimum:g}")
    return value


def optional_number(column: str, raw: str, *, minimum: float | None = 0.0) -> float | None:
    return None if not raw.strip() else number(column, raw.strip(), minimum=minimum)


_GROUPING = re.compile(r"[\s\u00a0\u202f']")


def localized_number(column: str, raw: str, *, decimal_comma: bool) -> float:
    """A number as a localized UI writes it: ``1,234.5``, ``1.234,5``, ``2,5 %``, ``7,3``."""
    text = _GROUPING.sub("", raw.strip().rstrip("%").strip())
    if not text:
        raise BadValue(f"{column} is empty")
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text and "." not in text and re.fullmatch(r"-?\d+,\d{1,2}", text):
        # a lone comma with one or two digits after it is a decimal comma, never grouping
        text = text.replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise BadValue(f"{column} {raw!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise BadValue(f"{column} {raw!r} is not a non-negative number")
    return value


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COMPACT_DAY = re.compile(r"^\d{8}$")


def day(column: str, raw: str) -> date:
    """``YYYY-MM-DD`` or GA4's ``YYYYMMDD``."""
    text = raw.strip()
    try:
        if _ISO_DAY.match(text):
            return date.fromisoformat(text)
        if _COMPACT_DAY.match(text):
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        pass
    raise BadValue(f"{column} {raw!r} is not a date (expected YYYY-MM-DD)")


_SHOPIFY_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$")


def timestamp(column: str, raw: str) -> datetime:
    """Shopify's ``2026-11-03 14:22:10 -0500`` or ISO 8601; a time without a zone is refused."""
    text = raw.strip()
    m = _SHOPIFY_TIME.match(text)
    if m is None:
        raise BadValue(f"{column} {raw!r} is not a date and time (expected 2026-11-03 14:22:10 -0500)")
    zone = m.group(3)
    if zone is None:
        raise BadValue(f"{column} {raw!r} has no time zone offset")
    if zone != "Z" and ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    try:
        value = datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}{'+00:00' if zone == 'Z' else zone}")
    except ValueError:
        raise BadValue(f"{column} {raw!r} is not a valid date and time") from None
    return value.astimezone(timezone.utc)


def optional_timestamp(column: str, raw: str) -> datetime | None:
    return None if not raw.strip() else timestamp(column, raw)


_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}


def boolean(column: str, raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue(f"{column} {raw!r} is not true or false")
