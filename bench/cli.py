"""The command line's start-up: each ``growth`` command against ``python -c pass`` in the same run.

Every command runs as its own process on a demo store (built once, in a scratch folder), the runs
interleaved so a busy machine slows all of them alike; medians and the fastest run are printed. The
floor row imports what any command that opens the database cannot avoid (SQLAlchemy, the ORM
models, pydantic-settings, aiosqlite), so what is ours and what is the libraries' reads off the table.

    .venv/bin/python bench/cli.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SECRET, machine  # noqa: E402

PY = sys.executable
GROWTH = [PY, "-m", "server.cli"]
#: (label, argv, target in seconds or None)
CASES: list[tuple[str, list[str], float | None]] = [
    ("python -c pass", [PY, "-c", "pass"], None),
    ("floor: import sqlalchemy + ORM models + pydantic-settings + aiosqlite",
     [PY, "-c", "import sqlalchemy.ext.asyncio, server.persistence.models, pydantic_settings, aiosqlite"], None),
    ("growth --help", [*GROWTH, "--help"], 0.3),
    ("growth actions --help", [*GROWTH, "actions", "--help"], 0.3),
    ("growth status", [*GROWTH, "status"], 0.5),
    ("growth actions list", [*GROWTH, "actions", "list"], 0.5),
    ("growth status --json", [*GROWTH, "status", "--json"], 0.5),
]


def once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one run of ``argv``."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[2:])} failed ({proc.returncode}): {stderr[-500:]}")
    return took, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (interleaved)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="growth-bench-cli-"))
    env = {**os.environ, "GROWTH_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'bench.db'}",
           "GROWTH_SECRET_KEY": SECRET, "GROWTH_DEMO_DIR": str(folder / "demo"), "COLUMNS": "120",
           "PYTHONDONTWRITEBYTECODE": "0"}
    print(f"# bench/cli.py — {machine()}")
    print("building the demo store ...", file=sys.stderr)
    subprocess.run([*GROWTH, "demo"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _label, argv, _target in CASES:  # warm the bytecode caches and the page cache
        once(argv, env)
    load = os.getloadavg()[0]
    wall: dict[str, list[float]] = {label: [] for label, _, _ in CASES}
    cpu: dict[str, list[float]] = {label: [] for label, _, _ in CASES}
    for _ in range(args.runs):
        for label, argv, _target in CASES:
            w, c = once(argv, env)
            wall[label].append(w)
            cpu[label].append(c)
    base = statistics.median(wall[CASES[0][0]])
    floor = statistics.median(wall[CASES[1][0]])
    print(f"\n{args.runs} runs each, interleaved; seconds; load average at the start: {load:.1f}\n")
    print("| command | wall median | wall fastest | CPU median | wall minus `python -c pass` | wall minus the floor "
          "| target (wall median) |")
    print("|---|---|---|---|---|---|---|")
    for label, _argv, target in CASES:
        med = statistics.median(wall[label])
        verdict = "—" if target is None else f"≤ {target} s: {'met' if med <= target else 'NOT met'}"
        print(f"| {label} | {med:.3f} | {min(wall[label]):.3f} | {statistics.median(cpu[label]):.3f} | "
              f"{med - base:+.3f} | {med - floor:+.3f} | {verdict} |")


if __name__ == "__main__":
    main()
