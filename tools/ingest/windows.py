"""The windows rollups are kept for, anchored at a source's newest day (its watermark).

Search Console: the last 28 days against the 28 before (Google's own comparison,
which also evens out the weekly cycle). GA4: the last 7 days against the 28 before
them (the trailing baseline), and the last 28 days for rates such as conversion
and order value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

GSC_DAYS = 28
RECENT_DAYS = 7
BASELINE_DAYS = 28


@dataclass(frozen=True, slots=True)
class Window:
    name: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "days": self.days}


def gsc_windows(watermark: date) -> tuple[Window, Window]:
    cur = Window("current", watermark - timedelta(days=GSC_DAYS - 1), watermark)
    prev = Window("previous", cur.start - timedelta(days=GSC_DAYS), cur.start - timedelta(days=1))
    return cur, prev


def gsc_earlier(prev: Window) -> Window:
    """The four weeks before the previous window: where a page stood before a slide older than four weeks."""
    return Window("earlier", prev.start - timedelta(days=GSC_DAYS), prev.start - timedelta(days=1))


def ga4_windows(watermark: date) -> tuple[Window, Window, Window]:
    recent = Window("recent", watermark - timedelta(days=RECENT_DAYS - 1), watermark)
    baseline = Window("baseline", recent.start - timedelta(days=BASELINE_DAYS), recent.start - timedelta(days=1))
    last28 = Window("last28", watermark - timedelta(days=GSC_DAYS - 1), watermark)
    return recent, baseline, last28


def window_from(data: dict[str, Any], name: str) -> Window:
    return Window(name, date.fromisoformat(data["start"]), date.fromisoformat(data["end"]))
