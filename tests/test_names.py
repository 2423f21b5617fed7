"""Every name the engine's code uses is defined: a NameError never reaches a user.

A refactor that moved ``DECIDABLE`` out of ``graphs/brains/rules/operator.py`` left one use behind;
only "dont do 10" reached it, and it ended the chat. pyflakes reads every module of the engine and
the suite fails on an undefined name (unused imports and the like are left to review).
"""

from __future__ import annotations

from pathlib import Path

from pyflakes import api, messages
from pyflakes.reporter import Reporter

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("server", "graphs", "tools", "policies", "prompts", "bench")
UNDEFINED = (messages.UndefinedName, messages.UndefinedLocal, messages.UndefinedExport)


class _Collect(Reporter):
    def __init__(self) -> None:
        self.found: list[str] = []

    def unexpectedError(self, filename: str, msg: str) -> None:  # noqa: N802 (pyflakes' interface)
        self.found.append(f"{filename}: {msg}")

    def syntaxError(self, filename: str, msg: str, lineno: int, offset: int, text: str) -> None:  # noqa: N802
        self.found.append(f"{filename}:{lineno}: {msg}")

    def flake(self, message: messages.Message) -> None:
        if isinstance(message, UNDEFINED):
            self.found.append(str(message))


def test_no_module_of_the_engine_uses_an_undefined_name() -> None:
    collect = _Collect()
    files = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    assert len(files) > 100
    for path in files:
        api.checkPath(str(path), collect)
    assert collect.found == []


def test_the_check_sees_an_undefined_name(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def f(x):\n    return x in DECIDABLE\n")
    collect = _Collect()
    api.checkPath(str(broken), collect)
    assert collect.found and "DECIDABLE" in collect.found[0]
