"""A test run says which database engines it ran, and never passes for a whole run without PostgreSQL.

Each case runs pytest in a subprocess with this suite's conftest as a plugin, on a probe test
that takes the ``backend`` parameter (so no database is created), with PostgreSQL's port
pointed at a closed one where the case needs it to be down.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = "def test_probe(backend):\n    assert backend in ('sqlite', 'postgres')\n"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # free once closed: nothing answers there


def pytest_run(tmp_path: Path, *args: str, pg_port: int | None = None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_probe.py").write_text(PROBE)
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    patch = f"conftest.PG_PORT = {pg_port}; " if pg_port else ""
    code = (f"import sys, pytest, tests.conftest as conftest; {patch}"
            f"sys.exit(pytest.main(['-p', 'tests.conftest', '-p', 'no:cacheprovider', '-q', '-c', "
            f"{str(tmp_path / 'pytest.ini')!r}, '--rootdir', {str(tmp_path)!r}, *sys.argv[1:], "
            f"{str(tmp_path / 'test_probe.py')!r}]))")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_a_run_stops_with_what_to_do_when_postgresql_does_not_answer(tmp_path: Path) -> None:
    done = pytest_run(tmp_path, pg_port=closed_port())
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    said = " ".join((done.stdout + done.stderr).split())
    assert "PostgreSQL does not answer" in said and "make test-sqlite" in said


def test_sqlite_only_is_an_explicit_choice_and_the_summary_says_postgresql_did_not_run(tmp_path: Path) -> None:
    done = pytest_run(tmp_path, "--sqlite-only", pg_port=closed_port())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "database engines: SQLite (1 passed); PostgreSQL not run (--sqlite-only)" in done.stdout
    assert "1 passed, 1 deselected" in done.stdout


def test_the_summary_names_both_engines_when_both_ran(tmp_path: Path) -> None:
    done = pytest_run(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "database engines: SQLite (1 passed); PostgreSQL (1 passed)" in done.stdout
