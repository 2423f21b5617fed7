"""Fixed-window rate-limit arithmetic. Over the limit means deferred, never dropped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    #: when a deferred call may try again (the start of the next window)
    retry_at: datetime | None = None


def window_start(now: datetime, window: timedelta) -> datetime:
    """The start of the fixed window that contains ``now`` (aligned to the epoch)."""
    seconds = window.total_seconds()
    epoch = now.timestamp()
    return datetime.fromtimestamp(epoch - (epoch % seconds), tz=timezone.utc)


def check(used: int, *, limit: int, now: datetime, window: timedelta) -> RateDecision:
    """``used`` calls already counted in the current window; may one more run now?"""
    if limit <= 0:
        return RateDecision(False, window_start(now, window) + window)
    if used < limit:
        return RateDecision(True)
    return RateDecision(False, window_start(now, window) + window)


def grant(used: int, want: int, *, limit: int, now: datetime, window: timedelta) -> tuple[int, datetime | None]:
    """How many of ``want`` calls may run now, and when the rest may try again."""
    room = max(0, limit - used)
    if want <= room:
        return want, None
    return room, window_start(now, window) + window
