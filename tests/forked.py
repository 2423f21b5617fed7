"""Forking worker processes for the crash harnesses: the parent imports everything once, each child runs
one worker and leaves with its own exit code (a traceback on stderr when it failed)."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from typing import Any


def spawn(target: Callable[..., Any], *args: Any) -> int:
    """Run ``target(*args)`` in a forked child; returns its pid."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            target(*args)
        except BaseException:  # the parent reads the exit code; the traceback goes to stderr
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    return pid
