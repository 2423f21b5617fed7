"""Dates and periods in the operator's words.

``parse_when``: "tomorrow", "next monday", "in 3 days", "for a week", "after christmas", "until
january", "mid january", "end of the month" — the point in time a snooze runs to, or None when
the words name no day anybody could put in a calendar ("until the sale is over"); the caller
asks then, it never puts a default in its place. ``period_in``: which period a question about
the store's numbers asks for ("this month", "yesterday", "last week").
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from typing import Any

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_ABBR = {d[:3]: d for d in WEEKDAYS} | {"tues": "tuesday", "thur": "thursday", "thurs": "thursday"}
_UNITS = {"minute": 60, "min": 60, "hour": 3600, "hr": 3600, "day": 86400, "week": 604800, "wk": 604800,
          "fortnight": 1209600, "month": 2592000, "mo": 2592000, "mth": 2592000, "year": 31536000, "yr": 31536000}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "couple of": 2, "few": 3}
MORNING = time(9, 0)


def _at_morning(day: datetime) -> datetime:
    return day.replace(hour=MORNING.hour, minute=0, second=0, microsecond=0)


def parse_when(text: str, now: datetime) -> datetime | None:
    """The point in time ``text`` names, relative to ``now`` (timezone kept).

    A day named without an hour ("friday", "after christmas", "the 15th") is that day at nine in the
    morning; an hour said with it ("dec 24 5pm", "thursday afternoon", "noon tomorrow") is kept; an hour
    alone ("until 5pm") is the next such hour. A corrected time ("friday, no make it monday") is read by
    the caller from the words after the correction.
    """
    t = text.lower()
    m = re.search(r"\b(\d{4}-\d{2}-\d{2})(?:[ t](\d{1,2}):(\d{2}))?\b", t)
    if m:
        day = datetime.fromisoformat(m.group(1)).replace(tzinfo=now.tzinfo)
        if m.group(2):
            return day.replace(hour=int(m.group(2)), minute=int(m.group(3)))
        return _at_morning(day)
    m = re.search(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b", t)
    if m:
        # "12/15" is December 15 and "15/12" too; "3/4" could be either, so it is not read (asked about)
        a, b = int(m.group(1)), int(m.group(2))
        month, day_of = (a, b) if b > 12 >= a else (b, a) if a > 12 >= b else (0, 0)
        if month and 1 <= day_of <= 31:
            year = int(m.group(3)) + (2000 if m.group(3) and len(m.group(3)) == 2 else 0) if m.group(3) else now.year
            try:
                when = _at_morning(datetime(year, month, day_of, tzinfo=now.tzinfo))
            except ValueError:
                return None
            return when if m.group(3) or when > now else when.replace(year=year + 1)
        return None
    m = (re.search(r"\b(?:in|for|back|out|off|by)\s+" + _COUNT + r"\s+" + _UNIT + r"s?\b", t)
         or re.search(r"(?:^|\s)" + _COUNT + r"\s+" + _UNIT + r"s?\b(?!\s+(?:of|left|ago|old|since|before|after"
                      r"|lead|cover|supply|stock|worth))", t))
    if m:
        n = re.sub(r"^(?:a )?couple(?: of)?$", "couple of", m.group(1)).replace("a few", "few")
        count = int(n) if n.isdigit() else _NUMBERS[n]
        return now + timedelta(seconds=count * _UNITS[m.group(2)])
    if re.search(r"\btonight\b|\bthis evening\b", t):
        return now.replace(hour=19, minute=0, second=0, microsecond=0) if now.hour < 19 else now + timedelta(hours=1)
    if re.search(r"\blater\b", t) and not re.search(r"\blater (?:today|this|on)\b", t):
        return now + timedelta(hours=3)
    day = _day(t, now)
    hour = _time_of_day(t)
    if hour is None:
        return day
    if day is not None:
        return day.replace(hour=hour[0], minute=hour[1])
    today = now.replace(hour=hour[0], minute=hour[1], second=0, microsecond=0)
    return today if today > now else today + timedelta(days=1)


_COUNT = r"(\d+|a couple(?: of)?|couple(?: of)?|a few|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few)"
_UNIT = r"(minute|min|hour|hr|day|week|wk|fortnight|month|mth|mo|year|yr)"
_PARTS_OF_DAY = {"morning": (9, 0), "noon": (12, 0), "midday": (12, 0), "lunchtime": (12, 0), "lunch": (12, 0),
                 "afternoon": (14, 0), "evening": (18, 0), "night": (20, 0), "end of day": (17, 0), "eod": (17, 0),
                 "end of the day": (17, 0), "close of business": (17, 0), "cob": (17, 0)}


def _time_of_day(t: str) -> tuple[int, int] | None:
    """"5pm", "10:30", "at 9", "afternoon", "noon": an hour and minute of the day, if one is said."""
    m = re.search(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?=\W|$)", t)
    if m:
        hour = int(m.group(1)) % 12 + (12 if m.group(3).startswith("p") else 0)
        return (hour, int(m.group(2) or 0)) if hour < 24 else None
    m = re.search(r"\b(?:at|by|around)\s+(\d{1,2}):(\d{2})\b|\b(\d{1,2}):(\d{2})\b", t)
    if m:
        hour, minute = int(m.group(1) or m.group(3)), int(m.group(2) or m.group(4))
        return (hour, minute) if hour < 24 and minute < 60 else None
    m = re.search(r"\b(" + "|".join(sorted(_PARTS_OF_DAY, key=len, reverse=True)) + r")\b", t)
    return _PARTS_OF_DAY[m.group(1)] if m else None


def _day(t: str, now: datetime) -> datetime | None:
    """The day ``t`` names, at nine in the morning."""
    named = _named_day(t, now)
    if named is not None:
        return named
    if re.search(r"\b(?:day after tomorrow)\b", t):
        return _at_morning(now + timedelta(days=2))
    if re.search(r"\btomorrow\b", t):
        return _at_morning(now + timedelta(days=1))
    if re.search(r"\bnext week\b", t):
        return _at_morning(now + timedelta(days=7 - now.weekday()))
    if re.search(r"\bnext month\b", t) and not re.search(r"\bend of next month\b", t):
        first = (now.replace(day=1) + timedelta(days=32)).replace(day=1)
        return _at_morning(first)
    if re.search(r"\bnext year\b", t):
        return _at_morning(datetime(now.year + 1, 1, 1, tzinfo=now.tzinfo))
    if re.search(r"\bafter (?:the |this )?weekend\b", t):
        return _at_morning(now + timedelta(days=7 - now.weekday()))
    if re.search(r"\b(?:end of (?:the |this )?week|this weekend|weekend)\b", t):
        return _at_morning(now + timedelta(days=(5 - now.weekday()) % 7 or 7))
    m = re.search(r"\b(after\s+)?(next\s+)?(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
                  r"(?:day|nesday|sday|urday|rsday)?\b", t)
    if m:
        target = WEEKDAYS.index(_ABBR[m.group(3)])
        ahead = (target - now.weekday()) % 7 or 7  # "friday" and "next friday": the coming one
        return _at_morning(now + timedelta(days=ahead + (1 if m.group(1) else 0)))
    return _written_date(t, now) or _month(t, now)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _black_friday(year: int) -> date:
    return _nth_weekday(year, 11, 3, 4) + timedelta(days=1)  # the day after the fourth Thursday of November


#: days people name by name: a function of the year to the day
_HOLIDAYS: list[tuple[str, Any]] = [
    (r"christmas eve|xmas eve", lambda y: date(y, 12, 24)),
    (r"boxing day", lambda y: date(y, 12, 26)),
    (r"christmas|xmas|x-mas", lambda y: date(y, 12, 25)),
    (r"new year'?s eve|nye", lambda y: date(y, 12, 31)),
    (r"(?:the )?new year'?s?(?: day)?", lambda y: date(y, 1, 1)),
    (r"black friday", _black_friday),
    (r"cyber monday", lambda y: _black_friday(y) + timedelta(days=3)),
    (r"thanksgiving", lambda y: _nth_weekday(y, 11, 3, 4)),
    (r"valentine'?s(?: day)?", lambda y: date(y, 2, 14)),
    (r"halloween", lambda y: date(y, 10, 31)),
    (r"independence day|(?:the )?(?:fourth|4th) of july", lambda y: date(y, 7, 4)),
]
_HOLIDAY = re.compile(r"\b(after\s+|before\s+)?(?:the\s+)?(" + "|".join(p for p, _ in _HOLIDAYS) + r")\b")


def _named_day(t: str, now: datetime) -> datetime | None:
    """"after christmas", "until black friday", "before new year's eve": the next such day, at nine."""
    m = _HOLIDAY.search(t)
    if m is None:
        return None
    day_of = next(f for p, f in _HOLIDAYS if re.fullmatch(p, m.group(2)))
    shift = timedelta(days=1 if (m.group(1) or "").startswith("after") else -1 if m.group(1) else 0)
    for year in (now.year, now.year + 1):
        when = _at_morning(datetime.combine(day_of(year) + shift, time(), tzinfo=now.tzinfo))
        if when > now:
            return when
    return None


_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if n} | {
    name.lower(): n for n, name in enumerate(calendar.month_abbr) if n} | {"sept": 9}
_MONTH_ALONE = re.compile(r"\b(?:until|till|til|to|in|into|after|before|through|by|for|next|over)\s+"
                          r"(?:the\s+)?(?:(start|beginning|middle|mid|end)(?:\s+of|-)?\s+)?"
                          r"(january|february|march|april|may|june|july|august|september|october|november|december"
                          r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b|\b(mid|end of|start of|beginning of)"
                          r"[\s-]+(january|february|march|april|may|june|july|august|september|october|november"
                          r"|december|the month|this month|next month)\b|\bend of (?:the |this )?month\b")


def _month(t: str, now: datetime) -> datetime | None:
    """"until january" (the 1st), "mid january" (the 15th), "end of january" and "end of the month" (the
    morning after its last day: the month is over): the next such day."""
    m = _MONTH_ALONE.search(t)
    if m is None:
        return None
    part = m.group(1) or m.group(3) or ("end" if m.group(0).startswith("end") else "start")
    name = m.group(2) or m.group(4) or "this month"
    after = m.group(0).startswith("after")
    for y, mo in _months_from(name, now):
        last = calendar.monthrange(y, mo)[1]
        if part.startswith("end") or after:
            when = _at_morning(datetime(y, mo, last, tzinfo=now.tzinfo) + timedelta(days=1))
        else:
            when = _at_morning(datetime(y, mo, 15 if part in ("mid", "middle") else 1, tzinfo=now.tzinfo))
        if when > now:
            return when
    return None


def _months_from(name: str, now: datetime) -> list[tuple[int, int]]:
    """The (year, month) a name means, then the one after it if that has passed."""
    if name in ("the month", "this month"):
        return [(now.year, now.month)]
    if name == "next month":
        return [(now.year + (now.month == 12), now.month % 12 + 1)]
    month = _MONTHS[name]
    return [(now.year, month), (now.year + 1, month)]


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_WRITTEN = re.compile(r"\b(?:the\s+)?\d{1,2}(?:st|nd|rd|th)(?:\s+of\s+" + _MONTH + r")?\b|\b" + _MONTH
                      + r"\s+\d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}\s+" + _MONTH + r"\b")


def _written_date(t: str, now: datetime) -> datetime | None:
    """"the 15th", "3 December", "dec 3rd": the next such day, at nine in the morning."""
    m = _WRITTEN.search(t)
    if m is None:
        return None
    alone = re.fullmatch(r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)", m.group(0))
    if alone:  # "the 5th": a day of this month, or of the next (dateparser reads "5th" as May)
        day = int(alone.group(1))
        for ahead in range(3):  # the 31st on 31 January: 31 March
            y, mo = now.year + (now.month - 1 + ahead) // 12, (now.month - 1 + ahead) % 12 + 1
            if 1 <= day <= calendar.monthrange(y, mo)[1]:
                when = _at_morning(datetime(y, mo, day, tzinfo=now.tzinfo))
                if when > now:
                    return when
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


#: the periods a question about the store's numbers can ask for (``tools.insights.windows``); a month is "YYYY-MM"
PERIODS = ("7d", "28d", "30d", "today", "yesterday", "this_week", "last_week", "this_month", "last_month")
MONTH_NAMES = r"january|february|march|april|may|june|july|august|september|october|november|december" \
               r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"


def period_in(text: str, now: datetime | None = None, *, default: str = "7d") -> str:
    """"revenue this month" -> this_month, "revenue in october" -> 2026-10; ``default`` when none is named."""
    t = text.lower()
    for pattern, period in ((r"\btoday\b|\bso far today\b", "today"), (r"\byesterday\b", "yesterday"),
                            (r"\b(?:last|past|previous) (?:30|thirty) days\b|\b30 days\b", "30d"),
                            (r"\b(?:last|past|previous) (?:7|seven) days\b|\bpast week\b", "7d"),
                            (r"\bthis month\b|\bmonth to date\b|\bmtd\b|\bso far this month\b", "this_month"),
                            (r"\b(?:last|previous) month\b", "last_month"),
                            (r"\bthis week\b|\bweek to date\b|\bso far this week\b", "this_week"),
                            (r"\b(?:last|previous) week\b|\bthe week before\b", "last_week")):
        if re.search(pattern, t):
            return period
    m = re.search(r"\b(?:in|for|of|during|over|how did|how was)\s+(?:the\s+month\s+of\s+)?(" + MONTH_NAMES + r")\b"
                  r"|\b(" + MONTH_NAMES + r")\s+(?:revenue|sales|orders|numbers)\b", t)
    if m and now is not None:
        month = _MONTHS[m.group(1) or m.group(2)]
        year = now.year if month <= now.month else now.year - 1  # the latest such month: data is in the past
        return f"{year}-{month:02d}"
    return default


_TIME_WORDS = re.compile(r"(?i)\b((?:until|till|til|after|before|through|up to)\s+.+?)\s*(?:[,.;]|\s(?:because|since"
                         r"|as|due to|cuz|bc)\b|$)|\b(?:push|move|delay|reschedule|shift|put off)\b.*?\b(to\s+.+?)"
                         r"\s*(?:[,.;]|\s(?:because|since|as|due to|cuz|bc)\b|$)")


def time_words(original: str) -> str | None:
    """"snooze 12 until the sale is over": the words that name the time, when no date could be read in them."""
    m = _TIME_WORDS.search(original)
    return (m.group(1) or m.group(2)).strip() if m else None
