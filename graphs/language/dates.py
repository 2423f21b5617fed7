"""Relative dates in the operator's words: "tomorrow", "next monday", "in 3 days", "for a week"."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_ABBR = {d[:3]: d for d in WEEKDAYS} | {"tues": "tuesday", "thur": "thursday", "thurs": "thursday"}
_UNITS = {"minute": 60, "min": 60, "hour": 3600, "hr": 3600, "day": 86400, "week": 604800,
          "month": 2592000}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "couple of": 2, "few": 3}
MORNING = time(9, 0)


def _at_morning(day: datetime) -> datetime:
    return day.replace(hour=MORNING.hour, minute=0, second=0, microsecond=0)


def parse_when(text: str, now: datetime) -> datetime | None:
    """The first point in time ``text`` names, relative to ``now`` (timezone kept)."""
    t = text.lower()
    m = re.search(r"\b(\d{4}-\d{2}-\d{2})(?:[ t](\d{1,2}):(\d{2}))?\b", t)
    if m:
        day = datetime.fromisoformat(m.group(1)).replace(tzinfo=now.tzinfo)
        if m.group(2):
            return day.replace(hour=int(m.group(2)), minute=int(m.group(3)))
        return _at_morning(day)
    m = re.search(r"\b(?:in|for)\s+(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)"
                  r"\s+(minute|min|hour|hr|day|week|month)s?\b", t)
    if m:
        n = m.group(1).replace("a couple of", "couple of").replace("a few", "few")
        count = int(n) if n.isdigit() else _NUMBERS[n]
        return now + timedelta(seconds=count * _UNITS[m.group(2)])
    if re.search(r"\b(?:day after tomorrow)\b", t):
        return _at_morning(now + timedelta(days=2))
    if re.search(r"\btomorrow\b", t):
        return _at_morning(now + timedelta(days=1))
    if re.search(r"\btonight\b|\bthis evening\b", t):
        return now.replace(hour=19, minute=0, second=0, microsecond=0) if now.hour < 19 else now + timedelta(hours=1)
    if re.search(r"\bnext week\b", t):
        return _at_morning(now + timedelta(days=7 - now.weekday()))
    if re.search(r"\bnext month\b", t):
        first = (now.replace(day=1) + timedelta(days=32)).replace(day=1)
        return _at_morning(first)
    if re.search(r"\b(?:end of (?:the )?week|this weekend|weekend)\b", t):
        return _at_morning(now + timedelta(days=(5 - now.weekday()) % 7 or 7))
    m = re.search(r"\b(next\s+)?(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday|rsday)?\b", t)
    if m:
        target = WEEKDAYS.index(_ABBR[m.group(2)])
        ahead = (target - now.weekday()) % 7 or 7  # "friday" and "next friday": the coming one
        return _at_morning(now + timedelta(days=ahead))
    if re.search(r"\blater\b", t):
        return now + timedelta(hours=3)
    return _written_date(t, now)


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_WRITTEN = re.compile(r"\b(?:the\s+)?\d{1,2}(?:st|nd|rd|th)(?:\s+of\s+" + _MONTH + r")?\b|\b" + _MONTH
                      + r"\s+\d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}\s+" + _MONTH + r"\b")


def _written_date(t: str, now: datetime) -> datetime | None:
    """"the 15th", "3 December", "dec 3rd": the next such day, at nine in the morning."""
    m = _WRITTEN.search(t)
    if m is None:
        return None
    import dateparser  # slow to import; only a written-out date needs it

    found = dateparser.parse(re.sub(r"^the\s+", "", m.group(0)), settings={
        "PREFER_DATES_FROM": "future", "RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DAY_OF_MONTH": "first"})
    if found is None:
        return None
    when = _at_morning(found.replace(tzinfo=now.tzinfo))
    if when <= now:  # "the 15th" on the 29th is next month's; "3 March" in November is next year's
        has_month = re.search(_MONTH, m.group(0)) is not None
        when = when.replace(year=when.year + 1) if has_month else _next_month(when)
    return when


def _next_month(day: datetime) -> datetime:
    month = day.month % 12 + 1
    return day.replace(year=day.year + (day.month == 12), month=month, day=min(day.day, 28))
