"""What is wrong with a file, line by line, and the error that rejects it whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.errors import InvalidInput

#: reasons kept per import; the count is always exact
MAX_KEPT = 200


@dataclass(frozen=True, slots=True)
class Problem:
    #: the line of a CSV file, or the row of a JSON response (see ``unit``)
    line: int
    reason: str
    unit: str = "line"

    def __str__(self) -> str:
        return f"{self.unit} {self.line}: {self.reason}" if self.line else self.reason


@dataclass(slots=True)
class Problems:
    """Collects row problems; a row with any problem is a bad row."""

    kept: list[Problem] = field(default_factory=list)
    count: int = 0
    bad_lines: set[int] = field(default_factory=set)

    def add(self, line: int, reason: str, *, unit: str = "line") -> None:
        self.count += 1
        self.bad_lines.add(line)
        if len(self.kept) < MAX_KEPT:
            self.kept.append(Problem(line, reason, unit))

    def __bool__(self) -> bool:
        return self.count > 0

    def as_list(self) -> list[dict[str, Any]]:
        return [{p.unit: p.line, "reason": p.reason} for p in self.kept]


class FileRejected(InvalidInput):
    """The whole file is refused and nothing was written."""

    code = "import_rejected"

    def __init__(self, message: str, problems: list[Problem] | None = None, *, total: int | None = None,
                 code: str | None = None) -> None:
        problems = problems or []
        total = len(problems) if total is None else total
        shown = "; ".join(str(p) for p in problems[:10])
        more = f" (and {total - 10} more)" if total > 10 else ""
        super().__init__(f"{message}{': ' + shown + more if shown else ''}", code=code,
                         problems=[{p.unit: p.line, "reason": p.reason} for p in problems], total=total)
        self.problems = problems
        self.total = total
